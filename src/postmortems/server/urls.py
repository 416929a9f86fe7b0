"""The URL map: pages under /, the JSON API under /api/, Django admin under /admin/ (and
/healthz, answered by a middleware: :class:`postmortems.server.health.HealthCheck`)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from postmortems.server.accounts import invites
from postmortems.server.accounts import views as account_views
from postmortems.server.api import api
from postmortems.server.library import sessionend

urlpatterns = [
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        account_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("session/", sessionend.session, name="session"),
    path("tokens/", account_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", account_views.revoke, name="revoke_token"),
    path("teams/", account_views.teams, name="teams"),
    path("teams/<slug:slug>/", account_views.team_settings, name="team_settings"),
    path("teams/<slug:slug>/members/", account_views.team_member, name="team_member"),
    path("teams/<slug:slug>/invite/", invites.team_invite, name="team_invite"),
    path("teams/<slug:slug>/invite/<int:user_id>/", invites.team_relink, name="team_relink"),
    path(
        "invite/<uidb64>/<token>/",
        account_views.AcceptInviteView.as_view(),
        name="accept_invite",
    ),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("postmortems.server.incidents.urls")),
    path("oncall/", include("postmortems.server.oncall.urls")),
    path("", include("postmortems.server.workflow.urls")),
    path("", include("postmortems.server.insights.urls")),
    path("", include("postmortems.server.library.urls")),
]

handler403 = "postmortems.server.errors.forbidden"
handler500 = "postmortems.server.errors.server_error"
