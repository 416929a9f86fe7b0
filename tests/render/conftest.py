"""The session's Chromium (tests/conftest.py) under the name the render tests use, and a built
site of the test postmortems."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from postmortems.render.site import build_site

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Any:
    """The session's Chromium (tests/conftest.py)."""
    return chromium


class Tab:
    """A page that records console errors, page errors and dialogs."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning"):
            self.errors.append(f"{msg.type}: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture(scope="session")
def _shared_tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Tab(context.new_page())
    context.close()


@pytest.fixture
def tab(_shared_tab: Tab) -> Tab:
    """The session's page, emptied (a new context per test costs more than the test)."""
    _shared_tab.page.goto("about:blank")
    _shared_tab.page.emulate_media(color_scheme="light")
    _shared_tab.errors.clear()
    _shared_tab.dialogs.clear()
    return _shared_tab


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from tests/render/data/site plus a file that cannot be read."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(DATA / "site", src, dirs_exist_ok=True)
    (src / "latin1.md").write_bytes("# Panne du caf\xe9\n".encode("latin-1"))
    out = tmp_path_factory.mktemp("site")
    build_site(str(src), str(out), title="Test postmortems", jobs=1)
    return out
