"""Which parts of the postmortem a document has: summary, timeline, root cause, resolution,
corrective measures, task list (the ``sections`` of the extraction, DESIGN §5).

A section's role is read from its heading first (:func:`sections.classify_title`), then from its
place and its content, the way a careful reader does; :data:`READING_RULES` says how, and is the
"How sections are recognised" part of ``docs/format.md``. A role told in the prose rather than
under its own heading is read by :mod:`postmortems.document.narrative`.
"""

from __future__ import annotations

import re

from postmortems.document.markup import BREAK, prose_words
from postmortems.document.model import Document, Section, SectionKind
from postmortems.document.narrative import (
    cause_in,
    measures_after_fix,
    states_cause,
    states_fix,
    without_prompts,
)
from postmortems.document.sections import TIMED_LINE, classify_title
from postmortems.document.wording import any_word

READING_RULES = """\
### How sections are recognised

A section's role is decided by its heading, its place and its content, the way a careful reader
decides it (`src/postmortems/document/roles.py`; the extraction's `sections` flags come from it):

- **Headings that ask or answer.** "What happened" / "What happens" / "What was the problem?"
  is the summary; "Why did this happen?", "What caused the outage", "What went wrong and why?",
  "What was the root cause of the incident?", "Contributing factors", "Five whys" the root
  cause; "How we fixed it", "How was the issue resolved?", "How did we respond?", "What was
  done", "What was the work around and resolution for the incident?", "Mitigation",
  "Stabilization steps", "Workarounds", "Temporary solution" the resolution; "What is being done
  about this?", "How are we preventing it from happening again?", "How are we making incidents
  like this less likely or less impactful?", "What we are changing", "Future measures", "What's
  next", "What happens next?", "Countermeasures", "Action plan", "What are any recommendations
  to prevent this incident from occurring again?" the corrective measures; "What we learned" /
  "What we've learned" the lessons; "Who was affected?" the impact; "Tasks performed", "Chain
  of events" (what was done, in order) the timeline, not a task list.
- **A sentence is not a heading.** A short line that ends with a full stop ("The root cause is
  still unknown.") names a section only when it is a section's name, not by a word in it; and
  "Post-resolution" or "Pre-incident checks" are what came after or before a part, not that
  part.
- **A name alone on a line in lower case** (`timeline`, `todo`, `root cause`, as chat-style
  notes write them) is that section; a lowercase line that says anything more, or ends with
  punctuation ("the fix."), is text. `tl;dr:` opens the summary.
- **Single words only as headings.** "Problem", "Context" (summary), "Why" (root cause),
  "Solving", "Actions taken" (resolution) name a section only as a heading of their own; at the
  start of a line ("Problem: the cache…") they are a label inside the current section.
- **Markup is not the name.** Anchors of a site export (`### [#](…#resolution)Resolution <a
  id="resolution"></a>`) and HTML tags are dropped before the name is read; a `<summary>` of a
  `<details>` block is a disclosure, not the issue summary; a line that is a link or an image
  is never a section name, nor is a page's navigation kept in its text ("Back to overview").
- **A summary inside another part is that part's.** A "Summary" nested under an unnamed part
  that comes after the document's own parts began ("### Summary" under "## Bounty report") sums
  up that part, not the incident.
- **Background is context.** "Background", "Introduction" and "Context" are the summary only
  when they open the document. After an opening paragraph they are context, and the unlabelled
  opening paragraph is not a summary part either. An "Impact" / "Duration" block that opens the
  document is its summary; an "Impact" after an opening paragraph or a lead-up is only the
  impact.
- **The cause wherever it is explained.** The root cause is found in its own section, or stated
  ("caused", "due to", "the culprit was", "it turned out", "was accidentally run", "hung,
  preventing pods from starting", "did not update the templates", "applied the incorrect
  certificates") in the summary, a conclusion, an investigation, the resolution, or the
  incidents told under a timeline heading — unless the root-cause part says the cause is still
  unknown and states none. A partial explanation ("the proxy stopped forwarding, but I don't
  know why") is a cause. The words "root cause" alone state none: "The root cause was a full
  disk" and "Root cause: a typo" state it, "We have identified the root cause", "the root cause
  is still unknown" and "our Root Cause Analysis" do not. "What went wrong" among the lessons is
  a lesson (the alert that did not fire), not the cause.
- **The fix in a part that tells it.** The resolution is found in its own section (any of the
  names above), a measures section titled as a fix ("Remediation and prevention"), or stated in
  the narrative (summary, conclusion, incidents told under a timeline heading): "restarted",
  "rolled back", "came back online", "was back in a working state", "failed over". A fix that
  only appears in the dated entries of a timeline does not make a resolution part, and "Where
  we got lucky" is luck, not a fix.
- **The corrective part by place and content.** An unnamed part right after the fix or the
  cause that speaks of the next time ("Post operations", "Conclusion": "we added an alert",
  "to avoid this", "we should") is the corrective part; so are "Next steps", "Resulting
  actions", "Opportunities for improvement", "Actions for the future". A part whose title names
  another role ("Description of the vulnerability", "FAQ") is not. With no corrective part, the
  lessons learned are the improvements ("Know how to renew certificates").
- **Template prompts are not the text.** HTML comments and the template's prompts left in as
  italic lines ("*How was the incident resolved?*") are dropped before a part is read; a
  root-cause, resolution or corrective heading over nothing else is no part (a corrective part
  that only lists issue links is a part).
- **Incidents told under a timeline heading.** When most entries of a timeline are paragraphs
  without a time (a roundup's `### API outage` and what happened), they are read as narrative.
- **A list of timed entries is a timeline** whatever its heading ("Leadup", "Sequence"): three
  or more list items or table rows that start with a time of day, when no part is headed as the
  timeline; its entries are read as a timeline's. So is a list of three or more entries that
  each open with a date and a time ("- 21 January 2024 @ 01:30 UTC – …") and close another part
  ("How did we respond?"): the part keeps its prose and the list is the timeline; and such a
  dated list in the text before the first heading, in a post told without headings ("times are
  UTC:" and then "- 2017-01-24 23:33 - …"), the prose after it a part of its own. An
  approximate time after the date ("2017-01-24 ~23:00") is the entry's time.
- **Parts packed with `<br>`.** "**Summary:** … <br> **Root cause:** … <br> **Resolution:** …"
  in one paragraph: each labelled piece with text after its label is a part of its own.
- **A filled-in template is a postmortem.** A file is a template only when at least three
  placeholders are left empty; placeholders inside code blocks (log lines) do not count, and a
  `{{ … }}` that holds a value (`{{ 06:10 }}`, a sentence) was filled in. A template filled in
  with a real incident, its instructions left in ("This section should include …"), is a
  postmortem when three of its parts hold words of their own that tell what happened; a text
  that only describes what each part holds ("A chronological account of the incident") is a
  guide.
- **Other documents a team writes** are told by their title when no part of them tells an
  incident (no summary, impact, root cause or resolution): a runbook (`# Runbook: rotating the
  certificates`, a playbook, a how-to) is a guide; a hand-off, a stand-up's or a weekly
  meeting's notes (`# On-call handoff — week 19`, `# SRE weekly sync`) are notes.
"""

