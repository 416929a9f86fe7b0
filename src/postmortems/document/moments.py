"""Key moments of a timeline, read from what each entry says happened.

An entry is cut into clauses (sentences, ``;``, ", but …"), and a cue counts only when the
clause says it happened:

- not negated ("the alert did **not** fire", "**failed to** roll back", "**no** escalation");
- not only planned ("**will** roll back", "**plan to** restart");
- not only attempted: "**tried to** restart", "rollback **attempted**" are actions, and an
  attempt the entry says did not work ("…; errors **continued**", "… **but** latency **still**
  high", "… which **did not help**") is a misleading path, not a mitigation;
- not about building the means ("**added** an alert", "**set up** monitoring" is no detection).

A suspicion alone is not a misleading path: "unrelated deployment at 10:02" is an ordinary entry.
It becomes one when the team acted on it ("suspected the deployment **and rolled it back**"),
when the entry says it was wrong ("turned out to be unrelated", "red herring"), or when it was a
first idea ("initially thought it was DNS"). The cue tables are data, declared once below.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence

from postmortems.document.model import TimelineEntry
from postmortems.document.wording import any_word

# How this is read; rendered into docs/format.md by formatdoc.
READING_RULES = """\
### Key moments

Each entry is read for the moment it records — detected, escalated, mitigated, resolved, a
misleading path, or an ordinary action — from what its sentences say happened
(`postmortems.document.moments`, cue tables as data):

