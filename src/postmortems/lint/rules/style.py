"""PM6xx: style — length, blameless language, readability, engagement."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from postmortems.document.lines import Line, LineKind
from postmortems.document.model import SectionKind
from postmortems.document.wording import any_word
from postmortems.lint.context import Context, prose_words
from postmortems.lint.registry import Finding, rule
from postmortems.lint.rules.timeline import sentences
from postmortems.lint.violation import Severity


@rule(
    "PM601",
    "word-count",
    Severity.WARNING,
    requirement="Brief: 400–600 prose words in `classic` (front matter, code, URLs and markup "
    "not counted)",
)
def word_count(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Counts the words a reader reads — not front matter, code, URLs, link targets, HTML or
        Markdown markup — and reports a postmortem outside `min-words`..`max-words` (400–600
        in `classic`).

    Why it matters:
        A postmortem is read by busy people: too short and it cannot explain the cause, too
        long and it is not read.

    Example:
        A 150-word postmortem, or a 2,000-word one.

    Use instead:
        400 to 600 words: say what happened, why, and what will change.
    """
    least = int(ctx.options["min-words"])
    most = int(ctx.options["max-words"])
    if not least and not most:
        return
    words = sum(prose_words(ln.raw) for ln in ctx.prose_lines)
    first = next((ln.number for ln in ctx.prose_lines), 1)
    if least and words < least:
        yield Finding(first, f"{words} words — a postmortem needs at least {least}; explain more")
    elif most and words > most:
        yield Finding(first, f"{words} words — keep it under {most}; be brief and to the point")


# "The config got messed up", "the index was screwed up": said of a thing's state, not a person.
_OF_A_THING = r"(?<!got )(?<!get )(?<!gets )(?<!was )(?<!were )(?<!been )(?<!is )(?<!are )(?<!be )"
_BLAME = (
    r"careless\w*",
    r"negligen\w*",
    r"incompeten\w*",
    r"stupid\w*",
    r"lazy(?![- ]?load)|laziness",
    r"sloppy|sloppiness",
    r"idiot\w*",
    r"dumb",
    r"reckless\w*",
    r"should have known",
    r"should(?:'ve| have) been more careful",
    r"(?:his|her|their) fault",
    r"fault of",
    r"(?:is|are|was|were) to blame(?!-)",
    _OF_A_THING + r"screw(?:ed)? up",
    _OF_A_THING + r"messed up",
)
_NAMED = re.compile(
    r"\b(?P<who>[A-Z][a-z]{2,})(?:'s|’s) (?:mistake|fault|error|negligence|carelessness|"
    r"blunder|oversight)\b|\b(?P<who2>[A-Z][a-z]{2,}) (?:forgot|neglected|messed up|"
    r"screwed up|did not bother|didn't bother)\b|"
    # "Alice pushed the change without testing it": a person's step done without a check
    r"\b(?P<who3>[A-Z][a-z]{2,}) (?:pushed|deployed|merged|shipped|released|applied|ran|"
    r"changed|edited|deleted|dropped|restarted|rebooted|rolled out|made)\b[^.!?\n]{0,60}? "
    r"without (?:any |a |peer )?(?:testing|tests|checking|verifying|review(?:ing)?|approval|"
    r"asking|telling|notifying)\b"
)
_NOT_NAMES = {
    "The",
    "This",
    "That",
    "Our",
    "Human",
    "User",
    "Operator",
    "Config",
    "Configuration",
    "System",
    "Server",
    "Nginx",
    "Apache",
    "Deployment",
    "Script",
    "Puppet",
    "Monitoring",
    "Team",
    "Engineer",
    "Someone",
    "Nobody",
    "Everyone",
    "Which",
    "Who",
    "It",
    "Its",
}


