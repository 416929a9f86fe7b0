"""*Did you mean…?*'s look-up: a mistyped word against the words of a library.

    PYTHONPATH=src .venv/bin/python bench/spelling_bench.py [--corpus ../shared/corpus/docs]

The vocabulary is the words of the corpus's files (``spelling.words``), then the same padded
with random words of 4 to 14 letters to 100,000 (a large library's words and typos). Each
mistyped query is timed against every word (difflib over a set, as before) and against a
``spelling.Lexicon`` (the words of about its length sharing its first or last letter); the two
must suggest the same. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from collections.abc import Callable
from difflib import get_close_matches
from pathlib import Path

from postmortems.search import spelling

QUERIES = ["certifcate", "databse conection", "kuberntes expird", "timout", "zeppelinx"]


def padded(words: set[str], size: int) -> set[str]:
    rng = random.Random(1)
    out = set(words)
    while len(out) < size:
        out.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 14))))
    return out


def every_word(query: str, vocabulary: spelling.Lexicon | set[str]) -> str:
    """The look-up before the lexicon: each word the vocabulary lacks against every word."""
    out = []
    for word in query.split():
        near = [] if word in vocabulary else get_close_matches(word, vocabulary, 1, spelling.CUTOFF)
        out.append(near[0] if near else word)
    return " ".join(out)


def lexicon(query: str, vocabulary: spelling.Lexicon | set[str]) -> str:
    return spelling.suggest(query, vocabulary) or query


def median_ms(
    look_up: Callable[[str, spelling.Lexicon | set[str]], str],
    vocabulary: spelling.Lexicon | set[str],
    rounds: int,
) -> tuple[float, list[str]]:
    times, said = [], []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            said.append(look_up(query, vocabulary))
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="../shared/corpus/docs")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [p.read_text(errors="replace") for p in sorted(Path(args.corpus).rglob("*.md"))]
    words = spelling.words(texts)
    print("| words | every word: median ms a query | lexicon: build ms, median ms a query |")
    print("| ---: | ---: | ---: |")
    for vocabulary in (words, padded(words, 100_000)):
        started = time.perf_counter()
        grouped = spelling.Lexicon(vocabulary)
        built = (time.perf_counter() - started) * 1000
        slow, before = median_ms(every_word, vocabulary, args.rounds)
        fast, after = median_ms(lexicon, grouped, args.rounds)
        assert before == after, (before, after)
        print(f"| {len(vocabulary):,} | {slow:.1f} | {built:.0f}, {fast:.1f} |")


if __name__ == "__main__":
    main()
