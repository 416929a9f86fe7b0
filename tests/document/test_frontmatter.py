"""Front matter is read by PyYAML; its errors point at the file's line and column."""

from __future__ import annotations

import time

import pytest
import yaml

from postmortems.document import frontmatter, parse
from postmortems.errors import FrontMatterError

LOADERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])]

# Nine levels of aliases, each list holding nine of the level below: 9**9 (387 million)
# strings once expanded.
BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    monkeypatch.setattr(frontmatter, "_LOADER", frontmatter.refusing_repeated_keys(request.param))
    loader_class: type = request.param
    return loader_class


def test_the_fast_loader_is_used_when_pyyaml_has_libyaml() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert frontmatter._LOADER.__mro__[1] is expected


def test_block_lists_and_flow_lists_read_the_same(loader: type) -> None:
    block = parse("---\ntitle: x\nservices:\n  - api\n  - db\n---\n\nBody\n")
    flow = parse("---\ntitle: x\nservices: [api, db]\n---\n\nBody\n")
    assert block.meta.services == flow.meta.services == ("api", "db")


def _title_or_error(front_matter: str) -> str:
    try:
        return str(parse(f"---\n{front_matter}\n---\n\nBody\n", "pm.md").meta.title)
    except FrontMatterError as exc:
        return str(exc)


def test_a_tab_after_the_colon_reads_the_same_with_or_without_a_block_list(loader: type) -> None:
    alone = _title_or_error("title:\tx")
    with_list = _title_or_error("title:\tx\ntags:\n  - a")
    assert alone == with_list
    assert alone == "x" or alone.startswith("pm.md:2:7: front matter is not valid YAML")


@pytest.mark.parametrize(
    ("front_matter", "where", "problem"),
    [
        ("title: ok\nseverity: [SEV1", "pm.md:4:1:", "expected ',' or ']'"),  # at the ---
        ("title: ok\n  bad: indent", "pm.md:3:6:", "mapping values are not allowed"),
        # a quote the text never closes: where it opens, not where the front matter ends
        ("title: 'open", "pm.md:2:8:", "a quoted scalar opened here is never closed"),
        ('title: ok\nowner: "ana\nseverity: SEV2', "pm.md:3:8:", "a quoted scalar opened here"),
    ],
)
def test_yaml_errors_give_the_file_line_and_column(
    loader: type, front_matter: str, where: str, problem: str
) -> None:
    with pytest.raises(FrontMatterError) as info:
        parse(f"---\n{front_matter}\n---\n\nBody\n", "pm.md")
    message = str(info.value)
    assert message.startswith(f"{where} front matter is not valid YAML: ")
    assert problem in message
    assert message.endswith(
        " — fix the YAML between the --- lines (quote values containing ':' or '#')"
    )


@pytest.mark.parametrize(
    ("front_matter", "where", "first"),
    [
        ("restricted: true\ntitle: ok\nrestricted: false", "pm.md:4:1:", 2),
        ("impact:\n  users_affected_pct: 5\n  users_affected_pct: 50", "pm.md:4:3:", 3),
        ("'teams': [a]\nteams: [b]", "pm.md:3:1:", 2),
    ],
)
def test_a_key_given_twice_is_refused_not_read_as_the_last(
    loader: type, front_matter: str, where: str, first: int
) -> None:
    with pytest.raises(FrontMatterError) as info:
        parse(f"---\n{front_matter}\n---\n\nBody\n", "pm.md")
    key = front_matter.split("\n")[-1].split(":")[0].strip()
    assert str(info.value) == (
        f"{where} front matter is not valid YAML: `{key}` is given twice (first on line {first})"
        " — keep one of the two: a key is given once (YAML would silently keep the last)"
    )


def test_an_impossible_date_names_its_line(loader: type) -> None:
    with pytest.raises(FrontMatterError) as info:
        parse("---\ntitle: ok\nstarted: 2024-02-30\n---\n\nBody\n", "pm.md")
    assert str(info.value).startswith("pm.md:3:1: front matter has an impossible value")


