"""Whole processes: this checkout against another source tree, interleaved run by run.

    git archive main src | tar -x -C /tmp/simplify/main-src
    python bench/ab_main.py [RUNS] [--other /tmp/simplify/main-src/src] [--many]

Without ``--many``: `pm lint` and `pm parse` on one file. With it: `pm lint` on every corpus
file (named one by one), and `pm build --full -j 2` and `pm lint -j 2` on 1,000 synthetic
postmortems (bench/synth_postmortems.py, generated under /tmp/pm-ab).

Both sides run this checkout's venv (`.venv/bin/pm`); the other side has ``PYTHONPATH`` pointing
at the other tree's ``src``. Runs alternate, so both see the same load on a shared machine.
Prints the median wall-clock and CPU (user + system of the child) time of each command.
"""

from __future__ import annotations

import argparse
import glob
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PM = str(ROOT / ".venv" / "bin" / "pm")
EXAMPLE = str(ROOT / "examples" / "checkout-502.md")
COMMANDS = {
    "pm lint": [PM, "lint", "--isolated", "-q", EXAMPLE],
    "pm parse": [PM, "parse", "--format", "extract", EXAMPLE],
}
WARM_UP = 2
SYNTH = Path("/tmp/pm-ab/synth")


def many_files_commands() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from synth_postmortems import generate

    if len(list(SYNTH.glob("*.md"))) != 1000:
        generate(SYNTH, 1000)
    corpus = sorted(glob.glob(str(ROOT.parent / "shared" / "corpus" / "docs" / "*")))
    site = str(SYNTH.parent / "site")
    return {
        "lint corpus": [PM, "lint", "--isolated", "-q", *corpus],
        "build 1000": [PM, "build", str(SYNTH), "-o", site, "--full", "-j", "2"],
        "lint 1000": [PM, "lint", "--isolated", "-q", "-j", "2", str(SYNTH)],
    }


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", type=int, nargs="?", default=20)
    parser.add_argument("--other", default="/tmp/simplify/main-src/src")
    parser.add_argument("--many", action="store_true", help="many files instead of one")
    args = parser.parse_args()
    commands = many_files_commands() if args.many else COMMANDS
    sides = {"this": dict(os.environ), "other": {**os.environ, "PYTHONPATH": args.other}}
    times: dict[str, list[tuple[float, float]]] = {}
    for n in range(args.runs + WARM_UP):
        for name, cmd in commands.items():
            for side, env in sides.items():
                result = timed(cmd, env)
                if n >= WARM_UP:
                    times.setdefault(f"{name} ({side})", []).append(result)
    for label, runs in times.items():
        wall = statistics.median(w for w, _ in runs) * 1000
        cpu = statistics.median(c for _, c in runs) * 1000
        print(f"{label:20s} median wall {wall:7.0f} ms   median CPU {cpu:7.0f} ms")


if __name__ == "__main__":
    main()
