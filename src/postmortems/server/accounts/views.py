"""Personal API tokens: list, create (shown once), revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from postmortems.server.accounts.access import signed_in
from postmortems.server.accounts.forms import TokenForm
from postmortems.server.accounts.models import ApiToken


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        _, new_token = ApiToken.issue(
            signed_in(request),
            form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires=timezone.now() + dt.timedelta(days=days) if days else None,
        )
        form = TokenForm()
    rows = ApiToken.objects.filter(user=signed_in(request)).order_by("-created")
    context = {"tokens": rows, "new_token": new_token, "form": form}
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    ApiToken.objects.filter(user=signed_in(request), pk=token_id).delete()
    return redirect("tokens")
