"""The agents' queue at volume: saved views, "mine and unassigned first", unread replies.

The list opens on "Waiting for us" (new and in progress); the saved views are one list
filter. Every row carries the last customer activity and whether this agent has read
it (RequestRead), so unread customer replies stand out and are counted.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.agents import agent_users
from requests_inbox.models import (
    WAITING_FOR_AGENT,
    Message,
    Rating,
    Request,
    RequestRead,
    Status,
)
from requests_inbox.services import request_assign

DEFAULT_VIEW = "waiting"


class QueueViewFilter(admin.SimpleListFilter):
    """Saved views of the queue; the queue opens on "Waiting for us"."""

    title = gettext_lazy("view")
    parameter_name = "view"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("waiting", gettext_lazy("Waiting for us")),
            ("mine", gettext_lazy("Mine")),
            ("unassigned", gettext_lazy("Unassigned")),
            ("overdue", gettext_lazy("Overdue")),
            ("unread", gettext_lazy("Unread customer replies")),
            ("customer", gettext_lazy("Waiting for the customer")),
            ("bad", gettext_lazy("Rated bad")),
            ("everything", gettext_lazy("Every request")),
        ]

    def value(self) -> str:
        return super().value() or DEFAULT_VIEW

    def choices(self, changelist: Any):
        """No "All" entry: the default is "Waiting for us", "Every request" shows all."""
        choices = list(super().choices(changelist))
        return choices[1:]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "waiting":
            return queryset.filter(status__in=WAITING_FOR_AGENT)
        if value == "mine":
            return queryset.filter(assignee=request.user).exclude(status=Status.CLOSED)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True).exclude(status=Status.CLOSED)
        if value == "overdue":
            return queryset.filter(status__in=WAITING_FOR_AGENT, due_at__lt=timezone.now())
        if value == "unread":
            return queryset.filter(unread=True)
        if value == "customer":
            return queryset.filter(status=Status.ANSWERED)
        if value == "bad":
            return queryset.filter(rating=Rating.BAD)
        return queryset


def annotate_queue(queryset: QuerySet, user: Any) -> QuerySet:
    """Last customer activity, this agent's read time, unread flag, mine/unassigned rank."""
    customer_messages = Message.objects.filter(request=OuterRef("pk"), is_agent=False)
    my_read = RequestRead.objects.filter(request=OuterRef("pk"), agent=user).values("read_at")
    return queryset.annotate(
        last_customer_at=Subquery(
            customer_messages.order_by("-created_at").values("created_at")[:1],
            output_field=DateTimeField(),
        ),
        my_read_at=Subquery(my_read[:1], output_field=DateTimeField()),
    ).annotate(
        unread=Case(
            When(
                Q(last_customer_at__isnull=False)
                & (Q(my_read_at__isnull=True) | Q(last_customer_at__gt=F("my_read_at"))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        queue_rank=Case(
            When(assignee=user, then=Value(0)),
            When(assignee__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def unread_count(user: Any) -> int:
    waiting = Request.objects.filter(status__in=WAITING_FOR_AGENT)
    return annotate_queue(waiting, user).filter(unread=True).count()


@admin.display(description=gettext_lazy("requester"), ordering="requester__email")
def requester_column(obj: Request) -> str:
    return obj.requester.email


@admin.display(description=gettext_lazy("last customer activity"), ordering="last_customer_at")
def activity_column(obj: Request) -> str:
    at = getattr(obj, "last_customer_at", None)
    if at is None:
        return "—"
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    if getattr(obj, "unread", False):
        return format_html(
            '<span class="request-unread">{}</span> <span class="request-unread-badge">{}</span>',
            when,
            _("unread"),
        )
    return when


@admin.display(description=gettext_lazy("satisfaction"), ordering="rating")
def rating_column(obj: Request) -> str:
    if obj.rating == Rating.BAD:
        return format_html('<span class="request-rating-bad">{}</span>', obj.get_rating_display())
    return obj.get_rating_display() if obj.rating else "—"


@admin.action(description=gettext_lazy("Assign to a colleague…"), permissions=["change"])
def assign_to_colleague(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Bulk assignment, confirmed on a second page that lists the requests and the agent."""
    agents = list(agent_users().order_by("first_name", "last_name", "email"))
    chosen = request.POST.get("agent", "")
    if request.POST.get("confirm") == "yes":
        agent = next((a for a in agents if str(a.pk) == chosen), None)
        if agent is None:
            messages.error(request, _("Please choose a colleague."))
        else:
            done = 0
            for obj in queryset:
                request_assign(request=obj, agent=agent, actor=request.user)
                done += 1
            messages.success(
                request,
                _("%(count)d request(s) assigned to %(name)s.")
                % {"count": done, "name": agent.get_full_name() or agent.email},
            )
            return None
    return TemplateResponse(
        request,
        "admin/requests_inbox/request/assign_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Assign to a colleague"),
            "opts": modeladmin.model._meta,
            "requests": queryset.select_related("assignee", "company"),
            "agents": agents,
            "chosen": chosen,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
