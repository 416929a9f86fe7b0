"""Measure search and similar-incident models against the judged set in bench/relevance/.

    .venv/bin/python bench/relevance_eval.py [--corpus ../shared/corpus/docs] [--json]
    .venv/bin/python bench/relevance_eval.py --server sqlite|postgres [--corpus …]

Search: mean nDCG@10 over the graded queries (gain 2^grade - 1). Similar incidents: for every
postmortem in a failure-mechanism group, the relevant documents are the other members of its
groups; recall@5 is the share of them found in the top five (out of at most five), MRR the mean
reciprocal rank of the first one found. Every model runs over the same parsed documents; plain
BM25 over the whole text is the baseline for both.

``--server`` measures the team server's own pipeline instead: the corpus is imported into a fresh
database (a temporary SQLite file, or ``pm_relevance_eval`` on PostgreSQL at 127.0.0.1:5432,
dropped afterwards; ``PM_EVAL_PG_NAME`` names another) and the same queries go through
``fulltext.search`` (FTS5 ``bm25()`` or ``ts_rank``) and the same targets through
``insights.similar.similar`` (candidates from the index, ranked by the pure model), as a reader
who sees every postmortem.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from postmortems.document import parse
from postmortems.search import causes
from postmortems.search.bm25 import SEARCH_FIELDS, WHOLE_TEXT, Index
from postmortems.search.factors import suggest_factors
from postmortems.search.similar import CAUSE_FIELDS, cause_index, similar
from postmortems.search.text import Doc, doc_from_document

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus" / "docs"

# name: (field weights, word pairs as terms)
Model = tuple[Mapping[str, float], bool]
CAUSE_ONLY = {"root_cause": 3.0, "summary": 2.0, "title": 2.0, "timeline": 1.0}
SEARCH_MODELS: Mapping[str, Model] = {
    "bm25 whole text (baseline)": (WHOLE_TEXT, False),
    "bm25 whole text + pairs": (WHOLE_TEXT, True),
    "bm25f fields": (SEARCH_FIELDS, False),
    "bm25f fields + pairs (pm search)": (SEARCH_FIELDS, True),
}
SIMILAR_MODELS: Mapping[str, Model] = {
    "bm25 whole text (baseline)": (WHOLE_TEXT, False),
    "bm25 whole text + pairs": (WHOLE_TEXT, True),
    "bm25f cause parts only": (CAUSE_ONLY, False),
    "bm25f cause parts only + pairs": (CAUSE_ONLY, True),
    "bm25f search weights + pairs": (SEARCH_FIELDS, True),
    "bm25f cause-first + pairs (pm similar)": (CAUSE_FIELDS, True),
}


# The factor each mechanism group is an instance of (judged with the groups' sentences): the
# factor suggestions are measured as the share of a group's members they name it for.
FACTOR_OF_GROUP = {
    "wordpress-file-typo": "human-error",
    "nginx-config-syntax": "config-change",
    "load-balancer-misconfig": "config-change",
    "firewall-blocks-traffic": "network",
    "connection-pool-exhaustion": "capacity",
    "postgres-connection-surge": "capacity",
    "traffic-spike-overload": "traffic-spike",
    "memory-leak": "bug",
    "oom-kill": "capacity",
    "disk-full": "capacity",
    "expired-certificate": "expired-certificate",
    "dns-config-change": "dns",
    "cpu-exhaustion": "capacity",
    "employee-account-compromise": "security-issue",
    "leaked-credentials": "security-issue",
    "malicious-packages": "security-issue",
    "denial-of-service": "security-issue",
    "negative-value-validation": "bug",
    "infinite-loop": "bug",
    "hardware-failure": "hardware-failure",
    "untested-change": "deploy",
    "helm-upgrade": "deploy",
}


def factor_recall(docs: list[Doc], groups: list[dict[str, object]]) -> tuple[float, int]:
    """Share of (member, factor) pairs of the mapped groups whose suggestions name the factor."""
    by_id = {doc.id: doc for doc in docs}
    found = total = 0
    for group in groups:
        wanted = FACTOR_OF_GROUP.get(str(group["group"]))
        members = group["members"]
        if wanted is None or not isinstance(members, list):
            continue
        for member in members:
            total += 1
            found += wanted in {slug for slug, _ in suggest_factors(by_id[member])}
    return found / total, total


def repeat_precision(
    docs: list[Doc], related: dict[str, set[str]], thresholds: Sequence[float]
) -> dict[str, float]:
    """For PM801's threshold: among each postmortem's three nearest, the share of those at or
    above each score that are judged to share a mechanism, and how many there are."""
    index = cause_index(docs)
    rows = [
        (s.score, s.id in related.get(doc.id, set()))
        for doc in docs
        for s in similar(doc, index, top=3)
    ]
    out: dict[str, float] = {}
    for least in thresholds:
        kept = [judged for score, judged in rows if score >= least]
        out[f"precision@{least:.2f}"] = sum(kept) / len(kept) if kept else 0.0
        out[f"matches@{least:.2f}"] = len(kept)
    return out


def pm801_reported(docs: list[Doc], related: dict[str, set[str]]) -> dict[str, float]:
    """PM801 as it reports (whatever the dates and the action items): each postmortem's top
    five at 0.25 or more with root-cause words or error strings among the reasons, whose causes
    share the words :func:`causes.same_cause` asks; how many, and the share judged related."""
    index = cause_index(docs)
    by_id = {doc.id: doc for doc in docs}
    kept = []
    for doc in docs:
        mine = causes.doc_cause_words(doc)
        for s in similar(doc, index, top=5):
            cited = any(r.startswith(("root cause: ", "error: ")) for r in s.reasons)
            words = mine.shared(causes.doc_cause_words(by_id[s.id]))
            if s.score >= 0.25 and cited and causes.same_cause(words):
                kept.append(s.id in related.get(doc.id, set()))
    return {"matches": len(kept), "precision": sum(kept) / len(kept) if kept else 0.0}


def error_reasons(docs: list[Doc], related: dict[str, set[str]]) -> dict[str, float]:
    """The "error: …" reasons of ``pm similar``'s top five for every grouped postmortem: how
    many there are and how many hold a string with no letter (a clock time such as "04:00")."""
    index = cause_index(docs)
    by_id = {doc.id: doc for doc in docs}
    found = [
        value
        for target in related
        for match in similar(by_id[target], index, top=5)
        for reason in match.reasons
        if reason.startswith("error: ")
        for value in reason.removeprefix("error: ").split(", ")
    ]
    letterless = [v for v in found if not any(c.isalpha() for c in v)]
    return {"error strings": len(found), "with no letter": len(letterless)}


def load(corpus: Path) -> list[Doc]:
    docs = []
    for name in sorted(os.listdir(corpus)):
        document = parse((corpus / name).read_text(encoding="utf-8"), name)
        if document.is_postmortem:
            docs.append(doc_from_document(name, document))
    return docs


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def search_score(index: Index, queries: list[dict[str, object]]) -> float:
    total = 0.0
    for entry in queries:
        grades = entry["relevant"]
        assert isinstance(grades, dict)
        ranked = [hit.id for hit in index.search(str(entry["query"]), top=10)]
        total += ndcg(ranked, grades)
    return total / len(queries)


def relevant_pairs(groups: list[dict[str, object]]) -> dict[str, set[str]]:
    related: dict[str, set[str]] = {}
    for group in groups:
        members = group["members"]
        assert isinstance(members, list)
        for member in members:
            related.setdefault(member, set()).update(m for m in members if m != member)
    return related


def similar_score(
    docs: list[Doc], find: Callable[[Doc], list[str]], related: dict[str, set[str]]
) -> tuple[float, float]:
    by_id = {doc.id: doc for doc in docs}
    recall = mrr = 0.0
    for target_id, wanted in related.items():
        found = find(by_id[target_id])
        hits = [d for d in found[:5] if d in wanted]
        recall += len(hits) / min(5, len(wanted))
        mrr += next((1 / (i + 1) for i, d in enumerate(found) if d in wanted), 0.0)
    return recall / len(related), mrr / len(related)


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_EVAL = os.environ.get("PM_EVAL_PG_NAME", "pm_relevance_eval")


def server_results(
    db: str, corpus: Path, queries: list[dict[str, object]], related: dict[str, set[str]]
) -> dict[str, dict[str, float]]:
    """nDCG@10 of the server's search and recall@5 / MRR of its similar incidents."""
    import psycopg

    if db == "postgres":
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_EVAL}")
            conn.execute(f"CREATE DATABASE {PG_EVAL}")
    try:
        return _server_results(db, corpus, queries, related)
    finally:
        if db == "postgres":
            from django.db import connection

            connection.close()
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_EVAL} WITH (FORCE)")


