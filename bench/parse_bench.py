"""Parsing speed (issue 2): throughput in one process, and whole-process time of one file.

    python bench/parse_bench.py [--runs 7] [--process-runs 20] [--file PATH ...]

(a) Throughput: every corpus file is read into memory once, then parsed ``--runs`` times in
    this process; the figure is the median documents per second (target: at least 150).
(b) Whole process: ``pm parse --format extract FILE`` run ``--process-runs`` times, cold
    interpreter each time; the figure is the median wall-clock time (target: under 150 ms).
    Uses hyperfine when it is installed (3 warm-up runs), else a timing loop here.

The corpus is ../shared/corpus/docs next to the checkout; the default files for (b) are the
canonical example (with front matter), the corpus file of median size, and the largest corpus
file (an index of hundreds of postmortems: the slow path).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "docs"
PM = ROOT / ".venv" / "bin" / "pm"
EXAMPLE = ROOT / "examples" / "checkout-502.md"


def corpus_texts() -> list[tuple[str, str]]:
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS}: no corpus here — check out the shared corpus next to the repository")
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    return [(str(p), p.read_bytes().decode("utf-8", errors="replace")) for p in files]


def throughput(runs: int) -> dict[str, float]:
    """Median documents per second of ``parse`` (and of ``parse`` + ``extract``)."""
    from postmortems.document import parse
    from postmortems.document.extract import extract

    docs = corpus_texts()
    for path, text in docs:  # warm-up: imports, regex and zone caches
        parse(text, path)
    parse_rates, extract_rates, cpu_rates = [], [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        for path, text in docs:
            parse(text, path)
        parse_rates.append(len(docs) / (time.perf_counter() - start))
        cpu_rates.append(len(docs) / (time.process_time() - cpu))
        start = time.perf_counter()
        for path, text in docs:
            extract(parse(text, path))
        extract_rates.append(len(docs) / (time.perf_counter() - start))
    return {
        "documents": len(docs),
        "parse_docs_per_s": statistics.median(parse_rates),
        "parse_extract_docs_per_s": statistics.median(extract_rates),
        "parse_docs_per_cpu_s": statistics.median(cpu_rates),  # what a quiet machine gives
        "runs": runs,
    }


def process_time(file: Path, runs: int) -> dict[str, object]:
    """Median wall-clock seconds of ``pm parse --format extract FILE``."""
    command = [str(PM), "parse", "--format", "extract", str(file)]
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "h.json"
            subprocess.run(
                [
                    hyperfine,
                    "--warmup",
                    "3",
                    "--runs",
                    str(runs),
                    "--export-json",
                    str(out),
                    "--style",
                    "none",
                    "--output",
                    "null",
                    " ".join(command),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            result = json.loads(out.read_text())["results"][0]
        times = result["times"]
        cpu = result["user"] + result["system"]
        tool = "hyperfine"
    else:
        for _ in range(3):
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times = []
        before = _children_cpu()
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - start)
        cpu = (_children_cpu() - before) / runs
        tool = "python timing loop"
    return {
        "file": str(file.relative_to(ROOT.parent) if file.is_relative_to(ROOT.parent) else file),
        "bytes": file.stat().st_size,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "cpu_s": cpu,  # user + system, mean: what the process costs whatever else runs
        "runs": runs,
        "tool": tool,
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def default_files() -> list[Path]:
    """The canonical example, the corpus file of median size, and the largest one."""
    by_size = sorted((p for p in CORPUS.iterdir() if p.is_file()), key=lambda p: p.stat().st_size)
    return [EXAMPLE, by_size[len(by_size) // 2], by_size[-1]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="throughput runs (median)")
    ap.add_argument("--process-runs", type=int, default=20, help="whole-process runs (median)")
    ap.add_argument("--file", type=Path, action="append", help="file(s) for the process time")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--realtime",
        action="store_true",
        help="run under SCHED_FIFO (root only) so that other jobs on a busy machine do not\n"
        "interfere; the kernel still keeps 5%% of each second for everything else",
    )
    args = ap.parse_args()
    if args.realtime:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))  # children inherit it
    # Bytecode as an installed package has it (pip compiles at install time); in a shell with
    # PYTHONDONTWRITEBYTECODE=1 every `pm` run would otherwise compile its own source again.
    compileall.compile_dir(str(ROOT / "src" / "postmortems"), quiet=1)
    if not PM.exists():
        sys.exit(f"{PM}: not installed — run `make test` (or `make bench`) first")

    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load_average()}"
        + (", SCHED_FIFO" if args.realtime else ""),
        "throughput": throughput(args.runs),
        "process": [process_time(f, args.process_runs) for f in (args.file or default_files())],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    t = report["throughput"]
    print(f"Parsing (issue 2) — {report['machine']}")
    print(
        f"  throughput over {t['documents']} corpus documents, median of {t['runs']} runs: "
        f"parse {t['parse_docs_per_s']:.0f} docs/s (target >= 150; "
        f"{t['parse_docs_per_cpu_s']:.0f} per CPU second), "
        f"parse + extract {t['parse_extract_docs_per_s']:.0f} docs/s"
    )
    for p in report["process"]:
        print(
            f"  `pm parse --format extract {p['file']}` ({p['bytes']} bytes): "
            f"median {p['median_s'] * 1000:.0f} ms, min {p['min_s'] * 1000:.0f} ms, "
            f"CPU {p['cpu_s'] * 1000:.0f} ms, over {p['runs']} runs ({p['tool']}; "
            "target: median < 150 ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
