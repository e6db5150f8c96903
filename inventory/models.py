"""Installed base: hardware and software at a company's sites, maintenance, leases,
and the change requests customers send about them."""

from datetime import date, timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.models import IN_FORCE
from portal.models import TenantQuerySet
from portal.row_urls import row_url

ENDING_SOON_DAYS = 90


class Kind(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")


class Coverage(models.TextChoices):
    WARRANTY = "warranty", _("Under warranty")
    CONTRACT = "contract", _("Under maintenance contract")
    NONE = "none", _("Not covered")
    ENDING = "ending", _("Coverage ending within 90 days")


class ItemQuerySet(TenantQuerySet):
    def installed(self) -> Self:
        return self.filter(removed_at__isnull=True)

    def search(self, text: str) -> Self:
        """Serial number, machine type/model, product or description: every word must match.

        One generated column holds the searched fields (space-separated, so a word never
        spans two of them) and one trigram index serves it on PostgreSQL.
        """
        qs = self
        for word in text.split()[:6]:
            qs = qs.filter(search_text__icontains=word)
        return qs

    def coverage(self, status: str, *, today: date | None = None) -> Self:
        """Maintenance status computed in the database from warranty and contract dates."""
        today = today or timezone.localdate()
        soon = today + timedelta(days=ENDING_SOON_DAYS)
        warranty = Q(warranty_end__gte=today)
        contract = Q(
            maintenance_contract__isnull=False,
            maintenance_contract__end_date__gte=today,
            maintenance_contract__status__in=IN_FORCE,
        )
        if status == Coverage.WARRANTY:
            return self.filter(warranty)
        if status == Coverage.CONTRACT:
            return self.filter(contract)
        if status == Coverage.NONE:
            return self.exclude(warranty).exclude(contract)
        if status == Coverage.ENDING:
            return self.filter(
                Q(warranty_end__gte=today, warranty_end__lte=soon)
                | Q(contract, maintenance_contract__end_date__lte=soon)
            )
        return self

    def lease_ending(self, *, today: date | None = None) -> Self:
        today = today or timezone.localdate()
        return self.filter(
            lease_end__gte=today, lease_end__lte=today + timedelta(days=ENDING_SOON_DAYS)
        )


class InstalledItem(models.Model):
    """One machine or software entitlement installed at one of the company's sites."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("portal.Site", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    serial_number = models.CharField(_("serial number"), max_length=40, blank=True)
    machine_type = models.CharField(_("machine type"), max_length=20, blank=True)
    model = models.CharField(_("model"), max_length=20, blank=True)
    product = models.CharField(_("product"), max_length=120, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    licence = models.CharField(_("licence or entitlement"), max_length=80, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    description = models.CharField(_("description"), max_length=200, blank=True)
    configuration = models.JSONField(
        _("configuration"), default=list, blank=True, help_text=_("Features and components.")
    )
    installed_on = models.DateField(_("installation date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    maintenance_contract = models.ForeignKey(
        "contracts.Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_items",
        verbose_name=_("maintenance contract"),
    )
    lessor = models.CharField(_("lessor"), max_length=120, blank=True)
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)
    lease_amount = models.DecimalField(
        _("periodic lease amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    lease_currency = models.CharField(_("lease currency"), max_length=3, blank=True)
    lease_period = models.CharField(_("lease period"), max_length=20, blank=True)
    LEASE_PERIODS = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.GeneratedField(
        expression=Concat(
            "serial_number",
            Value(" "),
            "machine_type",
            Value(" "),
            "model",
            Value(" "),
            "product",
            Value(" "),
            "description",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
        editable=False,
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["site_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "serial_number"],
                condition=~Q(serial_number=""),
                name="inventory_serial_unique_per_company",
            )
        ]
        # Partial indexes on installed items match the list's sorts, so a page is an
        # index scan with LIMIT, never a sort of the whole installed base.
        indexes = [
            models.Index(
                fields=["company", "site", "id"],
                condition=Q(removed_at__isnull=True),
                name="inv_item_site_idx",
            ),
            models.Index(
                fields=["company", "serial_number", "id"],
                condition=Q(removed_at__isnull=True),
                name="inv_item_serial_idx",
            ),
            models.Index(
                fields=["company", "machine_type", "model", "id"],
                condition=Q(removed_at__isnull=True),
                name="inv_item_type_idx",
            ),
            models.Index(
                fields=["company", "product", "version", "id"],
                condition=Q(removed_at__isnull=True),
                name="inv_item_product_idx",
            ),
            models.Index(
                fields=["company", "installed_on", "id"],
                condition=Q(removed_at__isnull=True),
                name="inv_item_installed_idx",
            ),
            models.Index(
                fields=["company", "warranty_end", "id"],
                condition=Q(removed_at__isnull=True),
                name="inv_item_warranty_idx",
            ),
            models.Index(fields=["company", "lease_end"], name="inv_item_lease_idx"),
        ]
        verbose_name = _("installed item")
        verbose_name_plural = _("installed items")

    def __str__(self) -> str:
        if self.kind == Kind.HARDWARE:
            return f"{self.machine_type}-{self.model} {self.serial_number}".strip()
        return f"{self.product} {self.version}".strip()

    def get_absolute_url(self) -> str:
        return row_url("inventory:item", pk=self.pk)

    def get_lease_period_label(self) -> str:
        """The period in the reader's language (month: mois); one typed by hand as typed."""
        return str(self.LEASE_PERIODS.get(self.lease_period, self.lease_period))

    @property
    def coverage_status(self) -> str:
        today = timezone.localdate()
        soon = today + timedelta(days=ENDING_SOON_DAYS)
        contract = self.maintenance_contract
        contract_ok = (
            contract is not None and contract.end_date >= today and contract.status in IN_FORCE
        )
        warranty_ok = self.warranty_end is not None and self.warranty_end >= today
        if (warranty_ok and self.warranty_end <= soon and not contract_ok) or (
            contract_ok and contract.end_date <= soon and not warranty_ok
        ):
            return Coverage.ENDING
        if warranty_ok:
            return Coverage.WARRANTY
        if contract_ok:
            return Coverage.CONTRACT
        return Coverage.NONE

    def get_coverage_status_display(self) -> str:
        return str(Coverage(self.coverage_status).label)


class ItemHistory(models.Model):
    """Every change to an item, with the request that asked for it when there was one."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(InstalledItem, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request = models.ForeignKey(
        "requests_inbox.Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("item history entry")
        verbose_name_plural = _("item history")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.action}"

    @property
    def sentences(self) -> list[str]:
        """The change as readable sentences in the reader's language, e.g.
        "Site: “Paris” → “Lille”" instead of `site: ['Paris', 'Lille']`."""
        headline = {
            "add": _("Item added to the inventory."),
            "move": _("Item moved to another site."),
            "remove": _("Item removed from the inventory."),
            "correct": _("Item data corrected."),
        }.get(self.action)
        lines = [str(headline)] if headline else [self.action]
        for key, value in self.changes.items():
            if key == "removed":
                continue
            try:
                label = str(InstalledItem._meta.get_field(key).verbose_name)
            except FieldDoesNotExist:
                label = str(_("site")) if key == "site" else key
            label = label[:1].upper() + label[1:]
            if isinstance(value, list) and len(value) == 2:
                old, new = (str(v) if v not in (None, "") else "—" for v in value)
                lines.append(f"{label}: “{old}” → “{new}”")
            elif value not in (None, ""):
                lines.append(f"{label}: {value}")
        return lines


class ChangeKind(models.TextChoices):
    ADD = "add", _("Add an item")
    MOVE = "move", _("Move to another site")
    REMOVE = "remove", _("Remove the item")
    CORRECT = "correct", _("Correct its data")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("change request", "Pending")
    APPLIED = "applied", pgettext_lazy("change request", "Applied")
    REFUSED = "refused", pgettext_lazy("change request", "Refused")


class ChangeRequestQuerySet(TenantQuerySet):
    def pending(self) -> Self:
        return self.filter(status=ChangeStatus.PENDING)


class ChangeRequest(models.Model):
    """A requested change to the installed base; it travels as a My-requests request."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        InstalledItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    payload = models.JSONField(_("requested values"), default=dict, blank=True)
    request = models.OneToOneField(
        "requests_inbox.Request", on_delete=models.PROTECT, related_name="inventory_change"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for refusal"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="pending"),
                name="inventory_one_pending_change_per_item",
            )
        ]
        verbose_name = _("inventory change request")
        verbose_name_plural = _("inventory change requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.request.number}"
