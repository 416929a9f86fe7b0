"""Search and similar-incident latency of the pure `postmortems.search` package at scale.

    .venv/bin/python bench/search_bench.py [--count 10000] [--queries 300] [--seed 3]

Generates ``--count`` postmortems in memory (never written, never committed): 40 failure
mechanisms, each told in several phrasings, over 60 services, with error strings, and a long
tail of filler words drawn from a Zipf law over 20,000 made-up words, so that posting lists are
as skewed as real text. Each is parsed by the real parser (worker processes) and indexed. Then
it times ``Index.search`` (top 10, with snippets) for SRE-style queries, and ``similar`` (top 5,
with reasons) for postmortems picked at random, and prints p50/p95/max per query.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from postmortems.document import parse
from postmortems.parallel import run_all
from postmortems.search.bm25 import Index
from postmortems.search.similar import cause_index, similar
from postmortems.search.text import Doc, doc_from_document

MECHANISMS = [
    ("the TLS certificate for {svc} expired", "renewal had failed silently", "x509"),
    ("the disk of {svc} filled up", "logs were never rotated", "ENOSPC"),
    ("the database connection pool of {svc} was exhausted", "a leak kept connections", "ETIMEDOUT"),
    ("a DNS change removed the records of {svc}", "the zone file was edited by hand", "NXDOMAIN"),
    ("a bad config push reached {svc}", "the change skipped the canary", "config_error"),
    ("a memory leak in {svc} ran the hosts out of memory", "the OOM killer ended it", "OOMKilled"),
    ("a node of the {svc} cluster failed", "pods were not rescheduled", "NodeNotReady"),
    ("a traffic spike overloaded {svc}", "autoscaling was capped", "HTTP 503"),
    ("a slow query without an index blocked {svc}", "a full table scan held locks", "lock_wait"),
    ("a deadlock between two jobs stopped {svc}", "both took locks in opposite order", "40P01"),
    ("an expired API token broke calls from {svc}", "the token had no owner", "HTTP 401"),
    ("the load balancer sent {svc} traffic to drained hosts", "health checks were off", "502"),
    ("a firewall rule blocked port 443 on {svc}", "the rule was applied to all zones", "EHOSTUNR"),
    ("a kernel upgrade broke the network driver of {svc}", "the image was not tested", "eth0"),
    ("the message queue of {svc} backed up", "consumers crashed on a bad message", "poison"),
    ("a cache stampede hit {svc} after a flush", "every key expired at once", "miss_storm"),
    ("a third-party payment provider failed for {svc}", "there was no fallback", "HTTP 500"),
    ("a cron job deleted data of {svc}", "the path variable was empty", "rm -rf"),
    ("clock skew broke token checks in {svc}", "NTP was blocked", "iat_future"),
    ("a schema migration locked tables of {svc}", "it ran during peak hours", "ALTER TABLE"),
] + [
    (f"mechanism {n} failed inside {{svc}}", f"subsystem {n} had no alert", f"E{n:04d}")
    for n in range(20)
]
PHRASES = [
    "The root cause was that {m}, because {why}.",
    "{m}; {why}, and nobody noticed until users reported errors.",
    "We found that {m} after {why}.",
]
SERVICES = [
    f"{a}-{b}"
    for a, b in itertools.product(
        ["checkout", "login", "search", "billing", "media", "orders"],
        ["api", "db", "worker", "cache", "gateway", "frontend", "queue", "proxy", "cdn", "cron"],
    )
]
QUERIES = [
    "redis",
    "expired certificate",
    "dns outage",
    "disk full",
    "connection pool exhausted",
    "memory leak",
    "oom killed",
    "deadlock",
    "traffic spike",
    "load balancer",
    "firewall",
    "slow query index",
    "config push",
    "kernel upgrade",
    "cache stampede",
    "payment provider",
    "schema migration",
    "clock skew",
    "ENOSPC",
    "x509",
    "checkout-api",
    "node failure",
]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ter", "sun", "dra", "vel", "po", "rin", "qua", "zet", "bo"]
    words = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def postmortem(rng: random.Random, n: int, words: Sequence[str], weights: Sequence[float]) -> str:
    svc = rng.choice(SERVICES)
    mech, why, error = rng.choice(MECHANISMS)
    cause = rng.choice(PHRASES).format(m=mech.format(svc=svc), why=why)
    filler = lambda k: " ".join(rng.choices(words, weights, k=k))  # noqa: E731
    tasks = "\n".join(f"- [{rng.choice(' x')}] {filler(5)} for {svc}" for _ in range(3))
    return (
        f"---\ntitle: {svc} incident {n}\nservices: [{svc}]\n---\n# {svc} incident {n}\n\n"
        f"## Summary\nFrom 10:00 to 11:{rng.randint(10, 59)} UTC {svc} failed for "
        f"{rng.choice([5, 20, 60, 100])}% of users. {cause} {filler(40)}.\n\n"
        f"## Timeline\n- 10:00 UTC alerts fire on {svc}: `{error}`\n- 10:20 UTC {filler(12)}\n"
        f"- 11:00 UTC {filler(10)}\n\n"
        f"## Root Cause\n{cause} The logs showed `{error}`. {filler(60)}.\n\n"
        f"## Resolution\n{filler(30)}.\n\n## Action Items\n{tasks}\n"
    )


def _doc(item: tuple[int, str]) -> Doc:
    n, text = item
    return doc_from_document(f"pm-{n:05d}.md", parse(text, f"pm-{n:05d}.md"))


def generate(count: int, seed: int) -> list[Doc]:
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf
    texts = [(n, postmortem(rng, n, words, weights)) for n in range(count)]
    return list(run_all(_doc, texts))


def timed(func: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"{name:40s} p50 {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  max {ms[-1]:6.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--cache", type=Path, help="keep the parsed postmortems in this pickle")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.cache and args.cache.exists():
        docs = pickle.loads(args.cache.read_bytes())
    else:
        docs = generate(args.count, args.seed)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(docs))
    print(f"{len(docs)} postmortems generated and parsed in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    index = Index(docs)
    print(f"search index built in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    causes = cause_index(docs)
    print(f"similarity index built in {time.perf_counter() - start:.1f} s")
    rng = random.Random(args.seed)
    queries = itertools.cycle(QUERIES)
    report("search (top 10, snippets)", timed(lambda: index.search(next(queries)), args.queries))

    def cold() -> None:
        index.clear_cache()
        index.search(next(queries))

    report("search, no snippet text cached", timed(cold, args.queries))
    targets = iter(rng.choices(docs, k=args.queries))
    report(
        "similar (top 5, reasons)",
        timed(lambda: similar(next(targets), causes, top=5), args.queries),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
