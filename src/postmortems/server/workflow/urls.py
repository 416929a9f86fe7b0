from __future__ import annotations

from django.urls import path

from postmortems.server.workflow import views

app_name = "workflow"

urlpatterns = [
    path("p/<str:key>/workflow/move/", views.move, name="move"),
    path("p/<str:key>/workflow/answer/", views.answer, name="answer"),
    path("p/<str:key>/workflow/not-a-repeat/", views.not_a_repeat, name="not_a_repeat"),
    path(
        "p/<str:key>/workflow/repeat-after-all/",
        views.repeat_after_all,
        name="repeat_after_all",
    ),
    path("p/<str:key>/workflow/comment/", views.comment, name="comment"),
    path("p/<str:key>/workflow/comment/<int:comment_id>/resolve/", views.resolve, name="resolve"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("actions/", views.my_items, name="mine"),
    path("actions/overdue/", views.overdue, name="overdue"),
    path("actions/team/<str:team>/", views.team_items, name="team"),
    path("actions/<int:item_id>/", views.edit_item, name="edit_item"),
    path("actions/<int:item_id>/ticket/", views.open_ticket, name="ticket"),
]