@pytest.mark.parametrize(
    ("front_matter", "where"),
    [
        ("title: ok\nbase: &b {x: 1}\nother: *b", "pm.md:3:7:"),
        ("title: ok\nlist: [a, *b]", "pm.md:3:11:"),  # an alias to nothing is refused too
        ("title: ok\nlist: &loop [1, *loop]", "pm.md:3:7:"),
    ],
)
def test_anchors_and_aliases_are_refused(loader: type, front_matter: str, where: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        parse(f"---\n{front_matter}\n---\n\nBody\n", "pm.md")
    assert str(info.value) == (
        f"{where} front matter uses a YAML anchor or alias (`&name`, `*name`)"
        " — write the value out in full instead of referring to it"
    )


def test_a_billion_laughs_is_refused_at_once(loader: type) -> None:
    assert len(BILLION_LAUGHS.splitlines()) == 9
    started = time.perf_counter()
    with pytest.raises(FrontMatterError) as info:
        parse(f"---\n{BILLION_LAUGHS}\n---\n\n## Summary\n", "bomb.md")
    assert time.perf_counter() - started < 0.5
    assert str(info.value).startswith("bomb.md:2:4: front matter uses a YAML anchor or alias")


def test_ampersands_and_stars_in_values_are_text(loader: type) -> None:
    doc = parse("---\ntitle: R&D outage *again*\ntags: ['&x', '*y']\n---\n\nBody\n")
    assert doc.meta.title == "R&D outage *again*"
    assert doc.meta.tags == ("&x", "*y")


def test_a_bad_value_in_a_flow_mapping_is_reported_at_its_line() -> None:
    doc = parse("---\ntitle: ok\nseverity: SEV2\nimpact: {users_affected_pct: 150}\n---\n\nBody\n")
    assert [(p.line, p.message) for p in doc.problems] == [
        (4, "front matter `impact.users_affected_pct`: must be between 0 and 100")
    ]


def test_front_matter_that_lost_its_fences_is_still_front_matter() -> None:
    text = (
        "date: Mon Mar 4 09:12:00 PST 2019\nauthor: A. Writer\ntitle: Our queue outage\n\n"
        "On March 1st 2019 the queue was down from 14:00 to 15:30 UTC for every customer.\n"
    )
    doc = parse(text, "x.md")
    assert doc.meta.title == "Our queue outage"
    assert doc.facts.start is not None
    assert doc.facts.start.time.hour == 14  # the post's date is not the incident's start


def test_key_lines_in_the_text_are_no_front_matter() -> None:
    text = "service: api\nimpact: high\nowner: ops\n\nThe API was down from 14:00 to 15:30 UTC.\n"
    assert "service: api" in parse(text, "x.md").preamble


def test_front_matter_never_closed_is_an_error_not_prose() -> None:
    """Its fields were read as the body: `impact: {…}` became the summary's impact and the
    title was lost, with no word of the missing ---."""
    text = "---\ntitle: DB failover\nseverity: SEV1\n\n## Issue Summary\n\nFrom 14:02 to 15:31.\n"
    with pytest.raises(FrontMatterError) as info:
        parse(text, "pm.md")
    assert str(info.value) == (
        "pm.md:1:1: front matter opened with --- on line 1 is never closed"
        " — add a line --- after its last field (before line 4)"
    )
    # A closing line of four dashes is not one: the hint points at it.
    with pytest.raises(FrontMatterError, match=r"\(before line 4\)"):
        parse("---\ntitle: DB failover\nseverity: SEV1\n----\n\n## Issue Summary\n", "pm.md")
    # A rule above prose is Markdown: a line that is not a lower-case field, one `key:` line
    # alone, or keys none of which is a field of the format.
    for body in (
        "Summary: the API failed.\n",
        "The API failed.\n",
        "# Title\n\ntitle: x\n",
        "note: this page was moved from the wiki, see below.\n\n# Payments API outage\n",
        "layout: post\npermalink: /x/\n\n# Payments API outage\n",
    ):
        assert parse(f"---\n{body}", "pm.md").kind is not None


@pytest.mark.parametrize(
    ("services", "said"),
    [
        ("[Checkout API, nginx]", "'Checkout API' is not a service name (write `checkout-api`)"),
        ("[nginx, ../../etc]", "'../../etc' is not a service name (lower-case letters"),
    ],
)
def test_a_service_that_is_no_service_name_leaves_the_list_unset_and_kept(
    services: str, said: str
) -> None:
    text = f"---\ntitle: t\nservices: {services}\n---\n## Summary\nDown.\n"
    meta, found = frontmatter.load(text.split("---\n")[1])
    assert meta.services is None
    assert dict(meta.extra)["services"]  # written back as it was: nothing lost
    (problem,) = found
    assert problem.line == 3
    assert said in problem.message
    assert "list of service names" in problem.hint


def test_service_names_read_as_written() -> None:
    meta, found = frontmatter.load("services: [checkout-api, payments/ledger, api.v2]\n")
    assert meta.services == ("checkout-api", "payments/ledger", "api.v2")
    assert found == []
