"""The agents' queue of My requests in the Django admin.

The list is the queue (status, due time with overdue highlighted, category,
company and country, assignee); a request's page shows the whole conversation
(internal notes included, marked), the referenced object, and a reply form with
attachments and an "internal note" switch. Every change goes through services.py.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin_concurrency import presence_leave
from portal.admin_guards import GuardedAdminMixin
from portal.files import serve
from portal.models import StoredFile
from portal.references import resolve_reference
from requests_inbox import admin_canned  # noqa: F401  (registers the macros' admin)
from requests_inbox.admin_dashboard import dashboard_view
from requests_inbox.admin_merge import merge_duplicates
from requests_inbox.admin_queue import (
    QueueViewFilter,
    activity_column,
    annotate_queue,
    assign_to_colleague,
    rating_column,
    requester_column,
    unread_count,
)
from requests_inbox.canned import canned_answer_text, canned_answers_for
from requests_inbox.forms import AgentReplyForm
from requests_inbox.models import (
    WAITING_FOR_AGENT,
    InboundEmail,
    Message,
    Request,
    Status,
    StatusChange,
)
from requests_inbox.services import (
    request_assign,
    request_change_category,
    request_mark_read,
    request_reply,
    request_set_status,
    validate_status_change,
)

DUE_SOON = timedelta(hours=2)


class DueFilter(admin.SimpleListFilter):
    title = _("due time")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due within 2 hours")),
            ("today", _("Due today")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        waiting = queryset.filter(status__in=WAITING_FOR_AGENT)
        if self.value() == "overdue":
            return waiting.filter(due_at__lt=now)
        if self.value() == "soon":
            return waiting.filter(due_at__gte=now, due_at__lt=now + DUE_SOON)
        if self.value() == "today":
            return waiting.filter(due_at__date=timezone.localdate())
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        from portal.models import User

        agents = User.objects.filter(is_staff=True, is_active=True).order_by("email")
        return [("me", _("Me")), ("none", _("Nobody"))] + [(str(u.pk), str(u)) for u in agents]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


def _apply(request: HttpRequest, queryset: QuerySet, label: Any, change: Any) -> None:
    done = 0
    for obj in queryset:
        try:
            change(obj)
        except ValidationError as exc:
            messages.error(request, f"{obj.number}: {' '.join(exc.messages)}")
        else:
            done += 1
    messages.success(
        request, _("%(action)s: %(count)d request(s).") % {"action": label, "count": done}
    )


@admin.action(description=_("Assign to me"), permissions=["change"])
def assign_to_me(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
    _apply(
        request,
        queryset,
        _("Assigned to you"),
        lambda obj: request_assign(request=obj, agent=request.user, actor=request.user),
    )


def _status_action(status: str, label: Any) -> Any:
    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(
            request,
            queryset,
            label,
            lambda obj: request_set_status(request=obj, status=status, actor=request.user),
        )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status_display", "to_status", "actor_display", "note_display"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("previous status"))
    def from_status_display(self, obj: StatusChange) -> str:
        return obj.get_from_status_display() or "—"

    @admin.display(description=_("changed by"))
    def actor_display(self, obj: StatusChange) -> str:
        return (obj.actor.get_full_name() or obj.actor.email) if obj.actor else "—"

    @admin.display(description=_("note"))
    def note_display(self, obj: StatusChange) -> str:
        """Notes written by the services are message ids, shown in the agent's language."""
        return gettext(obj.note) if obj.note else ""


class RequestAdminForm(forms.ModelForm):
    def clean_status(self) -> str:
        """ "Answered" needs an answer: checked before anything is saved."""
        status = self.cleaned_data["status"]
        if self.instance.pk is not None and status != self.instance.status:
            validate_status_change(request=self.instance, status=status)
        return status


