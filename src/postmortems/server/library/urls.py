from __future__ import annotations

from django.urls import path

from postmortems.server.library import editor, views

app_name = "library"

urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("render.css", views.render_css, name="render_css"),
    path("search/", views.search, name="search"),
    path("feed/", views.feed_page, name="feed_page"),
    path("feed/<str:token>/", views.feed, name="feed"),
    path("new/", editor.new, name="new"),
    path("preview/", editor.preview, name="preview"),
    path("draft/discard/", editor.discard_draft, name="discard_draft"),
    path("services/", views.label_index, {"kind": "services"}, name="services"),
    path("services/<path:name>/", views.service_page, name="service"),
    path("tags/", views.label_index, {"kind": "tags"}, name="tags"),
    path("tags/<path:name>/", views.tag_page, name="tag"),
    path("p/<str:key>/", views.detail, name="detail"),
    path("p/<str:key>/raw/", views.raw, name="raw"),
    path("p/<str:key>/edit/", editor.edit, name="edit"),
    path("p/<str:key>/delete/", views.delete, name="delete"),
    path("p/<str:key>/revisions/", views.revisions, name="revisions"),
    path("p/<str:key>/revisions/<int:number>/", views.revision, name="revision"),
]
