"""Invoices On-Line data: billing accounts, invoices with lines, history and share links.

Amounts are Decimal(14, 2) and always carried with their currency; nothing here
adds amounts of different currencies. Order and contract references are kept as
text (those apps are separate) and resolved through `portal.references` when a
page shows a link. "Disputed" is derived from open My-requests requests rather
than synchronised; `approval_status` records the approvers' own decisions.
"""

import hashlib
from datetime import date
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from invoices.terms import PaymentTerm, due_date_for
from portal.models import ChoiceLabels, TenantQuerySet
from portal.row_urls import row_url

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class BillingAccount(models.Model):
    """The account invoices are billed to; statements are produced per billing account."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("billing account"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="billing_account_unique_per_company"
            )
        ]
        verbose_name = _("billing account")
        verbose_name_plural = _("billing accounts")

    def __str__(self) -> str:
        return f"{self.number} · {self.name}"


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


class ApprovalStatus(models.TextChoices):
    TO_VERIFY = "to_verify", _("To verify")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DISPUTED = "disputed", _("Disputed")


UNPAID = [PaymentStatus.OPEN, PaymentStatus.PARTIALLY_PAID, PaymentStatus.OVERDUE]


class InvoiceQuerySet(TenantQuerySet):
    def open(self) -> Self:
        """Not fully paid yet (open, partially paid or overdue)."""
        return self.filter(payment_status__in=UNPAID)

    def overdue(self, today: date | None = None) -> Self:
        """Unpaid and past the due date, whether or not the scan has flagged it yet."""
        today = today or timezone.localdate()
        return self.open().filter(Q(payment_status=PaymentStatus.OVERDUE) | Q(due_date__lt=today))

    def to_verify(self) -> Self:
        return self.filter(approval_status=ApprovalStatus.TO_VERIFY)


class Invoice(ChoiceLabels, models.Model):
    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("invoice number"), max_length=30)
    billing_account = models.ForeignKey(
        BillingAccount,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("billing account"),
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    subtotal = models.DecimalField(_("subtotal"), default=Decimal("0.00"), **AMOUNT)
    tax_total = models.DecimalField(_("tax"), default=Decimal("0.00"), **AMOUNT)
    total = models.DecimalField(_("total"), default=Decimal("0.00"), **AMOUNT)
    amount_paid = models.DecimalField(_("amount paid"), default=Decimal("0.00"), **AMOUNT)
    po_number = models.CharField(_("purchase order"), max_length=50, blank=True)
    order_number = models.CharField(_("order"), max_length=30, blank=True)
    contract_number = models.CharField(_("contract"), max_length=30, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True)
    terms = models.CharField(
        _("payment term"),
        max_length=10,
        choices=PaymentTerm.choices,
        blank=True,
        help_text=_("The rule that gives the due date; printed on the invoice."),
    )
    payment_status = models.CharField(
        _("payment status"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.OPEN,
    )
    approval_status = models.CharField(
        _("approval status"),
        max_length=20,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.TO_VERIFY,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="invoice_unique_per_company"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "-issue_date", "-id"], name="inv_company_issue"),
            models.Index(fields=["company", "due_date"], name="inv_company_due"),
            models.Index(fields=["company", "total"], name="inv_company_total"),
            models.Index(fields=["company", "payment_status", "due_date"], name="inv_company_pay"),
            models.Index(fields=["company", "approval_status"], name="inv_company_appr"),
            models.Index(fields=["company", "currency"], name="inv_company_currency"),
            # prefix search (LIKE 'X%') on PostgreSQL whatever the collation
            models.Index(
                fields=["company", "number"],
                name="inv_company_number_like",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["company", "po_number"],
                name="inv_company_po",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["company", "order_number"],
                name="inv_company_order",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["company", "billing_account", "issue_date"], name="inv_account"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return row_url("invoices:detail", number=self.number)

    def get_pdf_url(self) -> str:
        return row_url("invoices:pdf", number=self.number)

    def clean(self) -> None:
        """The printed term and the due date may not disagree (agents edit both)."""
        if self.terms and self.issue_date and self.due_date:
            expected = due_date_for(self.terms, self.issue_date)
            if expected != self.due_date:
                raise ValidationError(
                    {
                        "due_date": _("With this payment term the due date is %(date)s.")
                        % {"date": formats.date_format(expected, "SHORT_DATE_FORMAT")}
                    }
                )

    @property
    def open_amount(self) -> Decimal:
        return self.total - self.amount_paid

    @property
    def is_overdue(self) -> bool:
        return self.payment_status in UNPAID and (
            self.payment_status == PaymentStatus.OVERDUE or self.due_date < timezone.localdate()
        )

    @property
    def document_version(self) -> str:
        """Changes whenever the invoice changes, so its stored PDF is rendered again."""
        return f"{self.version}-{self.updated_at.isoformat() if self.updated_at else ''}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"), default=1)
    part_number = models.CharField(_("part number"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    line_total = models.DecimalField(_("line total"), **AMOUNT)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_unique")
        ]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    @property
    def tax_amount(self) -> Decimal:
        return (self.line_total * self.tax_rate / 100).quantize(Decimal("0.01"))


class InvoiceEvent(models.Model):
    """The invoice's history: every change, copy sent, export and decision."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CHANGED = "changed", _("Changed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DISPUTED = "disputed", _("Disputed")
        COPY_SENT = "copy_sent", _("Copy sent")
        LINK_SHARED = "link_shared", _("Link shared")
        LINK_REVOKED = "link_revoked", _("Link revoked")
        OVERDUE = "overdue", _("Became overdue")
        PAYMENT = "payment", _("Payment recorded")
        DISPUTE_CLOSED = "dispute_closed", _("Dispute closed")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["invoice", "-at"], name="inv_event_invoice")]
        verbose_name = _("invoice event")
        verbose_name_plural = _("invoice history")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class ShareLinkQuerySet(models.QuerySet):
    def active(self) -> Self:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A link to one invoice's PDF that works without an account.

    Only the SHA-256 of the token is stored: a database leak does not give
    working links. Expires after INVOICE_SHARE_LINK_DAYS; the sender may revoke it.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    recipient = models.EmailField(_("recipient"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last opened"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return f"{self.invoice} → {self.recipient}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
