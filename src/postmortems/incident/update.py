"""What the incident would change in a postmortem drafted from it: offered, never applied.

The drafted parts of the body (:mod:`postmortems.document.drafted`) are compared line by line
with what the record writes now:

- a line still as drafted is the record's: brought up to date, or taken out when the record no
  longer says it;
- a line people edited or added is theirs: kept where it is, never taken out nor reverted;
- a line the record writes now and did not when it was drafted is added (a new event, a new
  date line); one it wrote then and people took out or edited is not offered again;
- a paragraph part (the summary's sentence, how it was resolved) whose drafted sentence people
  edited is left as they wrote it: the record's new sentence is shown beside it
  (:attr:`Offer.kept`), not put into the diff.

The incident's front-matter fields follow the record while they are as drafted, and are
people's once edited (:mod:`postmortems.incident.frontfields`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postmortems.document import drafted
from postmortems.document.frontblock import split
from postmortems.document.frontmatter import dump, yaml_data
from postmortems.errors import PostmortemsError
from postmortems.incident import frontfields
from postmortems.incident.draft import GENERATED, front_matter
from postmortems.incident.frontfields import FOLLOWED, UPDATED_KEYS, field_lines
from postmortems.incident.model import Incident

# The drafted part whose every line is an entry of its own; the others are a paragraph.
LINE_PARTS = frozenset({"timeline"})


@dataclass(frozen=True, slots=True)
class Kept:
    """A drafted paragraph or front-matter field people edited, kept as they wrote it, and the
    record's version now."""

    name: str  # the part (summary, resolution, impact, detection, trigger) or field (severity)
    text: str  # as it is in the postmortem
    record: str  # what the incident's record writes now


@dataclass(frozen=True, slots=True)
class Offer:
    """The unified diff on offer (empty: nothing to change), the paragraphs kept as people
    wrote them though the record changed, and how many lines of the drafted parts are people's
    (edited or added: kept, whatever the record says)."""

    diff: str
    kept: tuple[Kept, ...] = ()
    theirs: int = 0


def _fresh_prints(lines: Sequence[str]) -> frozenset[str]:
    return frozenset(drafted.fingerprint(line) for line in lines if line.strip())


