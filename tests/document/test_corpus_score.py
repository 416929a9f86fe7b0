"""The extraction scored against the hand-made gold labels of the shared corpus (issue 2)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from postmortems.document import parse
from postmortems.document.extract import extract

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DOCS = SHARED / "corpus" / "docs"
GOLD = SHARED / "corpus" / "gold.jsonl"
SCORER = SHARED / "tools" / "score_extract.py"

pytestmark = pytest.mark.skipif(
    not (DOCS.is_dir() and GOLD.is_file() and SCORER.is_file()),
    reason="the shared corpus (../shared/corpus) is not present",
)


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extract", SCORER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_extract", module)
    spec.loader.exec_module(module)
    return module


def _extracts() -> dict[str, dict[str, object]]:
    out = {}
    for path in sorted(DOCS.iterdir()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        out[path.name] = json.loads(json.dumps(extract(parse(text, str(path)))))
    return out


def test_every_corpus_file_parses() -> None:
    for path in sorted(DOCS.iterdir()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        doc = parse(text, str(path))
        assert extract(doc)["path"] == str(path)


def test_extraction_meets_the_accuracy_target() -> None:
    scorer = _scorer()
    got = _extracts()
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    totals: dict[str, list[int]] = {}
    for g in gold:
        for field, ok in scorer.compare(g, got.get(g["doc"])).items():
            t = totals.setdefault(field, [0, 0])
            t[0] += int(ok)
            t[1] += 1
    overall = sum(ok for ok, _ in totals.values()) / sum(n for _, n in totals.values())
    weakest = {f: ok / n for f, (ok, n) in totals.items() if ok / n < 0.80}
    assert overall >= 0.92, f"overall field accuracy {overall:.1%} is below 92%"
    assert not weakest, f"fields below 80%: {weakest}"
