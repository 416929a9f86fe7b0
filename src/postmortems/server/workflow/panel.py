"""What the workflow panel on a postmortem page shows, for one viewer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from postmortems.document.model import Status
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.config import current as server_settings
from postmortems.server.library import kept, pagemessages
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import (
    comments,
    lifecycle,
    redact,
    repeats,
    services,
    shortfall,
    trackers,
)
from postmortems.server.workflow.lifecycle import Who
from postmortems.server.workflow.models import ActionItem, ReviewRequest


def accounts_for(pm: Postmortem) -> list[str]:
    """The user names an action item of ``pm`` may be given to: active accounts who can see it."""
    users = User.objects.filter(is_active=True).order_by("username")[:500]
    return [u.username for u in redact.may_see(pm, users)]


# What the panel shows of an item (and ``tracker_url`` for its link; ``position`` for the body's
# table), read by a query written out: Django's compiling a query cost a page more CPU than
# running it (docs/benchmarks.md, "Server").
ITEMS_SQL = (
    "SELECT id, position, text, kind, owner, due, priority, status, reason, tracker_url"
    f" FROM {ActionItem._meta.db_table} WHERE postmortem_id = %s ORDER BY position"
)
_SHOWN = "_workflow_shown_items"


def shown_items(pm: Postmortem) -> list[ActionItem]:
    """The action items of ``pm`` in the order of its task list, with the columns shown; read
    once for the row a page loaded, which the panel and the body's table (:func:`item_states`)
    both show."""
    found: list[ActionItem] | None = vars(pm).get(_SHOWN)
    if found is None:
        found = list(ActionItem.objects.raw(ITEMS_SQL, [pm.pk]))
        vars(pm)[_SHOWN] = found
    return found


def item_states(request: HttpRequest, pm: Postmortem) -> dict[int, str]:
    """The state of each action item by its place in the task list (``PM_ITEM_STATES``): the
    body's table says "In progress" or "Won't do" where the checkbox can only say open."""
    return {item.position: item.status for item in shown_items(pm)}


def finishable(items: list[ActionItem], user: Any) -> set[int]:
    """The open items ``user`` owns: their owner may mark them done without the author role."""
    me = getattr(user, "username", None)
    closed = {ActionItem.State.DONE, ActionItem.State.WONT_DO}
    return {i.pk for i in items if me and i.owner == me and i.status not in closed}


READ_ONLY_EMPTY: dict[str, Any] = {
    "moves": (),
    "reviews": (),
    "declined": (),
    "my_request": None,
    "is_author": False,
    "accounts": (),
    "may_edit_items": False,
    "stuck": "",
    "blocking": (),
}


def _moves(
    pm: Postmortem,
    current: Status,
    parts: frozenset[Who],
    reviews: list[ReviewRequest],
    user: Any,
) -> list[dict[str, Any]]:
    """The moves ``parts`` may make from ``current``, each with why it is refused (if it is);
    requesting changes, with how many of ``user``'s open comments already say what to change
    (else its note is required)."""
    mine = next((r for r in reviews if r.reviewer_id == user.pk), None)
    approved_by_me = mine is not None and mine.verdict == ReviewRequest.Verdict.APPROVED
    moves = []
    for t in lifecycle.available(current, parts):
        # Approve says the lint errors that block it (linted once a text: cached); the other
        # moves' buttons need no linting.
        facts = services.facts_for(pm, t, lint=t.name == "approve", reviews=reviews)
        why = lifecycle.refusals(t, parts, facts)
        done = t.name == "approve" and approved_by_me  # the button again would add nothing
        if done:
            why = ["you approved it already", *why]
        label = t.name.replace("-", " ").capitalize()
        # A team's rule that refuses it for open threads says them: no reminder beside.
        gated = facts.held_by_threads
        move = {"t": t, "why": "; ".join(why), "label": label, "done": done, "gated": gated}
        if t.name == "request-changes":
            move["said"] = services.open_said_this_round(pm, user)
        moves.append(move)
    return moves


