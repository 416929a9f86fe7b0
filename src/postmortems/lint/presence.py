"""Which parts of the format a document has.

Built first on the parser's section detection (``doc.sections`` kinds and the kinds of parts
marked inside them, ``doc.timeline``, ``doc.action_items``), so that the linter gets better
whenever the parser does. On top of it, a part is judged by what it says, as a careful reader
would: an empty "Timeline" heading is no timeline, a "Root Cause" section that says the cause is
unknown states no cause, an opening Duration/Impact block is a summary, and a cause or a fix
stated in the summary counts.
"""

from __future__ import annotations

import re

from postmortems.document.model import Document, Section, SectionKind
from postmortems.document.wording import any_word
from postmortems.lint.stated import (
    FIX_KINDS,
    FIX_WORD,
    states_cause,
    states_fix,
    states_prevention,
)
from postmortems.lint.taskwords import is_task

PARTS = (
    "summary",
    "timeline",
    "root_cause",
    "resolution",
    "corrective_measures",
    "todo_list",
    "impact",
    "trigger",
    "detection",
    "lessons",
)

_CAUSE_KINDS = (SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION)
_UNKNOWN = any_word(
    r"unknown|not (?:yet )?(?:known|determined|identified|found)|under investigation|"
    r"undetermined|unclear|still investigating|no root cause"
)
_MEASURE_TITLE = re.compile(
    r"prevent|future|improv|measure|next steps|going forward|avoid|follow[- ]?up|action|"
    r"to[- ]?do|tasks?\b|recommend|lessons|being done|what we(?:'re| are| will)|"
    r"what(?:'s| is) next",
    re.I,
)
_LIST_LINE = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])\s*[A-Za-z]", re.M)
_ITEM_LINE = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")
_TODO_TITLE = re.compile(r"to[- ]?do|tasks?|action items?", re.I)
_URL_OR_LINK = re.compile(r"\[[^\[\]]*\]\([^)\[]*\)|https?://\S+")


