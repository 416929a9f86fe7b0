from __future__ import annotations

from django.urls import path

from postmortems.server.incidents import (
    drafting,
    editviews,
    found,
    hooks,
    inboxviews,
    slackimport,
    views,
)

app_name = "incidents"

urlpatterns = [
    path("hooks/<str:kind>/<str:name>/", hooks.hook, name="hook"),
    # Without the slash too: a redirect would turn the sender's POST into a GET and lose it.
    path("hooks/<str:kind>/<str:name>", hooks.hook),
    path("incidents/", views.incident_list, name="list"),
    path("incidents/declare/", views.declare, name="declare"),
    path("incidents/search/", found.search_page, name="search"),
    path("incidents/inbox/", inboxviews.inbox, name="inbox"),
    path("incidents/inbox/dismissed/", inboxviews.dismissed, name="inbox_dismissed"),
    path("incidents/inbox/<int:alert_id>/", inboxviews.alert_page, name="alert"),
    path("incidents/inbox/<int:alert_id>/open/", inboxviews.open_incident, name="alert_open"),
    path("incidents/inbox/<int:alert_id>/attach/", inboxviews.attach, name="alert_attach"),
    path("incidents/inbox/<int:alert_id>/dismiss/", inboxviews.dismiss, name="alert_dismiss"),
    path("incidents/inbox/<int:alert_id>/undo/", inboxviews.undismiss, name="alert_undo"),
    path("incidents/ingest-errors/", views.ingest_errors, name="ingest_errors"),
    path("incidents/<str:key>/", views.detail, name="detail"),
    path("incidents/<str:key>/timeline/", views.timeline, name="timeline"),
    path("incidents/<str:key>/note/", views.note, name="note"),
    path("incidents/<str:key>/status/", views.status, name="status"),
    path("incidents/<str:key>/status/head/", views.head_status, name="head_status"),
    path("incidents/<str:key>/duplicate/", views.duplicate, name="duplicate"),
    path("incidents/<str:key>/severity/", views.severity, name="severity"),
    path("incidents/<str:key>/details/", editviews.edit_details, name="details"),
    path("incidents/<str:key>/milestone/", views.milestone, name="milestone"),
    path("incidents/<str:key>/role/", views.role, name="role"),
    path("incidents/<str:key>/flag/", views.flag, name="flag"),
    path("incidents/<str:key>/entries/<int:event>/edit/", views.edit_entry, name="edit_entry"),
    path("incidents/<str:key>/entries/<int:event>/redact/", views.redact_entry, name="redact"),
    path("incidents/<str:key>/postmortem/", drafting.write, name="postmortem"),
    path("incidents/<str:key>/slack/", slackimport.import_slack, name="import_slack"),
]
