"""Static site build benchmark: `pm build` against MkDocs and Hugo on the same synthetic corpus.

    python bench/build_bench.py                 # 10,000 postmortems in /tmp/pm-bench
    python bench/build_bench.py --n 2000 --skip-mkdocs

Generates N synthetic postmortems (seeded, 400-600 words, 8-14 timeline entries, front matter),
then times, in the same run: a full `pm build`, an incremental `pm build` after one file changes,
a no-change rebuild, `mkdocs build` (MkDocs installed with pip into a throw-away venv under the
work folder) and `hugo` (Debian's package, with three minimal layout files). The data lives in
the work folder (default /tmp/pm-bench) and is never committed. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PM = ROOT / ".venv" / "bin" / "pm"

SERVICES = [
    "checkout-api",
    "payments",
    "auth-service",
    "search",
    "orders-api",
    "postgres",
    "redis",
    "nginx",
    "kafka",
    "cdn",
    "mobile-gateway",
    "billing",
    "email",
    "dns",
]
TAGS = ["database", "network", "deploy", "tls", "capacity", "third-party", "config", "cache"]
CAUSES = ["bug", "config", "capacity", "dependency", "traffic-spike", "human-error"]
ZONES = [
    ("UTC", "UTC"),
    ("America/Los_Angeles", "PST"),
    ("Europe/Berlin", "CET"),
    ("Africa/Nairobi", "EAT"),
    ("Asia/Kolkata", "IST"),
]
WORDS = [
    "the",
    "service",
    "queue",
    "worker",
    "latency",
    "requests",
    "errors",
    "pool",
    "connection",
    "timeout",
    "deploy",
    "rollback",
    "config",
    "cache",
    "node",
    "replica",
    "cluster",
    "disk",
    "memory",
    "cpu",
    "alert",
    "dashboard",
    "page",
    "engineer",
    "team",
    "customer",
    "traffic",
    "load",
    "balancer",
    "upstream",
    "certificate",
    "retry",
    "backoff",
    "threshold",
    "metric",
    "graph",
    "log",
    "trace",
    "span",
    "shard",
    "index",
    "query",
    "lock",
    "vacuum",
    "export",
    "job",
]
STEPS = [
    "Monitoring alert fires: {s} error rate above 5%.",
    "On-call engineer acknowledges the page and opens the incident channel.",
    "The team suspects the latest deploy and rolls it back; errors continue.",
    "Escalated to the {s} team; a second engineer joins the bridge.",
    "Logs show connection pool exhaustion on {s}.",
    "Database latency looks high; it turns out to be a red herring.",
    "A config change raising the pool size is prepared and reviewed.",
    "The fix is deployed to one canary node; error rate drops on that node.",
    "The fix is rolled out to every node; error rate drops to baseline.",
    "Customer support confirms complaints have stopped.",
    "Dashboards watched for thirty minutes; metrics are stable.",
    "Incident resolved and closed; status page updated.",
]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(8, 18)
        out.append(sentence(rng, n))
        count += n
    return " ".join(out)


def postmortem(i: int, rng: random.Random) -> str:
    service = rng.choice(SERVICES)
    iana, label = rng.choice(ZONES)
    day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 5 * 365))
    start = rng.randint(0, 23 * 60)
    minutes = start
    entries = []
    for step in STEPS[: rng.randint(8, 12)]:
        minutes += rng.randint(3, 25)
        entries.append(
            f"- {minutes // 60 % 24:02d}:{minutes % 60:02d} {label} - " + step.format(s=service)
        )
    duration = minutes - start
    end = start + duration
    pct = rng.randint(1, 100)
    return f"""---
title: "{service} incident {i}: {sentence(rng, 5)[:-1]}"
id: PM-{i:05d}
status: {rng.choice(["draft", "in-review", "approved", "published"])}
severity: SEV{rng.randint(1, 4)}
services: [{service}, {rng.choice(SERVICES)}]
tags: [{rng.choice(TAGS)}]
timezone: {iana}
cause_category: {rng.choice(CAUSES)}
---

## Issue Summary

