"""What a summary says in words, read only when the front matter leaves it unstated: the
service that was down (PM206, without `services:`) and a share of users that is all or a count
(PM208, without `impact.users_affected_pct`).

Kept apart from :mod:`postmortems.lint.rules.summary` so that a postmortem whose front matter
states both never compiles these word lists.
"""

from __future__ import annotations

import re

from postmortems.document.wording import any_word

_SERVICE = any_word(
    r"services?|api|apis|servers?|site|website|web ?site|web ?app|apps?|application|"
    r"platform|database|db|backend|back-end|frontend|front-end|endpoints?|cluster|portal|"
    r"pages?|checkout|login|payments?|gateway|load ?balancer|nginx|apache|mysql|postgres\w*|"
    r"redis|kafka|dns|cdn|network|system|storage|queue|wallet|node|blockchain|dashboard|"
    r"store|email|mail|search|auth\w*|stack|infrastructure|server-side|product|channels?|chat|"
    r"repositor(?:y|ies)|repo|bots?|pipelines?|ci|builds?|releases?|nodes?|wallets?"
)


# "Binder was failing to …", "`hub.example.org` was down": a named thing that failed
_FAILED_NAME = re.compile(
    r"(?:\b(?!(?:We|It|This|That|They|There|The|Our|Users?|Customers?|Some|Most|All|On|At|In|"
    r"From|Between|During|After|Before|For|An?)\b)[A-Z][\w.-]+|`[^`]+`)\s+"
    r"(?:was|were|is|went|became|stopped|kept|had|has|could(?:n't| not)?|did(?:n't| not))\b"
)
# "the hub on prod would not come up": the thing that failed, named by its role
_FAILED_THING = re.compile(
    r"\bthe\s+[\w-]+(?:\s+(?:on|in)\s+[\w-]+)?\s+(?:would not|wouldn't|could not|couldn't|"
    r"did not|didn't|failed to|went down|was down|stopped|crashed|was unavailable|"
    r"was unreachable|became unavailable|broke|was failing|kept failing)\b",
    re.IGNORECASE,
)
_CODE_NAME = re.compile(r"`[^`\s]{2,}`|\b[\w-]{1,63}\.(?:io|com|org|net|dev|app|ai|rs|sh)\b")
_GENERIC_TITLE_WORDS = frozenset(
    """outage incident postmortem post-mortem mortem report down failure failures issue
    issues error errors problem the and for with from after during due of on in to""".split()  # noqa: SIM905
)


_TITLE_WORD = re.compile(r"[A-Za-z][\w.-]{2,}")
_CAPITALISED = re.compile(r"\b[A-Z][\w.-]{2,}")


def names_service(text: str, title: str | None) -> bool:
    """The summary names what was down: a service word, a named system that failed, a code
    name or domain, or a proper name the title is about."""
    if _SERVICE.search(text) or _FAILED_NAME.search(text) or _CODE_NAME.search(text):
        return True
    if _FAILED_THING.search(text):
        return True
    title_words = {w.lower() for w in _TITLE_WORD.findall(title or "")}
    named = title_words - _GENERIC_TITLE_WORDS
    return any(w.lower() in named for w in _CAPITALISED.findall(text))


# All users, everyone, a total outage, or a count of users: a share without a percentage
ALL_USERS = re.compile(
    r"\b(?:all|every|no|none of the|100 ?%(?: of)?)\s+(?:of (?:the |our )?)?"
    r"(?:users?|customers?|clients?|visitors?|requests?|traffic)\b|"
    r"\b(?:users?|customers?|clients?|visitors?)\s+(?:impacted|affected)\W{0,6}\s*"
    r"(?:all|everyone|every\w*|100 ?%)|"
    r"\baffect\w*\s+(?:all|every(?:one|body)|everything)\b|"
    r"\b(?:for|to) (?:everyone|everybody|anyone)\b|"
    r"\b(?:total|complete|full|entire|global|site-?wide|platform-?wide)\s+(?:[\w-]+\s+){0,3}"
    r"(?:outage|downtime)\b|"
    r"\bnothing (?:was )?(?:usable|working|available)\b|"
    r"\b(?:nothing|no one|nobody|none of (?:the|our) \w+) could\b|\b(?:everyone|everybody)\b|"
    r"\b(?:all|every) (?:of (?:our|the) )?(?:\w+ )?services? (?:went|were|was) "
    r"(?:down|unavailable)|"
    r"\b(?:completely|entirely|fully) (?:down|unavailable|unusable|inaccessible|unreachable)\b|"
    r"\b(?:a|one|a single|\d[\d,]{0,20}|two|three|four|five|several hundred|hundreds of|"
    r"thousands of)"
    r"\s+(?:\w+\s+)?(?:users?|customers?|clients?|accounts?|wallets?|members?|visitors?|"
    r"teams?|organi[sz]ations?|projects?|tenants?|merchants?|developers?)\b",
    re.IGNORECASE,
)