def _server_results(
    db: str, corpus: Path, queries: list[dict[str, object]], related: dict[str, set[str]]
) -> dict[str, dict[str, float]]:
    import tempfile

    os.environ.setdefault("PM_SECRET_KEY", "relevance-eval-key-not-for-production")
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load as settings

    flags: dict[str, object] = {"data_dir": tempfile.mkdtemp(prefix="pm-relevance-")}
    if db == "postgres":
        flags["database_url"] = f"postgresql://postgres@127.0.0.1:5432/{PG_EVAL}"
    boot(settings(flags, os.environ))
    from django.utils import timezone

    from postmortems.server.accounts.access import Access
    from postmortems.server.accounts.roles import Role
    from postmortems.server.insights import similar as server_similar
    from postmortems.server.library import fulltext, store
    from postmortems.server.library import queries as library
    from postmortems.server.library.models import Postmortem

    names = sorted(os.listdir(corpus))
    files = (store.Incoming(n, (corpus / n).read_text(encoding="utf-8")) for n in names)
    list(store.save_many(files, None))
    if db == "postgres":  # the planner's statistics, as autovacuum would gather them
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    reader = Access(user_id=0, role=Role.VIEWER, teams=frozenset(), superuser=True)
    total = 0.0
    for entry in queries:
        grades = entry["relevant"]
        assert isinstance(grades, dict)
        found = fulltext.search(reader, library.Filters(), str(entry["query"]), limit=10)
        total += ndcg([h.postmortem.source_name for h in found.hits], grades)
    pms = {pm.source_name: pm for pm in Postmortem.objects.all()}
    today = timezone.localdate()

    def find(doc: Doc) -> list[str]:
        target = replace(server_similar.target_of(pms[doc.id]), until=None)  # later ones too
        hits = server_similar.similar(reader, target, today=today, top=10)
        return [s.postmortem.source_name for s in hits]

    targets = {t: wanted for t, wanted in related.items() if t in pms}
    docs = [Doc(name, "", "", {}) for name in targets]
    recall, mrr = similar_score(docs, find, targets)
    return {
        f"server search ({db})": {"ndcg@10": total / len(queries)},
        f"server similar ({db})": {"recall@5": recall, "mrr": mrr},
        f"server repeats ({db})": server_repeats(reader, list(pms.values()), related, today),
        **seen_before(db, reader, pms, related, today),  # last: it deletes postmortems
    }