@rule(
    "PM602",
    "blaming-language",
    Severity.WARNING,
    requirement="Blameless: no blaming of people (“careless”, “should have known”, a named "
    "person's mistake)",
)
def blaming_language(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports words that blame people ("careless", "should have known", "negligent") and
        sentences that pin the incident on a named person ("Alice forgot to…", "Bob's
        mistake", "Alice pushed the change without testing it"). Word lists are
        configurable: `blame-words` adds, `allowed-words` removes.
        "Messed up" said of a thing's state ("the config got messed up") blames no one, nor
        does a tool's or a listed service's name ("Jenkins forgot to run the tests"). A phrase
        a line end splits ("should have / known") is read whole.

    Why it matters:
        Postmortems are blameless so that people say what really happened; blame makes the
        next one less honest, and hides the system that allowed the mistake.

    Example:
        The outage happened because Alice carelessly pushed a bad config.

    Use instead:
        A bad config reached production because the deploy pipeline does not validate it.
    """
    allowed = {w.lower() for w in ctx.options["allowed-words"]}
    words = [*_BLAME, *map(re.escape, ctx.options["blame-words"])]
    blame = re.compile(rf"\b(?:{'|'.join(words)})\b", re.I)
    prose = _Prose(ctx.prose_lines)
    if not blame.search(prose.text) and not _NAMED.search(prose.text):
        return
    things = _things_named(ctx)
    for m in blame.finditer(prose.text):
        if m.group(0).lower() not in allowed:
            said = f"“{' '.join(m.group(0).split())}” blames people — describe what the system "
            yield prose.finding(m, said + "allowed instead")
    for m in _NAMED.finditer(prose.text):
        who = m["who"] or m["who2"] or m["who3"]
        if who in _NOT_NAMES or who.lower() in things or m.group(0).lower() in allowed:
            continue
        if m["who3"] and who.lower() in _NOT_WORD.split(prose.text):
            continue  # "Then pushed …", "Engineers deployed …": a word the text also writes small
        said = f"“{' '.join(m.group(0).split())}” pins the incident on a person — describe the "
        yield prose.finding(m, said + "gap in the process or tooling")


class _Prose:
    """The prose lines as one text, a line's end a space within a paragraph, so that a phrase
    a hard-wrapped line splits ("… Kevin should have / known …") is still read whole."""

    def __init__(self, lines: list[Line]) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.lines = lines
        offset, previous = 0, None
        for ln in lines:
            gap = "" if previous is None else (" " if ln.number == previous + 1 else "\n")
            offset += len(gap)
            parts.append(gap + ln.raw)
            self.starts.append(offset)
            offset += len(ln.raw)
            previous = ln.number
        self.text = "".join(parts)

    def finding(self, m: re.Match[str], message: str) -> Finding:
        """A finding on the line the match begins on; its columns there."""
        i = bisect.bisect_right(self.starts, m.start()) - 1
        ln, column = self.lines[i], m.start() - self.starts[i]
        end = min(m.end() - self.starts[i], len(ln.raw))
        return Finding(ln.number, message, column=column + 1, end_column=end + 1)


_NOT_WORD = re.compile(r"\W+")
# Tools people write like names: "Jenkins forgot to run the tests" blames no one.
_TOOLS = frozenset(
    {
        *("jenkins", "terraform", "ansible", "puppet", "chef", "salt", "docker", "kubernetes"),
        *("helm", "argo", "spinnaker", "redis", "postgres", "mysql", "kafka", "rabbitmq"),
        *("consul", "vault", "prometheus", "grafana", "github", "gitlab", "cron", "celery"),
        *("sidekiq", "airflow", "circleci", "travis", "bamboo", "renovate", "dependabot"),
        *("cloudflare", "fastly", "akamai"),
    }
)


def _things_named(ctx: Context) -> frozenset[str]:
    """Words that name things, not people: the services and tags the front matter lists, and
    common tools."""
    meta = ctx.doc.meta
    listed = {
        w.lower()
        for name in (*(meta.services or ()), *(meta.tags or ()))
        for w in _NOT_WORD.split(name)
    }
    return _TOOLS | listed


_HUMAN = re.compile(
    r"\b(?:human|operator|user|manual|engineer(?:'s)?|personal) (?:error|mistake)s?\b", re.I
)
_SYSTEMIC = any_word(
    r"process\w*|review\w*|automat\w*|valid\w*|guard\w*|safeguard\w*|test\w*|tool\w*|"
    r"monitor\w*|alert\w*|procedur\w*|runbook\w*|checklist\w*|permission\w*|access|lack\w*|"
    r"missing|no (?:check|review|test|validation)|pipeline\w*|ci|documentation|training|"
    r"design|system\w*|allowed|without"
)


@rule(
    "PM603",
    "human-error-root-cause",
    Severity.WARNING,
    requirement="Blameless: “human error” is not given as the root cause without a systemic cause",
)
def human_error_root_cause(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a root cause that is "human error" (or "operator error") with no systemic
        cause: no process, review, test, validation, automation or tooling gap named. The
        summary's "The root cause was human error" is reported too, unless the root-cause
        section names what let the mistake through.

    Why it matters:
        People make mistakes every day; the root cause is whatever let this one reach users.

    Example:
        ## Root Cause
        Human error: an engineer ran the wrong command.

    Use instead:
        ## Root Cause
        An engineer ran a cleanup command against production; the script has no environment
        check and no dry-run mode, so nothing stopped it.
    """
    sections = ctx.sections(SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION)
    texts = [(s.span.start, ctx.section_text(s)) for s in sections]
    # the summary's "The root cause was human error" is what executives read: reported unless
    # the root-cause section names what let the mistake through
    said = ctx.doc.facts.root_cause
    if said and _HUMAN.search(said) and not any(said in text for _, text in texts):
        told = " ".join(text for _, text in texts)
        texts.append((ctx.heading_line(SectionKind.SUMMARY), f"{said} {told}"))
    for line, text in texts:
        if _HUMAN.search(text) and not _SYSTEMIC.search(text):
            yield Finding(
                line,
                "the root cause is “human error” — name what in the system let the mistake "
                "through (no review, no validation, no guard)",
            )


_VISUAL = re.compile(
    r"!\[[^\[\]]*\]\([^()]*\)|<img\b|<svg\b|<picture\b|^```\s*(?:mermaid|plantuml|dot|graphviz)|"
    r"[█░▓▒─│┌┐└┘├┤┬┴┼═║╔╗╚╝]{3}",  # a text diagram drawn with block or box characters
    re.I | re.M,
)


@rule(
    "PM604",
    "no-visual",
    Severity.INFO,
    requirement="Engaging: a diagram, image, table or chart catches the reader's attention",
)
def no_visual(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Notes (info) a postmortem with no image, diagram (Mermaid, PlantUML, Graphviz, or
        drawn with block and box characters), table or chart.

    Why it matters:
        A postmortem is worth reading when something catches the eye: a diagram of the
        failure or a graph of the error rate explains in a second what takes a paragraph.

    Example:
        Text only.

    Use instead:
        ![Error rate during the incident](error-rate.png)
    """
    if any(ln.kind is LineKind.TABLE for ln in ctx.lines):
        return
    if _VISUAL.search(ctx.doc.source):
        return
    first = next((ln.number for ln in ctx.prose_lines), 1)
    yield Finding(
        first, "no diagram, image, table or chart — one picture of the failure helps readers"
    )


@rule(
    "PM605",
    "long-sentence",
    Severity.INFO,
    requirement="Readable: sentences of at most `sentence-max-words` words",
)
def long_sentence(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Notes (info) prose sentences longer than `sentence-max-words` words (40).

    Why it matters:
        Long sentences are where readers get lost, and executives skim.

    Example:
        The database, which had been upgraded the week before by the platform team as part
        of the migration that was planned in the spring, ran out of connections because the
        pool size was not adjusted after the upgrade and nobody noticed it until traffic
        peaked on Monday morning.

    Use instead:
        The database ran out of connections on Monday morning. Its pool size had not been
        adjusted after last week's upgrade.
    """
    most = int(ctx.options["sentence-max-words"])
    for ln in ctx.prose_lines:
        if ln.kind is not LineKind.TEXT:
            continue
        for sentence in sentences(ln.raw):
            count = len(sentence.split())
            if count > most:
                yield Finding(ln.number, f"a sentence of {count} words — split it (at most {most})")
                break
