"""Whether a task starts with a verb: its first words once a label ("Owner:"), a tag ("**P1**",
"(infra)"), a checkbox, markup and a subject ("We should", "Bob to") are set aside; the verbs
are :data:`postmortems.lint.taskverbs.VERBS` and a repository's own (``task-verbs``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.lint.taskverbs import VERBS

# Matched on stripped text: a leading `\s*` before the lazy label made a run of spaces quadratic.
_LABEL = re.compile(r"^(?:\*\*|__)?[^:*_]{1,40}?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*")
_LEAD = re.compile(
    r"^(?:we(?:'ll| will| should| must| need to| plan to| could| might| may| can)?|will|to|"
    r"should|must|please|need to|and|then|also|always|never|first|immediately|only|just|"
    r"(?:do not|don't|dont)|for (?:example|instance),?|e\.g\.,?)\s+",
    re.I,
)
_MARKUP = re.compile(r"[*_`~\[\]]")
_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s*")
# "**HIGH** Include …", "(Longer-term) Mirror …", "[P1] Add …": a tag before the task
_TAG = re.compile(r"^\s*(?:\*\*[^*]{1,20}\*\*|\([^)]{1,25}\)|\[[^\]]{1,12}\]|P\d)\s+(?=\S)")
# "Before retrying, ensure …", "If a subscription is canceled, back up …"
_CLAUSE = re.compile(
    r"^(?:before|after|when|whenever|if|until|once|while|during|by default|in future|"
    r"going forward|for (?:now|future)|in the future)\b[^,.;:]{0,120},\s*",
    re.I,
)
# "The prepuller should be fixed", "Admins should refamiliarize …"
_SUBJECT_MODAL = re.compile(
    r"^(?:[\w'’.-]+\s+){1,6}?(?:should|must|shall|will|needs? to|has to|have to|ought to)"
    r"(?:\s+(?:not|also|always|never|be able to))?\s+(?=[a-z])",
)
# "Nóva to send …": a name, then what they are to do. "Revert to the last image" is a verb.
_NAME_TO = re.compile(r"^(?P<name>[A-Z][\w'’.-]+)\s+to\s+(?=[a-z])")


_WORD_OR_NUMBER = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+")
_LABEL_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def task_words(text: str) -> list[str]:
    """The words of a task, without a leading ``Label:``, tag, "We will" or condition."""
    text = _CHECKBOX.sub("", text)
    text = _TAG.sub("", text)
    text = _MARKUP.sub("", text).strip()
    m = _LABEL.match(text)
    if m and len(text[m.end() :].split()) >= 2 and not _starts_with_verb(text[: m.end()]):
        text = text[m.end() :]
    text = _CLAUSE.sub("", text)
    for _ in range(2):
        text = _LEAD.sub("", text.strip())
    text = _SUBJECT_MODAL.sub("", text, count=1)
    named = _NAME_TO.match(text)
    if named and not is_verb(named["name"], set()):
        text = text[named.end() :]
    return _WORD_OR_NUMBER.findall(text)


def _starts_with_verb(label: str) -> bool:
    words = _LABEL_WORD.findall(label)
    return len(words) >= 2 and is_verb(words[0], set())


# What a hyphen joins to a verb and keeps it one ("Load-test the failover", "Pre-warm the
# cache"); a noun before it makes a noun ("Health-check endpoint", "On-call handbook").
VERB_PREFIXES = frozenset(
    {
        *("pre", "post", "co", "de", "un", "auto", "self", "over", "under", "cross", "double"),
        *("dry", "load", "stress", "smoke", "soak", "chaos", "spot", "fuzz", "canary"),
        *("right", "sanity", "hot", "soft", "hard", "geo", "write", "roll", "time", "fast"),
    }
)
# What a verb's object starts with: a hyphenated word whose last part is a verb and that is
# followed by one of these acts on it ("Auto-tune the pool", "Blue-green every deploy").
_OBJECT_START = frozenset(
    {"the", "a", "an", "all", "every", "each", "any", "our", "its", "their", "this", "these"}
)


def starts_with_verb(words: Sequence[str], extra: set[str]) -> bool:
    """Whether a task's ``words`` start with a verb: one of :func:`is_verb`, or a hyphenated
    word whose last part is a verb, followed by its object's first word."""
    if not words:
        return False
    if is_verb(words[0], extra):
        return True
    head, hyphen, last = words[0].lower().rpartition("-")
    return bool(hyphen and head and len(words) > 1 and words[1].lower() in _OBJECT_START) and (
        is_verb(last, extra)
    )


def is_verb(word: str, extra: set[str]) -> bool:
    """Whether ``word`` is a verb a task starts with (or an -s/-ed/-ing form of one)."""
    w = word.lower()
    if w in VERBS or w in extra:
        return True
    if w.startswith("re") and len(w) > 4 and is_verb(w[2:].lstrip("-"), extra):
        return True  # "re-evaluate", "reconfigure"
    head, hyphen, last = w.partition("-")
    if hyphen and head in VERB_PREFIXES:
        return is_verb(last, extra)  # "load-test", "dry-run", "pre-warm", "double-check"
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", ""), ("s", "")):
        if w.endswith(suffix) and w[: -len(suffix)] + repl in VERBS:
            return True
    return False


def is_task(text: str) -> bool:
    """Whether ``text`` reads as a task: it starts with a verb (after a label or "We will")."""
    words = task_words(text)
    if len(words) > 1 and words[0].lower().endswith("ly"):
        words = words[1:]  # "Regularly review …"
    return starts_with_verb(words, set())
