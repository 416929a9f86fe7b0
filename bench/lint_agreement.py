"""Agreement of `pm lint` with the hand-made gold labels of the shared corpus.

    python bench/lint_agreement.py [--corpus ../shared/corpus] [--verbose]

Prints, over the labelled postmortems, how often a missing-section finding is raised for a
section the label says is present (target <= 3% of (document, section) pairs), how often a
section the label says is missing is reported (target >= 95%), and over the files that are not
postmortems, how many get exactly one not-a-postmortem finding and nothing else (target: all).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from postmortems.lint import lint_text

ROOT = Path(__file__).resolve().parents[1]
# gold section label → the rule that reports it missing
MISSING_RULE = {
    "summary": "PM102",
    "timeline": "PM103",
    "root_cause": "PM104",
    "resolution": "PM105",
    "corrective_measures": "PM106",
    "todo_list": "PM501",
}


def measure(corpus: Path, verbose: bool = False) -> dict[str, float]:
    gold = [json.loads(line) for line in (corpus / "gold.jsonl").open(encoding="utf-8")]
    false_missing = present = caught = missing = 0
    single = non_pm = 0
    misses: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for row in gold:
        path = corpus / "docs" / row["doc"]
        codes = [v.code for v in lint_text(path.read_text(encoding="utf-8"), path=row["doc"])]
        if not row["is_postmortem"]:
            non_pm += 1
            ok = codes == ["PM101"]
            single += ok
            if verbose and not ok:
                print(f"non-postmortem {row['doc']}: {sorted(set(codes))[:8]}")
            continue
        for part, code in MISSING_RULE.items():
            reported = code in codes
            if row["sections"][part]:
                present += 1
                false_missing += reported
                if reported:
                    false[part] += 1
                    if verbose:
                        print(f"false missing {part:20} {row['doc']}")
            else:
                missing += 1
                caught += reported
                if not reported:
                    misses[part] += 1
                    if verbose:
                        print(f"not reported {part:20} {row['doc']}")
    figures = {
        "present_pairs": present,
        "false_missing": false_missing,
        "false_missing_pct": 100 * false_missing / max(1, present),
        "missing_pairs": missing,
        "missing_reported": caught,
        "missing_reported_pct": 100 * caught / max(1, missing),
        "non_postmortems": non_pm,
        "single_finding": single,
        "single_finding_pct": 100 * single / max(1, non_pm),
    }
    if verbose:
        print("false missing by section:", dict(false))
        print("missed by section:", dict(misses))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    f = measure(args.corpus, args.verbose)
    print(
        f"missing-section finding for a present section: {f['false_missing']}/"
        f"{f['present_pairs']} = {f['false_missing_pct']:.1f}% (target <= 3%)"
    )
    print(
        f"missing section reported: {f['missing_reported']}/{f['missing_pairs']} = "
        f"{f['missing_reported_pct']:.1f}% (target >= 95%)"
    )
    print(
        f"non-postmortems with exactly one PM101 and nothing else: {f['single_finding']}/"
        f"{f['non_postmortems']} = {f['single_finding_pct']:.1f}% (target 100%)"
    )
    ok = (
        f["false_missing_pct"] <= 3
        and f["missing_reported_pct"] >= 95
        and f["single_finding"] == f["non_postmortems"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