def server_repeats(
    reader: object, pms: list[object], related: dict[str, set[str]], today: object
) -> dict[str, float]:
    """The approval's repeat check on the text alone (``reads_as_repeat``: whatever the dates
    and the action items) over the matches the check reads, the server's top five of every
    postmortem: how many it flags, how many of those are judged to share a failure mechanism,
    the share (precision), and the share of the judged pairs among the top fives it flags."""
    from postmortems.server.insights import similar as server_similar

    flagged = judged = judged_listed = 0
    for pm in pms:
        target = replace(server_similar.target_of(pm), until=None)  # type: ignore[arg-type]
        for s in server_similar.similar(reader, target, today=today):  # type: ignore[arg-type]
            same = s.postmortem.source_name in related.get(pm.source_name, set())  # type: ignore[attr-defined]
            judged_listed += same
            if server_similar.reads_as_repeat(s):
                flagged += 1
                judged += same
    return {
        "flagged": flagged,
        "judged related": judged,
        "precision": judged / flagged if flagged else 0.0,
        "recall of listed judged": judged / judged_listed if judged_listed else 0.0,
    }


SEEN_LEAST = (0.03, 0.08, 0.10, 0.12, 0.15)


def seen_before(
    db: str, reader: object, pms: dict[str, Any], related: dict[str, set[str]], today: object
) -> dict[str, dict[str, float]]:
    """*Seen before?* on an incident's page (``insights.seenbefore``), ranked down to the least
    score of the postmortem page (0.03) to weigh the incident page's own. The target is what an
    incident knows before its postmortem: each grouped postmortem's title, services and
    timeline entries (as notes), its own postmortem left out. Then every other member of each
    group (in name order) becomes an incident without a postmortem (its postmortem deleted),
    ranked with the postmortems left by the one model: the postmortems' ranking with and
    without those incidents among the candidates says whether they crowd it out."""
    from django.utils import timezone

    from postmortems.server.incidents.models import Incident
    from postmortems.server.insights import seenbefore

    live = {
        name: seenbefore.record_parts(
            pm.title, [("note", e.text) for e in parse(pm.text, name).timeline]
        )
        for name, pm in pms.items()
        if name in related
    }

    def run(name: str, incidents: list[tuple[Any, Any]] = []) -> list[Any]:  # noqa: B006
        pm = pms[name]
        target = seenbefore.similar.Target(
            live[name], frozenset(pm.values_of("services")), exclude=pm.pk
        )
        others = [(i, p) for i, p in incidents if i.title != name]  # not its own record
        return seenbefore.seen_before(reader, target, others, today=today, top=10)  # type: ignore[arg-type]

    page_least, seenbefore.MIN_SCORE = seenbefore.MIN_SCORE, SEEN_LEAST[0]
    judged = {t: w for t, w in related.items() if t in live}
    out = {f"seen before, live record ({db})": _seen_figures(judged, run, page_least, True)}
    gone = {m for g in _groups(judged) for m in sorted(g)[1::2]}
    type(next(iter(pms.values()))).objects.filter(pk__in=[pms[n].pk for n in gone]).delete()
    now = timezone.now()
    incidents = [
        (
            Incident(
                pk=10_000 + i,
                key=f"INC-{i}",
                title=n,
                services=pm.values_of("services"),
                created=now,
            ),
            live[n],
        )
        for i, (n, pm) in enumerate(sorted((n, pms[n]) for n in gone))
    ]
    kept = {t: w - gone for t, w in judged.items() if w - gone}
    mixed = {n: run(n, incidents) for n in judged}
    half = f"seen before, half as incidents ({db}):"
    out[f"{half} postmortems alone"] = _seen_figures(kept, run, page_least)
    out[f"{half} postmortems among them"] = _seen_figures(
        kept, lambda n: [s for s in mixed[n] if s.postmortem], page_least
    )
    out[f"{half} both"] = _seen_figures(judged, mixed.__getitem__, page_least)
    seenbefore.MIN_SCORE = page_least
    return out