def context(pm: Postmortem, user: Any) -> dict[str, Any]:
    """What the panel shows ``user``: viewers get a read-only panel."""
    items = shown_items(pm)
    seen = {  # what every reader is shown: the history, the items, the repeats of it since
        "pm": pm,
        "events": services.history(pm),
        "items": items,
        "recurred": repeats.recurrences(pm, user),
        "today": timezone.now().date(),
    }
    if not access_of(user).reads_comments():
        # Viewers can neither review nor comment: state, history and action items only, in few
        # queries, so reading a postmortem stays cheap; they may mark the items they own done.
        return {
            **seen,
            "state": services.state(pm).value,
            "finishable": finishable(items, user),
            "read_only": True,
            # What the template asks of a writer's panel, empty: a name missing from the context
            # costs the template three exceptions to find out.
            **READ_ONLY_EMPTY,
        }
    reviews, declined = _requests(pm)
    parts = services.parts_of(user, pm, reviews)
    current = services.state(pm)
    mine = next((r for r in reviews if r.reviewer_id == user.pk), None)
    moves = _moves(pm, current, parts, reviews, user)
    may_write = access_of(user).can(Action.WRITE, pm)
    threads = comments.threads(pm)
    may_comment = bool(parts) or may_write
    leads = bool(parts & {Who.AUTHOR, Who.ADMIN})
    asks = _ask_again(pm, declined, current, leads, user)
    again = [d["r"].reviewer for d in asks if d["pick"]]
    return {
        **seen,
        "state": current.value,
        "moves": moves,
        "reviews": reviews,
        "declined": asks,
        "pick_again": again,
        "my_request": mine,
        "is_author": leads,
        **_asking(pm, current, reviews, leads, user),
        "threads": threads,
        # Listed to work through; said beside Approve and Publish (not a gate: a reviewer may
        # leave a remark open).
        "open_list": [th for th in threads if not th.first.resolved],
        "open_threads": sum(1 for th in threads if not th.first.resolved),
        "may_comment": may_comment,
        "sections": pm.sections.splitlines() if may_comment else [],
        "accounts": accounts_for(pm) if may_write else [],
        "may_edit_items": may_write,
        "finishable": set() if may_write else finishable(items, user),
        **_repeats(pm, user, moves),
        "trackers": trackers.configured(server_settings()) if may_write else [],
        "states": ActionItem.State.choices,
        "kinds": ActionItem.Kind.choices,
        "priorities": ActionItem.Priority.choices,
    }


def _requests(pm: Postmortem) -> tuple[list[ReviewRequest], list[ReviewRequest]]:
    """The review requests of ``pm`` (the active ones, those declined), in one query."""
    rows = list(ReviewRequest.objects.filter(postmortem=pm).select_related("reviewer"))
    gone = ReviewRequest.State.DECLINED
    return [r for r in rows if r.state != gone], [r for r in rows if r.state == gone]


def _ask_again(
    pm: Postmortem, declined: list[ReviewRequest], current: Status, leads: bool, user: Any
) -> list[dict[str, Any]]:
    """The reviewers who declined, each with whether the viewer ``user`` (an author or an
    admin) may ask them again, if they still may be asked (:func:`services.may_be_asked`): while
    it is in review with *Ask again* (``again``), before that with the request or resubmit
    form's other reviewers (``pick``)."""
    rows = sorted(declined, key=lambda r: r.reviewer.username)
    ask = services.may_be_asked
    may = {r.pk: leads and r.reviewer.is_active and ask(r.reviewer, pm, user) for r in rows}
    reviewing = current is Status.IN_REVIEW
    return [
        {"r": r, "again": may[r.pk] and reviewing, "pick": may[r.pk] and not reviewing}
        for r in rows
    ]


STRAY = "<!-- pm:stray-error -->"  # in workflow/_panel.html, under the panel's heading


def _asking(
    pm: Postmortem, current: Status, reviews: list[ReviewRequest], leads: bool, user: Any
) -> dict[str, Any]:
    """Who the authors may still ask, and how far the reviewers asked go toward the approvals
    the severity needs (said on the request form, before a reviewer finds it out); an approved
    or published postmortem shows the approvals that approved it (a new round clears them);
    one sent back for changes, that its round is over (``round_over``).
    In review, its authors see the lint errors that block every approval (``blocking``), before
    a reviewer's Approve is refused."""
    required = services.required_approvals(pm)
    counted = (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED)
    got = services.approvals(pm, reviews) if current in counted else 0
    candidates = services.reviewer_candidates(pm, user) if leads else []  # whom ``user`` may ask
    out = {"candidates": candidates, "required": required, "approvals": got}
    out["round_over"] = current is Status.CHANGES_REQUESTED  # its verdicts go with a resubmit
    if leads:
        short = len(reviews) + len(candidates) < required  # as the review's gate counts
        why = shortfall.remedy(pm) if short else ""  # "ask noor again (declined)" among them
        out["needs"] = needs_line(pm.severity, required, got, len(reviews), len(candidates), why)
    out["stuck"] = shortfall.stuck(pm, reviews) if current is Status.IN_REVIEW else ""
    out["blocking"] = services.lint_errors(pm) if leads and current is Status.IN_REVIEW else ()
    return out


def needs_line(
    severity: str, required: int, got: int, asked: int, others: int, remedy: str = ""
) -> str:
    """``Needs 2 approvals (SEV2), has 0; 1 reviewer asked: ask at least 1 more``: what the
    severity asks of the review, and what the authors still have to do for it."""
    said = [f"Needs {required} approval{'s' if required != 1 else ''}"]
    said[0] += f" ({severity}), has {got}" if severity else f", has {got}"
    short = min(required, asked + others) - asked
    people = f"{asked} reviewer{'s' if asked != 1 else ''} asked"
    if short > 0 and asked:
        said.append(f"{people}: ask at least {short} more")
    elif short > 0:
        said.append(f"ask at least {short} reviewer{'s' if short != 1 else ''}")
    elif asked:
        said.append(people)
    if asked + others < required:
        who = f"only {asked + others} can" if asked + others else "nobody besides its authors can"
        said.append(f"{who} review it here: " + (remedy or "an admin's approval counts too"))
    return "; ".join(said) + "."