- a cue counts only when it happened: not negated ("the alert **did not** fire", "**failed to**
  roll back", "**no** alerts"), not planned ("**will** roll back", "**suggests** a rollback"),
  not the building of an instrument ("**added** an alert"), not a count ("58 pod restarts"), not
  an alert's own state ("the disk alert resolved" is neither a resolution nor a detection);
- an attempt is an action, not a mitigation ("**tried to** restart", "rollback **attempted**");
  a step the entry says did not work ("…; errors **continued**", "… **but** latency **still**
  high", "…; error rate **still** 30%", "… which **did not help**", "the rollback **failed**")
  is a misleading path, and so is
  a mitigation the next entry says did not work ("Rolled back." then "Errors remain elevated
  despite the rollback.");
- a hunch ("suspected", "assumed", "unrelated") is a misleading path only when the team acted on
  it ("suspected the deployment **and rolled it back**") or found it wanting; a path named as
  wrong ("red herring", "turned out to be unrelated", "initially thought") always is.

When an entry says several things, misleading wins, then resolved, escalated, mitigated and
detected. The diagram and the page's timeline mark one entry for each milestone — the first
detection, escalation and mitigation and the last resolution (the diagram, in a document of
several incidents, among the entries of the first one's window) — and every misleading path.
An alert that pages someone ("PagerDuty alert pages the on-call SRE") is the detection when no
entry before it is one, not an escalation; "Paged the DB team via PagerDuty" only escalates.
An entry that opens with the milestone's name ("Mitigated: rolled back v2.31", "Detected by an
alert") says it plainly and is marked over one whose words only imply it ("Rolled back the
deploy." a minute before): a draft written from an incident's record says so of its status
changes. A name as a label — alone before a colon, or the whole entry ("Mitigated: fixed the
credentials", "Resolved.") — says which milestone the entry records whatever else its words
say ("fixed" alone reads as a resolution), unless they say it did not work. The resolution is
the last entry that reads as one. Where the front matter states `detected`, `mitigated` or
`resolved`, an entry at that minute carries the mark instead (the front matter wins, as on the
card; `postmortems.render.marks`): of several at the minute, the one labelled with the
milestone's name, else the one whose words read as it, else one that reads as no other moment,
else the first. An entry labelled as another moment ("Acknowledged: sam acknowledged the
page.", "Detected: …") never takes it, and an entry carries one mark; when no entry is left at
the minute, the words choose.

"""


class Moment(enum.StrEnum):
    DETECTED = "detected"
    ESCALATED = "escalated"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    MISLEADING = "misleading"
    ACTION = "action"


MILESTONES = (Moment.DETECTED, Moment.ESCALATED, Moment.MITIGATED, Moment.RESOLVED)

# When one entry says several things, the first of these wins: "restarted the service and it
# recovered fully" is the resolution, "paged the DB team after the alert" the escalation.
PRECEDENCE = (
    Moment.MISLEADING,
    Moment.RESOLVED,
    Moment.ESCALATED,
    Moment.MITIGATED,
    Moment.DETECTED,
)

# A step that happened to the system, not one the team took ("suspended by the scheduler bug").
_NOT_BY_ACCIDENT = (
    r"(?![^.;!?]{0,30}?\b(?:unexpectedly|by (?:a |an |the )?(?:[\w-]+ )?(?:bug|mistake|error)))"
)

# Regular-expression fragments (case-insensitive, matched at a word start).
CUES: dict[Moment, tuple[str, ...]] = {
    Moment.RESOLVED: (
        r"resolved", r"fixed\b", r"incident (?:was |is )?closed", r"closed the incident",
        r"back to normal", r"fully (?:operational|restored|recovered)",
        r"all clear", r"back online", r"(?:is|are|was|were|came) back up\b",
        r"resumed normal", r"normal operations?", r"recovered fully",
        r"(?:service|site|access|functionality|api|traffic)s? (?:was |were |is |are )?restored",
        r"confirmed (?:healthy|stable|resolved)", r"return(?:s|ed)? to normal",
        r"no longer (?:fail|erro|seeing|occur|reproduc)",
        # "is working normally", "was working again"; not "was working normally before"
        r"(?:is|are|(?:has|have) been)(?: (?:all|fully|now))? working (?:again|normally)\b",
        r"(?:was|were)(?: (?:all|fully|now))? working again\b",
        r"works? again\b",
    ),
    Moment.ESCALATED: (
        r"escalat", r"looped in", r"called in", r"pulled in", r"brought in",
        r"join(?:ed|s)\b(?: into)? (?:the |a |an |our )?(?:[\w-]+ ){0,2}"
        r"(?:call|bridge|channel|meeting|incident|investigation|room|response|effort|team)",
        r"pag(?:ed|es) (?:the|an?|our)\b", r"notif(?:ied|ies) (?:the|an?|our)\b",
        r"ping(?:ed|s)\b", r"handed (?:it )?over",
        r"war room", r"incident commander", r"declared (?:an|the) incident",
        r"incident (?:was |is )?declared(?! (?:mitigated|resolved|over|closed))",
        r"opened a (?:support )?(?:case|ticket) with", r"(?:is|are|was|were|gets?|got) notified",
        r"forward(?:ed|s) to",
    ),
    Moment.MITIGATED: (
        r"mitigat", r"roll(?:ed|ing|s)? (?:\w+ ){0,3}back", r"rollback", r"revert", r"workaround",
        r"restart", r"fail(?:ed|ing)? ?over", r"recover", r"drop(?:s|ped)? to",
        r"scal(?:e|es|ed|ing) (?:[\w-]+ ){0,3}(?:up|out|from \d|to \d)", r"reload", r"patched",
        r"deploy(?:ed|s) (?:a |the )?(?:fix|patch)",
        r"(?:fix|patch) (?:was |is )?deployed",
        r"hot ?fix", r"partially restored", r"released with (?:the |a )?fix",
        r"(?:fix|patch)(?:es)? (?:was |were |is )?released", r"includ\w* the fix",
        r"disabled the (?:feature|flag)", r"turn(?:s|ed)? off the (?:[\w-]+ )?(?:feature|flag)",
        # the load stopped ("Suspended the reports job", "the reports job is suspended")
        r"suspend(?:ed|ing|s)? (?:the |all |a )?(?:[\w-]+ ){0,2}(?:jobs?|cron\w*|workers?|"
        r"batch\w*|consumers?|pipelines?|tasks?|traffic|writes)\b" + _NOT_BY_ACCIDENT,
        r"(?:jobs?|cron\w*|workers?|batch\w*|consumers?|pipelines?|tasks?) (?:is|was|were|are) "
        r"(?:now )?suspended" + _NOT_BY_ACCIDENT,
    ),
    Moment.DETECTED: (
        r"alert", r"alarm", r"detect", r"notic(?:ed|es)\b", r"paged\b", r"pager", r"monitoring",
        r"report(?:ed|s)?\b", r"complain", r"spot(?:ted|s)\b", r"discover(?:ed|s)\b",
        r"observ(?:ed|es)\b", r"flag(?:ged|s)\b",
        r"first report",
    ),
}  # fmt: skip

# A misleading path the entry names as such, wherever it stands.
WRONG_TURN = (
    r"misleading", r"red herring", r"dead end", r"false (?:lead|alarm|trail)", r"wild goose",
    r"not (?:the|a) (?:root )?cause", r"(?:was|were|is|wasn't|weren't) not (?:the )?(?:cause|it)",
    r"ruled out", r"turned out (?:to be )?(?:unrelated|a red|wrong|fine|innocent|not|benign)",
    r"mistakenly (?:assum|thought|believ|suspect|identif|blam|attribut)", r"(?:was|were) mistaken",
    r"incorrect(?:ly)? (?:assum|suspect|believ|thought|identif)",
    r"wrong (?:assumption|direction|track|path|lead)", r"(?:initially|at first|originally) "
    r"(?:\w+ )?(?:thought|suspected|assumed|believed|blamed|attributed)",
)  # fmt: skip
# A first idea, misleading only when the team acted on it.
HUNCH = (
    r"suspect", r"assum", r"believ", r"thought", r"hypothes", r"unrelated", r"coincid",
    r"blamed", r"attributed",
)  # fmt: skip
ACTED = (
    r"roll(?:ed|ing)? (?:\w+ ){0,3}back", r"rollback", r"revert", r"restart", r"investigat",
    r"focus", r"chas", r"spent", r"looked into", r"dug into", r"scaled", r"tried", r"attempt",
    r"began", r"started (?:to|\w+ing)", r"check(?:ed|ing)", r"disabled", r"redeploy",
    r"flush", r"purg", r"kill", r"bounc", r"replac", r"rebuil", r"switch(?:ed)? (?:to|over|back)",
)  # fmt: skip

NEGATION = r"\b(?:not|no|never|none|without|n't|failed to|unable to|couldn't|cannot|neither|nor)\b"
NEGATED_AFTER = (
    r"^\W*(?:\w+ )?(?:did not|didn't|does not|doesn't|was not|wasn't|were not|weren't|never|"
    r"failed to|could not|couldn't|did not|not)\b"
)
PLANNED = (
    r"\b(?:will|would|should|shall|plan(?:s|ned)? to|need(?:s|ed)? to|going to|to be|"
    r"suggest\w*|propos\w*|recommend\w*|consider\w*|discuss\w*)\b"
)
ATTEMPT_BEFORE = r"\b(?:tried|tries|try|trying|attempt(?:s|ed|ing)?)(?: to)?\b"
ATTEMPT_AFTER = r"^\W*(?:\w+ ){0,2}(?:was |were )?(?:attempted|tried)\b"
BUILDING = r"\b(?:add(?:ed|ing|s)?|creat(?:e|ed|ing)|set(?:ting)? up|configur\w*|tun(?:e|ed|ing)|"
BUILDING += r"improv\w*|writ(?:e|ing)|wrote|implement\w*|new)\b"
# What an entry says about an earlier step that did not work.
NO_EFFECT = (
    r"\b(?:errors?|failures?|issues?|problems?|outage|latency|alerts?|timeouts?|crash\w*|impact|"
    r"symptoms?|5\d\ds?)\b (?:\w+ ){0,2}(?:continu|persist|remain|returned|came back|recurr)",
    r"\bcontinu\w* to (?:fail|error|time out|crash|spike|occur|return \d)", r"\bpersist(?:ed|s)\b",
    r"\bstill (?:\w+ )?(?:high|fail|erro|down|seeing|elevat|broken|unavailable|slow|occur|happen|"
    r"present|timing|crash|spik|affected)",
    # a bad signal still at a figure ("error rate still 30%", "p99 still at 800ms"; not a zero,
    # nor an error budget), or still answering with a server error ("still 502s")
    r"\b(?:error rate|errors?|latency|p\d\d|5xx|timeouts?|failures?)\b(?!\s+budget)"
    r"(?:\s+\w+){0,2}?\s+still (?:at |around |about |over |above )?~?(?!0(?:[.,]0+)?\s?%)"
    r"\d[\d.,]*\s?(?:%|ms\b|s\b|secs?\b|seconds?\b)",
    r"\bstill (?:seeing |getting |returning |serving )?5\d\d(?!\d)",
    r"\bno (?:effect|improvement|change|difference|luck)\b",
    r"\bunchanged\b", r"\bdid(?: not|n't) (?:help|work|fix|resolve|change|improve)",
    r"\bremain\w* (?:\w+ )?(?:unresponsive|down|unavailable|high|broken|slow|elevated|degraded)",
    r"\brecurr(?:ed|s|ing)\b", r"\bnot resolve", r"\bto no avail\b", r"\bwithout success\b",
    r"\bunsuccessful",
    r"\bfailed(?:\s+(?:to|again)\b|\s*[.,;!]|\s*$)",
)  # fmt: skip


def _any(fragments: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(fragments) + ")", re.IGNORECASE)


_CUE = {moment: _any(fragments) for moment, fragments in CUES.items()}
_WRONG_TURN = _any(WRONG_TURN)
_HUNCH = _any(HUNCH)
_ACTED = _any(ACTED)
_NO_EFFECT = re.compile("|".join(NO_EFFECT), re.IGNORECASE)
_NEGATION = re.compile(NEGATION, re.IGNORECASE)
_NEGATED_AFTER = re.compile(NEGATED_AFTER, re.IGNORECASE)
_PLANNED = re.compile(PLANNED, re.IGNORECASE)
_ATTEMPT_BEFORE = re.compile(ATTEMPT_BEFORE, re.IGNORECASE)
_ATTEMPT_AFTER = re.compile(ATTEMPT_AFTER, re.IGNORECASE)
_BUILDING = re.compile(BUILDING, re.IGNORECASE)
_COUNTED = re.compile(
    r"\b\d[\d,.]{0,30}[kKmM]?\s+(?:(?!(?:was|were|is|are|has|have|had)\b)[\w-]+\s+)?$"
)
_ALERT_STATE = re.compile(
    r"\b(?:alert|alarm|page|check|monitor)s?\s+(?:is\s+|was\s+|got\s+)?(?:auto-?)?$", re.I
)
_INSTRUMENT = re.compile(r"alert|alarm|monitoring|pager", re.IGNORECASE)
# "Alert resolved: HighErrorRate", "the alarm cleared": an alert ending, not a detection.
_ALERT_ENDED = re.compile(
    r"^s?\s+(?:(?:is|was|has|had|got)\s+)?(?:auto-?)?(?:resolved|cleared|recovered|"
    r"stopped firing|went green)\b",
    re.IGNORECASE,
)
# A whitespace run is tried from its start only ((?<!\s)): from every space of a long run each
# try would scan the rest of it.
_CLAUSES = re.compile(
    r"(?<=[.!?])\s+|(?:(?<!\s)\s+)?;\s*|(?<!\s)\s+[—–]\s+"
    r"|,?(?<!\s)\s+(?:but|however|yet)\b,?\s*",
    re.I,
)
_WINDOW = 4  # words before a cue that a negation, a plan or an attempt reaches
# "reports" as the name of a thing: after a period's adjective ("the nightly reports job"); a
# report that came in ("a report in #jupyter says the hub is down") is a detection
_NOUN_BEFORE = re.compile(
    r"\b(?:nightly|daily|weekly|monthly|hourly|quarterly|annual|batch|status)\s+$",
    re.IGNORECASE,
)
# what keeps restarting: a plural noun or a verb of going on before "restarting", nothing after
_ONGOING_BEFORE = re.compile(
    r"(?:\b(?:is|are|was|were|kept|keeps|keep|started|began|continued|continues)|\w\ws)\s+$",
    re.IGNORECASE,
)
_PEOPLE = re.compile(r"\b(?:we|i|they|team|ops|sres?|engineers?|on-?call)\b", re.IGNORECASE)
_ENDS_CLAUSE = re.compile(
    r"\W*$|\s+(?:repeatedly|constantly|continuously|again|in (?:a )?(?:crash ?)?loop)\b",
    re.IGNORECASE,
)


def _before(clause: str, at: int) -> str:
    return " ".join(_tail(clause, at, 200).split()[-_WINDOW:])


def _after(clause: str, at: int) -> str:
    """The few words after ``at``: what a cue's own words say of it."""
    return clause[at : at + 200]


def _happened(clause: str, m: re.Match[str]) -> bool | None:
    """True when the clause says the cue happened, False when it denies or only plans it, None
    when it was only tried."""
    before, after = _before(clause, m.start()), _after(clause, m.end())
    if _NEGATION.search(before) or _NEGATED_AFTER.search(after) or _PLANNED.search(before):
        return False
    if _ATTEMPT_BEFORE.search(before) or _ATTEMPT_AFTER.search(after):
        return None
    return True


def _found(moment: Moment, clause: str, failed_later: bool) -> Moment | None:
    """What the cue of ``moment`` in ``clause`` makes of the entry, if anything
    (``failed_later``: a later clause says a step did not work)."""
    no_effect: int | None = None  # read when a step's cue asks
    for m in _CUE[moment].finditer(clause):
        if moment in (Moment.MITIGATED, Moment.RESOLVED) and _DESPITE.search(
            _before(clause, m.start())
        ):
            continue  # "errors remain despite the rollback": the step is named, not taken
        if moment is Moment.RESOLVED and _ALERT_STATE.search(_tail(clause, m.start(), 80)):
            continue  # "the alert resolved": the alert's state, not the incident's
        if moment is Moment.MITIGATED and _COUNTED.search(_tail(clause, m.start(), 80)):
            continue  # "58 pod restarts": a count of events, not a step taken
        if moment is Moment.MITIGATED and _symptom(clause, m):
            continue  # "API pods restarting": what broke doing it
        if moment is Moment.DETECTED and _report_noun(clause, m):
            continue  # "the nightly reports job": a noun, not someone reporting
        if _INSTRUMENT.match(m.group()) and _BUILDING.search(_before(clause, m.start())):
            continue  # "added an alert": the means of detecting, not a detection
        if moment is Moment.DETECTED and _ALERT_ENDED.search(_after(clause, m.end())):
            continue  # "the alert resolved": it stopped firing
        happened = _happened(clause, m)
        if moment in (Moment.MITIGATED, Moment.RESOLVED):
            if no_effect is None:
                no_effect = _last_no_effect(clause)
            if failed_later or no_effect >= m.end():  # the step did not work
                return Moment.MISLEADING
        if happened:
            return moment
    return None


def _tail(clause: str, at: int, width: int = 40) -> str:
    """The few words before ``at`` (a pattern anchored at their end reads them, not the whole
    start of a long clause once for every cue)."""
    return clause[max(0, at - width) : at]


def _report_noun(clause: str, m: re.Match[str]) -> bool:
    """ "the nightly reports job": "reports" after a period's adjective names a thing."""
    return m.group().lower().startswith("report") and bool(
        _NOUN_BEFORE.search(_tail(clause, m.start()))
    )


def _symptom(clause: str, m: re.Match[str]) -> bool:
    """A thing that keeps restarting ("API pods restarting", "the database kept restarting"):
    the cue with no object after it, after the thing or a verb of going on, and no one doing
    it ("we are restarting" is a step)."""
    rest, before = _after(clause, m.start()), _tail(clause, m.start())
    return (
        rest[:10].lower() == "restarting"
        and bool(_ENDS_CLAUSE.match(rest[10:]))
        and bool(_ONGOING_BEFORE.search(before))
        and not _PEOPLE.search(before)
    )


def _last_no_effect(clause: str) -> int:
    """Where the clause last says a step did not work (-1: it does not): a cue before it is
    such a step, each cue asking without reading the rest of the clause again."""
    return max((found.start() for found in _NO_EFFECT.finditer(clause)), default=-1)


def _later(clauses: Sequence[str], pattern: re.Pattern[str]) -> list[bool]:
    """For each clause, whether one after it holds ``pattern`` (each clause read once)."""
    flags, seen = [False] * len(clauses), False
    for n in range(len(clauses) - 1, -1, -1):
        flags[n] = seen
        seen = seen or pattern.search(clauses[n]) is not None
    return flags


def _said(pattern: re.Pattern[str], clause: str) -> bool:
    """Whether ``clause`` says what ``pattern`` names, not negated."""
    m = pattern.search(clause)
    return m is not None and not _NEGATION.search(_before(clause, m.start()))


def _misleading(text: str, clauses: Sequence[str]) -> bool:
    if any(_said(_WRONG_TURN, c) for c in clauses):
        return True
    acted_later, failed_later = _later(clauses, _ACTED), _later(clauses, _NO_EFFECT)
    for i, clause in enumerate(clauses):
        hunch = _HUNCH.search(clause)
        if hunch is None or _NEGATION.search(_before(clause, hunch.start())):
            continue
        after = clause[hunch.end() :]
        if acted_later[i] or failed_later[i] or _ACTED.search(after) or _NO_EFFECT.search(after):
            return True  # acted on, or found wanting, after the idea came up
    return False


@functools.lru_cache(maxsize=8192)
def read(text: str) -> Moment:
    """The key moment one timeline entry records (``ACTION`` when it records none)."""
    clauses = [c for c in _CLAUSES.split(text.strip()) if c and c.strip()]
    if _misleading(text, clauses):
        return Moment.MISLEADING
    found: set[Moment] = set()
    failed_later = _later(clauses, _NO_EFFECT)
    for i, clause in enumerate(clauses):
        for moment in CUES:
            got = _found(moment, clause, failed_later[i])
            if got is not None:
                found.add(got)
    return next((moment for moment in PRECEDENCE if moment in found), Moment.ACTION)


def read_timeline(texts: Sequence[str]) -> tuple[Moment, ...]:
    """The moment of each entry, read in order: a mitigation the next entry says did not work
    ("Rolled back." then "Errors remain elevated despite the rollback.") is a misleading path."""
    moments = [read(t) for t in texts]
    for i in range(len(moments) - 1):
        if moments[i] is not Moment.MITIGATED or moments[i + 1] in _RECOVERY:
            continue  # the next entry's words matter only after a mitigation
        nxt = texts[i + 1]
        if _NO_EFFECT.search(nxt) or _DESPITE.search(nxt):
            moments[i] = Moment.MISLEADING
    return tuple(moments)


_RECOVERY = (Moment.MITIGATED, Moment.RESOLVED)
_DESPITE = any_word(r"despite|in spite of")


# An entry that opens with its moment's name ("Mitigated: rolled back v2.31", "Detected by an
# alert …", as an incident's record writes a status change) says it plainly: it marks the
# first detection, escalation or mitigation over one whose words only imply it (a note "Rolled
# back …" a minute before). The resolution is the last one whatever its words.
_NAMED = re.compile(r"\W*(?P<name>detected|escalated|mitigated)\b", re.IGNORECASE)
# A label: the name alone before a colon, or as the whole entry ("Mitigated: fixed the
# credentials", "Acknowledged: sam acknowledged the page", "Resolved."), as an incident's record
# writes each change of its status. The label says which moment the entry records, whatever else
# its words say ("fixed" reads as a resolution); "Mitigated by restarting …" is words, no label.
_LABEL = re.compile(
    r"\W*(?P<name>detected|escalated|mitigated|resolved|acknowledged)(?:[\s*_]*:|\W*$)",
    re.IGNORECASE,
)


def label(text: str) -> str | None:
    """The moment an entry's label names (``"mitigated"``, ``"acknowledged"``…), or None."""
    m = _LABEL.match(text)
    return m["name"].lower() if m is not None else None


# An alert paging someone ("PagerDuty alert pages the on-call SRE", "on-call paged by the disk
# alert") reads as an escalation by its verb; it is how the outage was detected when no entry
# before it is a detection. Paging a team ("Paged the DB team via PagerDuty") only escalates.
_ALERT_PAGED = re.compile(
    r"\b(?:alert\w*|alarms?|pagerduty|opsgenie|monitoring|monitors?)\b"
    r"(?:(?!\b(?:not|never|no|didn't|failed)\b)[^.;!?]){0,60}?\b(?:pag|notifi)(?:es|ed)\b"
    r"(?=\s+\w)"
    r"|\b(?:paged|notified) by (?:an? |the |our )?(?:[\w-]+ ){0,2}?(?:alert\w*|alarms?|"
    r"pagerduty|opsgenie|"
    r"monitoring|monitors?)\b",
    re.IGNORECASE,
)


def _alert_paged(text: str) -> bool:
    clauses = [c for c in _CLAUSES.split(text.strip()) if c and c.strip()]
    return any(_said(_ALERT_PAGED, clause) for clause in clauses)


def _detections(moments: Sequence[Moment], texts: Sequence[str]) -> list[Moment]:
    """``moments`` with the first escalation an alert paged read as the detection, when no
    entry before it is one."""
    marked = list(moments)
    for i, moment in enumerate(marked):
        if moment is Moment.DETECTED:
            break
        if moment is Moment.ESCALATED and _alert_paged(texts[i]):
            marked[i] = Moment.DETECTED
            break
    return marked


def _named(text: str, moment: Moment) -> bool:
    m = _NAMED.match(text)
    return m is not None and m["name"].lower() == moment.value


def _labelled(text: str, moment: Moment) -> Moment:
    """The moment an entry records: the milestone its label names ("Mitigated: fixed the
    credentials" is the mitigation, though "fixed" reads as a resolution), else what its words
    say; an entry they say did not work stays a misleading path."""
    name = label(text)
    if name is None or moment is Moment.MISLEADING or name not in MILESTONES:
        return moment
    return Moment(name)


def recorded(entries: Sequence[TimelineEntry]) -> list[Moment]:
    """The moment each entry records, as the milestones are chosen from: its words
    (:func:`read_timeline`), an alert that paged someone as the detection when no entry before
    it is one (:func:`_detections`), and a label naming a milestone (:func:`_labelled`)."""
    texts = [e.text for e in entries]
    moments = _detections(read_timeline(texts), texts)
    return [_labelled(text, moment) for text, moment in zip(texts, moments, strict=True)]


def milestones(entries: Sequence[TimelineEntry]) -> dict[Moment, int]:
    """Index of the entry that marks each milestone: the first detection, escalation and
    mitigation (among the entries that open with the milestone's name, when there are any),
    and the last resolution (:func:`recorded` says what each entry records)."""
    found: dict[Moment, int] = {}
    named: dict[Moment, int] = {}
    for i, moment in enumerate(recorded(entries)):
        if moment not in MILESTONES:
            continue
        into = named if _named(entries[i].text, moment) else found
        if moment is Moment.RESOLVED or moment not in into:
            into[moment] = i
    return found | named
