"""Insights pages and fragments."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from postmortems.document import parse
from postmortems.document.frontblock import split
from postmortems.document.markup import prose_words, without_comments
from postmortems.errors import PostmortemsError
from postmortems.search.factors import FACTORS
from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights
from postmortems.server.insights import dashboard, export, factors, figures, panel, similar
from postmortems.server.insights.forms import InsightsForm, default_since
from postmortems.server.library import derive, fulltextindex, queries, sandbox
from postmortems.server.library.forms import MAX_TEXT, bad_request, errors_of
from postmortems.server.library.guards import access, posted, postmortem_or_404, requires


class DraftTextForm(forms.Form):
    key = forms.CharField(required=False, max_length=120)
    text = forms.CharField(required=False, strip=False, max_length=MAX_TEXT)


SAYS_ENOUGH = 40  # words of its own before matches mean much (a skeleton has about 25)


@posted(DraftTextForm)
def similar_draft(request: HttpRequest, form: DraftTextForm) -> HttpResponse:
    """htmx: earlier postmortems like the text being typed in the editor."""
    me = access_of(request.user)
    text = str(form.cleaned_data["text"])
    key = str(form.cleaned_data["key"])
    try:
        doc = sandbox.run(parse, text, f"{key or 'draft'}.md")
    except PostmortemsError:
        context = {"similar": [], "unreadable": True}
        return render(request, "insights/_similar.html", context)
    said = prose_words(without_comments(split(text)[1]))  # not the template's guidance
    if not doc.is_postmortem or said < SAYS_ENOUGH:  # a skeleton: it reads like every one
        return render(request, "insights/_similar.html", {"similar": [], "too_little": True})
    columns = derive.columns(doc)
    labels = derive.labels(doc)
    own = queries.get_visible(me, key) if key else None
    target = similar.Target(
        fulltextindex.parts_of(doc, str(columns["title"])),
        frozenset(v for k, v in labels if k == "services"),
        frozenset(v for k, v in labels if k == "tags"),
        exclude=own.pk if own is not None else None,
        until=columns.get("incident_date"),
    )
    found = similar.similar(me, target, today=timezone.localdate())
    return render(request, "insights/_similar.html", similar.shown(found))


@requires(Action.READ)
def similar_to(request: HttpRequest, key: str) -> HttpResponse:
    """htmx: the similar-incidents panel of a postmortem page."""
    pm = postmortem_or_404(request, key)
    return HttpResponse(panel.fragment(request, pm))


@requires(Action.READ)
def seen_before(request: HttpRequest, key: str) -> HttpResponse:
    """htmx: the *Seen before?* panel of an incident's page (404 for one the reader may not
    see, like the page)."""
    incident = rights.get(access(request), key)
    return HttpResponse(panel.seen_before(request, incident))


class FactorForm(forms.Form):
    factor = forms.ChoiceField(choices=[(f.slug, f.title) for f in FACTORS])
    state = forms.ChoiceField(choices=[(s, s) for s in ("confirmed", "rejected", "clear")])


@requires(Action.READ)
def factors_panel(request: HttpRequest, key: str) -> HttpResponse:
    """htmx: the contributing factors of a postmortem (GET), or a decision about one (POST)."""
    pm = postmortem_or_404(request, key)
    may_decide = access_of(request.user).can(Action.WRITE, pm)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied("your role in this postmortem's teams cannot change it")
        form = FactorForm(request.POST)
        if not form.is_valid():
            return bad_request(form, request)
        data = form.cleaned_data
        factors.decide(pm, data["factor"], data["state"], request.user, timezone.now())
        if not request.headers.get("HX-Request"):
            return redirect(reverse("library:detail", args=[pm.key]) + "#factors")
    rows = factors.rows(pm)
    shown = {r.factor.slug for r in rows}
    context = {
        "rows": rows,
        "others": [f for f in FACTORS if f.slug not in shown],
        "may_decide": may_decide,
        "url": reverse("insights:factors", args=[pm.key]),
    }
    return render(request, "insights/_factors.html", context)


@requires(Action.READ)
def insights(request: HttpRequest) -> HttpResponse:
    """The insights page, or its figures as CSV or JSON (``format=csv|json``); bad filters are
    a 400 with the form's errors (on the page, or as JSON for an export)."""
    me = access_of(request.user)
    now = timezone.now()
    form = InsightsForm(request.GET, teams=figures.teams_for(me), today=timezone.localdate())
    wanted = request.GET.get("format", "html")
    if not form.is_valid():
        if wanted in ("csv", "json"):
            return JsonResponse(
                {"error": errors_of(form), "hint": "fix the filters: team, since, until"},
                status=400,
            )
        return render(request, "insights/page.html", {"form": form}, status=400)
    found = figures.compute(me, form.scope(), now)
    stem = f"insights-{found.scope.team or 'all'}-{now:%Y%m%d}"
    if form.cleaned_data.get("format") == "json":
        response: HttpResponse = JsonResponse(export.to_json(found))
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    if form.cleaned_data.get("format") == "csv":
        response = HttpResponse(export.to_csv(found), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    return render(request, "insights/page.html", page_context(request, form, found))


def page_context(
    request: HttpRequest, form: InsightsForm, found: figures.Figures
) -> dict[str, Any]:
    params = request.GET.copy()
    params.pop("format", None)
    today = timezone.localdate()
    presets = [
        ("Last 3 months", {"since": default_since(today, 3).isoformat(), "until": ""}),
        ("Last 12 months", {"since": default_since(today).isoformat(), "until": ""}),
        ("All time", {"since": "", "until": ""}),
    ]
    team = {"team": found.scope.team} if found.scope.team else {}
    return {
        "form": form,
        "fig": found,
        "charts": dashboard.chart_list(found),
        "response": dashboard.response_rows(found),
        "steps": [
            (step, dashboard.duration(step.summary.median), dashboard.duration(step.summary.p90))
            for step in found.steps
        ],
        "open_age": dashboard.duration(found.items.age.median),
        "publication": found.steps[-1],
        "publication_median": dashboard.duration(found.steps[-1].summary.median),
        "exports": [(f, "?" + _with(params, format=f)) for f in ("csv", "json")],
        "presets": [(label, "?" + urlencode({**team, **p})) for label, p in presets],
    }


def _with(params: Any, **extra: str) -> str:
    out = params.copy()
    for name, value in extra.items():
        out[name] = value
    return str(out.urlencode())


def old_metrics(request: HttpRequest) -> HttpResponse:
    """/metrics/ moved to the insights page (a permanent redirect, the query string kept)."""
    target = reverse("insights:page")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
