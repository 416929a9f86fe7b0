"""Recognising section headings however they are marked, and splitting the body into sections.

A section starts at a Markdown heading, a bold line (``**Timeline**``), a label line
(``Issue Summary:``), an HTML heading, or a short line that is only a known section name.
Names are matched through synonyms (``SYNONYMS``), after emoji, numbering and punctuation are
stripped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from postmortems.document.lines import Line, LineKind
from postmortems.document.markup import LINK
from postmortems.document.model import SectionKind

# Order matters: the first pattern that matches the whole normalised title wins.
SYNONYMS: list[tuple[SectionKind, str]] = [
    (
        SectionKind.ROOT_CAUSE_AND_RESOLUTION,
        r"(root )?causes? (and|&) (resolution|fix|remediation|mitigation|recovery|solution)s?"
        r"( (and|&) (recovery|resolution))?",
    ),
    (
        SectionKind.MEASURES,
        r"(corrective|preventi?ve|preventative|prevention)( (and|&) (corrective|preventi?ve|"
        r"preventative))? (measures?|actions?|steps?|items?)|actions? items?|follow[- ]?ups?"
        r"( (items?|actions?|tasks?))?|prevention|preventi?ve measures?|next steps|"
        r"(future )?(prevention|improvements?)( (plan|measures))?|todo( list)?|to[- ]do( list)?|"
        r"tasks?|remediation( items| actions| plan)?|corrective measures?|"
        r"what (we are|we're|we will|we'll|we will be|we'll be|we plan to) (doing|do|changing|"
        r"change|improving|improve)( .*)?|(the )?(changes|improvements) (we are|we're|we will be|"
        r"we'll be|we will|we'll)? ?(making|make)( .*)?|what('s| is| will be) changing|"
        r"measures taken.*|(measures|steps|actions) (taken )?to prevent.*|going forward|"
        r"mitigations? and prevention|"
        # "What is being done about this?", "How are we preventing it from happening again?"
        r"what (is|are|will be) (being )?done (about|to prevent).*|"
        r"how (are we|we are|will we|we will|we're|we'll) (preventing|prevent|going to prevent|"
        r"making sure|ensuring|avoiding|avoid).*|future (measures|actions|work)|"
        r"resulting actions?|(opportunities|areas) for improvement|opportunities|"
        # "Countermeasures", "Action plan", "What are any recommendations to prevent this …?"
        r"(counter ?measures|action plan)( .*)?|"
        r"(what (are|were) )?(any |the |our )?recommendations( (to|for) prevent.*)?|"
        r"what'?s next|what is next|what comes next|what happens next|"
        # "How are we making incidents like this less likely or less impactful?"
        r"how (are we|we are|will we|we will|we're|we'll) making [a-z ,']{0,60}?less "
        r"(likely|frequent|impactful|severe).*",
    ),
    (
        SectionKind.SUMMARY,
        r"(issue|incident|executive|outage|event)? ?(summary|overview|synopsis|summation|abstract)"
        r"( of (the )?(issue|incident|outage))?|tl;? ?dr|what happened\??|"
        r"(the )?(issue|incident|outage)( description| report| details)?|description|"
        r"what happens|(the )?problem (description|statement)|introduction|background|"
        r"what (was|is) the (problem|issue)\??",
    ),
    (
        SectionKind.TIMELINE,
        r"(incident |event |detailed |outage )?(timeline|chronology)( of events| of the incident)?|"
        r"sequence of events|timeline and response|time ?line|"
        r"(events?|incident|outage) time ?line|debugging (process|steps|journey)|"
        r"(the )?debugging|troubleshooting (process|steps)|"
        # what was done, step by step: "Tasks performed", "Chain of events"
        r"(tasks|steps|actions) performed|(chain|course|order) of events",
    ),
    (
        SectionKind.ROOT_CAUSE,
        r"(root )?causes?( analysis| of the (issue|outage|incident))?|rca|what went wrong|"
        r"what went wrong,? and why\??|"
        r"(technical )?(root[- ]cause|cause) (details|explanation)|why (did )?it happen(ed)?\??|"
        # questions and their answers: "Why did this happen?", "What caused it", "Contributing
        # factors"
        r"why( (did|does|do|was|were))? (it|this|that|all (of )?this|the (issue|outage|incident|"
        r"problem|failure|error)s?) (happen|happened|happens|occur|occurred|occurs|fail|failed)"
        r"\b.*|"
        r"what caused (it|this|the (issue|outage|incident|problem|failure)).*|"
        r"contributing factors?|(root cause|cause) and (trigger|contributing factors?)|"
        r"(five|5) why'?s( analysis)?|"
        # an incident report's questions: "What was the root cause of the incident?"
        r"what (was|were|is|are) the (root )?causes?( of (the|this) (issue|outage|incident|"
        r"problem|failure|disruption))?\??",
    ),
    (
        SectionKind.RESOLUTION,
        r"(resolution|recovery|mitigation|fix|remediation|solution)s?( (and|&) "
        r"(recovery|mitigation|remediation|resolution))?( steps)?|how (it was|we) (fixed|resolved)"
        r"( it)?|resolution and recovery|"
        # "How we fixed it", "What was done", "Actions taken", "Solving (temporarily)"
        r"how (we|it was|they were|was it|did we|the (issue|outage|incident|problem) was) "
        r"(fixed|resolved|solved|mitigated|fix|resolve|solve|mitigate|recovered)( it| this)?|"
        r"what (was|we) (done|did)|what we did( about it)?|what did we do( about it)?|"
        r"how (was|were|did) (it|this|the (issue|outage|incident|problem|service)) "
        r"(fixed|resolved|solved|mitigated|restored|recovered)|fixes|workarounds?|"
        r"(immediate |initial )?(response and )?(mitigation|recovery)( steps| actions)?|"
        r"(final|incident|temporary) (resolution|fix|solution)|stabili[sz]ation( steps)?|"
        # "What was the work around and resolution for the incident?"
        r"what (was|were) the (work ?arounds? and )?(resolution|fix|solution)s?( for (the|this) "
        r"(issue|outage|incident|problem))?\??|"
        # "How did we respond?": what was done to mitigate it
        r"how (did we|we) respond(ed)?\??",
    ),
    (
        SectionKind.IMPACT,
        r"(customer |user |business )?impact( assessment| analysis)?|"
        r"(outage |incident |total )?(duration|time ?frame|window)"
        r"( of (the )?(outage|incident|disruption|issue|project|event|downtime))?|"
        r"who was (affected|impacted)\??|what was the impact\??",
    ),
    (SectionKind.DETECTION, r"detection|how (it was|we) detected( it)?"),
    (SectionKind.TRIGGER, r"trigger"),
    (
        SectionKind.OTHER,
        r"conclusions?|closing( thoughts)?|final thoughts|appendix|references|glossary|"
        r"acknowledge?ments|supporting information|contributors|authors?|notes|resources|"
        r"attachments|related (incidents|links)|questions",
    ),
    (
        SectionKind.LESSONS,
        r"lessons?( learn(ed|t))?|learnings|what went well|what went (wrong|badly)|"
        r"where we got lucky|takeaways|what (we|i)('ve| have)? learn(ed|t)",
    ),
]
# Single words that name a section only as a heading of their own: as "Problem:" or "Why:" at
# the start of a line they are the first word of a sentence or a label inside a section.
HEADING_SYNONYMS: list[tuple[SectionKind, str]] = [
    (SectionKind.SUMMARY, r"(the )?problem|context"),
    (SectionKind.ROOT_CAUSE, r"why|(the )?(technical |underlying )?(problem|issue) explained"),
    (SectionKind.RESOLUTION, r"(immediate )?actions? taken|solving|solving the (problem|issue)"),
]
_COMPILED = [(kind, re.compile(rf"^(?:{pattern})$")) for kind, pattern in SYNONYMS]
_HEADING_COMPILED = [(kind, re.compile(rf"^(?:{pattern})$")) for kind, pattern in HEADING_SYNONYMS]

CANONICAL_TITLES: dict[SectionKind, str] = {
    SectionKind.SUMMARY: "Issue Summary",
    SectionKind.IMPACT: "Impact",
    SectionKind.TIMELINE: "Timeline",
    SectionKind.ROOT_CAUSE: "Root Cause",
    SectionKind.RESOLUTION: "Resolution",
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: "Root Cause and Resolution",
    SectionKind.MEASURES: "Corrective and Preventative Measures",
    SectionKind.DETECTION: "Detection",
    SectionKind.TRIGGER: "Trigger",
    SectionKind.LESSONS: "Lessons Learned",
}

_NOISE = re.compile(r"[^\w\s&;'/-]+", re.UNICODE)
# "2. Timeline", "iv) Fixes", "Part 3: Cause", and a section number alone ("6  Action Items",
# "3.1 Root Cause"), but not the five whys ("5 Whys").
_NUMBERING = re.compile(
    r"^(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s+|^(?:step|part|section)\s+\d+[:.]?\s+|"
    r"^\d{1,2}(?: \d{1,2}){0,2} (?!whys?\b|why's\b)(?=[a-z])"
)
_PAREN = re.compile(r"(?<!\s)\s*[(\[][^()\[\]\n]*[)\]]\s*")
_BOLD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*|__)(?P<t>[^*_].*?)(?:\1)\s*:?\s*(?P<rest>.*)$")
_LABEL = re.compile(
    # An emoji or symbol may stand before the label, but not "![" of an image or "[" of a link.
    r"^\s*(?:[^\w\s#>|`\[(<*!-][^\w\s\[]*\s*)?(?P<t>[A-Za-z][\w &/';-]{2,60}?"
    r"(?:\s*\([^()]{0,80}\))?)\s*:\s*(?P<rest>.*)$"
)
# A list item or a table row that starts with a time of day, in a whole body or one line:
# "- 12:03 AM - …", "| 12:03 AM | …", "- **00:27 UTC:** …", "- 2024-03-05 14:02 …"
TIMED_LINE = re.compile(
    r"^[^\S\n]*(?:[-*+]|\d+[.)]|\|)[^\S\n]*(?:\*\*|__)?(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}\b",
    re.MULTILINE,
)
_ONLY_PUNCT = re.compile(r"^[\W_]*$")
_PROMPT_LINE = re.compile(r"^\s*([*_])[^*_]+\?\s*\1\s*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


_EMPHASIS = re.compile(r"[*_`~]+")
_TRAILING_MARK = re.compile(r"(?<!\s)\s*[-–—:|]\s*$")
_LEADING_ARTICLE = re.compile(r"^(the|our|an?)\s+")
_AFTER_DASH = re.compile(r"(?<!\s)\s*[-–—:].*$")  # from a run's start: linear
_ASSIGNMENT_WORDING = re.compile(
    r"(?<!\s)\s+(?:must|should|will|shall)\s+(?:contain|include|have|be)\b.*$"
)
_TITLE_BREAK = re.compile(r"\s[-–—:]\s|:\s|(?<!\s)\s*[(\[]")  # from a run's start: linear


# Headings and labels repeat from one document to the next ("Timeline", "Root Cause"), and these
# are pure functions of the text: remembered, a build of 10,000 files reads each one once.
@functools.lru_cache(maxsize=8192)
def normalise(title: str) -> str:
    """Lower-case words of a heading: no emoji, numbering, markup, trailing colon or (aside)."""
    text = title.replace("’", "'").strip()
    # "[#](…#what-happened)What happened <a id="what-happened"></a>": anchors of a site export
    text = _HTML_TAG.sub(" ", LINK.sub(r"\1", text))
    text = _PAREN.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = _TRAILING_MARK.sub("", text)  # from a run's start: linear
    text = _NOISE.sub(" ", text).lower()
    text = " ".join(text.split())
    text = _NUMBERING.sub("", text)
    text = _LEADING_ARTICLE.sub("", text)
    # "Root cause and resolution must contain": the assignment's wording left in the heading
    text = _ASSIGNMENT_WORDING.sub("", text)
    text = _AFTER_DASH.sub("", text) if len(text.split()) > 6 else text
    return text.strip(" .:-")


@functools.lru_cache(maxsize=8192)
def classify_title(title: str, *, heading: bool = False) -> SectionKind | None:
    """The kind of section a title names, or None when it names none. ``heading``: the title is
    a heading of its own (not a label or a bold line), where a single word can name a section."""
    text = normalise(title)
    if not text or len(text) > 80 or _NAVIGATION.match(text):
        return None
    for kind, pattern in _COMPILED + _HEADING_COMPILED if heading else _COMPILED:
        if pattern.match(text):
            return kind
    # "Timeline (all times PST)" → parenthesis dropped; "Issue Summary – outage of X" → prefix
    head = _TITLE_BREAK.split(title, maxsplit=1)[0]
    if head != title and head.strip():
        return classify_title(head, heading=heading)
    return _by_keyword(text)


# A web page's navigation kept in its text ("Back to overview", "← Back to all incidents") is
# a link's words, not a section's name.
_NAVIGATION = re.compile(r"(?:go )?back to\b")


# A short heading that is not a known name but says what it is about ("Events Timeline",
# "Root Cause Explanation", "Our Corrective Measures").
_KEYWORDS: list[tuple[SectionKind, re.Pattern[str]]] = [
    # from the start to the first "cause" only, then on: scanned from each "cause", a flood of
    # them was quadratic
    (
        SectionKind.ROOT_CAUSE_AND_RESOLUTION,
        re.compile(r"\A(?:(?!\bcauses?\b).)*\bcauses?\b.*\b(?:resolution|fix)"),
    ),
    (SectionKind.TIMELINE, re.compile(r"\b(timeline|chronology)\b")),
    (
        SectionKind.MEASURES,
        re.compile(
            r"\b(corrective|preventi?ve|preventative|prevention|preventing|action items?|"
            r"to-?dos?|tasks?|measures?|improvements?|recommendations?|going forward|next steps|"
            r"future actions?|actions? (?:in|for) the future)\b"
        ),
    ),
    (SectionKind.ROOT_CAUSE, re.compile(r"\broot[- ]?causes?\b")),
    (SectionKind.SUMMARY, re.compile(r"\b(summary|overview|summation)\b")),
    (SectionKind.RESOLUTION, re.compile(r"\b(resolution|resolving)\b")),
    (SectionKind.LESSONS, re.compile(r"\blessons?\b")),
]


# "Post-resolution", "Pre-incident": what came after or before a part, not the part itself.
_AFTER_OR_BEFORE = re.compile(r"\b(?:post|pre)-[a-z]+")


def _by_keyword(text: str) -> SectionKind | None:
    if len(text.split()) > 7:
        return None
    text = _AFTER_OR_BEFORE.sub(" ", text)
    for kind, pattern in _KEYWORDS:
        if pattern.search(text):
            return kind
    return None


# Parts of a timeline written as labelled phases ("Detection:", "Actions taken:", "Escalation:",
# "Resolution:"), as the classic assignment asks: each is one entry of the timeline.
_PHASE = re.compile(
    r"^(?:(?:issue |incident |problem |outage )?(?:detection|detected|discovery|identification)"
    r"(?: (?:method|time|and response))?|how (?:it was|the issue was|we) detected(?: it)?|"
    r"(?:initial )?(?:actions?|steps?) taken|investigation(?: steps)?|"
    r"misleading(?: investigation| debugging)?(?: paths?| leads?| assumptions?)?|"
    r"(?:incident )?escalation|escalated|resolution|resolved|recovery|mitigation|"
    r"response|diagnosis|alert|monitoring alert|initial response|root cause identified|"
    r"(?:issue |incident )?(?:start|began|begins|end|ended)|fix(?:ed)?|restoration)$"
)


@functools.lru_cache(maxsize=8192)
def is_phase_title(title: str) -> bool:
    """Whether a heading names a phase of the incident (an entry of a phase-style timeline)."""
    return bool(_PHASE.match(normalise(title)))


_PHASE_LINE = re.compile(r"^[-*+\s]*(?:\*\*|__)?(?P<t>[A-Za-z][^:*_]{1,60}?)(?:\*\*|__)?\s*:")


def is_phase_line(line: Line) -> bool:
    """``Detection:`` / ``- **Escalation:** …``: a line that heads a phase of the incident."""
    if line.kind not in (LineKind.TEXT, LineKind.LIST, LineKind.HEADING):
        return False
    m = _PHASE_LINE.match(line.text if line.kind is not LineKind.TEXT else line.raw)
    return bool(m and is_phase_title(m["t"]))


@dataclass
class Marker:
    """A line that starts a section: its title, kind and what follows on the same line."""

    line: Line
    title: str
    kind: SectionKind | None
    level: int  # heading level; 7 for bold or label lines (below every heading)
    rest: str = ""  # text after "Label:" on the same line


def marker_of(line: Line) -> Marker | None:
    """Whether ``line`` starts a section, and which."""
    if line.kind is LineKind.HEADING:
        if not line.text:
            return None
        return Marker(line, line.text, classify_title(line.text, heading=True), line.level)
    if line.kind not in (LineKind.TEXT, LineKind.LIST):
        return None
    raw = line.raw
    m = _BOLD_LINE.match(raw)
    if m:
        kind = classify_title(m["t"])
        rest = m["rest"].strip()
        rest = "" if _ONLY_PUNCT.match(rest) else rest
        if kind is not None and (
            not rest or m["t"].rstrip().endswith(":") or ":" in raw[: m.end("t") + 4]
        ):
            return Marker(line, m["t"].strip(" :"), kind, 7, rest)
        if not rest and line.kind is LineKind.TEXT and len(m["t"].split()) <= 8:
            return Marker(line, m["t"].strip(" :"), None, 8)
        return None
    if line.kind is LineKind.LIST:
        # "- Timeline:" with the entries nested under it
        m = _LABEL.match(line.text)
        if m and not m["rest"].strip() and len(normalise(m["t"]).split()) <= 4:
            kind = classify_title(m["t"])
            if kind is not None:
                return Marker(line, m["t"].strip(), kind, 7)
        return None
    m = _LABEL.match(raw)
    if m and len(_PAREN.sub(" ", m["t"]).split()) <= 6:
        kind = classify_title(m["t"])
        if kind is not None:
            return Marker(line, m["t"].strip(), kind, 7, m["rest"].strip())
        rest = m["rest"].strip()
        if rest.startswith("#"):  # "Markup : ### Corrective Measures ###": a mangled heading
            title = rest.strip("# ")
            kind = classify_title(title)
            return Marker(line, title, kind, 7) if kind is not None else None
        if rest:
            return None
    # a short line that is only a section name; a line that is a link or an image is none, and
    # so is a template's prompt left in ("*How was the incident resolved?*")
    if _PROMPT_LINE.match(raw):
        return None
    if len(raw.split()) <= 7 and not raw.lstrip()[:1].islower() and raw.lstrip()[:1] not in "[!":
        # "The root cause is still unknown.": a sentence, named only by the table, not a keyword
        kind = exact_kind(raw) if _SENTENCE_END.search(raw) else classify_title(raw)
        if kind is not None:
            return Marker(line, raw.strip(), kind, 7)
    elif len(raw.split()) <= 3 and raw.lstrip()[:1].islower() and raw.rstrip()[-1:].isalpha():
        # "timeline", "todo" alone on a line, as chat-style notes write them: the name itself
        kind = exact_kind(raw)
        if kind is not None:
            return Marker(line, raw.strip(), kind, 7)
    return None


_SENTENCE_END = re.compile(r"[^.\s]\.\s*$")


def exact_kind(title: str) -> SectionKind | None:
    """The kind a title names through the synonym table alone (no keyword guessing)."""
    text = normalise(title)
    for kind, pattern in _COMPILED:
        if pattern.match(text):
            return kind
    return None


def flattened_marker(line: Line) -> Marker | None:
    """A paragraph that opens with a section name run into its text, as when headings were
    flattened by a copy-paste: "Summation In short, a typo." → ``Summation`` + the sentence."""
    if line.kind is not LineKind.TEXT or line.indent:
        return None
    words = line.raw.split()
    for n in (4, 3, 2, 1):
        if len(words) < n + 3:
            continue
        head, nxt = words[:n], words[n]
        if not all(w[:1].isupper() and w.isalpha() for w in head) or not nxt[:1].isupper():
            continue
        kind = exact_kind(" ".join(head))
        if kind is not None and kind is not SectionKind.OTHER:
            title = " ".join(head)
            return Marker(line, title, kind, 7, line.raw.strip()[len(title) :].strip())
    return None
