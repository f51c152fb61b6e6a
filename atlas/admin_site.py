"""The atlas's admin site: every changelist checks integer filters before querying.

A filter such as ?id__in=<40 digits> asks for a number no integer column holds. SQLite cannot
even bind it (OverflowError, a 500), and a driver that binds it server-side makes PostgreSQL
raise DataError, which would also break the transaction. So the value is checked against the
column's range first and, like any other wrong filter, sends the author back to the
unfiltered list (?e=1) with a message saying which filter was dropped.
"""

from functools import cache

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router
from django.utils.translation import gettext as _

INTEGER_LOOKUPS = {"exact", "in", "gt", "gte", "lt", "lte"}


def _integer_field(model, path: list[str]) -> models.IntegerField | None:
    """The integer column a filter path such as ["study", "case", "id"] compares with."""
    field = None
    for name in path:
        if field is not None:
            if field.related_model is None:
                return None
            model = field.related_model
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
    # A relation is filtered by the key it points at: the target of a foreign key, or the
    # primary key of the model on the other side (which may itself be a one-to-one).
    while field is not None and field.is_relation:
        if field.related_model is None:
            return None
        field = getattr(field, "target_field", None) or field.related_model._meta.pk
    return field if isinstance(field, models.IntegerField) else None


def out_of_range_filter(model, params: dict[str, list[str]], ops) -> tuple[str, str] | None:
    """The first (parameter, value) whose integer no column of its type can hold, if any."""
    for key, values in params.items():
        *path, lookup = key.split("__")
        if lookup not in INTEGER_LOOKUPS:
            path, lookup = [*path, lookup], "exact"
        field = _integer_field(model, path) if path else None
        if field is None:
            continue
        try:
            low, high = ops.integer_field_range(field.get_internal_type())
        except KeyError:
            continue
        items = [v for value in values for v in value.split(",")] if lookup == "in" else values
        for item in items:
            try:
                number = int(item)
            except ValueError:
                continue  # not a number at all: Django's own checks refuse it
            if (low is not None and number < low) or (high is not None and number > high):
                return key, item
    return None


class CheckedChangeList:
    """A ChangeList mixin that refuses integer filters out of their column's range."""

    def get_queryset(self, request, exclude_parameters=None):
        ops = connections[router.db_for_read(self.model)].ops
        bad = out_of_range_filter(self.model, self.get_filters_params(), ops)
        if bad is not None:
            messages.warning(
                request,
                _("The filter %(filter)s was dropped: %(value)s is out of range.")
                % {"filter": bad[0], "value": bad[1][:40]},
            )
            raise IncorrectLookupParameters(bad[0])
        return super().get_queryset(request, exclude_parameters)


@cache
def _checked(changelist_class: type) -> type:
    if issubclass(changelist_class, CheckedChangeList):
        return changelist_class
    return type(changelist_class.__name__, (CheckedChangeList, changelist_class), {})


class CheckedChangeListAdmin:
    """A ModelAdmin mixin whose changelist, the default or its own, checks integer filters."""

    def get_changelist(self, request, **kwargs):
        return _checked(super().get_changelist(request, **kwargs))


class AtlasAdminSite(admin.AdminSite):
    """admin.site: every ModelAdmin registered on it, now or later, gets the checked changelist."""

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, CheckedChangeListAdmin):
            admin_class = type(
                admin_class.__name__,
                (CheckedChangeListAdmin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)
