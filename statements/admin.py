"""Agents see credit notes and payments (with their allocations) in the admin, read-only.

They come from the supplier's back-office (statements services sync them); model
`clean()` keeps every document inside one company, billing account and currency,
and the allocation formset refuses allocating more than the payment.
"""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from portal.admin_guards import GuardedAdminMixin
from portal.admin_tenancy import ReadOnlyAdminMixin
from statements.models import CreditNote, CreditNoteLine, Payment, PaymentAllocation


class CreditNoteLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CreditNoteLine
    extra = 0


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdminMixin, GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "company", "billing_account", "invoice", "date", "amount", "currency"]
    list_filter = ["currency"]
    search_fields = ["number", "invoice__number", "company__name", "company__customer_number"]
    date_hierarchy = "date"
    raw_id_fields = ["company", "billing_account", "invoice"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["company", "billing_account", "invoice"]
    inlines = [CreditNoteLineInline]


class AllocationFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        total = Decimal("0")
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                total += form.cleaned_data.get("amount") or 0
        amount = self.instance.amount
        if amount is not None and total > amount:
            raise ValidationError(_("The allocations add up to more than the payment."))


class PaymentAllocationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PaymentAllocation
    formset = AllocationFormSet
    extra = 0
    raw_id_fields = ["invoice"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, GuardedAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "company",
        "billing_account",
        "date",
        "method",
        "status",
        "amount",
        "currency",
    ]
    list_filter = ["status", "method", "currency"]
    search_fields = ["reference", "company__name", "company__customer_number"]
    date_hierarchy = "date"
    raw_id_fields = ["company", "billing_account"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["company", "billing_account"]
    inlines = [PaymentAllocationInline]
