"""Shared set-up for the on-call server tests: schedules and policies built from the pure model
and stored through ``store.apply_config`` (as ``pm oncall apply`` does), and a settable clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postmortems.oncall import model

UTC = dt.UTC
MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday


def rotation(
    name: str = "primary",
    users: tuple[str, ...] = ("alice", "bob", "carol"),
    *,
    team: str = "sre",
    zone: str = "UTC",
    unit: str = "days",
    count: int = 1,
    overrides: tuple[model.Override, ...] = (),
    business_hours: tuple[str, ...] = (),
) -> model.Schedule:
    """A daily rotation handing over at 09:00 from MONDAY; optionally a business-hours layer of
    ``business_hours`` on top (weekdays 09:00-17:00)."""
    layers = [
        model.Layer(
            name="main",
            users=users,
            shift=model.ShiftLength(count=count, unit=unit),
            handoff=dt.time(9),
            start=MONDAY,
        )
    ]
    if business_hours:
        layers.append(
            model.Layer(
                name="office",
                users=business_hours,
                shift=model.ShiftLength(count=1, unit="weeks"),
                handoff=dt.time(9),
                start=MONDAY,
                restrictions=(model.Restriction((0, 1, 2, 3, 4), dt.time(9), dt.time(17)),),
            )
        )
    return model.Schedule(name, zone, tuple(layers), overrides, team)


# Page alice; 10 minutes later bob; 15 minutes later, the next round (if any).
TWO_STEPS = (((("user", "alice"),), 10), ((("user", "bob"),), 15))


def policy(
    name: str = "sre-page",
    steps: tuple[tuple[tuple[tuple[str, str], ...], int], ...] = TWO_STEPS,
    *,
    repeat: int = 0,
    team: str = "sre",
) -> model.EscalationPolicy:
    """``steps``: ((targets as (kind, name)…), delay in minutes)…"""
    return model.EscalationPolicy(
        name,
        tuple(
            model.Step(tuple(model.Target(k, n) for k, n in targets), dt.timedelta(minutes=m))
            for targets, m in steps
        ),
        repeat,
        team,
    )


def apply(
    *schedules: model.Schedule,
    policies: tuple[model.EscalationPolicy, ...] = (),
    source: str = "oncall/team.yaml",
) -> list[str]:
    from postmortems.server.oncall import store

    sources = {x.name: source for x in (*schedules, *policies)} if source else {}
    return store.apply_config(model.Config(schedules, policies, sources), dry_run=False)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: Any) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def people(make_user: Any, *names: str) -> list[Any]:
    """Authors of team sre with an e-mail address each (so a page reaches them)."""
    out = []
    for name in names:
        user = make_user(name, "author")
        user.email = f"{name}@example.com"
        user.save()
        out.append(user)
    return out


def admin_form(client: Any, url: str) -> dict[str, str]:
    """What the admin's change form at ``url`` would post as it is: every field's value."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.find("form", id=lambda i: bool(i) and i.endswith("_form"))
    data: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or "__prefix__" in name or field.get("type") == "submit":
            continue
        if field.name == "textarea":
            data[name] = field.get_text().strip()
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.get("type") != "checkbox":
            data[name] = field.get("value", "")
        elif field.has_attr("checked"):
            data[name] = field.get("value", "on")
    return data


def page_text(answer: Any) -> str:
    """The words of an answer's HTML, each run of white space one space."""
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(answer.content, "html.parser").get_text(" ").split())


def delete_selected(client: Any, kind: str, pks: list[int]) -> str:
    """The admin's "delete selected" action on the on-call rows ``pks`` of ``kind``: what its
    page said, after confirming it as well (whatever the page offered)."""
    action = {"action": "delete_selected", "_selected_action": pks}
    said = page_text(client.post(f"/admin/oncall/{kind}/", action))
    client.post(f"/admin/oncall/{kind}/", {**action, "post": "yes"})
    return said


def admin_errors(answer: Any) -> str:
    """The errors an admin page shows (beside fields and at its top)."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(answer.content, "html.parser")
    return " ".join(e.get_text(" ") for e in page.select(".errorlist, .errornote"))


def pm_here(monkeypatch: Any, capsys: Any, command: str) -> Any:
    """`pm` in this process, on the test database (already set up: ``command``'s module boots no
    server): a function of the arguments giving (exit status, stdout, stderr)."""
    import importlib

    import pytest

    from postmortems import cli

    module = importlib.import_module(f"postmortems.commands.{command}")
    monkeypatch.setattr(module, "boot_server", lambda *args, **kwargs: None)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as done:
            cli.main(list(args))
        out = capsys.readouterr()
        return int(done.value.code or 0), out.out, out.err

    return run
