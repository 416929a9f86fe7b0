"""Shared fixtures: where the shared corpus is."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "docs").is_dir():
        pytest.skip("the shared corpus is not next to this checkout")
    return CORPUS
