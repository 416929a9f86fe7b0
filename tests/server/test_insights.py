"""The insights page, its exports and /api/insights: what each figure counts, filters, errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tests.server.conftest import doc_text
from workflow_fixtures import clean_text

NOW = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def alice(make_user: Callable[..., Any]) -> Any:
    return make_user("alice", "author")


def _compute(user: Any, **scope: Any) -> Any:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.insights import figures

    return figures.compute(access_of(user), figures.Scope(**scope), NOW)


def _event(pm: Any, transition: str, at: dt.datetime, to_state: str) -> None:
    from postmortems.server.workflow.models import Event

    Event.objects.create(
        postmortem=pm, created=at, transition=transition, from_state="", to_state=to_state
    )


def test_the_old_metrics_figures_per_team(client: Any, alice: Any) -> None:
    """What the metrics page showed per team: postmortems, items, done, completion rate."""
    from postmortems.server.library import store

    text = clean_text().replace("cause_category", "teams: [payments]\ncause_category")
    store.create(text, None)
    store.create(doc_text("PM-OTHER", teams="sre"), None)
    fig = _compute(alice, team="payments")
    assert (fig.postmortems, fig.items.total, fig.items.done) == (1, 3, 1)
    assert fig.items.completion_rate == pytest.approx(1 / 3, abs=0.001)
    assert _compute(alice).postmortems == 2
    client.force_login(alice)
    page = BeautifulSoup(client.get("/insights/?team=payments&since=").content, "html.parser")
    options = [o["value"] for o in page.select("select[name=team] option")]
    assert options == ["", "payments", "sre"]
    assert "1 postmortem" in page.select_one(".scope").get_text()


def test_metrics_moved_permanently_and_the_nav_says_insights(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.get("/metrics/?team=sre")
    assert response.status_code == 301
    assert response["Location"] == "/insights/?team=sre"
    page = BeautifulSoup(client.get("/insights/").content, "html.parser")
    assert [a.get_text() for a in page.select("header nav a[href='/insights/']")] == ["Insights"]


def test_an_imported_postmortem_without_history_is_left_out_of_times(alice: Any) -> None:
    """Imported as published a year after the incident: no review time, counted as left out."""
    from postmortems.server.library import store

    text = doc_text("PM-OLD").replace("status: draft", "status: published")
    store.create(text, None)  # created now, incident in 2024: "hours to draft" was 24592.9
    fig = _compute(alice)
    publication = fig.steps[-1]
    assert (publication.summary.count, publication.no_history, publication.no_end) == (0, 1, 0)
    assert publication.summary.median is None
    assert fig.steps[0].no_history == 1  # past the review request too


def test_review_steps_are_timed_from_the_incident_end(alice: Any) -> None:
    from postmortems.server.library import store

    ends = dt.datetime(2024, 2, 12, 6, 30, tzinfo=dt.UTC)  # resolved: in doc_text
    for n, hours in enumerate((10, 30, 50)):
        pm = store.create(doc_text(f"PM-R{n}"), None).postmortem
        _event(pm, "request-review", ends + dt.timedelta(hours=hours / 2), "in-review")
        _event(pm, "approve", ends + dt.timedelta(hours=hours - 1), "approved")
        _event(pm, "publish", ends + dt.timedelta(hours=hours), "published")
    pm = store.create(doc_text("PM-EARLY"), None).postmortem
    _event(pm, "publish", ends - dt.timedelta(hours=1), "published")  # before the end
    publication = _compute(alice).steps[-1]
    assert publication.summary.count == 3
    assert publication.summary.median == dt.timedelta(hours=30)
    assert publication.summary.p90 == dt.timedelta(hours=50)
    assert publication.no_end == 1


def test_counts_by_period_severity_service_cause_and_factor(alice: Any) -> None:
    from postmortems.server.insights.models import ContributingFactor
    from postmortems.server.library import store

    a = store.create(doc_text("PM-A"), None).postmortem
    store.create(doc_text("PM-B").replace("2024-02-12", "2024-01-20"), None)
    store.create(doc_text("PM-C").replace("SEV2", "SEV1"), None)
    ContributingFactor.objects.create(postmortem=a, slug="expired-certificate", decided=NOW)
    fig = _compute(alice, since=dt.date(2023, 12, 1), until=dt.date(2024, 2, 29))
    assert fig.periods == ["2023-12", "2024-01", "2024-02"]
    assert fig.pm_by_period["SEV2"] == [0, 1, 1]
    assert fig.pm_by_period["SEV1"] == [0, 0, 1]
    assert fig.by_service[:2] == [("checkout-api", 3, 0), ("nginx", 3, 0)]
    assert fig.by_factor == [("Expired certificate", 1)]
    assert _compute(alice, since=dt.date(2024, 2, 1)).postmortems == 2
    far = _compute(alice, since=dt.date(1970, 1, 1), until=dt.date(9999, 12, 31))
    assert (far.unit, far.periods[0], far.periods[-1]) == ("year", "1970", str(NOW.year))


def test_an_open_item_is_as_old_as_its_incident_not_its_import(alice: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    pm = store.create(clean_text(), None).postmortem  # imported now, incident in February
    ActionItem.objects.update(created=NOW - dt.timedelta(days=1))
    fig = _compute(alice)
    assert fig.items.open == 2
    assert fig.items.age.median == NOW.date() - pm.incident_date
    assert dict(fig.items.by_age)["1–4 weeks"] == 2  # February 12 to March 1
    assert fig.items.overdue == sum(
        1 for i in ActionItem.objects.all() if i.status == "open" and i.due and i.due < NOW.date()
    )
    type(pm).objects.update(incident_date=None)  # no date: from when the server recorded it
    assert _compute(alice).items.age.median == dt.timedelta(days=1)


def test_the_exports_and_the_api_give_the_same_figures(client: Any, alice: Any) -> None:
    from postmortems.server.library import store

    store.create(doc_text("PM-X", teams='"=HYPERLINK(1)"'), None)
    client.force_login(alice)
    as_json = client.get("/insights/?since=2024-01-01&until=2024-12-31&format=json")
    assert as_json["Content-Disposition"].endswith('.json"')
    body = as_json.json()
    assert body["totals"]["postmortems"] == 1
    api = client.get("/api/insights?since=2024-01-01&until=2024-12-31").json()
    for one in (api, body):  # the open items' age grows between the two requests
        one["action_items"].pop("open_age")
    assert api == body
    got = client.get("/insights/?since=&format=csv&team=%3DHYPERLINK(1)")
    rows = dict(csv.reader(io.StringIO(got.content.decode())))
    assert rows["totals.postmortems"] == "1"
    assert rows["by_service.checkout-api.postmortems"] == "1"
    assert rows["postmortems_by_period.2024-02.SEV2"] == "1"
    assert rows["scope.team"] == "'=HYPERLINK(1)"  # text, not a formula a spreadsheet runs


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "since=2024-03-01&until=2024-02-01",
        "team=nobody",
        "since=1066-10-14",
        "until=99999-01-01",
        "format=xlsx",
    ],
)
def test_bad_filters_are_a_400_with_the_reason(client: Any, alice: Any, query: str) -> None:
    client.force_login(alice)
    page = client.get("/insights/?" + query)
    assert page.status_code == 400
    assert BeautifulSoup(page.content, "html.parser").select_one(".error[role=alert] li")
    if "format" in query:
        return
    exported = client.get(f"/insights/?{query}&format=json")
    assert exported.status_code == 400
    assert set(exported.json()) == {"error", "hint"}


def test_the_api_refuses_what_is_not_a_date(client: Any, alice: Any) -> None:
    client.force_login(alice)
    assert client.get("/api/insights?since=yesterday").status_code == 422


def test_the_api_answers_a_period_that_holds_nothing_or_starts_before_1970(
    client: Any, alice: Any
) -> None:
    from postmortems.server.library import store

    store.create(doc_text("PM-X"), None)  # its incident: February 2024
    client.force_login(alice)
    empty = client.get("/api/insights?since=2024-03-01&until=2024-02-01")
    assert empty.status_code == 200
    assert empty.json()["totals"]["postmortems"] == 0
    early = client.get("/api/insights?since=1066-10-14&until=2024-12-31").json()
    assert early["totals"]["postmortems"] == 1
    assert early["scope"]["since"] == "1970-01-01"  # nothing is dated before


def test_someone_without_a_role_sees_nothing(client: Any, make_user: Any) -> None:
    client.force_login(make_user("nobody"))
    assert client.get("/insights/").status_code == 403
    assert client.get("/api/insights").status_code == 403


def test_response_times_take_what_the_timeline_marks_when_front_matter_is_silent(
    alice: Any,
) -> None:
    """A postmortem whose timeline marks the detection and the mitigation (the card and the
    diagram show them) counts in the response times, not only one with front-matter times."""
    import re

    from postmortems.server.library import store

    text = re.sub(
        r"^(?:started|detected|mitigated|resolved):.*\n", "", clean_text("PM-T"), flags=re.M
    )
    pm = store.create(text, None).postmortem
    assert (pm.detected - pm.started, pm.mitigated - pm.started, pm.resolved - pm.started) == (
        dt.timedelta(minutes=7),  # "04:07 - Pager alert fired": the detection
        dt.timedelta(hours=2, minutes=10),  # "06:10 - … nginx reloaded": the mitigation
        dt.timedelta(hours=2, minutes=30),  # "From 04:00 to 06:30 PST": the end
    )
    response = _compute(alice).response["postmortems"]
    assert response["time_to_mitigate"].count == 1
    assert response["time_to_mitigate"].median == dt.timedelta(hours=2, minutes=10)


def test_reindex_brings_the_derived_columns_of_older_rows_up_to_date(alice: Any) -> None:
    """`pm admin reindex` after an upgrade: a row saved by an older reader gets what today's
    reads of its text (here, the mitigation its timeline marks)."""
    import re

    from postmortems.server.library import fulltextindex, store
    from postmortems.server.library.models import Postmortem

    text = re.sub(
        r"^(?:started|detected|mitigated|resolved):.*\n", "", clean_text("PM-U"), flags=re.M
    )
    pm = store.create(text, None).postmortem
    old_page = "<p>rendered by an older version</p>"
    Postmortem.objects.filter(pk=pm.pk).update(  # what an older reader and renderer stored
        mitigated=None, detected=None, rendered_html=old_page
    )
    assert fulltextindex.reindex() == 1
    pm.refresh_from_db()
    assert pm.mitigated is not None
    assert pm.detected is not None
    assert pm.key == "PM-U"
    from postmortems.server.library.page_cache import page_html

    assert "older version" not in page_html(pm)  # the page is rendered again on its next view
    assert Postmortem.objects.get(pk=pm.pk).rendered_version == pm.version


def test_the_presets_are_whole_months_with_this_one(client: Any, alice: Any) -> None:
    """ "Last 3 months" and "Last 12 months" start on the first day of a month, as the charts'
    bars do (the 3 months were 91 days back, a day within a month, beside a calendar year)."""
    from django.utils import timezone

    from postmortems.server.insights.forms import default_since

    client.force_login(alice)
    page = BeautifulSoup(client.get("/insights/").content, "html.parser")
    links = {a.get_text(): a["href"] for a in page.select("p.presets a")}
    today = timezone.localdate()
    assert f"since={default_since(today, 3).isoformat()}" in links["Last 3 months"]
    assert f"since={default_since(today, 12).isoformat()}" in links["Last 12 months"]
    assert default_since(dt.date(2026, 12, 4), 3) == dt.date(2026, 10, 1)
    assert default_since(dt.date(2026, 2, 4), 3) == dt.date(2025, 12, 1)
    assert default_since(dt.date(2026, 12, 4)) == dt.date(2026, 1, 1)


def test_reindex_reads_a_text_under_its_file_name_and_refreshes_the_list(alice: Any) -> None:
    """An imported postmortem titled by its file name keeps that title through a reindex."""
    from postmortems.server.library import fulltextindex, state, store

    text = "## Summary\n\nFrom 10:00 to 11:00 UTC on 2024-05-01 payments failed for 5% of users.\n"
    text += "\n## Root cause\n\nThe connection pool was exhausted by a retry storm.\n"
    pm = store.create(text, None, key="pm-77", source_name="payment-db-exhaustion.md").postmortem
    title, token = pm.title, state.token()
    assert "payment" in title.lower()
    fulltextindex.reindex()
    pm.refresh_from_db()
    assert pm.title == title
    assert state.token() != token  # the cached list pages are read again


def test_an_end_the_body_states_before_the_start_is_not_taken() -> None:
    from postmortems.document import parse
    from postmortems.server.library.derive import columns

    # the front matter says 10:00; the summary's range ends at 09:00 on that day
    text = "---\nstarted: 2024-05-01T10:00Z\n---\n## Summary\n\n"
    text += "From 08:00 to 09:00 UTC on 2024-05-01 the site was down.\n"
    assert parse(text).facts.end is not None
    assert columns(parse(text))["resolved"] is None


def test_front_matter_times_without_an_offset_are_stored_in_the_documents_zone() -> None:
    """The insights and the library read the instants: 09:00 in Berlin in July is 07:00 UTC
    (docs/format.md: a date-time without an offset is the document's zone's)."""
    from postmortems.document import parse
    from postmortems.server.library.derive import columns

    text = "---\ntimezone: Europe/Berlin\nstarted: 2024-07-01T09:00\n"
    text += "resolved: 2024-07-01T09:30+00:00\n---\n## Summary\n\nThe site was down.\n"
    got = columns(parse(text))
    assert got["started"] == dt.datetime(2024, 7, 1, 7, 0, tzinfo=dt.UTC)
    assert got["resolved"] == dt.datetime(2024, 7, 1, 9, 30, tzinfo=dt.UTC)  # its own offset
    # no zone named: UTC, as before
    assert columns(parse("---\nstarted: 2024-07-01T09:00\n---\n# x\n"))["started"].hour == 9


def test_a_duration_wraps_between_its_pairs_never_inside_one() -> None:
    from postmortems.server.insights.dashboard import duration

    shown = duration(dt.timedelta(days=4, hours=3, minutes=12))
    assert shown.split(" ") == ["4\u00a0d", "3\u00a0h", "12\u00a0min"]
    assert duration(None) == "—"
    assert duration(dt.timedelta(0)) == "0\u00a0min"
    assert duration(dt.timedelta(days=2458)) == "6.7\u00a0y"  # an age in years, not 2458 d
    assert duration(dt.timedelta(days=364)) == "364\u00a0d"


def test_a_share_is_rounded_half_up_as_a_reader_does() -> None:
    """3 of 24 items done read "12%" (widthratio rounds half to even)."""
    from postmortems.server.insights.templatetags.percent import percent

    shares = (0.125, 0.135, 0.0, 1.0, 1 / 3, 23 / 40, 29 / 200)
    assert [percent(r) for r in shares] == ["13", "14", "0", "100", "33", "58", "15"]
    assert percent(None) == ""


def test_a_postmortem_without_severity_is_none_in_the_chart_legend_and_its_table(
    client: Any, alice: Any
) -> None:
    """The legend names the series as the table does ("none"), whole: "none stated" was cut
    to "none stat…" by the legend's ten characters."""
    from postmortems.server.library import store

    store.create(doc_text("PM-SEV").replace("severity: SEV2\n", ""), None)
    store.create(doc_text("PM-SEV-2"), None)
    client.force_login(alice)
    page = BeautifulSoup(client.get("/insights/?since=").content, "html.parser")
    chart = page.select_one("#chart-pm-period")
    legend = [t.get_text() for t in chart.select("svg text.c-label")]
    assert "none" in legend
    assert "SEV2" in legend
    assert not [label for label in legend if label.endswith("…")]
    head = [th.get_text(strip=True) for th in chart.select("table thead th")]
    assert "none" in head
