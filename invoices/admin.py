"""Agents see invoices with their lines and history (read-only) and announce new ones."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from invoices.issuing import invoice_announce, invoice_recompute
from invoices.models import (
    BillingAccount,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    ShareLink,
)
from portal.admin_guards import GuardedAdminMixin
from portal.admin_tenancy import ReadOnlyAdminMixin


@admin.register(BillingAccount)
class BillingAccountAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "company", "currency"]
    search_fields = ["number", "name", "company__name", "company__customer_number"]
    list_select_related = ["company"]
    raw_id_fields = ["company"]


class InvoiceLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = [
        "position",
        "part_number",
        "description",
        "quantity",
        "unit_price",
        "tax_rate",
        "line_total",
    ]


class InvoiceEventInline(admin.TabularInline):
    model = InvoiceEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ShareLinkInline(admin.TabularInline):
    model = ShareLink
    extra = 0
    can_delete = False
    fields = ["recipient", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, GuardedAdminMixin, admin.ModelAdmin):
    """Read-only: invoices come from the back-office; approvals and disputes go through
    the customer's approvers (services), so an agent can neither approve a disputed
    invoice nor change an amount without its totals."""

    list_display = [
        "number",
        "company",
        "billing_account",
        "issue_date",
        "due_date",
        "total",
        "currency",
        "payment_status",
        "approval_status",
    ]
    list_filter = ["payment_status", "approval_status", "currency", "country"]
    search_fields = [
        "number",
        "po_number",
        "order_number",
        "contract_number",
        "company__name",
        "company__customer_number",
    ]
    date_hierarchy = "issue_date"
    list_select_related = ["company", "billing_account"]
    raw_id_fields = ["company", "billing_account", "country", "decided_by"]
    readonly_fields = [
        "subtotal",
        "tax_total",
        "total",
        "version",
        "created_at",
        "updated_at",
        "decided_by",
        "decided_at",
    ]
    inlines = [InvoiceLineInline, ShareLinkInline, InvoiceEventInline]
    actions = ["announce"]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changes = list(form.changed_data)
        for formset in formsets:
            if formset.model is InvoiceLine and formset.has_changed():
                changes.append("lines")
        invoice_recompute(invoice=form.instance, actor=request.user, changes=changes)

    @admin.action(description=_("E-mail the new invoices to the users who asked for it"))
    def announce(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        sent = sum(
            invoice_announce(invoice=invoice)
            for invoice in queryset.select_related("company__country")
        )
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued.", "%(count)d e-mails queued.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )
