"""PM306–PM311: what the timeline covers — when and how the issue was detected, the actions
taken, a misleading path, escalation and resolution. Its form (bullets, times, zones, order,
length) is checked in :mod:`postmortems.lint.rules.timeline`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from postmortems.document.model import SectionKind, TimelineEntry
from postmortems.document.timeparse import leading_time
from postmortems.document.wording import any_word
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.violation import Severity

_DETECTION = any_word(
    r"detect\w*|notic\w*|alert\w*|report\w*|observ\w*|witness\w*|discover\w*|pag(?:ed|er|ing)|"
    r"aware|flagg\w*|spott\w*|monitor\w*|complain\w*|identif\w*|first|received|"
    r"triggered|fired|began|started|start|outage|incident|down|errors?|spike\w*|inbound|"
    r"notif\w*|informed|contacted|reached out|disclos\w*|opened|filed|escalat\w*"
)
_METHOD = any_word(
    r"alert\w*|monitor\w*|pager\w*|paged|pagerduty|opsgenie|datadog|grafana|nagios|"
    r"prometheus|new ?relic|sentry|zabbix|uptime|health ?check\w*|dashboard|customers?|"
    r"users?|clients?|complain\w*|tickets?|support|engineers?|notic\w*|reported|tweet\w*|"
    r"on-?call|automated|slack|email|sms|call|notified|informed|contacted|reached out|"
    r"researchers?|auditors?|bug bounty|hackerone|disclos\w*|inbound|issue (?:was )?"
    r"(?:opened|filed|raised)|discord|forum|twitter|tweet\w*|mention\w*|ping\w*|"
    r"(?:discovered|found|reported|identified|spotted|noticed) by|report\w*"
)
_ACTION = any_word(
    r"investigat\w*|check\w*|restart\w*|rebooted|roll(?:ed)?[- ]?back|revert\w*|"
    r"deploy\w*|inspect\w*|review\w*|look\w*|examin\w*|debug\w*|test\w*|ran|run|analy\w*|"
    r"diagnos\w*|ssh\w*|logs?|traced?|queried|query|verif\w*|scal\w*|isolat\w*|"
    r"disabl\w*|enabl\w*|apply\w*|applied|updat\w*|patch\w*|replac\w*|increas\w*|"
    r"added|removed|killed|switch\w*|moved|migrat\w*|identif\w*|found|began|started|tried|"
    r"roll\w*|rais\w*|lower\w*|fix\w*|chang\w*|reload\w*|issu\w*|rotat\w*|flush\w*|clear\w*|"
    r"block\w*|rerout\w*|provision\w*|resiz\w*|renew\w*|edit\w*|correct\w*|decid\w*|"
    r"decision|reboot\w*|shut\w*|stopp\w*|creat\w*|bump\w*|merg\w*|releas\w*|"
    r"publish\w*|pinned|upgrad\w*|downgrad\w*|"
    r"install\w*|configur\w*|delet\w*|purg\w*|failover|failed over|promot\w*|"
    r"paus\w*|suspend\w*|resum\w*|revers\w*|halt\w*|throttl\w*|redirect\w*|"
    r"pointed|repoint\w*|reset\w*|rebuil\w*|reindex\w*|backfill\w*|refund\w*"
)
_MISLEADING = any_word(
    r"assum\w*|suspect\w*|thought|believ\w*|initial\w*|red herring|mislead\w*|"
    r"turned out|ruled out|not the (?:cause|issue|problem|culprit)|wrong\w*|dead[- ]end|"
    r"false (?:lead|alarm|positive)|no effect|(?:didn't|did not|didn’t) (?:help|work|resolve|fix)"
    r"|unsuccessful\w*|hypothes\w*|seem\w*|appear\w*|however|but|instead|no (?:luck|change|"
    r"improvement)|still|persist\w*|continu\w*|without success|to no avail|coincidence"
)
_ESCALATION = any_word(
    r"escalat\w*|paged|page|called|looped|notified|contacted|brought in|involv\w*|"
    r"team|on-?call|lead|manager|sre|devops|dba|joined|handed|assigned|engineers?|"
    r"specialists?|experts?|support|vendor|senior|colleague|@\w+"
)
_RESOLUTION = any_word(
    r"resolv\w*|restor\w*|fix\w*|recover\w*|back to normal|mitigat\w*|back (?:online|up)|"
    r"normal\w*|stable|stabili\w*|closed|success\w*|working|up and running|operational|"
    r"healthy|solved|returned|complete\w*|ended|over|confirmed|monitor\w*|declared|"
    r"released|shipped|deployed|patched|addressed|rolled out|published|merged|pushed out|"
    r"rebuilt|back up|came back|up again|(?:is|are|was|were) (?:up|online)|able to connect|"
    r"updated|cancel\w*|revoked|disabled|removed|resumed|back (?:at|to|in|on|under)|"
    r"drain(?:s|ed)|ends"
)
# An undoing that ends the timeline is how it was resolved ("10:03 Mariano reverted the
# change"); earlier, or said not to help ("Rolled back; errors continue"), it may be a step.
_UNDONE = any_word(
    r"revert\w*|roll(?:ed)?[- ]?back|rollback|revers\w*|refunded|failed over|pointed back|"
    r"switched back"
)
_NO_HELP = any_word(
    r"no (?:effect|change|improvement|luck)|(?:didn't|did not|didn’t) (?:help|work|resolve|fix)|"
    r"continu\w*|persist\w*|without success|to no avail|unsuccessful\w*"
)


def _tail(entries: Sequence[TimelineEntry]) -> slice:
    return slice(-max(3, len(entries) // 2), None)


def _time_headed_sections(ctx: Context) -> list[str]:
    """Sections after the timeline headed by a time ("## 13:41"): entries the timeline's
    heading level cut off."""
    return [
        f"{s.title} {s.body}"
        for s in ctx.sections(SectionKind.OTHER)
        if leading_time(s.title) is not None
    ]


def _unread_timeline(ctx: Context) -> list[str]:
    """The timeline sections' text when the parsed entries cover little of it (a timeline
    told in paragraphs and tables): what it says counts, not only the entries."""
    sections = ctx.sections(SectionKind.TIMELINE)
    text = "\n".join(ctx.section_text(s) for s in sections)
    entry_words = sum(len(e.text.split()) for e in ctx.doc.timeline)
    return [text] if len(text.split()) > 3 * max(entry_words, 1) else []


def _coverage_rule(
    ctx: Context, pattern: re.Pattern[str], what: str, example: str, *, near_end: bool = False
) -> Iterator[Finding]:
    """A finding when no entry of the timeline (with ``near_end``, of its second half) says
    ``what``: ``pattern`` finds it nowhere."""
    entries = ctx.doc.timeline
    if len(entries) < 2:
        return
    window = entries[_tail(entries)] if near_end else entries
    texts = [e.text for e in window] + _time_headed_sections(ctx) + _unread_timeline(ctx)
    last = entries[-1].text
    if near_end and _UNDONE.search(last) and not _NO_HELP.search(last):
        return
    if not any(pattern.search(text) for text in texts):
        position = " near the end" if near_end else ""
        yield Finding(
            ctx.heading_line(SectionKind.TIMELINE),
            f"the timeline does not say {what} — expected an entry{position} like “{example}”",
        )


@rule(
    "PM306",
    "timeline-without-detection",
    Severity.WARNING,
    requirement="Timeline: covers when the issue was detected",
)
def timeline_without_detection(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline with no entry that says when the issue was detected (an alert, a
        report, a notification, errors noticed or witnessed). In a timeline that starts long
        before (when a bug shipped), the detection may come late.

    Why it matters:
        Time to detect is the first figure a team can improve.

    Example:
        - 04:15 - Rolled back the deploy.

    Use instead:
        - 04:07 - Pager alert: 5xx rate above 5% on checkout-api.
        - 04:15 - Rolled back the deploy.
    """
    if ctx.sections(SectionKind.DETECTION):
        return  # a Detection section says when and how it was detected
    yield from _coverage_rule(
        ctx, _DETECTION, "when the issue was detected", "04:07 - Pager alert fired"
    )


