"""Statements OnLine data: credit notes, payments and their allocations, and the ledger.

The ledger of a billing account is its invoices (debit, from the invoices app),
its credit notes and its received payments (credit). It is a database VIEW
(`statements_ledger_entry`, created in a migration) read through the unmanaged
`LedgerEntry` model, so balances, running balances and ageing are computed by
the database. Amounts are Decimal(14, 2) with their currency: nothing here adds
two currencies together.
"""

from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import TenantQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class CreditNoteQuerySet(TenantQuerySet):
    def for_account(self, account, currency: str | None = None) -> Self:
        qs = self.filter(billing_account=account)
        return qs.filter(currency=currency) if currency else qs


class CreditNote(models.Model):
    """A credit to a billing account, usually against one invoice (a refund, a correction)."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("credit note number"), max_length=30)
    billing_account = models.ForeignKey(
        "invoices.BillingAccount",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("billing account"),
    )
    invoice = models.ForeignKey(
        "invoices.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("credited invoice"),
    )
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="credit_note_unique_per_company"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="credit_note_amount_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["company", "billing_account", "currency", "date"], name="cn_ledger"
            ),
        ]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("statements:credit_note_pdf", kwargs={"number": self.number})

    def clean(self) -> None:
        """A credit note stays inside one company, account and currency."""
        account = self.billing_account if self.billing_account_id else None
        if account is not None and self.company_id and account.company_id != self.company_id:
            raise ValidationError(
                {"billing_account": _("This billing account belongs to another company.")}
            )
        if self.invoice_id:
            invoice = self.invoice
            if invoice.company_id != self.company_id or (
                account is not None and invoice.billing_account_id != account.pk
            ):
                raise ValidationError(
                    {"invoice": _("The credited invoice must be on the same billing account.")}
                )
            if invoice.currency != self.currency:
                raise ValidationError(
                    {"currency": _("A credit note is in the currency of the invoice it credits.")}
                )

    @property
    def document_version(self) -> str:
        return self.updated_at.isoformat() if self.updated_at else ""


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"), default=1)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)
    line_total = models.DecimalField(_("line total"), **AMOUNT)

    class Meta:
        ordering = ["credit_note", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_note", "position"], name="credit_note_line_unique"
            )
        ]
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class PaymentQuerySet(TenantQuerySet):
    def received(self) -> Self:
        return self.filter(status=Payment.Status.RECEIVED)


class Payment(models.Model):
    """Money received (or announced) on a billing account, allocated to invoices."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PENDING = "pending", _("Pending")

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        CARD = "card", _("Card")
        CHEQUE = "cheque", _("Cheque")

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("payment reference"), max_length=40)
    billing_account = models.ForeignKey(
        "invoices.BillingAccount",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("billing account"),
    )
    date = models.DateField(_("date"))
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.TRANSFER
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "reference"], name="payment_unique_per_company"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["company", "billing_account", "currency", "date"], name="pay_ledger"
            ),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("statements:payment_detail", kwargs={"reference": self.reference})

    def clean(self) -> None:
        if (
            self.billing_account_id
            and self.company_id
            and self.billing_account.company_id != self.company_id
        ):
            raise ValidationError(
                {"billing_account": _("This billing account belongs to another company.")}
            )


class PaymentAllocation(models.Model):
    """The part of a payment that settles one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(
        "invoices.Invoice",
        on_delete=models.PROTECT,
        related_name="payment_allocations",
        verbose_name=_("invoice"),
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)

    class Meta:
        ordering = ["payment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="allocation_amount_positive"
            ),
        ]
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}: {self.amount}"

    def clean(self) -> None:
        """Allocations stay inside one company, account and currency."""
        if not (self.payment_id and self.invoice_id):
            return
        payment, invoice = self.payment, self.invoice
        if (
            invoice.company_id != payment.company_id
            or invoice.billing_account_id != payment.billing_account_id
        ):
            raise ValidationError(
                {"invoice": _("The invoice must be on the payment's billing account.")}
            )
        if invoice.currency != payment.currency:
            raise ValidationError({"invoice": _("The invoice must be in the payment's currency.")})


class LedgerEntryQuerySet(TenantQuerySet):
    def for_statement(self, account, currency: str) -> Self:
        return self.filter(billing_account=account, currency=currency)


class LedgerEntry(models.Model):
    """One line of the ledger: a row of the `statements_ledger_entry` database view.

    `signed_amount` is what the line does to the balance (invoice +, credit note
    and received payment −, pending payment 0); `open_amount` is what is still
    due on an invoice (total − received allocations − credit notes on it).
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        PAYMENT = "payment", _("Payment")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        PENDING = "pending", _("Pending")

    id = models.CharField(primary_key=True, max_length=40)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    kind_rank = models.IntegerField()
    source_id = models.BigIntegerField()
    company = models.ForeignKey(
        "portal.Company", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    billing_account = models.ForeignKey(
        "invoices.BillingAccount",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), null=True)
    number = models.CharField(_("number"), max_length=40)
    reference = models.CharField(_("reference"), max_length=50)
    debit = models.DecimalField(_("debit"), **AMOUNT)
    credit = models.DecimalField(_("credit"), **AMOUNT)
    signed_amount = models.DecimalField(**AMOUNT)
    open_amount = models.DecimalField(_("open amount"), null=True, **AMOUNT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    document_status = models.CharField(max_length=10, null=True)  # noqa: DJ001 - NULL for invoices
    updated_at = models.DateTimeField()

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "statements_ledger_entry"
        ordering = ["date", "kind_rank", "source_id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.date} {self.number}"
