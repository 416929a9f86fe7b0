from __future__ import annotations

from django.urls import path

from postmortems.server.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.insights, name="page"),
    path("metrics/", views.old_metrics, name="metrics_moved"),
    path("insights/similar/", views.similar_draft, name="similar_draft"),
    path("insights/similar/<str:key>/", views.similar_to, name="similar_to"),
    path("insights/factors/<str:key>/", views.factors_panel, name="factors"),
    path("insights/seen-before/<str:key>/", views.seen_before, name="seen_before"),
]
