"""Agents (supplier side) keep contracts: terms, new documents, submission on behalf
of the customer. Versions, steps, signatures and history are read-only here."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contracts import services
from contracts.models import (
    ApprovalStep,
    CalendarFeed,
    Contract,
    ContractEvent,
    ContractStatus,
    ContractVersion,
    Signature,
    SigningAuthority,
)
from portal.admin_guards import GuardedAdminMixin

EDITABLE_STATUSES = {ContractStatus.DRAFT}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class VersionInline(ReadOnlyInline):
    model = ContractVersion
    fields = [
        "number",
        "summary",
        "is_amendment",
        "sha256",
        "document",
        "signed_document",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields


class StepInline(ReadOnlyInline):
    model = ApprovalStep
    fields = ["round", "order", "approver", "decision", "comment", "decided_at"]
    readonly_fields = fields


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ["version", "signer", "typed_name", "signed_at", "ip_address", "version_sha256"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = ContractEvent
    fields = ["seq", "at", "action", "from_status", "to_status", "actor_name", "note", "hash"]
    readonly_fields = fields
    ordering = ["seq"]


class ContractAdminForm(forms.ModelForm):
    document = forms.FileField(
        label=_("New document"),
        required=False,
        help_text=_("Adds a version to a draft, or an amendment to a signed or active contract."),
    )
    summary = forms.CharField(label=_("Summary of changes"), required=False)

    class Meta:
        model = Contract
        fields = ["company", "number", *services.TERMS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None and not cleaned.get("document"):
            self.add_error("document", _("A new contract starts with its document."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return cleaned


@admin.register(Contract)
class ContractAdmin(GuardedAdminMixin, admin.ModelAdmin):
    form = ContractAdminForm
    list_display = ["number", "title", "company", "type", "status", "end_date", "value", "currency"]
    list_filter = ["status", "type", "currency"]
    search_fields = ["number", "title", "company__name", "company__customer_number"]
    list_select_related = ["company"]
    raw_id_fields = ["company"]
    date_hierarchy = "end_date"
    readonly_fields = ["status", "current_version", "lock_version", "updated_at"]
    inlines = [VersionInline, StepInline, SignatureInline, EventInline]
    actions = ["submit_on_behalf"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "company", "number"] if obj else fields

    def has_change_permission(self, request, obj=None):
        """Only a draft is edited here: once submitted, terms change through the services
        (amendments approved and signed in turn), never by a silent edit of a signed value."""
        if obj is not None and obj.status not in EDITABLE_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """The services do the work, as for the customer's pages: a new contract through
        `contract_create` (its document the first version), a draft's terms through
        `contract_terms_change`, a document through `contract_add_version`."""
        data = form.cleaned_data
        summary = data.get("summary") or str(_("Document from the supplier"))
        if not change:
            created = services.contract_create(
                company=data["company"],
                actor=request.user,
                number=data["number"],
                document=data["document"],
                summary=summary,
                **{name: data[name] for name in services.TERMS},
            )
            # The admin goes on with `obj` (log entry, redirect): make it the created row.
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return
        changes = {name: data[name] for name in form.changed_data if name in services.TERMS}
        if changes:
            services.contract_terms_change(
                contract=obj, actor=request.user, changes=changes, expected_version=None
            )
        upload = data.get("document")
        if upload:
            try:
                services.contract_add_version(
                    contract=obj,
                    actor=request.user,
                    upload=upload,
                    summary=summary,
                    expected_version=None,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
        obj.refresh_from_db()

    @admin.action(description=_("Submit on behalf of the customer"))
    def submit_on_behalf(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        done = 0
        for contract in queryset:
            try:
                services.contract_submit(
                    contract=contract, actor=request.user, expected_version=None, on_behalf=True
                )
                done += 1
            except ValidationError as exc:
                messages.error(request, f"{contract.number}: {' '.join(exc.messages)}")
        if done:
            messages.success(request, _("%(count)d contract(s) submitted.") % {"count": done})


@admin.register(SigningAuthority)
class SigningAuthorityAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "company", "granted_at"]
    search_fields = ["user__email", "company__name", "company__customer_number"]
    raw_id_fields = ["user", "company"]


@admin.register(ContractEvent)
class ContractEventAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "seq", "at", "action", "actor_name"]
    list_select_related = ["contract"]
    search_fields = ["contract__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "company", "created_at", "revoked_at"]
    raw_id_fields = ["user", "company"]
    readonly_fields = ["token_hash"]
