"""Agents: the installed base, and change requests applied or refused in one action."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inventory.models import ChangeRequest, ChangeStatus, InstalledItem, ItemHistory
from inventory.services import change_request_apply, change_request_refuse
from portal.admin_guards import GuardedAdminMixin


class HistoryInline(admin.TabularInline):
    model = ItemHistory
    extra = 0
    can_delete = False
    fields = ["at", "action", "changes", "actor", "request"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InstalledItem)
class InstalledItemAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "company",
        "site",
        "kind",
        "serial_number",
        "warranty_end",
        "removed_at",
    ]
    list_filter = ["kind", "company__country"]
    search_fields = [
        "serial_number",
        "machine_type",
        "model",
        "product",
        "company__name",
        "company__customer_number",
    ]
    list_select_related = ["company", "site"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["site", "maintenance_contract"]
    inlines = [HistoryInline]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["request", "kind", "item", "company", "status", "created_at", "decided_at"]
    list_filter = ["status", "kind", "company__country"]
    search_fields = [
        "request__number",
        "item__serial_number",
        "company__name",
        "company__customer_number",
    ]
    list_select_related = ["request", "item", "company"]
    readonly_fields = [
        "company",
        "item",
        "kind",
        "payload",
        "request",
        "requested_by",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
    ]
    actions = ["apply_selected"]
    change_form_template = "admin/inventory/changerequest/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Apply the selected change requests"))
    def apply_selected(self, request: HttpRequest, queryset) -> None:
        for change in queryset.filter(status=ChangeStatus.PENDING):
            self._apply(request, change)

    def _apply(self, request: HttpRequest, change: ChangeRequest) -> None:
        try:
            change_request_apply(change=change, agent=request.user)
        except ValidationError as exc:
            self.message_user(
                request, f"{change.request.number}: {' '.join(exc.messages)}", messages.ERROR
            )
        else:
            self.message_user(request, _("%(number)s applied.") % {"number": change.request.number})

    def get_urls(self):
        urls = super().get_urls()
        extra = [
            path(
                "<int:pk>/apply/",
                self.admin_site.admin_view(require_POST(self.apply_view)),
                name="inventory_changerequest_apply",
            ),
            path(
                "<int:pk>/refuse/",
                self.admin_site.admin_view(require_POST(self.refuse_view)),
                name="inventory_changerequest_refuse",
            ),
        ]
        return extra + urls

    def _decide(self, request: HttpRequest, pk: int) -> ChangeRequest:
        change = get_object_or_404(ChangeRequest, pk=pk)
        if not self.has_change_permission(request, change):
            raise PermissionDenied
        return change

    def apply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        change = self._decide(request, pk)
        self._apply(request, change)
        return HttpResponseRedirect(reverse("admin:inventory_changerequest_change", args=[pk]))

    def refuse_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        change = self._decide(request, pk)
        try:
            change_request_refuse(
                change=change, agent=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("%(number)s refused.") % {"number": change.request.number})
        return HttpResponseRedirect(reverse("admin:inventory_changerequest_change", args=[pk]))
