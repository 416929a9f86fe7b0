"""One action item: its owner, due date and status, read from its text (``(owner: @bob, due:
2024-03-01)``, ``Owner: Bob``, ``[Done]``) and written back canonically; and the labelled list
of items it belongs to."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from postmortems.document.dateparse import find_dates
from postmortems.document.model import ActionItem

# "(owner: @bob, due: 2024-03-01)", "(assignee: bob, deadline: …)", "(@alice, due 2024-05-01)"
_TRAILER = re.compile(
    r"(?<!\s)\s*\((?P<inner>(?:[^()]*\b(?:owner|assignee|due|deadline)\s*:|@\w|"
    r"[^()]*\b(?:due|deadline)\s+(?=\d))[^()]*)\)\s*$",
    re.IGNORECASE,
)
_OWNER = re.compile(
    r"\b(?:owner|assignee|assigned to|responsible)\s*[:=]\s*(?P<o>.*)", re.IGNORECASE
)
# One owner or several ("charles,olivier", "@alice and @bob", "Jane Doe", "Sam O.", "ops/sre",
# "messaging team"); a label
# ("…, due: 2024-03-01", "Jane Due: Friday") ends the list.
_NAME = (
    # an initial or a title goes on to a capital: "J. R. R. Tolkien", "Dr. Who", "Sam O."
    r"@?(?:\w{1,2}\.(?=\s+(?-i:[A-Z]))|\w(?:[\w.@'-]*\w)?)"
    r"(?:\s+(?-i:[A-Z])(?:\w?\.(?=\s+(?-i:[A-Z]))|\.|\w*)(?![\w.'-]*\s*[:=]))*"
    r"(?:\s+(?:team|squad|group|crew|on-?call)\b)?"  # "messaging team", "DB on-call"
)
_OWNERS = re.compile(
    rf"{_NAME}(?:\s*(?:[,&/+]|\band\b)\s*(?![\w ]{{1,15}}[:=]){_NAME})*", re.IGNORECASE
)
_AT = re.compile(r"(?<![\w.])@")
# "???", "-", "TBD", "n/a": an owner cell that names no one.
_NO_ONE = re.compile(r"^(?:\W*|tb[ad]|n/?a|none|nobody|unassigned|unknown)$", re.IGNORECASE)


def owner_of(text: str) -> str | None:
    """The owner(s) ``text`` opens with, as written, without the ``@`` before each name."""
    text = _plain(text)
    m = None if _NO_ONE.match(text) else _OWNERS.match(text)
    return _AT.sub("", m[0]) if m and not _NO_ONE.match(m[0]) else None


_DUE = re.compile(
    # "Deadline: March 1, 2024": the comma before a year belongs to the date; "due 2024-05-01"
    r"\b(?:(?:due|deadline|by|eta|target)\s*(?:date)?\s*[:=]|(?:due|deadline)\s(?=\s*\d))"
    r"\s*(?P<d>[^,;)]+(?:,\s*\d{4}\b)?)",
    re.IGNORECASE,
)
# "@alice, due …": a handle first is the owner; the date's label ends the names
_HANDLE_FIRST = re.compile(r"^\s*(?P<o>@.*?)(?:,\s*(?:due|deadline|by|eta)\b.*)?$", re.IGNORECASE)


# "… — owner Thomas — 2024-12-06", "… - Owner: Claire - due 2024-11-29": fields after dashes
_DASHED = re.compile(
    r"(?<=\S)\s+[—–-]\s+(?P<owner>(?:owner|assignee)\b(?::\s*|\s+(?=@|(?-i:[A-Z])))[^—–\n]+?)"
    r"(?:\s+[—–-]\s+(?P<due>(?:(?:due|by|deadline)\b:?\s*)?[^—–\n]{4,30}?))?\s*$",
    re.IGNORECASE,
)


def parse_item(text: str, done: bool, line: int, year: int | None = None) -> ActionItem:
    """An action item from the text of one list item."""
    owner = due = None
    m = _TRAILER.search(text)
    dashed = None if m else _DASHED.search(text)
    if m:
        owner, due = _owner_due(m["inner"], year)
        if owner or due or ":" in m["inner"]:  # "(due to a leak)" is the task's
            text = text[: m.start()].rstrip()
    elif dashed:
        owner, due, read = _dashed_fields(dashed, year)
        if read:  # all of it read: else the words stay the task's, nothing taken
            text = text[: dashed.start()].rstrip()
        else:
            owner = due = None
    else:
        text, owner, due = _loose_fields(text, year)
    text, marked_done = _status(text)
    return ActionItem(" ".join(text.split()), done or marked_done, owner, due, line)


def _dashed_fields(m: re.Match[str], year: int | None) -> tuple[str | None, dt.date | None, bool]:
    """The owner and due date after dashes, and whether both were read whole ("- owner: each
    team lead - ongoing" is no owner and no date: the words are the task's)."""
    who = _AT.sub("", _plain(_OWNER_WORD.sub("", m["owner"]))).strip()
    owner = owner_of(who)
    dates = find_dates(m["due"], year) if m["due"] else []
    due = dates[0][2] if dates else None
    return owner, due, owner == who and (not m["due"] or due is not None)


# "Owner: @raj | Alert at 85% memory | Due: Mar 12, 2024": labelled fields between bars
_BAR = re.compile(r"(?<=\S)\s+\|\s+")
_BAR_FIELD = re.compile(r"^(?:owner|assignee|due|deadline)\s*:", re.IGNORECASE)
# "@sara — Add …", "@sara: Add …": the owner's handle, then the task
_HANDLE_HEAD = re.compile(r"^@(?P<o>\w[\w.-]*)\s*[—–:-]\s+(?=\S)")
# "… — due 2024-03-19", "… by 2024-05-15": a date that closes the task
_DATE_TAIL = re.compile(
    r"(?<=\S)\s+(?:[—–-]\s+)?(?:due|by|deadline)\b:?\s+(?P<d>[^—–\n]{6,30}?)\s*$",
    re.IGNORECASE,
)


def _loose_fields(text: str, year: int | None) -> tuple[str, str | None, dt.date | None]:
    """The owner and due date written around a task without brackets: fields between bars, a
    handle before it, a date after it. Only what is read whole leaves the task's text."""
    parts = _BAR.split(text)
    fields = [p for p in parts if _BAR_FIELD.match(p)]
    if fields and len(fields) < len(parts):
        owner, due = _owner_due(", ".join(fields), year)
        return " | ".join(p for p in parts if p not in fields), owner, due
    owner = due = None
    head = _HANDLE_HEAD.match(text)
    if head:
        owner, text = head["o"], text[head.end() :]
    tail = _DATE_TAIL.search(text)
    dates = find_dates(tail["d"], year) if tail else []
    if tail and dates and dates[0][:2] == (0, len(tail["d"])):
        due, text = dates[0][2], text[: tail.start()]
    return text, owner, due


_OWNER_WORD = re.compile(r"^(?:owner|assignee)\b:?\s*", re.IGNORECASE)


# "DONE: …", "**TODO** …", "[In progress] …" before a task; "… (done)", "… ✅" after it.
_STATUS_WORDS = r"done|completed?|fixed|resolved|to-?do|doing|in progress|wip|open|planned"
_STATUS_HEAD = re.compile(
    rf"^(?:(?P<b>\*\*|__)?(?:(?-i:(?P<caps>DONE|COMPLETED?|FIXED|TODO|TO DO|DOING|WIP))\b|"
    rf"\[(?P<br>{_STATUS_WORDS})\]|(?P<word>{_STATUS_WORDS})\s*:)(?P=b)?|"
    rf"(?P<b2>\*\*|__)(?P<bold>{_STATUS_WORDS})\s*:?(?P=b2))\s*[:\-–—]?\s+(?=\S)",
    re.IGNORECASE,
)
_STATUS_TAIL = re.compile(
    r"(?<!\s)\s*(?:\((?:done|completed?|fixed)\)|✅|✔️?|☑️?)\s*$", re.IGNORECASE
)
_DONE_WORD = re.compile(r"^(?:done|completed?|fixed|resolved)$", re.IGNORECASE)


def _status(text: str) -> tuple[str, bool]:
    """A task's text without the status written on it, and whether that status is done. A
    struck-through task (``~~…~~``) is done too."""
    if text.startswith("~~") and text.rstrip().endswith("~~") and len(text) > 4:
        return text.strip()[2:-2].strip(), True
    m = _STATUS_HEAD.match(text)
    if m is not None:
        word = m["caps"] or m["br"] or m["word"] or m["bold"] or ""
        return text[m.end() :], bool(_DONE_WORD.match(word))
    m = _STATUS_TAIL.search(text)
    if m is not None and m.start() > 0:
        return text[: m.start()], True
    return text, False


def _owner_due(text: str, year: int | None) -> tuple[str | None, dt.date | None]:
    owner = due = None
    m = _OWNER.search(text) or _HANDLE_FIRST.match(text)
    if m:
        owner = owner_of(m["o"])
    m = _DUE.search(text)
    if m:
        dates = find_dates(m["d"], year)
        if dates:
            due = dates[0][2]
    return owner, due


# Emphasis marks, code ticks and tags; an underscore inside a word is the word's (`jane_doe`).
_MARKUP = re.compile(r"<[^<>]+>|[*`]+|(?<![^\W_])_+|_+(?![^\W_])")
_CODE_SPAN = re.compile(r"`+([^`\n]*)`+")


@dataclass
class Group:
    """One list of a measures section with the label it is written under."""

    label: str
    items: list[ActionItem] = field(default_factory=list)
    lines: list[set[int]] = field(default_factory=list)  # source lines of each item
    checkbox: bool = False


def _plain(text: str) -> str:
    """The text without markup; a code span keeps what it holds (`dist-*`, `max_conn`)."""
    parts = _CODE_SPAN.split(text)  # the spans' contents at the odd places
    return " ".join(
        "".join(p if i % 2 else _MARKUP.sub("", p) for i, p in enumerate(parts)).split()
    )


def _label_of(text: str) -> str | None:
    """``Tasks:`` / ``**Improvements/Fixes:**`` → the label; None for anything else."""
    plain = _plain(text).strip()
    if plain.endswith(":") and 0 < len(plain.split()) <= 10:
        return plain.rstrip(": ")
    return None


def format_item(item: ActionItem) -> str:
    """``- [ ] text (owner: @bob, due: 2024-03-01)``."""
    box = "[x]" if item.done else "[ ]"
    extras = []
    if item.owner:
        extras.append(f"owner: @{item.owner}")
    if item.due:
        extras.append(f"due: {item.due.isoformat()}")
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"- {box} {item.text}{suffix}"
