from __future__ import annotations

from django.urls import path

from postmortems.server.oncall import feedviews, incidentpages, layerviews, pageviews, views

app_name = "oncall"

urlpatterns = [
    path("", views.schedule_list, name="list"),
    path("new/", views.new_schedule, name="new"),
    path("s/<slug:name>/", views.detail, name="detail"),
    path("s/<slug:name>/layers/", views.add_layer, name="add_layer"),
    path("layers/<int:layer_id>/delete/", views.remove_layer, name="remove_layer"),
    path("layers/<int:layer_id>/edit/", layerviews.edit_layer, name="edit_layer"),
    path("layers/<int:layer_id>/move/", layerviews.move_layer, name="move_layer"),
    path("s/<slug:name>/overrides/", views.add_override, name="add_override"),
    path("s/<slug:name>/swaps/", views.ask_swap, name="ask_swap"),
    path("overrides/<int:override_id>/delete/", views.delete_override, name="delete_override"),
    path("swaps/<int:swap_id>/answer/", views.answer_swap, name="answer_swap"),
    path("team/<slug:team>/", views.team, name="team"),
    path("handovers/<int:handover_id>/note/", views.handover_note, name="handover_note"),
    path("workload/", views.workload_view, name="workload"),
    path("pages/", pageviews.page_list, name="pages"),
    path("pages/<int:page_id>/", pageviews.page_detail, name="page"),
    path("pages/<int:page_id>/ack/", pageviews.acknowledge, name="ack"),
    path("policies/<slug:policy>/page/", pageviews.trigger, name="trigger"),
    path("ack/<str:token>/", pageviews.ack_link, name="ack_link"),
    path("incidents/<str:key>/page/", incidentpages.page_incident, name="page_incident"),
    path("feeds/", feedviews.feed_list, name="feeds"),
    path("feeds/new/", feedviews.new_feed, name="new_feed"),
    path("feeds/<int:token_id>/revoke/", feedviews.revoke_feed, name="revoke_feed"),
    path("feed/<str:token>.ics", feedviews.feed, name="feed"),
]
