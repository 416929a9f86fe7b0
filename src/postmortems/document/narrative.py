"""Roles a document tells in its prose rather than under a heading of their own: a cause or a
fix stated in the summary or the narrative, a corrective part after the fix. The second look of
:mod:`postmortems.document.roles`, taken only when the headings do not answer.
"""

from __future__ import annotations

import itertools
import re

from postmortems.document.markup import prose_words, without_comments
from postmortems.document.model import Document, SectionKind
from postmortems.document.wording import any_word

# A reader finds the cause or the fix stated in the summary or the narrative even without a
# heading of its own ("… went down due to a typo", "The issue was resolved by restarting …").
_CAUSE_WORDS = any_word(
    r"caused by|was caused|due to|because|the cause|result(?:ed)? (?:of|from)|"
    r"stem(?:med|s) from|triggered by|the (?:core |main |underlying |actual )?(?:problem|issue|"
    r"culprit|flaw|bug) (?:was|is|lies)|attributed to|traced (?:back )?to|overlooked|"
    r"did not (?:check|validate|update|renew|test|verify)|failed to|typo|misconfigur\w*|"
    r"(?:the|an?) (?:incorrect|wrong) \w+|(?:a|the) bug|flaw|vulnerab\w*|"
    r"exploit\w*|could (?:create|cause|allow|crash)|allow(?:ed|s)? (?:for|an? |the )|"
    r"compromised|phish\w*|(?:was|were) (?:missing|not set|not configured)"
)
# "The root cause was a typo", "Root cause: an expired certificate", "identified the root cause
# as …": the words followed by what it was. "We have identified the root cause", "the root cause
# is still unknown" and "our Root Cause Analysis" name it without stating it.
ROOT_STATED = re.compile(
    r"\broot[- ]causes?\b(?:[ \t]+of[ \t]+[\w -]{1,40}?)?[ \t]*(?:(?:is|was|were|lies|lay|"
    r"appears to be|seems to be|turned out to be|being|as)[ \t]+|[:\-–—][ \t]*)"
    r"(?!(?:still[ \t]+|yet[ \t]+|currently[ \t]+|not[ \t]+|being[ \t]+)?(?:unknown|unclear|"
    r"undetermined|under\b|investigat|tbd|pending|not\b|to be determined|identified\b))\w",
    re.IGNORECASE,
)


def cause_in(text: str) -> bool:
    """A cause stated in ``text``: a cause word, or the root cause named with what it was."""
    return bool(_CAUSE_WORDS.search(text) or ROOT_STATED.search(text))


# Outside the narrative a cause is an explanation, not a word of the story: "X caused Y",
# "the culprit was", "it turned out that".
_CAUSE_STATED = re.compile(
    r"\b(?:caused|causing|due to|because|the cause|culprit|the reason (?:was|is|"
    r"for|why)|stem(?:med|s) from|triggered by|traced (?:back )?to|attributed to|turned out|"
    r"result(?:ed)? (?:of|from)|(?:a|the) bug\b|misconfigur\w*|(?:was|were) (?:not|never) "
    r"(?:renewed|moved|updated|migrated|configured|set)|(?:insufficient|inadequate|no) "
    r"(?:testing|monitoring|alerting|capacity)|accidentally|mistakenly|inadvertently|"
    r"preventing (?:\w+ ){1,3}from)",
    re.IGNORECASE,
)
# "We renewed it", "the disk was replaced": a fix; "it was not renewed" is the cause.
RENEWED = (
    r"(?<!not )(?<!never )(?<!n't )(?:renewed|replaced|rotated|re-?issued|reloaded|rebuilt|"
    r"scaled (?:up|out)|upgraded)"
)
_FIX = any_word(
    r"resolved|fixed|the fix|fix(?:ing)? (?:was|is|the|it)|patch(?:ed)?|restored|"
    r"roll(?:ed)?[- ]?back|reverted|restart(?:ed|ing)|mitigated|remediated|was addressed|"
    r"addressed (?:in|by)|corrected|hotfix|solved|solution was|restart\w*|reinstall\w*|"
    r"redeploy\w*|reconfigur\w*|rebooted|(?:came|come|is|was|were|are) back (?:online|up|to "
    r"normal|in (?:a |its )?(?:working|healthy|normal) state)|"
    r"re-?enabled?|cordoned|failed over|"
    r"(?:were|was) (?:then )?able to (?:start|run|log ?in|use)|" + RENEWED
)
_NARRATIVE = frozenset(
    {
        SectionKind.SUMMARY,
        SectionKind.IMPACT,
        SectionKind.OTHER,
        SectionKind.LESSONS,
        SectionKind.DETECTION,
        SectionKind.TRIGGER,
    }
)
# "Remediation and Prevention": a measures section that also tells the fix
_FIX_TITLE = any_word(r"remediation|resolution|recovery|fix(?:es)?|mitigation")


