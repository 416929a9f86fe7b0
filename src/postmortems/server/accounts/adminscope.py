# mypy: disable-error-code="type-arg"
"""The admin within the teams' boundaries: a staff user who is not a superuser sees, in a change
list, an object's page, its history and a foreign key's choices, only the rows the site shows
them (a restricted postmortem, incident or schedule of another team is not there at all), and
changes or deletes only those their role lets them change on the site. Superusers see and
change everything, as before.

Each app's admin says both for its models (:meth:`TeamScoped.visible`, :meth:`TeamScoped.changes`)
with the app's own rules (``library.queries.visible``, ``incidents.rights``,
``oncall.visibility``), so the admin is not a second spelling of them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from postmortems.server.accounts.access import Access, access_of


def limited(request: HttpRequest) -> Access | None:
    """The access of a staff user the scope applies to; None for a superuser."""
    return None if request.user.is_superuser else access_of(request.user)


class TeamScoped(admin.ModelAdmin):
    """A change list scoped to what the user may see, its changes to what they may change."""

    # Said beside the form (and on the delete page) when the user's role cannot change it.
    refused = "your role in its team cannot change it"

    def visible(self, access: Access) -> QuerySet[Any]:
        """The rows of the model ``access`` may see on the site."""
        raise NotImplementedError

    def changes(self, access: Access, obj: Any) -> bool:
        """Whether ``access`` may change (and delete) ``obj``, as it is or as it would be saved."""
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        me = limited(request)
        return rows if me is None else rows.filter(pk__in=self.visible(me).values("pk"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        me = limited(request)
        return allowed and (obj is None or me is None or self.changes(me, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        me = limited(request)
        return allowed and (obj is None or me is None or self.changes(me, obj))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """A foreign key offers the related model's rows the user may see (its own admin's)."""
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related, TeamScoped) and "queryset" not in kwargs and limited(request):
            kwargs["queryset"] = related.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        """The form knows who saves (its ``viewer``: a refusal names only what they may see),
        and refuses to save a row the user could not change once saved (one added, or moved,
        to a team where their role cannot change it)."""
        form = for_viewer(super().get_form(request, obj, change, **kwargs), request)
        me = limited(request)
        if me is None:
            return form
        scope, viewer = self, me

        class Scoped(form):  # type: ignore[valid-type,misc]
            def _post_clean(self) -> None:
                super()._post_clean()  # the instance now holds what would be saved
                if not self.errors and not scope.changes(viewer, self.instance):
                    self.add_error(None, forms.ValidationError(scope.refused))

        Scoped.__name__ = form.__name__
        return Scoped

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """The "delete selected" action deletes only rows the user may change: any other
        selected is named, and the action refused (Django's missing permission)."""
        deleted, counts, needed, protected = super().get_deleted_objects(objs, request)
        me = limited(request)
        if me is not None:
            needed = set(needed) | {
                f"{obj} ({self.refused})" for obj in objs if not self.changes(me, obj)
            }
        return deleted, counts, needed, protected


class OwnRows(TeamScoped):
    """Rows that are one person's (an API token, a draft, a calendar feed): each user sees and
    changes only their own, whatever their role, as on the site."""

    owner = "user"  # the foreign key to the row's owner

    def visible(self, access: Access) -> QuerySet[Any]:
        rows: QuerySet[Any] = self.model._default_manager.all()
        if access.user_id is None:
            return rows.none()
        return rows.filter(**{f"{self.owner}_id": access.user_id})

    def changes(self, access: Access, obj: Any) -> bool:
        mine = getattr(obj, f"{self.owner}_id")
        return access.user_id is not None and mine == access.user_id


def row_of(obj: Model, field: str) -> Any:
    """The related row ``field`` of ``obj``, or None when it is not set (an unsaved form)."""
    try:
        return getattr(obj, field)
    except ObjectDoesNotExist:  # not chosen yet
        return None


def for_viewer(cls: type[Any], request: HttpRequest) -> type[Any]:
    """``cls`` (a form or formset class the admin made for this request) knowing who saves: its
    ``viewer``, whose access bounds what a refusal names. Every :class:`TeamScoped` form is."""
    return type(cls.__name__, (cls,), {"viewer": access_of(request.user)})