@rule(
    "PM307",
    "timeline-without-detection-method",
    Severity.WARNING,
    requirement="Timeline: covers how it was detected (alert, engineer, customer)",
)
def timeline_without_detection_method(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline that never says how the issue was detected: a monitoring alert, an
        engineer who noticed, a customer who complained.

    Why it matters:
        An incident found by customers is a monitoring gap; the timeline is where it shows.

    Example:
        - 04:07 - The issue started.

    Use instead:
        - 04:07 - A customer reported failed payments to support.
    """
    if ctx.sections(SectionKind.DETECTION):
        return  # a Detection section says how it was detected
    yield from _coverage_rule(
        ctx,
        _METHOD,
        "how the issue was detected (alert, engineer, customer)",
        "04:07 - Monitoring alert on the 5xx rate",
    )


@rule(
    "PM308",
    "timeline-without-actions",
    Severity.WARNING,
    requirement="Timeline: covers the actions taken",
)
def timeline_without_actions(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline that never says what was investigated or done.

    Why it matters:
        The actions show how long each step took and which ones helped.

    Example:
        - 04:07 - Alert fired.
        - 06:30 - Service recovered.

    Use instead:
        - 04:07 - Alert fired.
        - 04:15 - Checked nginx error logs; found certificate errors.
        - 06:30 - Service recovered.
    """
    yield from _coverage_rule(
        ctx, _ACTION, "what was investigated or done", "04:15 - Checked the nginx logs"
    )


@rule(
    "PM309",
    "timeline-without-misleading-path",
    Severity.INFO,
    requirement="Timeline: covers at least one misleading investigation path",
)
def timeline_without_misleading_path(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline that mentions no assumption, suspicion or dead end.

    Why it matters:
        Misleading paths are where time was lost; naming them is how debugging gets faster
        next time.

    Example:
        - 04:15 - Found the expired certificate.

    Use instead:
        - 04:15 - Suspected the 03:50 deploy and rolled it back; errors continued.
        - 05:45 - Found the expired certificate.
    """
    yield from _coverage_rule(
        ctx,
        _MISLEADING,
        "which paths were misleading",
        "04:15 - Suspected the deploy and rolled it back; errors continued",
    )


@rule(
    "PM310",
    "timeline-without-escalation",
    Severity.INFO,
    requirement="Timeline: covers escalation (to a team or a person)",
)
def timeline_without_escalation(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Notes (info) a timeline that never says to which team or person the incident was
        escalated. Small teams often handle an incident without escalating, so it is a
        question to ask rather than a gap.

    Why it matters:
        Escalation delays are a common cause of long outages, and on-call practice is built
        on knowing who was paged.

    Example:
        - 04:07 - Alert fired.

    Use instead:
        - 04:07 - Alert fired.
        - 05:10 - Escalated to the platform team; Bob joins.
    """
    yield from _coverage_rule(
        ctx,
        _ESCALATION,
        "to whom it was escalated",
        "05:10 - Escalated to the platform team",
    )


@rule(
    "PM311",
    "timeline-without-resolution",
    Severity.WARNING,
    requirement="Timeline: covers how it was resolved",
)
def timeline_without_resolution(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a timeline whose second half does not say that (and how) the issue was
        resolved. An undoing that ends the timeline ("10:03 Reverted the change", "Alias
        pointed back at yesterday's index") says how, unless it says it did not help.

    Why it matters:
        The resolution time ends the outage; without it the duration is a guess.

    Example:
        - 05:45 - Found the expired certificate.

    Use instead:
        - 05:45 - Found the expired certificate.
        - 06:10 - New certificate installed; error rate back to normal.
    """
    yield from _coverage_rule(
        ctx,
        _RESOLUTION,
        "how it was resolved",
        "06:10 - New certificate installed; service restored",
        near_end=True,
    )
