"""Telling a guide or a template from a postmortem, for a file that states no time of day.

The last test of :func:`postmortems.document.classify.classify`: a file without any time that
speaks in general terms ("a postmortem is", "this section should") or reads like a project
README.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.markup import prose_words, without_comments
from postmortems.document.model import Section, SectionKind, TimelineEntry
from postmortems.document.wording import any_word

GUIDE = any_word(
    r"a postmortem is|post-?mortems? (?:are|is) (?:a|an|the)|how to write|"
    r"writing (?:a|an|good) post-?mortems?|the purpose of a post-?mortem"
)
GENERIC = any_word(
    r"a post-?mortem is|post-?mortems? (?:are|is|help|ensure|should)|how to write|"
    r"this section|should (?:include|contain|be|describe)|template|you should|"
    r"your post-?mortem|requirements?:|this readme|this repo(?:sitory)?|filename|license|"
    r"provide[sd]? (?:a|an) (?:brief|detailed)|describe (?:the|what|how)|"
    r"(?:a|an) (?:brief |short |detailed )?(?:overview|summary|description|explanation|account)"
    r" of"
)
NARRATIVE = any_word(
    r"was|were|occurred|happened|experienced|noticed|discovered|detected|fixed|resolved|"
    r"restarted|went down|failed|caused|identified|realized|encountered"
)
README_HEADING = re.compile(
    r"^#{1,4}\s*(?:installation|install|usage|tool|tools|contributing|files|technologies|"
    r"getting started|frontend conventions|build(?:ing)?|development)\b",
    re.IGNORECASE | re.MULTILINE,
)

_CAUSE_KINDS = (SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION)


def _tells_a_cause(sections: Sequence[Section]) -> bool:
    """A root-cause section that narrates (past tense, no "this section should"): an incident
    write-up, however few times it states."""
    return any(
        s.kind in _CAUSE_KINDS and NARRATIVE.search(s.body) and not GENERIC.search(s.body)
        for s in sections
    )


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")
# the parts a postmortem fills in about its incident
_INCIDENT_PARTS = frozenset(
    {
        SectionKind.SUMMARY,
        SectionKind.TIMELINE,
        SectionKind.ROOT_CAUSE,
        SectionKind.RESOLUTION,
        SectionKind.ROOT_CAUSE_AND_RESOLUTION,
        SectionKind.MEASURES,
        SectionKind.IMPACT,
    }
)


def _filled(text: str) -> str:
    """A part's own words: without HTML comments and the sentences that speak in general
    terms (a template's instructions left in: "This section should include …")."""
    sentences = _SENTENCE.split(without_comments(text))
    return " ".join(x for x in sentences if not GENERIC.search(x) and not _DESCRIBES.search(x))


# sentences about what a part of a postmortem holds ("A chronological account of the incident",
# "This part digs into …", "Recommendations for preventing …")
_DESCRIBES = any_word(
    r"this (?:part|section|document|template)|(?:a|an) (?:\w+ )?(?:account|overview|"
    r"summary|description|explanation|list|record) of|recommendations? for|any insights?|"
    r"a postmortem|post-?mortems? (?:are|is)"
)


def _tells_incident(sections: Sequence[Section], timeline: Sequence[TimelineEntry]) -> bool:
    """A template filled in with a real incident (its instructions left in) is a postmortem:
    three of its parts hold words of their own, and they tell what happened in the past tense
    ("the disks were past their rated life")."""
    texts = [_filled(s.body) for s in sections if s.kind in _INCIDENT_PARTS]
    texts.extend(_filled(e.text) for e in timeline)
    filled = [t for t in texts if prose_words(t) >= _FILLED_WORDS]
    return len(filled) >= 3 and bool(NARRATIVE.search(" ".join(filled)))


_FILLED_WORDS = 8


def speaks_in_general(
    text: str, prose: str, sections: Sequence[Section], timeline: Sequence[TimelineEntry]
) -> bool:
    """A file that states no time (``prose``: its text outside code blocks) and mostly speaks in
    general terms or reads like a README, with no part that tells an incident."""
    generic = len(GENERIC.findall(prose))
    narrative = len(NARRATIVE.findall(prose))
    return (
        bool(generic or README_HEADING.search(text))
        and narrative <= 2 * generic + 1
        and not _tells_a_cause(sections)
        and not _tells_incident(sections, timeline)
    )
