"""Contributing factors: a documented taxonomy, and suggestions read from the text.

A postmortem has one cause category (front matter ``cause_category``); most incidents have
several contributing factors besides (a config change, deployed without a canary, under a traffic
spike). :data:`FACTORS` is the taxonomy: the failure sources the classic format names (bug,
traffic spike, security issue, hardware failure, natural disaster, human error) and those real
postmortems use. Each factor has cue patterns, phrases of ordinary operations English that
state it ("certificate had expired", "misconfigured", "surge in traffic"). :func:`suggest_factors`
looks for them in the parts that state the cause (title, summary, root cause, resolution) and
returns each factor found once, with the phrase that suggests it, for a person to confirm: a
suggestion is never recorded as a fact on its own.

A cue with a negation just before it ("not a bug", "no deploy", "without a config change") does
not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postmortems.search.text import Doc, clean


@dataclass(frozen=True, slots=True)
class Factor:
    slug: str
    title: str
    description: str
    cues: tuple[str, ...]  # regular expressions, matched case-insensitively on word boundaries


FACTORS: tuple[Factor, ...] = (
    Factor(
        "bug",
        "Bug",
        "A defect in the software: a regression, a logic error, a race, a leak.",
        (
            r"bugs?",
            r"regression",
            r"race condition",
            r"memory leak",
            r"(connection|resource|file descriptor) leak",
            r"infinite (loop|recursion)",
            r"deadlocks?",
            r"null pointer|nil pointer|segfault|segmentation fault",
            r"unhandled exception|uncaught exception",
            r"logic error|off[- ]by[- ]one",
        ),
    ),
    Factor(
        "traffic-spike",
        "Traffic spike",
        "More requests than usual: a launch, a campaign, a viral link, a retry storm.",
        (
            r"(traffic|load|request|usage) (spike|surge|burst)s?",
            r"(spike|surge|influx|burst) (in|of) (traffic|requests|users|load|connections)",
            r"sudden (increase|rise) in (traffic|requests|load|users)",
            r"unexpected(ly)? high (traffic|load)",
            r"high traffic",
            r"thundering herd|retry storm|cache stampede",
        ),
    ),
    Factor(
        "security-issue",
        "Security issue",
        "An attack, a vulnerability, a compromised account or a leaked secret.",
        (
            r"attack(s|ed|er|ers)?",
            r"exploit(s|ed)?",
            r"vulnerab(le|ility|ilities)",
            r"phishing",
            r"malware|malicious",
            r"compromised?",
            r"unauthori[sz]ed (access|user|party)",
            r"(sql|command) injection",
            r"d?dos",
            r"(leaked|exposed) (credentials?|keys?|tokens?|secrets?|passwords?)",
        ),
    ),
    Factor(
        "hardware-failure",
        "Hardware failure",
        "A physical part failed: a disk, a host, a network card, a power supply.",
        (
            r"hardware (failure|fault|issue|problem)s?",
            r"(disk|drive|ssd|nic|power supply|psu|dimm|memory module|raid) (failure|failed|fault)",
            r"failed (disk|drive|ssd|power supply)",
            r"faulty (hardware|disk|drive|ram|memory)",
        ),
    ),
    Factor(
        "natural-disaster",
        "Natural disaster",
        "Weather, fire, flood or earthquake at a site the service runs in.",
        (
            r"earthquake|hurricane|typhoon|tornado|wildfire|flood(ing)?|heat ?wave",
            r"lightning strike",
            r"fire (in|at) (the|a|our) (data ?cent(er|re)|facility|building)",
        ),
    ),
    Factor(
        "human-error",
        "Human error",
        "A person's slip: a typo, a command run in the wrong place, a step forgotten.",
        (
            r"human error",
            r"typos?",
            r"misspel(led|t|ling)",
            r"(by )?mistake(n|nly)?",
            r"accidental(ly)?",
            r"inadvertent(ly)?",
            r"fat[- ]finger(ed)?",
            r"forgot(ten)?",
            r"wrong (command|server|host|cluster|environment|file|directory)",
        ),
    ),
    Factor(
        "config-change",
        "Config change",
        "A configuration was changed or was wrong: a setting, a file, a flag, a rule.",
        (
            r"misconfigur(ed|ation|ations)",
            r"(configuration|config) (change|push|error|mistake|issue|update)s?",
            r"(incorrect|wrong|invalid|bad) (configuration|config|setting|settings|value)",
            r"(configuration|config) file",
            r"syntax error",
            r"feature flag",
        ),
    ),
    Factor(
        "dependency",
        "Dependency",
        "Something the service relies on failed: a provider, an upstream, a library.",
        (
            r"third[- ]party",
            r"upstream (service|provider|outage|bug|dependency)",
            r"(provider|vendor|cloud)('s)? (outage|failure|incident|issue)",
            r"(external|downstream) (service|api|dependency)",
            r"dependenc(y|ies)",
        ),
    ),
    Factor(
        "capacity",
        "Capacity",
        "A resource ran out: disk, memory, CPU, connections, a quota or a limit.",
        (
            r"out of (memory|disk|space|capacity)",
            r"(disk|filesystem|volume|partition|dataset) (was |is |became )?full",
            r"no space left",
            r"(ran|running) out of",
            r"oom|oom[- ]?kill(ed|er)?",
            r"(cpu|memory|resource|connection pool|pool) "
            r"(exhaustion|exhausted|saturation|pressure)",
            r"exhausted",
            r"(hit|reached|exceeded) (the|a|its|their) (\w+ )?(limit|quota|capacity)",
            r"max(imum)?[ _]connections|too many connections",
            r"under-?provisioned|insufficient (capacity|resources)",
        ),
    ),
    Factor(
        "deploy",
        "Deploy",
        "A release, rollout or upgrade brought the change that failed.",
        (
            r"deploy(ed|ment|ments|ing)?",
            r"roll(ed)?[- ]?out",
            r"new (release|version)",
            r"upgrad(e|ed|ing)",
            r"(code|software) (push|update|change)",
        ),
    ),
    Factor(
        "expired-certificate",
        "Expired certificate",
        "A TLS/SSL certificate expired, often because its renewal failed.",
        (
            r"(certificates?|certs?)( \w+){0,3} (had |has |have )?expired",
            r"expired (\w+ ){0,2}(certificates?|certs?)",
            r"(certificate|cert|certbot|let'?s ?encrypt)( \w+){0,2} renewal (failed|failure)",
            r"certificate expir(y|ation)",
        ),
    ),
    Factor(
        "dns",
        "DNS",
        "Name resolution failed: a DNS record, zone, resolver or registrar change.",
        (r"dns", r"name ?servers?", r"(a|cname|mx) records?", r"domain (resolution|expired)"),
    ),
    Factor(
        "network",
        "Network",
        "Connectivity failed between parts: a partition, a link, routing, a firewall rule.",
        (
            r"network (partition|outage|failure|fault|issue|connectivity)",
            r"packet loss",
            r"fib(er|re) cut",
            r"(loss of|lost) (network )?connectivity",
            r"bgp|routing (issue|error|change)",
            r"firewall (rule|change|misconfiguration)",
        ),
    ),
    Factor(
        "monitoring-gap",
        "Monitoring gap",
        "The failure was not seen in time: no alert, no monitoring, an alert that did not fire.",
        (
            r"(no|lack of|missing|without) (alerting|alerts?|monitoring)",
            r"not monitored",
            r"went unnoticed|unnoticed",
            r"alerts? (did not|didn't|never) fire",
            r"reported by (users|customers)",
        ),
    ),
)

_NEGATION = re.compile(r"\b(no|not|never|without|n't|nor)\W+(\w+\W+){0,2}$", re.I)
_COMPILED = tuple(
    (factor.slug, re.compile(r"\b(" + "|".join(factor.cues) + r")\b", re.I)) for factor in FACTORS
)
CAUSE_PARTS = ("title", "summary", "root_cause", "resolution")


def suggest_factors(doc: Doc) -> list[tuple[str, str]]:
    """``(factor slug, phrase)`` for each factor the cause parts state, in taxonomy order; the
    phrase is the words that suggest it, as written."""
    text = " \n".join(clean(doc.fields.get(name, "")) for name in CAUSE_PARTS)
    found: list[tuple[str, str]] = []
    for slug, pattern in _COMPILED:
        for match in pattern.finditer(text):
            if not _NEGATION.search(text[max(0, match.start() - 40) : match.start()]):
                found.append((slug, " ".join(match.group().split())))
                break
    return found


def factor(slug: str) -> Factor:
    """The factor of that slug (KeyError when there is none)."""
    for item in FACTORS:
        if item.slug == slug:
            return item
    raise KeyError(slug)
