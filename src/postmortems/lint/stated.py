"""Parts a document states in its prose rather than under a heading of their own: the second
look of :mod:`postmortems.lint.presence`, taken only when the headings do not answer."""

from __future__ import annotations

import re

from postmortems.document.model import Document, SectionKind
from postmortems.document.narrative import RENEWED
from postmortems.document.wording import any_word

FIX_KINDS = (SectionKind.RESOLUTION, SectionKind.ROOT_CAUSE_AND_RESOLUTION)
FIX_WORD = any_word(
    r"fix(?:ed)?|resolv\w*|restor\w*|patch\w*|roll(?:ed)? ?back|revert\w*|restart\w*|"
    r"mitigat\w*|replac\w*|correct\w*|solv\w*|recover\w*|addressed|came back|back online|"
    r"back up and running|back to normal|"
    # the steps that end an outage: a flag turned off, a failover, capacity, a flush ("killed",
    # "blocked", "upgraded" tell of what went wrong as often, and are left out)
    r"turned off|switched off|(?:we|they|i|team) disabled|disabled the (?:[\w-]+ ){0,2}"
    r"(?:flag|feature|job|cron|rule|check|integration|plugin|consumer)|disabled the new|"
    r"failed over|"
    r"scaled (?:up|out|back)|flushed|purged|rebuilt|reindexed|redeployed|rebooted|re-?ran|"
    r"freed|" + RENEWED
)
CAUSE_STATEMENT = any_word(
    r"root[- ]?causes?|caused by|(?:was|were|is) (?:caused|due|triggered)|due to|"
    r"because|the cause|triggered by|result(?:ed)? (?:of|from)|stemm\w* from|traced (?:back )?"
    r"to|(?:which|that|this|change|bug|procedures?|update|deploy\w*) caused|culprit|"
    r"the (?:core |underlying |real )?(?:problem|issue|bug|flaw) (?:was|is)|"
    r"originated|led to|allowed|overlooked|failed to|did not (?:check|validate)|"
    r"(?:can|could|would|may|might) (?:cause|lead to|result in|crash)"
)
_NOT_CAUSE = (SectionKind.TIMELINE, SectionKind.MEASURES, SectionKind.LESSONS)
_CAUSE_NOUN = any_word(r"vulnerab\w*|flaw|bug|typo|misconfigur\w*|exploit\w*|mistake|error in")
_FIX_TITLE = re.compile(
    r"resol|remedia|\bfix|recover|mitigat|solution|restor|actions? taken|what (?:we|was) did|"
    r"what was done",
    re.I,
)
_FIX_TITLE_MEASURES = re.compile(
    r"resol|remedia|\bfix|recover|restor|actions? taken|what was done", re.I
)
_STATES_FIX = (
    SectionKind.SUMMARY,
    SectionKind.IMPACT,
    SectionKind.ROOT_CAUSE,
    SectionKind.OTHER,
)
_FIXED = (
    r"(?:fixed|resolved|restored|patched|rolled back|reverted|restarted|mitigated|replaced|"
    r"corrected|solved|renamed|rebooted|redeployed|removed|repaired)"
)
_FIX_SAID = re.compile(
    rf"\b(?:(?:was|were|been|got|is|are) (?:\w+ )?{_FIXED}|(?:we|team|engineers?|i|they|he|she)"
    rf" (?:\w+ )?{_FIXED}|(?:fixed|resolved|solved|mitigated) by|the (?:fix|solution|patch)|"
    r"to (?:fix|resolve|solve)|by (?:restarting|replacing|reverting|rolling|patching|fixing|"
    r"correcting|renaming|changing|removing|updating|editing|adding))\b",
    re.I,
)
_PREVENTION = any_word(
    r"to prevent|prevent (?:this|such|similar|it|future|a recurrence)|in the future|"
    r"going forward|moving forward|from happening again|we will|we plan to|we are (?:working|"
    r"going) to|lessons? learn\w*|next time"
)


def states_cause(doc: Document) -> bool:
    """A cause told in the prose of a document with no root-cause part."""
    prose = "\n".join(s.body for s in doc.sections if s.kind not in _NOT_CAUSE) + doc.preamble
    prose += _narrative_timeline(doc)
    return bool(CAUSE_STATEMENT.search(prose) or _CAUSE_NOUN.search(prose))


def _narrative_timeline(doc: Document) -> str:
    """A timeline told in paragraphs (entries of 40 words on average) explains as it goes:
    its cause and its fix count, unlike a fix named in a one-line entry."""
    entries = doc.timeline
    entry_words = sum(len(e.text.split()) for e in entries)
    if entries and entry_words >= 40 * len(entries):
        return "\n" + "\n".join(e.text for e in entries)
    told = "\n".join(s.body for s in doc.sections if s.kind is SectionKind.TIMELINE)
    if len(told.split()) > 3 * max(entry_words, 1) + 100:  # paragraphs the entries miss
        return "\n" + told
    return ""


def states_fix(doc: Document) -> bool:
    """A fix named in another section's title, or told in the summary, the cause or the prose."""
    for s in doc.sections:
        if s.kind in FIX_KINDS:
            continue
        # "Resolution and prevention" holds the fix; "Mitigation and future prevention" does not
        future = s.kind in (SectionKind.MEASURES, SectionKind.LESSONS)
        if (_FIX_TITLE_MEASURES if future else _FIX_TITLE).search(s.title):
            return True
    stated = "\n".join(s.body for s in doc.sections if s.kind in _STATES_FIX) + doc.preamble
    stated += _narrative_timeline(doc)
    if _FIX_SAID.search(stated):
        return True
    # A fix named only in a timeline entry is not a resolution part; one in the summary is.
    summary = "\n".join(s.body for s in doc.sections if s.kind is SectionKind.SUMMARY)
    return bool(FIX_WORD.search(summary))


def states_prevention(doc: Document) -> bool:
    """Prevention told in the prose of a document with few headings."""
    prose = "\n".join(s.body for s in doc.sections if s.kind is not SectionKind.TIMELINE)
    return bool(_PREVENTION.search(prose + doc.preamble))