_UNKNOWN = re.compile(
    r"\b(?:unknown|not (?:yet )?(?:been )?(?:known|determined|identified)|still investigating|"
    r"under investigation|yet to be determined)",
    re.IGNORECASE,
)
# Titles that name the context of the incident rather than a summary of it.
_CONTEXT_TITLE = any_word(r"background|introduction|context")
_LINK = re.compile(r"!?\[[^\[\]]*\]\([^()]*\)|<https?://[^>]*>|https?://\S+")
# "**Author**: …", "Status: Final": a line of facts about the document, not an opening paragraph
_META_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?[A-Za-z][\w /-]{0,30}(?:\*\*|__)?\s*:")


_LETTER_WORD = re.compile(r"[A-Za-z]{2,}")
_THREE_CHARACTERS = re.compile(r"[A-Za-z0-9]{3}")


# A template's prompt left in, as a line of its own in italics: "*How was the incident
# resolved?*", "_List the sequence of events_"
def _has_content(body: str) -> bool:
    """Whether a section says anything beyond links and markup (or a sentence pointing to one:
    "A full timeline is available on [the status page](…)")."""
    rest = _LINK.sub(" ", body)
    if rest != body and len(_LETTER_WORD.findall(rest)) < 15:
        return False
    return bool(_THREE_CHARACTERS.search(rest))


def _opening_prose(doc: Document) -> bool:
    """Whether the document opens with a paragraph of its own before its first section."""
    lines = [ln for ln in doc.preamble.split("\n") if ln.strip() and not _META_LINE.match(ln)]
    return prose_words("\n".join(lines)) >= 12


def _opens_with_facts(doc: Document) -> bool:
    """A document that opens with "Duration: …" / "Impact: …" parts has a summary block; an
    "Impact" section after an opening paragraph or a part that tells the lead-up is only the
    impact."""
    if _opening_prose(doc):
        return False
    for s in doc.sections:
        if s.kind is SectionKind.OTHER and prose_words(s.body) < 20:
            continue
        return s.kind is SectionKind.IMPACT
    return False


def _inside_another_part(doc: Document, index: int) -> bool:
    """The section sits under the heading of an unnamed part that comes after the document's
    own parts began: "### Summary" under "## Bounty report" sums up the report, not the
    incident."""
    level = doc.sections[index].level
    for j in range(index - 1, -1, -1):
        parent = doc.sections[j]
        if parent.level < level:
            return parent.kind is SectionKind.OTHER and any(
                s.kind is not SectionKind.OTHER for s in doc.sections[:j]
            )
    return False


def _is_summary(doc: Document) -> bool:
    first = next((s for s in doc.sections if s.kind is not SectionKind.OTHER), None)
    for i, s in enumerate(doc.sections):
        if s.kind is not SectionKind.SUMMARY or _inside_another_part(doc, i):
            continue
        if not _CONTEXT_TITLE.search(s.title):
            return True
        if s is first and not _opening_prose(doc):
            return True
    return _opens_with_facts(doc)


