"""PM5xx: corrective and preventative measures — broad improvements and a list of specific
tasks that start with a verb, name a thing and are not vague; owners and due dates where the
profile asks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortems.document.lines import LineKind
from postmortems.document.model import ActionItem, SectionKind
from postmortems.lint.context import Context, prose_words
from postmortems.lint.registry import Finding, rule
from postmortems.lint.taskverbs import VERBS
from postmortems.lint.violation import Edit, Fix, Severity


def _measures_line(ctx: Context) -> int:
    return ctx.heading_line(SectionKind.MEASURES)


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
            _measures_line(ctx),
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
        improved broadly.

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
    words = sum(prose_words(s.body) for s in sections)
    if words < 8:
        yield Finding(
            sections[0].span.start,
            "the measures are only a task list — add a sentence or two on what to improve broadly",
        )


_LABEL = re.compile(r"^\s*+(?:\*\*|__)?[^:*_]{1,40}?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*")
_LEAD = re.compile(
    r"^(?:we(?:'ll| will| should| must| need to| plan to)?|will|to|should|must|please|"
    r"need to|and|then|also)\s+",
    re.I,
)
_MARKUP = re.compile(r"[*_`~\[\]]")


def task_words(text: str) -> list[str]:
    """The words of a task, without a leading ``Label:`` or "We will"."""
    text = _MARKUP.sub("", text).strip()
    m = _LABEL.match(text)
    if m and len(text[m.end() :].split()) >= 2:
        text = text[m.end() :]
    for _ in range(2):
        text = _LEAD.sub("", text.strip())
    return re.findall(r"[A-Za-z][A-Za-z'-]*|\d+", text)


def _is_verb(word: str, extra: set[str]) -> bool:
    w = word.lower()
    if w in VERBS or w in extra:
        return True
    if w.startswith("re") and len(w) > 4 and _is_verb(w[2:].lstrip("-"), extra):
        return True  # "re-evaluate", "reconfigure"
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", ""), ("s", "")):
        if w.endswith(suffix) and w[: -len(suffix)] + repl in VERBS:
            return True
    return False


def is_task(text: str) -> bool:
    """Whether ``text`` reads as a task: it starts with a verb (after a label or "We will")."""
    words = task_words(text)
    return bool(words) and _is_verb(words[0], set())


def _item_line(ctx: Context, item: ActionItem) -> int:
    return item.line or _measures_line(ctx)


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
    for item in ctx.doc.action_items:
        words = task_words(item.text)
        if len(words) > 1 and words[0].lower().endswith("ly"):
            words = words[1:]  # "Regularly review …"
        if words and not _is_verb(words[0], extra):
            yield Finding(
                _item_line(ctx, item),
                f"task does not start with a verb (“{words[0]}”) — say what to do: "
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
    for item in ctx.doc.action_items:
        words = task_words(item.text)
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
        with no object, "fix the bug". More patterns (regular expressions) can be added with
        `vague-tasks`.

    Why it matters:
        Vague tasks are closed without anything changing, and the incident happens again.

    Example:
        - [ ] Be more careful when deploying

    Use instead:
        - [ ] Require a second approval for production deploys in the CI pipeline
    """
    patterns = [*_VAGUE, *ctx.options["vague-tasks"]]
    vague = re.compile(rf"^(?:{'|'.join(patterns)})\W*$", re.I)
    careful = re.compile(r"^be (?:more )?(?:careful|vigilant|attentive|cautious)\b", re.I)
    for item in ctx.doc.action_items:
        text = " ".join(task_words(item.text))
        if vague.match(text) or careful.match(text):
            yield Finding(
                _item_line(ctx, item),
                f"vague task “{item.text.strip()}” — name a concrete change that can be checked",
            )


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
    for item in ctx.doc.action_items:
        if not item.owner:
            yield Finding(_item_line(ctx, item), "task has no owner — add “(owner: @name)”")


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
    for item in ctx.doc.action_items:
        if item.due is None:
            yield Finding(_item_line(ctx, item), "task has no due date — add “(due: YYYY-MM-DD)”")


_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+•]|\d{1,3}[.)])\s+(?P<rest>.*)$")


@rule(
    "PM508",
    "task-not-checkbox",
    Severity.INFO,
    requirement="Tasks: written as a checkbox (TODO) list",
)
def task_not_checkbox(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a task written as a plain bullet or number instead of a checkbox. `--fix`
        rewrites it as `- [ ] task`.

    Why it matters:
        A checkbox list is a TODO list: GitHub and the team server show progress, and done
        tasks are visible at a glance.

    Example:
        - Automate certificate renewal

    Use instead:
        - [ ] Automate certificate renewal
    """
    for item in ctx.doc.action_items:
        if not item.line or item.line > len(ctx.lines):
            continue
        ln = ctx.lines[item.line - 1]
        raw = ctx.source_line(item.line)
        m = _ITEM.match(raw)
        if ln.kind is not LineKind.LIST or m is None or "[" in ln.marker:
            continue
        new = f"{m['indent']}- [ ] {m['rest']}"
        yield Finding(
            item.line,
            "task is not a checkbox — write it as “- [ ] …”",
            fix=Fix("make it a checkbox", (Edit(item.line, item.line, new),)),
        )
