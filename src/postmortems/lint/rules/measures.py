"""PM5xx: corrective and preventative measures — broad improvements and a list of specific
tasks that start with a verb, name a thing and are not vague; owners and due dates where the
profile asks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from postmortems.document.lines import LineKind
from postmortems.document.model import ActionItem, SectionKind
from postmortems.document.wording import any_word
from postmortems.lint.context import LIST_ITEM, Context, prose_words
from postmortems.lint.registry import Finding, rule
from postmortems.lint.tasks import done_items, open_tasks, task_text
from postmortems.lint.taskwords import starts_with_verb, task_words
from postmortems.lint.violation import Edit, Fix, Severity

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@rule(
    "PM501",
    "missing-task-list",
    Severity.ERROR,
    requirement="Measures: a list of specific tasks (a TODO list)",
)
def missing_task_list(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a postmortem without a list of specific tasks (bullets, numbers, checkboxes
        or table rows) in its measures section.

    Why it matters:
        Prose about "improving things" is not tracked; a list of tasks reaches a tracker and
        gets done.

    Example:
        ## Corrective and Preventative Measures
        We will improve our monitoring and our certificate process.

    Use instead:
        ## Corrective and Preventative Measures
        We will improve our monitoring and our certificate process.

        - [ ] Add an alert on certificate expiry under 14 days
        - [ ] Automate certificate renewal with cert-manager
    """
    if not ctx.parts["todo_list"]:
        yield Finding(
            ctx.heading_line(SectionKind.MEASURES),
            "no list of specific tasks — add one: “- [ ] Add monitoring on server memory”",
        )