def _groups(related: dict[str, set[str]]) -> list[set[str]]:
    groups: list[set[str]] = []
    for member, others in related.items():
        if {member, *others} not in groups:
            groups.append({member, *others})
    return groups


def _seen_figures(
    judged: dict[str, set[str]], find: Callable[[str], list[Any]], least: float, table: bool = False
) -> dict[str, float]:
    """recall@5 and MRR of what ``find`` ranks, and of what it lists at ``least`` (the page's
    least score), with how many it lists and the share judged related; with ``table``, the
    same count and share of its top fives at each of :data:`SEEN_LEAST`."""

    def named(s: Any) -> str:
        return str(s.postmortem.source_name if s.postmortem else s.incident.title)

    found = {t: [(named(s), s.cause_score) for s in find(t)] for t in judged}
    docs = [Doc(name, "", "", {}) for name in judged]
    out: dict[str, float] = {}
    for label, floor in (("", 0.0), ("listed ", least)):
        shown = {t: [n for n, score in found[t] if score >= floor] for t in judged}
        recall, mrr = similar_score(docs, lambda d, shown=shown: shown[d.id], judged)
        out |= {f"{label}recall@5": recall, f"{label}mrr": mrr}
    for floor in SEEN_LEAST if table else (least,):
        rows = [n in judged[t] for t in judged for n, score in found[t][:5] if score >= floor]
        out[f"n@{floor:.2f}"], out[f"p@{floor:.2f}"] = len(rows), sum(rows) / max(len(rows), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--server", choices=["sqlite", "postgres"])
    args = parser.parse_args(argv)
    queries = json.loads((HERE / "relevance" / "queries.json").read_text(encoding="utf-8"))
    groups = json.loads((HERE / "relevance" / "groups.json").read_text(encoding="utf-8"))
    related = relevant_pairs(groups)
    if args.server:
        return show(server_results(args.server, args.corpus, queries, related), args.json)
    docs = load(args.corpus)
    results: dict[str, dict[str, float]] = {}
    for name, (fields, pairs) in SEARCH_MODELS.items():
        index = Index(docs, fields=fields, phrases=pairs)
        results[f"search {name}"] = {"ndcg@10": search_score(index, queries)}
    for name, (fields, pairs) in SIMILAR_MODELS.items():
        index = cause_index(docs, fields=fields, phrases=pairs)
        recall, mrr = similar_score(
            docs, lambda d, ix=index: [s.id for s in similar(d, ix, top=10)], related
        )
        results[f"similar {name}"] = {"recall@5": recall, "mrr": mrr}
    results["PM801 threshold (top 3 of each postmortem)"] = repeat_precision(
        docs, related, (0.05, 0.10, 0.15, 0.20, 0.25, 0.30)
    )
    results["PM801 as reported (top 5, 0.25)"] = pm801_reported(docs, related)
    results["similar reasons (top 5 of grouped)"] = error_reasons(docs, related)
    recall, pairs = factor_recall(docs, groups)
    results["factors suggested (mechanism groups)"] = {"recall": recall, "pairs": pairs}
    if not args.json:
        print(f"{len(docs)} postmortems, {len(queries)} queries, {len(related)} grouped targets")
    return show(results, args.json)


def show(results: dict[str, dict[str, float]], as_json: bool) -> int:
    if as_json:
        json.dump(results, sys.stdout, indent=1)
        print()
        return 0
    for name, figures in results.items():
        shown = "  ".join(
            f"{k} {v}" if isinstance(v, int) else f"{k} {v:.3f}" for k, v in figures.items()
        )
        print(f"{name:48s} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
