"""`pm lint` against the linters a team would otherwise run, in the same run.

    python bench/lint_bench.py [--count 10000] [--workdir DIR] [--runs 7] [--realtime]

Peers are installed for the benchmark only, under the work directory: markdownlint-cli2 with
`npm install --prefix`, proselint with `pip install` into its own virtual environment. The
synthetic postmortems are generated there too (bench/synth_postmortems.py), never committed.

Measured, for each tool: whole-process time to lint one file (best and median of --runs, wall
clock and CPU), and the time to lint the whole corpus and the synthetic set (files per second).
`pm parse` of the same file is timed beside them. Targets: `pm lint` and `pm parse` of one file
under 150 ms (median wall); throughput on both data sets above markdownlint-cli2's and
proselint's.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth_postmortems import generate  # noqa: E402


@dataclass
class Timing:
    wall: float
    cpu: float


def run(cmd: list[str], cwd: Path | None = None) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def best_and_median(cmd: list[str], runs: int) -> dict[str, float]:
    timings = [run(cmd) for _ in range(runs)]
    return {
        "wall_best": min(t.wall for t in timings),
        "wall_median": statistics.median(t.wall for t in timings),
        "cpu_best": min(t.cpu for t in timings),
    }


def install_peers(work: Path) -> dict[str, list[str]]:
    node = work / "node"
    mdl = node / "node_modules" / ".bin" / "markdownlint-cli2"
    if not mdl.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(node), "markdownlint-cli2"], check=True
        )
    venv = work / "proselint-venv"
    proselint = venv / "bin" / "proselint"
    if not proselint.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "proselint"], check=True)
    pm = Path(sys.executable).parent / "pm"
    return {
        "pm lint": [str(pm), "lint", "--isolated", "-q"],
        "markdownlint-cli2": [str(mdl)],
        "proselint": [str(proselint), "check"],
    }


def dataset_args(tool: str, directory: Path) -> list[str]:
    if tool == "markdownlint-cli2":
        return [f"{directory}/*.md"]
    return [str(directory)]


def prepare(work: Path, corpus: Path, count: int) -> dict[str, Path]:
    corpus_dir = work / "corpus"
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    corpus_dir.mkdir(parents=True)
    for path in sorted((corpus / "docs").iterdir()):
        name = path.name if path.suffix == ".md" else path.name + ".md"
        shutil.copyfile(path, corpus_dir / name)
    synth = work / f"synthetic-{count}"
    if not synth.exists() or len(list(synth.glob("*.md"))) != count:
        shutil.rmtree(synth, ignore_errors=True)
        generate(synth, count)
    return {"corpus": corpus_dir, f"synthetic {count}": synth}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pm-lint-bench"))
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="run under SCHED_FIFO (root only) so other jobs do not stretch wall-clock times",
    )
    args = parser.parse_args(argv)
    if args.realtime:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))  # children inherit it
    # Bytecode as an installed package has it (pip compiles at install time); in a shell with
    # PYTHONDONTWRITEBYTECODE=1 every `pm` run would otherwise compile its own source again.
    compileall.compile_dir(str(ROOT / "src" / "postmortems"), quiet=1)
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    tools = install_peers(work)
    sets = prepare(work, args.corpus, args.count)
    single = ROOT / "examples" / "checkout-502.md"
    results: dict[str, dict[str, object]] = {
        "single file": {},
        "cpus": {"n": os.cpu_count(), "load": os.getloadavg()[0], "realtime": args.realtime},
    }
    for tool, cmd in tools.items():
        results["single file"][tool] = best_and_median([*cmd, str(single)], args.runs)
    pm_parse = [str(Path(sys.executable).parent / "pm"), "parse", str(single)]
    results["single file"]["pm parse"] = best_and_median(pm_parse, args.runs)
    for name, directory in sets.items():
        files = len(list(directory.glob("*.md")))
        results[name] = {"files": files}
        for tool, cmd in tools.items():
            t = run([*cmd, *dataset_args(tool, directory)])
            results[name][tool] = {"wall": t.wall, "cpu": t.cpu, "files_per_s": files / t.wall}
    print(report(results))
    (work / "results.json").write_text(json.dumps(results, indent=2))
    return 0


def report(r: dict[str, dict[str, object]]) -> str:
    one: dict[str, dict[str, float]] = r["single file"]  # type: ignore[assignment]
    pm, mdl, prose = one["pm lint"], one["markdownlint-cli2"], one["proselint"]
    lines = [
        f"CPUs: {r['cpus']['n']}, load average at start: {r['cpus']['load']:.1f}"
        + (", SCHED_FIFO" if r["cpus"].get("realtime") else ""),
        "",
        "| one file, whole process | best wall | median wall | best CPU |",
        "| --- | --- | --- | --- |",
    ]
    for tool, t in one.items():
        lines.append(
            f"| {tool} | {t['wall_best'] * 1000:.0f} ms | {t['wall_median'] * 1000:.0f} ms | "
            f"{t['cpu_best'] * 1000:.0f} ms |"
        )
    lines += [
        "",
        f"pm lint / markdownlint-cli2, one file: {pm['wall_median'] / mdl['wall_median']:.2f} "
        f"(median wall); pm lint / proselint: {pm['wall_median'] / prose['wall_median']:.2f}",
        f"one file, median wall: pm lint {pm['wall_median'] * 1000:.0f} ms, pm parse "
        f"{one['pm parse']['wall_median'] * 1000:.0f} ms (target < 150 ms each)",
        "",
        "| data set | files | tool | wall | CPU | files/s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, data in r.items():
        if name in ("single file", "cpus"):
            continue
        for tool, t in data.items():
            if tool == "files":
                continue
            assert isinstance(t, dict)
            lines.append(
                f"| {name} | {data['files']} | {tool} | {t['wall']:.2f} s | {t['cpu']:.2f} s | "
                f"{t['files_per_s']:.0f} |"
            )
        rate = {tool: t["files_per_s"] for tool, t in data.items() if isinstance(t, dict)}
        cpu = {tool: t["cpu"] for tool, t in data.items() if isinstance(t, dict)}
        lines.append(
            f"| {name} | | pm throughput / proselint = "
            f"{rate['pm lint'] / rate['proselint']:.2f}x wall, "
            f"{cpu['proselint'] / cpu['pm lint']:.2f}x per CPU second; "
            f"/ markdownlint-cli2 = {rate['pm lint'] / rate['markdownlint-cli2']:.2f}x wall "
            "(target > 1x against both) | | | |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