def _cause_unknown(doc: Document) -> bool:
    """The root-cause part says the cause is not known (and states none)."""
    roots = [s for s in doc.sections if s.kind is SectionKind.ROOT_CAUSE]
    if not roots or not all(_UNKNOWN.search(s.body) for s in roots):
        return False
    return not any(cause_in(s.body) for s in roots)


def _kinds(doc: Document) -> set[SectionKind]:
    """The kinds of the parts that say something (a heading over nothing but the template's
    prompt is no part), of the parts marked inside them, and of the labelled parts packed into
    one paragraph with ``<br>``."""
    kinds = _packed_kinds(doc.preamble)
    for s in doc.sections:
        if s.kind in _NEEDS_TEXT and not _has_content(without_prompts(s.body)):
            continue
        if s.kind is SectionKind.MEASURES and _empty_measures(doc, s):
            continue
        kinds.add(s.kind)
        kinds.update(_own_subkinds(s))
        kinds.update(_packed_kinds(s.body))
    return kinds


# "**Root cause:** a typo" at the start of a piece between two <br>
_PACKED_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?P<t>[A-Za-z][\w &/'-]{2,40}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*"
    r"(?P<rest>\S.*)$",
    re.DOTALL,
)


def _packed_kinds(body: str) -> set[SectionKind]:
    """ "**Summary:** … <br> **Root cause:** … <br> **Resolution:** …" written as one paragraph:
    each labelled piece with text after its label is a part of its own."""
    if "<br" not in body.lower():
        return set()
    found = set()
    for piece in BREAK.split(body):
        m = _PACKED_LABEL.match(piece)
        kind = classify_title(m["t"]) if m else None
        if kind is not None:
            found.add(kind)
    return found


def _own_subkinds(s: Section) -> tuple[SectionKind, ...]:
    """The parts marked inside a section. Under the lessons, "What went wrong" is a lesson (the
    alert that did not fire, the escalation that was slow), not the incident's cause."""
    if s.kind is SectionKind.LESSONS:
        return tuple(k for k in s.subkinds if k is not SectionKind.ROOT_CAUSE)
    return s.subkinds


def _empty_measures(doc: Document, s: Section) -> bool:
    """A corrective heading over nothing (no words, no tasks): the template's heading left
    empty, or a question answered "None" ("None, the fault was the vendor's", "N/A"). A list
    of issue links is still a list of tasks."""
    body = without_prompts(s.body)
    if _THREE_CHARACTERS.search(body) and not _ANSWERED_NONE.match(body):
        return False
    return not any(s.span.start <= a.line <= s.span.end for a in doc.action_items)


# "None.", "None, this issue was at the vendor level.", "N/A", "Not applicable": no measure
_ANSWERED_NONE = re.compile(r"\s*[*_]*(?:none|n/a|not applicable)[*_]*\s*(?:[.,;:!–—-]|$)", re.I)


_NEEDS_TEXT = frozenset(
    {SectionKind.ROOT_CAUSE, SectionKind.RESOLUTION, SectionKind.ROOT_CAUSE_AND_RESOLUTION}
)


def _has_cause(doc: Document, kinds: set[SectionKind]) -> bool:
    if SectionKind.ROOT_CAUSE_AND_RESOLUTION in kinds:
        return True
    if _cause_unknown(doc):
        return False
    if SectionKind.ROOT_CAUSE in kinds:
        return True
    if not doc.is_postmortem:
        return False
    return states_cause(doc)


def _has_fix(doc: Document, kinds: set[SectionKind]) -> bool:
    if kinds & {SectionKind.ROOT_CAUSE_AND_RESOLUTION, SectionKind.RESOLUTION}:
        return True
    return states_fix(doc)


def _has_measures(doc: Document, kinds: set[SectionKind]) -> bool:
    if SectionKind.MEASURES in kinds or doc.action_items:  # a task list is measures
        return True
    if not doc.is_postmortem:
        return False
    # With no corrective part, the lessons learned are the improvements ("Know how to renew
    # certificates", "Snapshots must not be older than 7 days").
    return SectionKind.LESSONS in kinds or measures_after_fix(doc)


def _timed_list(doc: Document) -> bool:
    """An unnamed part that is a list of timed entries ("Leadup", "Sequence") is a timeline."""
    return any(
        s.kind is SectionKind.OTHER and len(TIMED_LINE.findall(s.body)) >= 3 for s in doc.sections
    )


def section_flags(doc: Document) -> dict[str, bool]:
    """Which parts of a postmortem the document has."""
    kinds = _kinds(doc)
    return {
        "summary": _is_summary(doc),
        "timeline": bool(doc.timeline)
        or any(s.kind is SectionKind.TIMELINE and _has_content(s.body) for s in doc.sections)
        or (doc.is_postmortem and _timed_list(doc)),
        "root_cause": _has_cause(doc, kinds),
        "resolution": _has_fix(doc, kinds),
        "corrective_measures": _has_measures(doc, kinds),
        "todo_list": bool(doc.action_items),
    }