def _tidy(lines: list[str]) -> list[str]:
    """No blank line at either end nor two in a row (a date line taken out leaves its blanks)."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def merge_lines(region: drafted.Region, body: Sequence[str], fresh: Sequence[str]) -> list[str]:
    """``body`` brought up to date with ``fresh`` (the record's lines now), line by line: the
    record's lines follow it, people's stay, and lines new to the record are added where the
    record puts them."""
    have, now = set(body), set(fresh)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, list(body), list(fresh), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += body[i1:i2]
            continue
        # a line is taken out only when it is the record's as drafted and the record dropped it
        out += [x for x in body[i1:i2] if x in now or not x.strip() or not region.listed(x)]
        new = [x for x in fresh[j1:j2] if x.strip() and x not in have and not region.listed(x)]
        if new:
            out += [x for x in fresh[j1:j2] if x in new or not x.strip()]
    return _tidy(out) if out != list(body) else list(body)


def _contains(body: Sequence[str], fresh: Sequence[str]) -> bool:
    """Whether people's text already says the record's (they copied it in)."""
    return " ".join(" ".join(fresh).split()) in " ".join(" ".join(body).split())


def _part(
    region: drafted.Region, body: list[str], fresh: list[str]
) -> tuple[list[str], Kept | None]:
    """The part's lines as offered, and the paragraph kept over a change of the record."""
    if region.name in LINE_PARTS or not region.people_changed_drafted(body):
        return merge_lines(region, body, fresh), None
    unchanged = region.prints is not None and _fresh_prints(fresh) == region.prints
    if unchanged or _contains(body, fresh):
        return body, None
    text = "\n".join(_tidy(body))
    return body, Kept(region.name, text, "\n".join(fresh))


def _body(lines: list[str], incident: Incident) -> tuple[list[str], list[Kept], int]:
    """The lines of the text with its drafted parts as offered; the paragraphs kept; how many
    lines of the drafted parts are people's."""
    out, kept, theirs = list(lines), [], 0
    for region in reversed(drafted.regions(lines)):  # from the end: the indexes hold
        body = lines[region.open_at + 1 : region.close_at]
        if region.prints is not None:
            theirs += sum(1 for x in body if x.strip() and not region.listed(x))
        build = GENERATED.get(region.name)
        if build is None:
            continue
        fresh = build(incident)
        offered, note = _part(region, body, fresh)
        if note is not None:
            kept.append(note)
        if offered != body:
            opening = drafted.opening(region.name, region.source or incident.key, fresh)
            out[region.open_at : region.close_at] = [opening, *offered]
    return out, kept[::-1], theirs


def _update_front_matter(
    yaml_text: str, wanted: dict[str, str], keys: Iterable[str], note_line: str = ""
) -> str:
    """The fields ``keys`` set to ``wanted`` (key → its lines; one not in it is taken out), the
    others kept as written, and the fields comment replaced by ``note_line``."""
    keys = frozenset(keys)
    out, seen = [], set()
    for key, lines in field_lines(yaml_text):
        if key is None and frontfields.is_note(lines[0]):
            continue
        if key in keys:
            seen.add(key)
            if key in wanted:
                out.append(wanted[key])
            continue
        out.extend(lines)
    out.extend(line for key, line in wanted.items() if key not in seen)
    return "".join(out) + note_line


def former_titles(incident: Incident) -> set[str]:
    """The titles the incident had before its title was changed (its ``details-change``
    events)."""
    return {
        e.get("from").strip()
        for e in incident.events
        if e.kind == "details-change" and e.get("field") == "title"
    }


def _retitled(yaml_text: str, incident: Incident, fresh: dict[str, str]) -> dict[str, str]:
    """The front matter's ``title`` lines to offer (key → lines), when the postmortem's title is
    still one the incident had before its title changed: nobody retitled the postmortem, so it
    follows the incident. A title people wrote is theirs: nothing is offered then. (A draft
    without the fields comment: with it, the title is one of the fields it lists.)"""
    try:
        data = yaml_data(yaml_text)
    except PostmortemsError:
        return {}
    title = data.get("title") if isinstance(data, dict) else None
    if not isinstance(title, str) or title.strip() == incident.title:
        return {}
    if title.strip() not in former_titles(incident):
        return {}
    return {"title": fresh["title"]} if "title" in fresh else {}


def _followed(yaml_text: str, fresh_yaml: str, incident: Incident) -> tuple[str, list[Kept]]:
    """``yaml_text`` with the fields that follow the record set to ``fresh_yaml``'s: those still
    as drafted (:mod:`postmortems.incident.frontfields`); in an older draft without the fields
    comment, every field of :data:`UPDATED_KEYS` and a title the incident had before. And the
    fields people changed or took out that the record has changed since (:class:`Kept`)."""
    fresh = {key: "".join(lines) for key, lines in field_lines(fresh_yaml) if key in FOLLOWED}
    before = frontfields.drafted(yaml_text)
    if before is None:
        wanted = {key: v for key, v in fresh.items() if key in UPDATED_KEYS}
        wanted |= _retitled(yaml_text, incident, fresh)  # the record's lines, dumped once
        return _update_front_matter(yaml_text, wanted, {*UPDATED_KEYS, *wanted}), []
    now = frontfields.prints_of(yaml_text)
    edited = {key for key in now if now[key] != before.get(key)}
    theirs = edited | {key for key in before if key not in now}  # edited, or taken out
    fresh_prints = frontfields.prints_of(fresh_yaml)
    written = {key: "".join(lines) for key, lines in field_lines(yaml_text) if key in theirs}
    kept = [
        Kept(key, written.get(key, "").rstrip("\n"), fresh.get(key, "").rstrip("\n"))
        for key in FOLLOWED
        if key in theirs and fresh_prints.get(key) != before.get(key)  # the record changed
    ]
    # The comment lists the record's fields as offered, people's as drafted (still theirs).
    prints = {key: v for key, v in fresh_prints.items() if key not in theirs}
    prints |= {key: before[key] for key in theirs if key in before}
    wanted = {key: v for key, v in fresh.items() if key not in theirs}
    note_line = frontfields.note(incident.key, prints)
    return _update_front_matter(yaml_text, wanted, set(FOLLOWED) - theirs, note_line), kept


def _with_front_matter(text: str, incident: Incident) -> tuple[str, list[Kept]]:
    fresh_yaml = dump(front_matter(incident))
    yaml_text, body, _ = split(text)
    if yaml_text is None:
        return f"---\n{frontfields.with_note(fresh_yaml, incident.key)}---\n\n{text}", []
    head = text[: len(text) - len(body)]
    start = head.index(yaml_text) if yaml_text else head.index("\n") + 1  # "---\n---": empty
    updated, kept = _followed(yaml_text, fresh_yaml, incident)
    return head[:start] + updated + head[start + len(yaml_text) :] + body, kept


def offer(current_text: str, incident: Incident) -> Offer:
    """What the incident's record would change in ``current_text`` now: the diff of its drafted
    parts and front-matter fields, and the paragraphs people edited that it leaves alone."""
    current = current_text.replace("\r\n", "\n")
    lines, kept, theirs = _body(current.split("\n"), incident)
    proposed, fields = _with_front_matter("\n".join(lines), incident)
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        proposed.splitlines(keepends=True),
        fromfile="postmortem",
        tofile=f"postmortem updated from {incident.key}",
    )
    return Offer("".join(diff), (*fields, *kept), theirs)


def draft_update(current_text: str, incident: Incident) -> str:
    """The unified diff :func:`offer` gives (empty when nothing changed). Never applied here."""
    return offer(current_text, incident).diff
