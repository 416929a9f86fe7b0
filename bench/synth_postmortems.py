"""Synthetic postmortems for benchmarks: varied, realistic, deterministic (seeded).

    python bench/synth_postmortems.py /tmp/pm-synth --count 10000

The files are written to the given directory (never committed); about one in ten is missing a
section or has a timeline problem, so that linters have something to report.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SERVICES = [
    "checkout API",
    "login service",
    "search cluster",
    "payments gateway",
    "web frontend",
    "image CDN",
    "order queue",
    "billing database",
    "notification worker",
    "admin portal",
]
CAUSES = [
    (
        "an expired TLS certificate between the load balancer and the {svc}",
        "issued a new certificate and reloaded the load balancer",
    ),
    (
        "a database connection pool too small for the new release of the {svc}",
        "raised the pool size and restarted the workers",
    ),
    (
        "a typo in the nginx configuration deployed to the {svc}",
        "reverted the configuration and reloaded nginx",
    ),
    (
        "a full disk on the hosts of the {svc}, filled by debug logs",
        "deleted old logs and turned debug logging off",
    ),
    (
        "a memory leak in the {svc} introduced by a library upgrade",
        "rolled back the library upgrade and restarted the pods",
    ),
]
ZONES = ["UTC", "PST", "EST", "CET", "WAT", "EAT", "IST"]
DETECT = [
    "Pager alert: error rate above 5% on the {svc}",
    "A customer reported failures to support",
    "An engineer noticed failing health checks on the {svc}",
    "Monitoring alert on latency",
]
ACTIONS = [
    "Checked the dashboards and the error logs",
    "Suspected the last deploy and rolled it back; errors continued",
    "Looked at database latency; a red herring",
    "Restarted one instance to test a theory; no change",
]
TASKS = [
    "Add an alert on {thing}",
    "Automate {thing}",
    "Document the runbook for {thing}",
    "Add a load test for {thing}",
    "Patch the {svc} to validate {thing}",
]
THINGS = [
    "certificate expiry",
    "connection pool saturation",
    "disk usage above 80%",
    "configuration changes",
    "memory growth per pod",
]


def postmortem(rng: random.Random, n: int) -> str:
    svc = rng.choice(SERVICES)
    cause, fix = rng.choice(CAUSES)
    zone = rng.choice(ZONES)
    start_h = rng.randrange(0, 21)
    minutes = rng.choice([25, 40, 65, 90, 150])
    end = start_h * 60 + minutes
    pct = rng.choice([5, 10, 25, 40, 75, 100])
    broken = rng.random() < 0.1
    t = lambda m: f"{(m // 60) % 24:02d}:{m % 60:02d}"  # noqa: E731
    entries = [f"- {t(start_h * 60 + 5)} {zone} - {rng.choice(DETECT).format(svc=svc)}."]
    step = start_h * 60 + 10
    for action in rng.sample(ACTIONS, 3):
        entries.append(f"- {t(step)} {zone} - {action}.")
        step += max(3, (minutes - 20) // 4)
    entries.append(f"- {t(step)} {zone} - Escalated to the platform team; an SRE joins the bridge.")
    entries.append(
        f"- {t(end)} {zone} - We {fix}; the {svc} is healthy again and the incident is closed."
    )
    if broken and rng.random() < 0.5:
        entries[2] = entries[2].split(" - ", 1)[1]  # an entry without a time
    tasks = [
        f"- [ ] {rng.choice(TASKS).format(thing=rng.choice(THINGS), svc=svc)}" for _ in range(3)
    ]
    parts = [
        f"# Outage of the {svc} ({n})",
        "## Issue Summary",
        f"From {t(start_h * 60)} to {t(end)} {zone} ({minutes} minutes), the {svc} returned errors "
        f"and timed out for about {pct}% of users. Pages loaded slowly or not at all, and many "
        f"requests failed. The root cause was {cause.format(svc=svc)}.",
        "## Timeline",
        "\n".join(entries),
        "## Root Cause and Resolution",
        f"The root cause was {cause.format(svc=svc)}. Requests reached the {svc}, waited for a "
        "resource that never became free, and failed after the client timeout. Retries from the "
        "clients doubled the load, which is why the error rate kept climbing after the first "
        f"alert. The team {fix}, and the error rate returned to its baseline within minutes. "
        "Nothing in the deploy pipeline or the monitoring would have caught the problem earlier.",
        "## Corrective and Preventative Measures",
        "We rely on people remembering limits and expiry dates. We will turn each of them into an "
        "alert with an owner, and test the limits before every release.",
        "\n".join(tasks),
    ]
    if broken:
        drop = rng.choice([2, 4, 6])
        del parts[drop : drop + 2]
    return "\n\n".join(parts) + "\n"


def generate(directory: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = directory / f"pm-{n:05d}.md"
        path.write_text(postmortem(rng, n), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.directory, args.count)
    print(f"wrote {args.count} postmortems to {args.directory}")


if __name__ == "__main__":
    main()