_TIMELINE_WORD = re.compile(r"\btimeline\b", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def kinds_of(doc: Document) -> set[SectionKind]:
    return {s.kind for s in doc.sections} | {k for s in doc.sections for k in s.subkinds}


def _text(doc: Document, kinds: tuple[SectionKind, ...]) -> str:
    return "\n".join(s.body for s in doc.sections if s.kind in kinds)


def _has_summary(doc: Document, kinds: set[SectionKind]) -> bool:
    if SectionKind.SUMMARY in kinds:
        return True
    # An opening "Duration: … / Impact: …" block, before the timeline and the cause, is the
    # summary of the classic format without its heading.
    for s in doc.sections:
        if s.kind is SectionKind.IMPACT:
            return True
        if _SUMMARY_TITLE.match(_plain_title(s.title)):
            return bool(s.body.strip())  # "What happens", "[#](…)Description"
        if s.kind in (SectionKind.TIMELINE, *_CAUSE_KINDS):
            return False
    return False


# An opening section that tells the incident in short, under another name than "Summary"
_SUMMARY_TITLE = re.compile(
    r"(?:description|what happens|synopsis|tl;?dr|in brief)\b|problem(?: statement)?$", re.I
)
_TITLE_MARKUP = re.compile(r"\[[^\[\]]*\]\([^()]*\)|<[^<>]+>|[#*_`]")


def _plain_title(title: str) -> str:
    return _TITLE_MARKUP.sub("", title).strip()


def _has_timeline(doc: Document) -> bool:
    """Entries; but a lone untimed entry that only talks about a timeline ("a full timeline is
    on the status page", "we rebuilt the timeline from logs") or only links to one is not one."""
    entries = [e for e in doc.timeline if e.text]
    if len(entries) != 1 or entries[0].when is not None:
        return bool(entries)
    text = entries[0].text
    prose = _URL_OR_LINK.sub(" ", text)
    return len(prose.split()) >= 3 and not _TIMELINE_WORD.search(text)


def _has_cause(doc: Document, kinds: set[SectionKind]) -> bool:
    cause_sections = [s for s in doc.sections if s.kind in _CAUSE_KINDS]
    if cause_sections:
        return any(not _UNKNOWN.search(s.body) or len(s.body.split()) > 40 for s in cause_sections)
    if set(_CAUSE_KINDS) & kinds:
        return True  # marked inside another section ("Root cause:" in the summary)
    return states_cause(doc)


def _has_fix(doc: Document, kinds: set[SectionKind]) -> bool:
    sections = [s for s in doc.sections if s.kind in FIX_KINDS]
    if any(FIX_WORD.search(s.body) or len(s.body.split()) >= 20 for s in sections):
        return True
    if set(FIX_KINDS) & kinds and not any(s.body.strip() for s in sections):
        return True  # marked inside another section, or an empty heading over sub-sections
    return states_fix(doc)


def _measure_sections(doc: Document) -> list[Section]:
    out = []
    for s in doc.sections:
        if (
            s.kind in (SectionKind.MEASURES, SectionKind.LESSONS)
            or SectionKind.MEASURES in (s.subkinds)
            or (s.kind is SectionKind.OTHER and _MEASURE_TITLE.search(s.title))
        ):
            out.append(s)
    return out


# "Post operations": what was changed after the incident so it does not happen again. A part
# of the measures, though the steps under it are often done already (not a task list).
_AFTER_TITLE = re.compile(r"post[- ]?operations?|aftermath|afterwards", re.I)


def _has_measures(doc: Document, sections: list[Section]) -> bool:
    if doc.action_items or any(s.body.strip() for s in sections):
        return True
    if any(_AFTER_TITLE.search(s.title) and s.kind is SectionKind.OTHER for s in doc.sections):
        return True
    if sections and _has_subsections(doc, sections):
        return True
    if len(doc.sections) > 2:
        return False  # a document with headings has its measures under one
    return states_prevention(doc)


def _has_subsections(doc: Document, sections: list[Section]) -> bool:
    """An empty measures heading followed by deeper headings holds its content in them."""
    for s in sections:
        i = doc.sections.index(s)
        nxt = doc.sections[i + 1] if i + 1 < len(doc.sections) else None
        if nxt is not None and nxt.level > s.level:
            return True
    return False


def _starts_with_verb(text: str) -> bool:
    return is_task(text)


_NUMBERED_HEADING = re.compile(r"^#{1,6}\s*\d{1,2}[.)]\s+\S", re.M)
_NUMBERED_TITLE = re.compile(r"^\s*\d{1,2}[.)]\s+\S")


def _numbered_subsections(doc: Document, section: Section) -> int:
    """Headed tasks: "#### 1) Cron cleanup scheduled", "### 2. Alert on disk usage"."""
    index = doc.sections.index(section)
    count = 0
    for after in doc.sections[index + 1 :]:
        if after.level <= section.level:
            break
        count += bool(_NUMBERED_TITLE.match(after.title))
    return count


def _has_tasks(doc: Document, sections: list[Section]) -> bool:
    lines = doc.source.split("\n")
    for item in doc.action_items:
        raw = lines[item.line - 1] if 0 < item.line <= len(lines) else ""
        if _ITEM_LINE.match(raw) or raw.lstrip().startswith("|") or _starts_with_verb(item.text):
            return True
    for s in sections:
        headed = len(_NUMBERED_HEADING.findall(s.body))
        if _LIST_LINE.search(s.body) or max(headed, _numbered_subsections(doc, s)) >= 2:
            return True
        starts = [p.strip() for p in _PARAGRAPH_BREAK.split(s.body) if p.strip()]
        verbs = sum(1 for p in starts if _starts_with_verb(p) and len(p.split()) <= 40)
        if verbs >= 2 or (verbs and _TODO_TITLE.search(s.title)):
            return True
    return False


# "Some possible actions in the future:" then a list, inside a Conclusion or similar section
_LEAD_IN = re.compile(
    r"^.*\b(?:actions?|steps|things|improvements|tasks)\b[^.\n]{0,40}\b(?:future|next|to do|"
    r"to take|planned)\b[^\n]*:\s*\n(?:\s*\n)?\s*(?:[-*+]|\d{1,3}[.)])\s+\S",
    re.I | re.M,
)


def _listed_after_lead_in(doc: Document) -> list[Section]:
    return [s for s in doc.sections if s.kind is SectionKind.OTHER and _LEAD_IN.search(s.body)]


def _tasks_under_resolution(doc: Document) -> list[Section]:
    """A resolution section written as lines of things to do ("Publish a document …", "File
    a bug …") holds the measures and their tasks."""
    out = []
    for s in doc.sections:
        lines = [ln.strip() for ln in s.body.split("\n") if ln.strip()]
        if s.kind in FIX_KINDS and len(lines) >= 2 and all(_starts_with_verb(ln) for ln in lines):
            out.append(s)
    return out


def present(doc: Document) -> dict[str, bool]:
    """Which parts the document has (rules read it through ``Context.parts``, computed once)."""
    kinds = kinds_of(doc)
    listed = _tasks_under_resolution(doc) + _listed_after_lead_in(doc)
    measures = _measure_sections(doc) + listed
    return {
        "summary": _has_summary(doc, kinds),
        "timeline": _has_timeline(doc),
        "root_cause": _has_cause(doc, kinds),
        "resolution": _has_fix(doc, kinds),
        "corrective_measures": _has_measures(doc, measures),
        "todo_list": bool(listed) or _has_tasks(doc, measures),
        "impact": SectionKind.IMPACT in kinds,
        "trigger": SectionKind.TRIGGER in kinds,
        "detection": SectionKind.DETECTION in kinds,
        "lessons": SectionKind.LESSONS in kinds,
    }