@admin.register(Request)
class RequestAdmin(GuardedAdminMixin, admin.ModelAdmin):
    form = RequestAdminForm
    change_form_template = "admin/requests_inbox/request/change_form.html"
    list_display = [
        "number",
        "subject",
        "status",
        "due",
        requester_column,
        activity_column,
        "category",
        "company",
        "country",
        "assignee",
        rating_column,
    ]
    list_filter = [
        QueueViewFilter,
        "status",
        DueFilter,
        "category",
        ("company__country", admin.RelatedOnlyFieldListFilter),
        AssigneeFilter,
        ("company", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "number",
        "subject",
        "company__name",
        "company__customer_number",
        "requester__email",
        "messages__body",
    ]
    list_select_related = ["company__country", "assignee", "requester"]
    ordering = ["due_at"]
    list_per_page = 50
    show_full_result_count = False
    actions = [
        assign_to_me,
        assign_to_colleague,
        merge_duplicates,
        _status_action(Status.IN_PROGRESS, _("Mark as in progress")),
        _status_action(Status.ANSWERED, _("Mark as answered")),
        _status_action(Status.CLOSED, _("Close")),
    ]
    fields = [
        "number",
        "subject",
        "company_display",
        "requester_display",
        "category",
        "reference",
        "referenced_object",
        "payload_display",
        "status",
        "assignee",
        "due_at",
        "created_at",
        "answered_at",
        "closed_at",
        "rating",
        "rating_comment",
    ]
    readonly_fields = [
        "number",
        "subject",
        "company_display",
        "requester_display",
        "reference",
        "referenced_object",
        "payload_display",
        "due_at",
        "created_at",
        "answered_at",
        "closed_at",
        "rating",
        "rating_comment",
    ]
    inlines = [StatusChangeInline]

    class Media:
        css = {"all": ["css/requests_inbox_admin.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers write requests; agents answer them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history of all requests is kept

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, obj: Request) -> str:
        when = timezone.localtime(obj.due_at).strftime("%Y-%m-%d %H:%M")
        if obj.is_overdue:
            return format_html('<span class="request-overdue">{} · {}</span>', when, _("overdue"))
        if obj.status in WAITING_FOR_AGENT and obj.due_at < timezone.now() + DUE_SOON:
            return format_html('<span class="request-due-soon">{} · {}</span>', when, _("due soon"))
        return when

    @admin.display(description=_("country"), ordering="company__country__name")
    def country(self, obj: Request) -> str:
        return str(obj.company.country)

    @admin.display(description=_("company"))
    def company_display(self, obj: Request) -> str:
        url = reverse("admin:portal_company_change", args=[obj.company_id])
        return format_html('<a href="{}">{}</a> · {}', url, obj.company, obj.company.country)

    @admin.display(description=_("requester"))
    def requester_display(self, obj: Request) -> str:
        user = obj.requester
        url = reverse("admin:portal_user_change", args=[user.pk])
        return format_html(
            '<a href="{}">{}</a> &lt;{}&gt;', url, user.get_full_name() or user, user.email
        )

    @admin.display(description=_("referenced object"))
    def referenced_object(self, obj: Request) -> str:
        target = obj.reference_object if obj.reference_type_id else None
        if target is None and obj.reference:
            target = resolve_reference(obj.company, obj.category, obj.reference)
        if target is None:
            return _("free text") if obj.reference else "—"
        try:
            url = reverse(
                f"admin:{target._meta.app_label}_{target._meta.model_name}_change", args=[target.pk]
            )
        except NoReverseMatch:
            return f"{target._meta.verbose_name}: {target}"
        return format_html('<a href="{}">{}: {}</a>', url, target._meta.verbose_name, target)

    @admin.display(description=_("structured data"))
    def payload_display(self, obj: Request) -> str:
        if not obj.payload:
            return "—"
        rows = format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((key, value) for key, value in obj.payload.items())
        )
        return format_html("<dl>{}</dl>", rows)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = annotate_queue(Request.objects.all(), request.user)
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["queue_rank", "due_at"]  # mine, then unassigned, then colleagues'; by due time

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        unread = unread_count(request.user)
        extra_context = {
            **(extra_context or {}),
            "subtitle": ngettext(
                "%(count)d unread customer reply waiting",
                "%(count)d unread customer replies waiting",
                unread,
            )
            % {"count": unread}
            if unread
            else None,
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Request, form: Any, change: bool) -> None:
        """Status, assignee and category changes go through the services (history, due time)."""
        if not change:
            raise PermissionDenied
        current = Request.objects.get(pk=obj.pk)
        if "category" in form.changed_data:
            current = request_change_category(
                request=current, category=obj.category, actor=request.user
            )
        if "assignee" in form.changed_data:
            request_assign(request=current, agent=obj.assignee, actor=request.user)
        if "status" in form.changed_data:
            request_set_status(request=current, status=obj.status, actor=request.user)

    def get_urls(self) -> list:
        urls = super().get_urls()
        mine = [
            path(
                "dashboard/",
                self.admin_site.admin_view(lambda request: dashboard_view(self, request)),
                name="requests_inbox_request_dashboard",
            ),
            path(
                "<int:pk>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="requests_inbox_request_reply",
            ),
            path(
                "<int:pk>/files/<uuid:file_id>/",
                self.admin_site.admin_view(self.file_view),
                name="requests_inbox_request_file",
            ),
        ]
        return mine + urls

    def conversation(self, obj: Request) -> list[Message]:
        return list(
            obj.messages.select_related("author")
            .prefetch_related("attachments")
            .order_by("created_at", "id")
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            if request.method == "GET":
                request_mark_read(request=obj, agent=request.user)
            conversation = self.conversation(obj)
            extra_context["conversation"] = conversation
            macros = list(canned_answers_for(obj))
            extra_context["macros"] = macros
            # inserting a canned answer reloads the page: the queue's filters go along
            extra_context["changelist_filters"] = request.GET.get("_changelist_filters", "")
            chosen = next((m for m in macros if str(m.pk) == request.GET.get("macro")), None)
            initial = {"seen": conversation[-1].pk if conversation else 0}
            if chosen is not None:
                initial["body"] = canned_answer_text(answer=chosen, request=obj, agent=request.user)
            extra_context["reply_form"] = extra_context.get("reply_form") or AgentReplyForm(
                initial=initial
            )
            extra_context["can_reply"] = self.has_change_permission(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(Request, pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:requests_inbox_request_change", obj.pk)
        data = request.POST.copy()
        data["close"] = "on" if "_close" in request.POST else ""
        form = AgentReplyForm(data, request.FILES)
        if form.is_valid():
            try:
                request_reply(
                    request=obj,
                    agent=request.user,
                    body=form.cleaned_data["body"],
                    internal=form.cleaned_data["internal"],
                    attachments=form.cleaned_data["attachments"],
                    seen_message_id=form.cleaned_data["seen"],
                    close=form.cleaned_data["close"],
                )
            except ValidationError as exc:
                if exc.code in ("already_answered", "customer_wrote_again"):
                    # The agent has now been shown the new message: a deliberate second
                    # send after reading it goes through.
                    latest = obj.messages.order_by("-id").values_list("pk", flat=True).first()
                    data["seen"] = str(latest or 0)
                    form = AgentReplyForm(data)
                    form.is_valid()
                form.add_error(None, exc)
            else:
                filters = request.GET.get("_changelist_filters", "")
                if form.cleaned_data["internal"]:
                    messages.success(request, _("Internal note added."))
                    page = reverse("admin:requests_inbox_request_change", args=[obj.pk])
                    query = urlencode({"_changelist_filters": filters}) if filters else ""
                    return redirect(f"{page}?{query}" if query else page)
                if form.cleaned_data["close"]:
                    messages.success(
                        request,
                        _("%(number)s: answer sent to the customer and request closed.")
                        % {"number": obj.number},
                    )
                else:
                    messages.success(
                        request,
                        _("%(number)s: reply sent to the customer by e-mail.")
                        % {"number": obj.number},
                    )
                presence_leave(request, obj)  # answered: off the page, back to the queue
                # Back to the queue as the agent left it: the next request is one click away.
                queue = reverse("admin:requests_inbox_request_changelist")
                return redirect(f"{queue}?{filters}" if filters else queue)
        messages.error(
            request,
            _("The reply was not sent: please correct the errors (and choose the files again)."),
        )
        request.method = "GET"  # show the page with the typed reply, do not treat it as a save
        return self.change_view(request, str(obj.pk), extra_context={"reply_form": form})

    def file_view(self, request: HttpRequest, pk: int, file_id: Any) -> HttpResponse:
        obj = get_object_or_404(Request, pk=pk)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        stored = StoredFile.objects.filter(pk=file_id, request_messages__request=obj).first()
        if stored is None:
            raise Http404
        return serve(stored)


@admin.register(InboundEmail)
class InboundEmailAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "reason", "request"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "message_id", "request__number"]
    readonly_fields = [
        "received_at",
        "sender",
        "subject",
        "outcome",
        "reason",
        "request",
        "message_id",
    ]
    list_select_related = ["request"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
