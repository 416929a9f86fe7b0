"""A wheel (`pip install .`, not only the editable install of `make`) carries every file the
package reads: pyproject's package-data globs cover each file under src/postmortems."""

from __future__ import annotations

import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "postmortems"


def test_package_data_covers_every_file_that_is_not_python() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["postmortems"]
    tracked = subprocess.run(
        ["git", "ls-files", "src/postmortems"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [Path(p).relative_to("src/postmortems") for p in tracked if not p.endswith(".py")]
    assert data, "git lists the package's files"
    left_out = [str(p) for p in data if not any(_taken(p, g) for g in globs)]
    assert left_out == []


def _taken(path: Path, glob: str) -> bool:
    """Whether setuptools' ``glob`` takes ``path``: ``**/`` is any folder, the top included."""
    if glob.startswith("**/"):
        return fnmatch(path.name, glob.removeprefix("**/"))
    return fnmatch(str(path), glob)
