"""Precision of `pm lint` on team postmortems, against hand-made judgements.

    python bench/lint_precision.py [--corpus ../shared/corpus] [--judged bench/lint_judged.jsonl]
                                   [--profile classic] [--verbose]

Re-runs the linter on every file named in the judged set and matches each finding to a
judgement: same file, same code, same message stem (the text before " — "), line within 2.
Verdicts follow the corpus's LINT_JUDGING.md: correct, false, debatable. Prints precision
correct / (correct + false) over all findings, usefulness correct / all over warnings and
errors (info findings are reported apart), a per-rule table, and the findings that have no
judgement yet (they must be judged before the figures count).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from postmortems.lint import lint_text

ROOT = Path(__file__).resolve().parents[1]
VERDICTS = ("correct", "false", "debatable")


def stem(message: str) -> str:
    """The part of a message that names the problem (what follows " — " is advice)."""
    return message.split(" — ", 1)[0].strip()


def load(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for row in rows:
        if row.get("verdict") not in VERDICTS:
            raise SystemExit(f"{path}: bad verdict {row.get('verdict')!r} in {row}")
    return rows


def match(finding: dict[str, Any], judged: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    for row in judged:
        if (
            row["code"] == finding["code"]
            and stem(row["message"]) == stem(finding["message"])
            and abs(row["line"] - finding["line"]) <= 2
        ):
            return row
    return None


def findings(corpus: Path, files: Iterable[str], profile: str) -> list[dict[str, Any]]:
    out = []
    for name in sorted(files):
        text = (corpus / "docs" / name).read_text(encoding="utf-8")
        for v in lint_text(text, path=name, profile=profile):
            out.append(
                {
                    "file": name,
                    "code": v.code,
                    "line": v.line,
                    "severity": str(v.severity),
                    "message": v.message,
                }
            )
    return out


def measure(corpus: Path, judged_path: Path, profile: str) -> dict[str, Any]:
    judged = load(judged_path)
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in judged:
        by_file[row["file"]].append(row)
    results = []
    unjudged = []
    for f in findings(corpus, by_file, profile):
        row = match(f, by_file[f["file"]])
        if row is None:
            unjudged.append(f)
        else:
            results.append((f, row["verdict"]))
    return {"results": results, "unjudged": unjudged}


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {100 * a / b:.1f}%" if b else "n/a"


def report(results: list[tuple[dict[str, Any], str]], unjudged: list[dict[str, Any]]) -> None:
    total = Counter(v for _f, v in results)
    serious = Counter(v for f, v in results if f["severity"] in ("warning", "error"))
    info = Counter(v for f, v in results if f["severity"] == "info")
    print(f"judged findings: {len(results)} ({dict(total)})")
    print(f"precision, all findings: {_ratio(total['correct'], total['correct'] + total['false'])}")
    print(
        f"usefulness, warnings and errors: {_ratio(serious['correct'], sum(serious.values()))}"
        f" (precision {_ratio(serious['correct'], serious['correct'] + serious['false'])})"
    )
    print(f"info findings: {_ratio(info['correct'], sum(info.values()))} correct, {dict(info)}")
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    severity: dict[str, str] = {}
    for f, v in results:
        per_rule[f["code"]][v] += 1
        severity[f["code"]] = f["severity"]
    print("\n| rule | severity | correct | false | debatable |")
    print("| --- | --- | ---: | ---: | ---: |")
    for code in sorted(per_rule):
        c = per_rule[code]
        print(f"| {code} | {severity[code]} | {c['correct']} | {c['false']} | {c['debatable']} |")
    print(f"\nunjudged findings: {len(unjudged)}")
    for f in unjudged:
        print(f"  {f['file']}:{f['line']}: {f['code']} {f['message']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--judged", type=Path, default=ROOT / "bench" / "lint_judged.jsonl")
    parser.add_argument("--profile", default="classic")
    args = parser.parse_args(argv)
    measured = measure(args.corpus, args.judged, args.profile)
    report(measured["results"], measured["unjudged"])
    return 1 if measured["unjudged"] else 0


if __name__ == "__main__":
    sys.exit(main())