From {start // 60:02d}:{start % 60:02d} to {end // 60 % 24:02d}:{end % 60:02d} {label} on \
{day.isoformat()} ({duration} minutes), {service} returned errors to {pct}% of users. \
The root cause was {sentence(rng, 12)[:-1].lower()}. {paragraph(rng, 60)}

## Timeline

{chr(10).join(entries)}

## Root Cause and Resolution

{paragraph(rng, 120)}

{paragraph(rng, 80)}

## Corrective and Preventative Measures

{paragraph(rng, 50)}

- [ ] Add monitoring on {service} connection pool usage (owner: @ana, due: 2025-01-15)
- [x] Raise the pool size on {service} (owner: @ben)
- [ ] Write a runbook for {service} saturation
"""


def generate(src: Path, n: int) -> None:
    if src.is_dir() and len(list(src.glob("*.md"))) == n:
        return
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    rng = random.Random(1729)
    for i in range(n):
        (src / f"pm-{i:05d}.md").write_text(postmortem(i, rng), encoding="utf-8")


REALTIME: list[str] = []  # ["chrt", "-f", "10"] with --realtime


def timed(cmd: list[str], **kw: object) -> dict[str, float]:
    """Wall-clock and CPU seconds (user + system, the command and its children) of ``cmd``."""
    # Write back what the previous command wrote (and what removing its output freed) first, so
    # that it is not charged to this one.
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(REALTIME + cmd, check=True, stdout=subprocess.DEVNULL, **kw)  # type: ignore[call-overload]
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": round(wall, 2), "cpu": round(cpu, 2)}


def bench_pm(src: Path, out: Path) -> dict[str, dict[str, float]]:
    shutil.rmtree(out, ignore_errors=True)
    full = timed([str(PM), "build", str(src), "-o", str(out), "--full"])
    noop = timed([str(PM), "build", str(src), "-o", str(out)])
    victim = src / "pm-00042.md"
    original = victim.read_text(encoding="utf-8")
    victim.write_text(original.replace("Issue Summary", "Issue Summary", 1) + "\nEdited.\n")
    try:
        incremental = timed([str(PM), "build", str(src), "-o", str(out)])
    finally:
        victim.write_text(original, encoding="utf-8")
    return {"full": full, "incremental_one_file": incremental, "no_change": noop}


def mkdocs_bin(work: Path) -> Path:
    venv = work / "mkdocs-venv"
    exe = venv / "bin" / "mkdocs"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "mkdocs"], check=True)
    return exe


def bench_mkdocs(work: Path, src: Path) -> dict[str, float]:
    project = work / "mkdocs"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir()
    (project / "mkdocs.yml").write_text(f"site_name: Postmortems\ndocs_dir: {src}\n")
    return timed([str(mkdocs_bin(work)), "build", "-q", "-d", str(project / "site")], cwd=project)


HUGO_LAYOUTS = {
    "baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head>"
    '<body>{{ block "main" . }}{{ end }}</body></html>',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><table>{{ range .Pages }}<tr>'
    '<td>{{ .Date }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td>'
    "<td>{{ .Params.severity }}</td></tr>{{ end }}</table>{{ end }}",
}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run of median wall-clock time (its CPU time with it)."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    return ordered[len(ordered) // 2]


def bench_hugo(work: Path, src: Path) -> dict[str, float]:
    hugo = shutil.which("hugo")
    if hugo is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], check=True)
        hugo = "hugo"
    project = work / "hugo"
    shutil.rmtree(project, ignore_errors=True)
    layouts = project / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text)
    (project / "hugo.toml").write_text(
        'baseURL = "http://localhost/"\ntitle = "Postmortems"\n'
        'disableKinds = ["RSS", "sitemap", "robotsTXT", "taxonomy", "term"]\n'
    )
    os.symlink(src, project / "content")
    return timed([hugo, "--quiet", "-d", str(project / "public")], cwd=project)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/pm-bench"))
    ap.add_argument("--skip-mkdocs", action="store_true")
    ap.add_argument("--skip-hugo", action="store_true")
    ap.add_argument(
        "--realtime",
        action="store_true",
        help="run each build under SCHED_FIFO (chrt, root only) so other jobs on a shared "
        "machine do not stretch wall-clock times",
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time the full pm build and hugo N times each, alternating, and report the medians "
        "(the spread of single runs on a shared machine is large)",
    )
    args = ap.parse_args()
    if args.realtime:
        REALTIME[:] = ["chrt", "-f", "10"]
    src = args.work / "src"
    generate(src, args.n)
    results: dict[str, object] = {"n": args.n, "cpus": os.cpu_count(), "realtime": args.realtime}
    results["pm"] = pm = bench_pm(src, args.work / "pm-site")
    others = {}
    if not args.skip_hugo:
        others["hugo"] = results["hugo"] = bench_hugo(args.work, src)
    if args.repeat > 1:
        fulls, hugos = [pm["full"]], [results.get("hugo")]
        for _ in range(args.repeat - 1):
            out = args.work / "pm-site"
            shutil.rmtree(out, ignore_errors=True)
            fulls.append(timed([str(PM), "build", str(src), "-o", str(out), "--full"]))
            if not args.skip_hugo:
                hugos.append(bench_hugo(args.work, src))
        results["pm_full_runs"] = fulls
        pm["full"] = _median(fulls)
        if not args.skip_hugo:
            results["hugo_runs"] = hugos
            others["hugo"] = results["hugo"] = _median([h for h in hugos if h])
            pairs = [h["wall"] / f["wall"] for h, f in zip(hugos, fulls, strict=True) if h]
            results["hugo_over_pm_wall_per_pair"] = [round(r, 2) for r in pairs]
    if not args.skip_mkdocs:
        others["mkdocs"] = results["mkdocs"] = bench_mkdocs(args.work, src)
    for name, figures in others.items():
        for key in ("wall", "cpu"):
            results[f"{name}_over_pm_{key}"] = round(figures[key] / pm["full"][key], 2)
    (args.work / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