def render(request: HttpRequest, pm: Postmortem) -> str:
    """The panel on a postmortem page (``PM_POSTMORTEM_PANELS``)."""
    out = context(pm, request.user)
    out["kept"] = kept.take(request)  # what a refused post on this panel wrote
    out["said"], refused, out["beside"] = said_here(request, out["kept"])
    _edit_forms(out["items"], out["kept"])
    ticked = out["kept"].get("reviewer") or []
    out["kept_reviewers"] = [ticked] if isinstance(ticked, str) else ticked
    if not out.get("read_only") or out["finishable"]:
        out["csrf_token"] = get_token(request)
    html = _place_stray(render_to_string("workflow/_panel.html", out), out["kept"])
    return _as_alert(html, out["kept"]["at"]) if refused else html


EDITED = ("status", "owner", "due", "kind", "priority", "reason", "tracker_url")


def _edit_forms(items: list[ActionItem], refused: dict[str, Any]) -> None:
    """Each item's ``edit``: what its edit form shows, the item's own values, or what a refused
    edit of it sent (``open``: its form unfolded, the words in sight; nothing typed is lost).
    An edit form always sends a kind: a refused *Mark done* leaves the form as it was."""
    for item in items:
        own = {name: getattr(item, name) for name in EDITED}
        own.update(due=item.due.isoformat() if item.due else "", tracker_url=item.tracker_link)
        mine = refused.get("at") == f"item-{item.pk}" and bool(refused.get("kind"))
        shown = {**own, **{n: refused.get(n, "") for n in EDITED}} if mine else own
        vars(item)["edit"] = {**shown, "open": mine}


SAID = "review-panel"  # the tag of a message the panel says (a move made or refused)
AT = "said-at-"  # with SAID: the tag of one said beside a thread or an item (``said-at-item-4``)


def said_at(where: str) -> str:
    """The tags of a message said beside the thread or item ``where`` (``thread-12``,
    ``item-4``: the ids the panel gives them), where the page opens after the post."""
    return f"{SAID} {AT}{where}"


def said_here(
    request: HttpRequest, refused: dict[str, Any]
) -> tuple[list[Message], bool, dict[str, Any]]:
    """The messages of a post made from this panel, said where the page opens (not at the
    page's top, out of sight): the panel's own at its top (a move made); whether the refusal
    of a post is among them, which is said beside its form (``{at}-error``) and left out of
    the list; and what is said beside a thread or an item (``{"thread": 12, "said": "Your
    reply is posted."}``)."""
    taken = pagemessages.take(request, SAID)
    error = (refused.get("errors") or {}).get("__all__") if refused.get("at") else None
    beside: dict[str, Any] = {}
    said = []
    for m in taken:
        where = next((t[len(AT) :] for t in m.extra_tags.split() if t.startswith(AT)), "")
        kind, _, number = where.rpartition("-")
        if kind and number.isdigit():
            beside = {kind: int(number), "said": str(m)}
        elif not (m.level_tag == "error" and str(m) == error):
            said.append(m)
    refusal = any(m.level_tag == "error" and str(m) == error for m in taken)
    return said, refusal, beside


def _as_alert(html: str, at: str) -> str:
    """``html`` with the refusal said beside the form ``at`` an alert, as the page's top said
    it before (``role="alert"``): a screen reader reads it out."""
    mark = f'id="{at}-error"'
    return html.replace(mark, f'{mark} role="alert" tabindex="-1" data-said-here', 1)


def _place_stray(html: str, refused: dict[str, Any]) -> str:
    """The refusal of a form the panel no longer offers (a move made from a page older than
    the postmortem's state, an item a save removed) said under the panel's heading, with the
    id the refused post was sent back to: the page opens beside it, not at its top."""
    at, said = refused.get("at"), (refused.get("errors") or {}).get("__all__")
    if not at or not said or f'id="{at}-error"' in html:
        return html.replace(STRAY, "", 1)
    error = format_html('<p class="field-error stray" id="{}-error">{}</p>', at, said)
    return html.replace(STRAY, error, 1)


def _repeats(pm: Postmortem, user: Any, moves: list[dict[str, Any]]) -> dict[str, Any]:
    """What an approval would have to acknowledge (``repeats``), and the matches marked "not a
    repeat" that may be taken back (``marked``): asked only when the user may approve."""
    if not any(m["t"].name == "approve" for m in moves):
        return {"repeats": [], "marked": []}
    asked, marked = repeats.review(pm, user, timezone.localdate())
    return {"repeats": asked, "marked": marked}
