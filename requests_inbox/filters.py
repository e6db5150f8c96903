"""The list of My requests, declared once: its search, filters and sort (a FilterSet of
portal.listing, also used by the exports) and its page (`REQUESTS`)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.listing import DateInput, ListFilterSet, ListSpec
from portal.models import Topic
from requests_inbox.models import Request, Status

SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "number": ("number",),
    "-number": ("-number",),
    "subject": ("subject", "id"),
    "-subject": ("-subject", "-id"),
    "status": ("status", "-created_at"),
    "-status": ("-status", "-created_at"),
    "-activity": ("-last_message_at", "-id"),
    "activity": ("last_message_at", "id"),
}


class RequestFilter(ListFilterSet):
    sorts = SORTS
    default_sort = "-created"
    # Latest activity has no column: the sort is also offered as a choice of the form.
    sort_choices = [
        ("-created", _("Newest first")),
        ("created", _("Oldest first")),
        ("-activity", _("Latest activity")),
        ("activity", _("Oldest activity")),
        ("number", _("Tracking number, ascending")),
        ("-number", _("Tracking number, descending")),
        ("subject", _("Subject, A to Z")),
        ("-subject", _("Subject, Z to A")),
        ("status", _("Status, A to Z")),
        ("-status", _("Status, Z to A")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Topic.choices, empty_label=_("All")
    )
    created_from = django_filters.DateFilter(
        label=_("From"), field_name="created_at", lookup_expr="date__gte", widget=DateInput()
    )
    created_to = django_filters.DateFilter(
        label=_("To"), field_name="created_at", lookup_expr="date__lte", widget=DateInput()
    )

    class Meta:
        model = Request
        fields: list[str] = []

    def search(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        return queryset.search(value)


REQUESTS = ListSpec(
    filterset=RequestFilter,
    results_id="request-results",
    count_text=ngettext_lazy("%(counter)s request", "%(counter)s requests", "counter"),
    export_url="requests_inbox:export",
)
