"""Contracts OnLine: contracts, their immutable versions, approval route, signatures
and a tamper-evident history.

Every row is owned by a company; reads start from `for_company()`. State changes
go through `contracts.services` (which asks `contracts.lifecycle` whether a
transition is allowed), never through `save()`.
"""

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import ChoiceLabels, TenantQuerySet
from portal.row_urls import row_url


class ContractType(models.TextChoices):
    HARDWARE_MAINTENANCE = "hardware_maintenance", _("Hardware maintenance")
    SOFTWARE_SUBSCRIPTION = "software_subscription", _("Software subscription")
    SERVICES = "services", _("Services")
    LEASING = "leasing", _("Leasing")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_APPROVAL = "in_approval", _("In approval")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    # A signed contract stays in force while an amendment of it is approved and signed.
    AMENDMENT_APPROVAL = "amendment_approval", _("Amendment in approval")
    AMENDMENT_SIGNATURE = "amendment_signature", _("Amendment awaiting signature")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    TERMINATED = "terminated", _("Terminated")


# Signed and in force, no amendment under way: where a new amendment may start.
SETTLED = (ContractStatus.SIGNED, ContractStatus.ACTIVE)
# Statuses in which the contract is in force (covers items, counts for expiry).
IN_FORCE = (*SETTLED, ContractStatus.AMENDMENT_APPROVAL, ContractStatus.AMENDMENT_SIGNATURE)
# Waiting for an approver's decision / for a signature (the contract or its amendment).
APPROVING = (ContractStatus.IN_APPROVAL, ContractStatus.AMENDMENT_APPROVAL)
SIGNING = (ContractStatus.AWAITING_SIGNATURE, ContractStatus.AMENDMENT_SIGNATURE)


class ContractQuerySet(TenantQuerySet):
    def active(self) -> Self:
        """Contracts in force: signed or active (inventory shows their SLA)."""
        return self.filter(status__in=IN_FORCE)

    def expiring_within(self, days: int, *, today: date | None = None) -> Self:
        """In force and ending between today and today + days (inclusive)."""
        today = today or timezone.localdate()
        return self.active().filter(end_date__gte=today, end_date__lte=today + timedelta(days=days))

    def search(self, text: str) -> Self:
        """Number, title, owner, renewal terms: every word must match somewhere."""
        qs = self
        for word in text.split()[:8]:
            qs = qs.filter(
                Q(number__icontains=word)
                | Q(title__icontains=word)
                | Q(supplier_owner__icontains=word)
                | Q(renewal_terms__icontains=word)
            )
        return qs

    def needing_action_by(self, user: Any, *, can_sign: bool | None = None) -> Self:
        """Waiting for this user's (current) approval step, or for a signature when the
        user may sign (None: decided in SQL by the user's signing authority)."""
        condition = Q(status__in=APPROVING, current_step__approver=user)
        if can_sign is None:
            authority = SigningAuthority.objects.filter(company=OuterRef("company"), user=user)
            condition |= Q(Exists(authority), status__in=SIGNING)
        elif can_sign:
            condition |= Q(status__in=SIGNING)
        waiting = [*APPROVING, *SIGNING]
        return self.filter(condition, status__in=waiting)  # status first: the index narrows


class Contract(ChoiceLabels, models.Model):
    """A contract between the supplier and a customer company."""

    company = models.ForeignKey(
        "portal.Company", on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=ContractType.choices)
    supplier_owner = models.CharField(
        _("supplier-side owner"),
        max_length=200,
        blank=True,
        help_text=_("The supplier's account manager responsible for the contract."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    renewal_terms = models.TextField(_("renewal terms"), blank=True)
    renewal_date = models.DateField(
        _("renewal notice date"),
        null=True,
        blank=True,
        help_text=_("Last day to give notice or decide the renewal."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "ContractVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current version"),
    )
    current_step = models.ForeignKey(
        "ApprovalStep",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current approval step"),
    )
    # SLA (read by inventory for the items this contract covers)
    sla_response_hours = models.PositiveIntegerField(
        _("SLA response time (hours)"), null=True, blank=True
    )
    sla_coverage_hours = models.CharField(
        _("SLA coverage hours"), max_length=100, blank=True, help_text=_("e.g. 24x7, Mon–Fri 8–18")
    )
    renewed_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        verbose_name=_("renewal of"),
    )
    history_head = models.CharField(max_length=64, blank=True, editable=False)
    lock_version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Optimistic lock: bumped on every change.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-end_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="contract_number_unique_per_company"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="contract_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status", "end_date"], name="contract_co_status_end"),
            models.Index(fields=["company", "end_date", "id"], name="contract_co_end"),
            models.Index(fields=["company", "updated_at", "id"], name="contract_co_updated"),
            models.Index(fields=["company", "title", "id"], name="contract_co_title"),
            models.Index(fields=["company", "type", "end_date"], name="contract_co_type"),
            models.Index(fields=["company", "value", "id"], name="contract_co_value"),
            models.Index(fields=["company", "status", "id"], name="contract_co_status_id"),
        ]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return row_url("contracts:detail", number=self.number)

    @property
    def is_in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def is_approving(self) -> bool:
        return self.status in APPROVING

    @property
    def awaits_signature(self) -> bool:
        return self.status in SIGNING

    @property
    def amendment_under_way(self) -> bool:
        """In force, and its current version is an amendment nobody has signed yet."""
        version = self.current_version
        return (
            self.status in IN_FORCE
            and version is not None
            and version.is_amendment
            and version.signed_document_id is None
        )

    @property
    def has_pending_amendment(self) -> bool:
        """An amendment under way that has not been sent for approval yet."""
        return self.status in SETTLED and self.amendment_under_way

    def days_left(self, today: date | None = None) -> int:
        return (self.end_date - (today or timezone.localdate())).days


