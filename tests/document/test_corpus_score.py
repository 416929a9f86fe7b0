"""The extraction scored against the hand-made gold labels of the shared corpus (issue 2)."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
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

INDEX = SHARED / "corpus" / "index.tsv"

# A ratchet, raised with every reading improvement and never lowered: now at issue 10's targets
# (95% overall, 85% per field, 92% on the engineering teams' postmortems; 95.6%, 85.8% (the end
# of the window) and 93.0% measured on 2026-12-05). Two careful readers agree on about 94% of
# team postmortems: much higher is fitting.
OVERALL_MIN = 0.95
FIELD_MIN = 0.85
TEAM_MIN = 0.92


@pytest.fixture(autouse=True)
def _corpus_present() -> None:
    missing = [p for p in (DOCS, GOLD, SCORER, INDEX) if not p.exists()]
    if not missing:
        return
    why = f"the shared corpus is missing ({', '.join(map(str, missing))})"
    if os.environ.get("CI"):
        pytest.fail(f"{why}: CI must run the corpus score")
    pytest.skip(why)


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


def _score(
    gold: list[dict[str, object]], got: dict[str, dict[str, object]]
) -> tuple[float, dict[str, float]]:
    scorer = _scorer()
    totals: dict[str, list[int]] = {}
    for g in gold:
        for field, ok in scorer.compare(g, got.get(str(g["doc"]))).items():
            t = totals.setdefault(field, [0, 0])
            t[0] += int(ok)
            t[1] += 1
    overall = sum(ok for ok, _ in totals.values()) / sum(n for _, n in totals.values())
    return overall, {f: ok / n for f, (ok, n) in totals.items()}


def _gold() -> list[dict[str, object]]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def _team_files() -> set[str]:
    with INDEX.open(encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {r["file"] for r in rows if r["kind"] in {"team", "public"}}


@pytest.fixture(scope="module")
def extracts() -> dict[str, dict[str, object]]:
    return _extracts()


def test_extraction_meets_the_accuracy_target(extracts: dict[str, dict[str, object]]) -> None:
    overall, fields = _score(_gold(), extracts)
    weakest = {f: f"{v:.1%}" for f, v in fields.items() if v < FIELD_MIN}
    assert overall >= OVERALL_MIN, (
        f"overall field accuracy {overall:.1%} is below {OVERALL_MIN:.0%}"
    )
    assert not weakest, f"fields below {FIELD_MIN:.0%}: {weakest}"


def test_team_postmortems_meet_their_target(extracts: dict[str, dict[str, object]]) -> None:
    team = _team_files()
    overall, _ = _score([g for g in _gold() if g["doc"] in team], extracts)
    assert overall >= TEAM_MIN, f"team postmortems {overall:.1%} are below {TEAM_MIN:.0%}"