@rule(
    "PM502",
    "measures-without-broad-improvements",
    Severity.WARNING,
    requirement="Measures: what can be improved broadly, besides the tasks",
)
def measures_without_broad_improvements(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a measures section that is only a task list, with no sentence on what can be
        improved broadly (a Lessons Learned section also says it).

    Why it matters:
        The broad improvement ("certificates issued by hand are invisible") is what other
        teams can apply; the tasks only fix this instance.

    Example:
        ## Corrective and Preventative Measures
        - [ ] Renew the certificate

    Use instead:
        ## Corrective and Preventative Measures
        Certificates issued by hand are invisible until they fail; we will automate them.

        - [ ] Automate certificate renewal with cert-manager
    """
    sections = ctx.sections(SectionKind.MEASURES)
    if not sections or not ctx.doc.action_items:
        return
    if any(prose_words(s.body) >= 8 for s in ctx.sections(SectionKind.LESSONS)):
        return  # the lessons learned say what to improve broadly
    words = sum(prose_words(s.body) for s in sections)
    if words < 8:
        yield Finding(
            sections[0].span.start,
            "the measures are only a task list — add a sentence or two on what to improve broadly",
        )


def _item_line(ctx: Context, item: ActionItem) -> int:
    return item.line or ctx.heading_line(SectionKind.MEASURES)


def _tasks_lacking(
    ctx: Context, lacks: Callable[[ActionItem], bool], message: str
) -> Iterator[Finding]:
    """``message`` on each open task that lacks what the profile asks for (PM506, PM507)."""
    for item in open_tasks(ctx):
        if lacks(item):
            yield Finding(_item_line(ctx, item), message)


@rule(
    "PM503",
    "task-not-imperative",
    Severity.WARNING,
    requirement="Tasks: each starts with a verb",
)
def task_not_imperative(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task that does not start with a verb ("Monitoring of memory" rather than
        "Add monitoring on server memory"). More verbs can be added with `task-verbs`.

    Why it matters:
        A task that starts with a verb says what to do; a noun phrase is a topic, and topics
        do not get done.

    Example:
        - [ ] Certificate automation

    Use instead:
        - [ ] Automate certificate renewal with cert-manager
    """
    extra = {v.lower() for v in ctx.options["task-verbs"]}
    for item in open_tasks(ctx):
        words = task_words(task_text(ctx, item))
        first = words[0] if words else ""  # "Quarterly drills": the word as written is named
        if len(words) > 1 and words[0].lower().endswith("ly"):
            words = words[1:]  # "Regularly review …"
        if words and not starts_with_verb(words, extra):
            yield Finding(
                _item_line(ctx, item),
                f"task does not start with a verb (“{first}”) — say what to do: "
                "“Add …”, “Automate …”, “Patch …”",
            )


@rule(
    "PM504",
    "task-without-object",
    Severity.WARNING,
    requirement="Tasks: each names a thing to act on",
)
def task_without_object(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task of fewer than three words, which cannot name what to act on ("Add
        monitoring", "Test more").

    Why it matters:
        "Add monitoring" could mean anything; "Add monitoring on server memory" can be done
        and checked.

    Example:
        - [ ] Add monitoring

    Use instead:
        - [ ] Add monitoring on server memory
    """
    for item in open_tasks(ctx):
        words = task_words(task_text(ctx, item))
        if 0 < len(words) < 3:
            yield Finding(
                _item_line(ctx, item),
                f"task “{item.text.strip()}” does not say on what — name the thing: "
                "“Add monitoring on server memory”",
            )


_VAGUE = (
    r"be (?:more )?(?:careful|vigilant|attentive|cautious)",
    r"(?:pay|paying) (?:more )?attention",
    r"(?:improve|increase|better|more|enhance) (?:our |the )?(?:monitoring|testing|tests|"
    r"communication|documentation|logging|alerting|processes|process|reviews?|security)",
    r"fix (?:the |this |that )?(?:bug|issue|problem|error)s?",
    r"double[- ]check(?: everything| things)?",
    r"try harder",
    r"communicate better",
    r"(?:test|monitor|check) (?:more|better)(?: carefully)?",
    r"avoid (?:this|such|similar|these) (?:issues?|incidents?|problems?|mistakes?)"
    r"(?: in the future)?",
    r"make sure (?:it|this|that) (?:doesn't|does not|won't|will not) happen again",
    # "Investigate the issue", "Review the process": what to look at, never what to change
    r"(?:investigate|review|look at|analy[sz]e|revisit) (?:the |this |that |our )?(?:issue|"
    r"problem|incident|outage|error|failure|process|processes)",
    # "Tell John to be more careful", "Remind engineers to double-check their work"
    r"(?:tell|remind|ask|train) (?:\w+ ){1,3}to (?:be (?:more )?(?:careful|vigilant)|"
    r"double[- ]check|pay (?:more )?attention)[\w ]*",
    r"(?:don't|do not) (?:do|let) (?:it|this|that) (?:again|happen again)",
    r"learn from (?:this|the|our) (?:incident|mistakes?|outage)",
)


@rule(
    "PM505",
    "vague-task",
    Severity.WARNING,
    requirement="Tasks: none is vague (“be more careful”, “improve monitoring”, “fix the bug”)",
)
def vague_task(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports tasks that cannot be done or checked: "be more careful", "improve monitoring"
        with no object, "fix the bug", "investigate the issue", "tell John to be more
        careful"; hedged tasks ("Look into smoke tests", "Consider a canary"); unspecific ones
        ("Set up some kind of monitoring"); improvements with nothing to check them by
        ("Improve the setup to have more redundancy"). More patterns (regular expressions) can
        be added with `vague-tasks`.

    Why it matters:
        Vague tasks are closed without anything changing, and the incident happens again.

    Example:
        - [ ] Be more careful when deploying

    Use instead:
        - [ ] Require a second approval for production deploys in the CI pipeline
    """
    patterns = [*_VAGUE, *ctx.options["vague-tasks"]]
    vague = re.compile(rf"^(?:{'|'.join(patterns)})\W*$", re.I)
    for item in open_tasks(ctx):
        text = task_text(ctx, item)
        why = vagueness(text, vague)
        if why:
            yield Finding(
                _item_line(ctx, item),
                f"vague task “{_short(text)}” — {why}; name a concrete change that can be checked",
            )


_CAREFUL = re.compile(r"^be (?:more )?(?:careful|vigilant|attentive|cautious)\b", re.I)
# "Look into smoketesting", "Consider a canary": a task to think about a change
_HEDGED = re.compile(
    r"^(?:look into|think about|consider|explore|see (?:if|whether|how)|try to|"
    r"figure out (?:a|some) way|brainstorm|discuss)\b",
    re.I,
)
_UNSPECIFIC = any_word(
    r"some (?:kind|sort|form|type) of|(?:do|add|use|set up|try) something|somehow|"
    r"some way|in some way|"
    r"(?:where|if|when) (?:possible|needed|appropriate|necessary)|as (?:needed|appropriate)|"
    r"and so on|etc"
)
# "Improving infra setup to have more redundancy": better, with nothing to measure it by
_IMPROVE = re.compile(
    r"^(?:improv|enhanc|strengthen|increas|bolster|boost|better)\w*\b(?=.*\b(?:more|better|"
    r"robust\w*|resilien\w*|redundan\w*|reliab\w*|stabil\w*|overall|general\w*)\b)(?!.*\d)",
    re.I,
)
# "Add monitoring", "Set up more tests": the kind of thing, not which one
_GENERIC_OBJECT = re.compile(
    r"^(?:add|set up|setup|implement|introduce|have|get|do|write|need|use|create)\s+"
    r"(?:more |better |some |additional |proper |extra )?(?:monitoring|alerting|alerts|tests?|"
    r"testing|logging|documentation|docs|redundancy|backups?|checks|reviews?|process(?:es)?|"
    r"automation|smoke ?tests?|smoke ?testing)\W*$",
    re.I,
)


def vagueness(text: str, vague: re.Pattern[str]) -> str | None:
    """Why a task is vague, or None: hedged, unspecific, or with a generic object."""
    words = " ".join(task_words(text))
    if vague.match(words) or _CAREFUL.match(words) or _GENERIC_OBJECT.match(words):
        return "it does not say which change"
    if _HEDGED.match(words):
        return "it asks to think about a change, not to make one"
    if _UNSPECIFIC.search(_SENTENCE_END.split(text, maxsplit=1)[0]):  # the task itself
        return "it leaves open what to do"
    if _IMPROVE.match(words):
        return "“more” or “better” cannot be checked"
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:80].rsplit(" ", 1)[0] + " …"


@rule(
    "PM506",
    "task-without-owner",
    Severity.WARNING,
    requirement="Tasks: each has an owner (google-sre)",
)
def task_without_owner(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task with no owner (`(owner: @bob)`). Enabled by the `google-sre` profile.

    Why it matters:
        A task that belongs to nobody is not done.

    Example:
        - [ ] Automate certificate renewal

    Use instead:
        - [ ] Automate certificate renewal (owner: @bob, due: 2024-03-01)
    """
    yield from _tasks_lacking(
        ctx, lambda item: not item.owner, "task has no owner — add “(owner: @name)”"
    )


@rule(
    "PM507",
    "task-without-due-date",
    Severity.WARNING,
    requirement="Tasks: each has a due date (google-sre)",
)
def task_without_due_date(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task with no due date (`(due: 2024-03-01)`). Enabled by the `google-sre`
        profile.

    Why it matters:
        Without a date, follow-ups slip until the next incident.

    Example:
        - [ ] Automate certificate renewal (owner: @bob)

    Use instead:
        - [ ] Automate certificate renewal (owner: @bob, due: 2024-03-01)
    """
    yield from _tasks_lacking(
        ctx, lambda item: item.due is None, "task has no due date — add “(due: YYYY-MM-DD)”"
    )


@rule(
    "PM508",
    "task-not-checkbox",
    Severity.INFO,
    requirement="Tasks: written as a checkbox (TODO) list",
)
def task_not_checkbox(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task written as a plain bullet or number in a task list whose other items
        are checkboxes. A plain list of specific tasks is a TODO list and is not reported.
        `--fix` rewrites the item as `- [ ] task`.

    Why it matters:
        In a checkbox list, a plain item shows no progress on GitHub or the team server and
        is easily taken for a note.

    Example:
        - [ ] Automate certificate renewal with cert-manager
        - Add an alert on certificate expiry under 14 days

    Use instead:
        - [ ] Automate certificate renewal with cert-manager
        - [ ] Add an alert on certificate expiry under 14 days
    """
    plain: list[tuple[int, re.Match[str]]] = []
    boxed = 0
    for item in open_tasks(ctx):
        if not item.line or item.line > len(ctx.lines):
            continue
        ln = ctx.lines[item.line - 1]
        m = LIST_ITEM.match(ctx.source_line(item.line))
        if ln.kind is not LineKind.LIST or m is None:
            continue
        if "[" in ln.marker:
            boxed += 1
        else:
            plain.append((item.line, m))
    if not boxed:
        return
    for line, m in plain:
        new = f"{m['indent']}- [ ] {m['rest']}"
        yield Finding(
            line,
            "task is not a checkbox, unlike the others — write it as “- [ ] …”",
            fix=Fix("make it a checkbox", (Edit(line, line, new),)),
        )


@rule(
    "PM509",
    "measures-already-done",
    Severity.INFO,
    requirement="Tasks: the list says what is left to do, not only what was done",
)
def measures_already_done(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports, once, a task list in which at least half of the items are already done: ticked
        checkboxes, a "Done" status, or lines written as completed work ("Script updated to
        handle pagination", "We have added a backlog task"). Those items are not judged as
        tasks by the other PM5xx rules.

    Why it matters:
        Work already done belongs in the resolution; the task list is what is left to do, and
        a list of finished work hides whether anything is.

    Example:
        - [x] Renewed the certificate by hand
        - Alert routing updated to reach the platform team
        - [ ] Automate certificate renewal with cert-manager

    Use instead:
        - [ ] Automate certificate renewal with cert-manager
        - [ ] Add an alert on certificate expiry under 14 days
    """
    done = done_items(ctx)
    total = len(ctx.doc.action_items)
    if done and len(done) * 2 >= total:
        yield Finding(
            done[0].line or ctx.heading_line(SectionKind.MEASURES),
            f"{len(done)} of {total} measures are already done — list what is left to do, and "
            "move finished work to the resolution",
        )


# An ISO date after a due-date word: `due: 2026-02-30`, `deadline 2026-13-01`.
_DUE_ISO = re.compile(
    r"\b(?:due|deadline|by|eta|target)\b\W{0,3}(?:date\W{0,3})?(?P<d>(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<day>\d{1,2}))\b",
    re.IGNORECASE,
)


@rule(
    "PM510",
    "impossible-due-date",
    Severity.WARNING,
    requirement="Tasks: a due date written is a date of the calendar",
)
def impossible_due_date(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task whose due date is written as a date but is not one of the calendar
        (`due: 2026-02-30`, `due: 2026-13-01`).

    Why it matters:
        The date is read as no date at all: the task never shows as overdue, and nobody is
        reminded of it.

    Example:
        - [ ] Automate certificate renewal (owner: @bob, due: 2024-02-30)

    Use instead:
        - [ ] Automate certificate renewal (owner: @bob, due: 2024-02-29)
    """
    for item in open_tasks(ctx):
        line = _item_line(ctx, item)
        for m in _DUE_ISO.finditer(ctx.source_line(line)):
            try:
                dt.date(int(m["y"]), int(m["m"]), int(m["day"]))
            except ValueError:
                yield Finding(
                    line,
                    f"the due date {m['d']} is not a date of the calendar — give a real one",
                    ctx.source_line(line).find(m["d"]) + 1,
                )