_PROMPT = re.compile(
    r"^[^\S\n]*([*_])(?:[^*_\n]*\?|(?:list|describe|note|report|run|explain|summari[sz]e|include|"
    r"add|write|who|what|how|when|why)\b[^*_\n]*)\1\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def without_prompts(body: str) -> str:
    """A part's text without what its author did not write for this incident: HTML comments
    and the template's prompts."""
    return _PROMPT.sub("", without_comments(body))


def _told(doc: Document) -> list[str]:
    """Incidents told under a timeline heading: most entries are paragraphs without a time (a
    roundup's "### API outage" and what happened), not dated steps."""
    told = [e.text for e in doc.timeline if e.when is None and prose_words(e.text) >= _TOLD]
    return told if len(told) >= 2 and 2 * len(told) >= len(doc.timeline) else []


_TOLD = 25  # words: a paragraph, where a timeline step is a sentence or two


def _narrative(doc: Document, *, fix: bool = False) -> str:
    bodies = (
        without_prompts(s.body)
        for s in doc.sections
        if s.kind in _NARRATIVE and not (fix and _LUCK.search(s.title))
    )
    return "\n".join([without_prompts(doc.preamble), *bodies, *_told(doc)])


# "Where we got lucky: the on-call engineer was awake and fixed it" tells luck, not the fix.
_LUCK = re.compile(r"\blucky\b|\bluck\b", re.IGNORECASE)


def _explaining(doc: Document) -> str:
    """Every part that may explain the incident: all but the measures (what is to be done)."""
    bodies = (s.body for s in doc.sections if s.kind in _EXPLAINING)
    return "\n".join([doc.preamble, *bodies, *_told(doc)])


_EXPLAINING = frozenset(SectionKind) - {SectionKind.MEASURES}


def states_fix(doc: Document) -> bool:
    """A fix told by a measures title ("Remediation and Prevention"), the narrative or the
    root-cause part."""
    if any(s.kind is SectionKind.MEASURES and _FIX_TITLE.search(s.title) for s in doc.sections):
        return True
    roots = [s.body for s in doc.sections if s.kind is SectionKind.ROOT_CAUSE]
    narrative = _narrative(doc, fix=True) if doc.is_postmortem else ""
    return bool(_FIX.search(narrative) or any(_FIX.search(b) for b in roots))


def states_cause(doc: Document) -> bool:
    """A cause stated in the narrative, or explained in any part but the measures."""
    explaining = _explaining(doc)
    return bool(
        cause_in(_narrative(doc))
        or _CAUSE_STATED.search(explaining)
        or ROOT_STATED.search(explaining)
    )


# What a part says about the next time: prevention, plans, an alert added, a bug opened.
_PREVENTION = any_word(
    r"prevent\w*|avoid(?:ed|ing)?|in the future|going forward|next time|from now on|"
    r"(?:we|I) (?:will|should|need to|plan to|must|are going to|could)|lessons?|should be|"
    r"(?:we|I) (?:added|set up|configured) (?:an? |the )?(?:[\w%-]+ ){0,3}"
    r"(?:alert|alerting|monitoring|check|test)s?|(?:we|I) opened an? (?:issue|bug|ticket)"
)
# A title that names another role ("Description of the vulnerability", "FAQ")
_OTHER_ROLE = any_word(r"description|analysis|investigat\w*|details|faq|how to|appendix")
_TELLS_FIX_OR_CAUSE = frozenset(
    {SectionKind.RESOLUTION, SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION}
)


def measures_after_fix(doc: Document) -> bool:
    """An unnamed part right after the fix (or the cause) that speaks of the next time ("Post
    operations", "Conclusion", "Change the retention policy") is the corrective part."""
    told = [s for s in doc.sections if s.body.strip() or s.kind is not SectionKind.OTHER]
    for before, s in itertools.pairwise(told):
        if before.kind not in _TELLS_FIX_OR_CAUSE or s.kind is not SectionKind.OTHER:
            continue
        if len(s.title.split()) > 6 or not s.title[:1].isalpha() or _OTHER_ROLE.search(s.title):
            continue
        if _PREVENTION.search(s.body):
            return True
    return False