class CompanyChildQuerySet(TenantQuerySet):
    """Children carry their own company column (copied from the contract) so every
    read stays a one-column tenant filter."""


class ContractVersion(models.Model):
    """One immutable document of a contract. A change is a new version, never an edit."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.ForeignKey(
        "portal.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    summary = models.TextField(_("summary of changes"), blank=True)
    is_amendment = models.BooleanField(_("amendment"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    signed_document = models.ForeignKey(
        "portal.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed PDF"),
    )

    objects = CompanyChildQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique")
        ]
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")

    def __str__(self) -> str:
        return f"{self.contract.number} v{self.number}"


class ApprovalStep(models.Model):
    """One approver of the customer's internal route; steps are decided in order."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(_("round"), default=1)
    order = models.PositiveIntegerField(_("order"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contract_steps",
        verbose_name=_("approver"),
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = CompanyChildQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "round", "order"], name="approval_step_unique_order"
            )
        ]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.order} {self.approver}"


class ApprovalPolicy(models.Model):
    """Segregation of duties, set by the company administrator: contracts worth
    `threshold` or more need `min_approvers` approvers, and their signer may not be
    their only approver. Without a row, one approver suffices (never the submitter)."""

    company = models.OneToOneField(
        "portal.Company", on_delete=models.PROTECT, related_name="contract_approval_policy"
    )
    threshold = models.DecimalField(_("from a contract value of"), max_digits=14, decimal_places=2)
    min_approvers = models.PositiveSmallIntegerField(_("minimum number of approvers"), default=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_approvers__gte=1, min_approvers__lte=10),
                name="approval_policy_min_approvers_range",
            ),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="approval_policy_threshold"),
        ]
        verbose_name = _("contract approval policy")
        verbose_name_plural = _("contract approval policies")

    def __str__(self) -> str:
        return f"{self.company_id}: {self.min_approvers} from {self.threshold}"

    def applies_to(self, value: Decimal) -> bool:
        return value >= self.threshold


class SigningAuthority(models.Model):
    """Who may sign contracts for a company (granted by a company admin or an agent).

    Kept in this app rather than on Membership: signing a contract is a
    Contracts OnLine right, on top of the approver role.
    """

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_authorities"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="signing_authority_unique")
        ]
        verbose_name = _("signing authority")
        verbose_name_plural = _("signing authorities")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company_id}"


class Signature(models.Model):
    """An electronic signature of one exact version (its SHA-256 is kept)."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(
        ContractVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(_("typed name"), max_length=200)
    consent = models.BooleanField(_("consent"), default=False)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    version_sha256 = models.CharField(_("SHA-256 of the signed version"), max_length=64)

    objects = CompanyChildQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.typed_name} {self.signed_at:%Y-%m-%d}"


def canonical_entry(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class ContractEvent(models.Model):
    """The time-stamped history. Each row carries the hash of the previous row of the
    same contract: hash = sha256(prev_hash + canonical JSON of the entry), so an
    edited or deleted row breaks the chain (`manage.py verify_contract_history`)."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = CompanyChildQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="contract_event_seq_unique")
        ]
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.seq} {self.action}"

    def entry(self) -> dict[str, Any]:
        """What the hash covers (everything but the hashes themselves)."""
        return {
            "contract": self.contract_id,
            "company": self.company_id,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "action": self.action,
            "from": self.from_status,
            "to": self.to_status,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "note": self.note,
            "data": self.data,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode() + canonical_entry(self.entry())).hexdigest()


class CalendarFeed(models.Model):
    """A personal, revocable iCalendar URL; only the token's hash is stored."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company_id}"
