"""The sentence of a summary that names the root cause."""

from __future__ import annotations

import re

from postmortems.document import drafted
from postmortems.document.markup import without_comments
from postmortems.document.model import Document, SectionKind

_ROOT = re.compile(r"\broot(?:[- ]?|[ \t]*\n[ \t]*)cause", re.IGNORECASE)  # "root\ncause": wrapped


# A sentence that states a cause without the words "root cause": "It was caused by a schema
# migration", "The cause was an expired certificate", "The reason was that one OSD …". "caused
# by this outage." is the impact, not the cause; "the reason is unknown" states none.
_CAUSED = re.compile(
    r"\b(?:caused by"
    r"(?! (?:this|the) (?:outage|incident|issue|disruption|downtime)\s*(?:[.!?,;]|$))|"
    r"(?:the )?(?:main |primary |underlying |direct )?(?:cause|reason) (?:was|is|were)\b"
    r"(?! (?:still |yet |as yet )?(?:unknown|unclear|not|under|being)\b)|"
    r"(?:was|were|is) (?:due to|triggered by|traced (?:back )?to)|stemm(?:ed|s) from|"
    r"result(?:ed|s)? from|the culprit (?:was|is)\b)",
    re.IGNORECASE,
)
# A weaker cue, taken when no sentence says more: "because of a bad config push" (also said of
# why a step could not be taken: "unable to roll back because of the change freeze").
_BECAUSE = re.compile(r"\bbecause (?:of )?(?:a|an|the|our|its|their|one|two|some)\b", re.I)

_BREAK = re.compile(r"[.!?](?=\s|$)|\n[ \t]*\n|\n[ \t]*(?:[-*+]\s|\d{1,3}[.)]\s|#)")


def root_cause_sentence(text: str) -> str | None:
    """The sentence that names the root cause, else the first that states a cause ("caused
    by …"), its wrapped lines joined."""
    m = _ROOT.search(text) or _CAUSED.search(text) or _BECAUSE.search(text)
    if not m:
        return None
    start = 0
    for b in _BREAK.finditer(text, max(0, m.start() - 800), m.start()):
        start = b.end()
    end_match = _BREAK.search(text, m.end())
    end = (
        len(text)
        if end_match is None
        else end_match.start() + (1 if end_match.group(0)[:1] in ".!?" else 0)
    )
    sentence = " ".join(text[start:end].split())
    return sentence.lstrip("-*+#>: ").strip() or None


def section_cause(doc: Document) -> str | None:
    """The root cause as its own section states it, when the summary names none: the sentence
    there that names a cause ("The root cause was …", "caused by …"), else its first sentence
    ("Root cause: a config push removed the upstream pool.")."""
    for kind in (SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION):
        section = doc.section(kind)
        # a draft's "Mitigated at …" is how the record says it was fixed, not the cause; a line
        # people wrote there is theirs (postmortems.document.drafted)
        body = drafted.split(section.body)[0] if section is not None else ""
        body = without_comments(body, "")  # a skeleton's guidance is no cause
        if body.strip():
            return root_cause_sentence(body) or _first_sentence(body)
    return None


def _first_sentence(text: str) -> str | None:
    end = _BREAK.search(text.strip())
    sentence = text.strip()[: end.end() if end else None]
    return " ".join(sentence.split()).lstrip("-*+#>: ").strip() or None
