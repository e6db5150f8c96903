"""Orders placed with the supplier, their lines, shipments and status history; report definitions.

Orders arrive from the order-management system (agents maintain them in the
admin); customers only read them. Every row is tenant-owned: children carry the
company of their order so scoped searches never need a join through the order.
"""

from typing import Self
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import ChoiceLabels, Company, TenantQuerySet
from portal.row_urls import row_url


class Carrier(models.Model):
    """A carrier and how to build its tracking page link; shared by every company."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    tracking_url_template = models.CharField(
        _("tracking URL template"),
        max_length=300,
        help_text=_(
            "An https address containing {tracking}, e.g. https://carrier.example/track?n={tracking}"
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        template = self.tracking_url_template or ""
        if not template.startswith("https://") or "{tracking}" not in template:
            raise ValidationError(
                {
                    "tracking_url_template": _(
                        "The template must start with https:// and contain {tracking}."
                    )
                },
                code="bad_template",
            )

    def tracking_url(self, tracking_number: str) -> str:
        """The carrier's page for one parcel; the number is URL-encoded, never trusted."""
        if not tracking_number or "{tracking}" not in self.tracking_url_template:
            return ""
        return self.tracking_url_template.replace("{tracking}", quote(tracking_number, safe=""))


class OrderStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [
    OrderStatus.RECEIVED,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
]


class LineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BACK_ORDERED = "back_ordered", _("Back-ordered")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class ShipmentStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery problem")


class OrderQuerySet(TenantQuerySet):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def shipped_since(self, since) -> Self:  # noqa: ANN001 - a date
        shipments = Shipment.objects.filter(order=OuterRef("pk"), shipped_on__gte=since)
        return self.filter(Exists(shipments))

    def delivered_between(self, start, end) -> Self:  # noqa: ANN001 - dates
        shipments = Shipment.objects.filter(
            order=OuterRef("pk"), delivered_on__gte=start, delivered_on__lte=end
        )
        return self.filter(status=OrderStatus.DELIVERED).filter(Exists(shipments))

    def with_back_orders(self) -> Self:
        lines = OrderLine.objects.filter(order=OuterRef("pk"), status=LineStatus.BACK_ORDERED)
        return self.filter(Exists(lines))

    def for_listing(self) -> Self:
        """What a list, report or export row shows, in one query (no JSON columns of Country)."""
        return self.select_related("country", "ship_to").only(
            "id",
            "company_id",
            "number",
            "customer_po",
            "ordered_on",
            "status",
            "currency",
            "total",
            "updated_at",
            "country__id",
            "country__name",
            "country__name_fr",
            "ship_to__id",
            "ship_to__name",
            "ship_to__city",
        )

    def search(self, text: str, company: "Company | None" = None) -> Self:
        """Order or PO number containing the text (any case: `fr45001` finds FR4500102),
        a line's part number or a parcel's tracking number (whole, any case).

        One row per order (a join would repeat an order per matching line). The four
        lookups are a UNION of index scans fed to `id IN (...)`: OR-ed EXISTS clauses
        made PostgreSQL scan every order of the company (0.8 s at 100,000 orders).
        """
        text = "".join(text.split())
        if not text:
            return self

        def scoped(qs: models.QuerySet) -> models.QuerySet:
            return qs.filter(company=company) if company is not None else qs

        ids = (
            scoped(Order.objects.filter(number__icontains=text))
            .order_by()
            .values("pk")
            .union(
                scoped(Order.objects.filter(customer_po__icontains=text)).order_by().values("pk"),
                scoped(OrderLine.objects.filter(part_number=text)).order_by().values("order_id"),
                scoped(Shipment.objects.filter(tracking_number=text)).order_by().values("order_id"),
            )
        )
        return self.filter(pk__in=ids)


class Order(ChoiceLabels, models.Model):
    company = models.ForeignKey(
        "portal.Company", on_delete=models.PROTECT, related_name="orders", verbose_name=_("company")
    )
    number = models.CharField(_("order number"), max_length=30)
    customer_po = models.CharField(_("purchase order number"), max_length=50, blank=True)
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    ordered_on = models.DateField(_("ordered on"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.RECEIVED
    )
    ship_to = models.ForeignKey(
        "portal.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ship-to site"),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="order_number_unique_per_company"
            )
        ]
        indexes = [
            models.Index(fields=["company", "ordered_on", "id"], name="order_company_date"),
            models.Index(
                fields=["company", "status", "ordered_on", "id"], name="order_company_status"
            ),
            models.Index(
                fields=["company", "status", "-ordered_on", "-id"], name="order_company_status_new"
            ),
            models.Index(
                fields=["company", "country", "ordered_on", "id"], name="order_company_country"
            ),
            models.Index(fields=["company", "total", "id"], name="order_company_total"),
            models.Index(fields=["ship_to", "ordered_on", "id"], name="order_shipto_date"),
            models.Index(fields=["company", "customer_po", "id"], name="order_company_po"),
            models.Index(fields=["number"], name="order_number"),
            # The guest lookup compares order numbers without regard to case.
            models.Index(Upper("number"), name="order_number_upper"),
            models.Index(fields=["customer_po"], name="order_po"),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return row_url("orders:detail", number=self.number)

    def clean(self) -> None:
        if self.ship_to_id and self.company_id and self.ship_to.company_id != self.company_id:
            raise ValidationError(
                {"ship_to": _("The ship-to site must belong to the order's company.")},
                code="foreign_site",
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class OrderLine(models.Model):
    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"), default=1)
    part_number = models.CharField(_("part number"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(
        _("line status"), max_length=20, choices=LineStatus.choices, default=LineStatus.OPEN
    )
    planned_ship_on = models.DateField(_("planned shipping"), null=True, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    planned_delivery_on = models.DateField(_("planned delivery"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["order", "position", "id"]
        indexes = [
            models.Index(fields=["company", "part_number"], name="orderline_company_part"),
            models.Index(fields=["part_number"], name="orderline_part"),
            models.Index(fields=["order", "status"], name="orderline_order_status"),
            models.Index(fields=["company", "status"], name="orderline_company_status"),
        ]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.position}: {self.part_number}"

    def save(self, *args, **kwargs) -> None:
        if self.order_id and not self.company_id:
            self.company_id = self.order.company_id
        super().save(*args, **kwargs)


class Shipment(models.Model):
    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("carrier")
    )
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.PREPARING,
    )
    lines = models.ManyToManyField(
        OrderLine, blank=True, related_name="shipments", verbose_name=_("lines carried")
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["shipped_on", "id"]
        indexes = [
            models.Index(fields=["tracking_number"], name="shipment_tracking"),
            models.Index(fields=["order", "shipped_on"], name="shipment_order_shipped"),
            models.Index(fields=["company", "shipped_on"], name="shipment_company_shipped"),
            models.Index(fields=["company", "delivered_on"], name="shipment_company_delivered"),
        ]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip()

    def save(self, *args, **kwargs) -> None:
        if self.order_id and not self.company_id:
            self.company_id = self.order.company_id
        super().save(*args, **kwargs)

    @property
    def tracking_url(self) -> str:
        return self.carrier.tracking_url(self.tracking_number)


class OrderStatusChange(models.Model):
    """One step of the order's timeline: every status it went through, with its date."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices)
    at = models.DateTimeField(_("date"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["order", "at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="orderstatus_order_at")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.order_id and not self.company_id:
            self.company_id = self.order.company_id
        super().save(*args, **kwargs)


class SavedReportQuerySet(TenantQuerySet):
    def visible_to(self, user) -> Self:  # noqa: ANN001 - a User
        """A user's own reports and those shared with the company; a colleague's private one is not."""
        return self.filter(Q(owner=user) | Q(shared=True))


class SavedReport(models.Model):
    """A custom report: the list's filters saved under a name, private or shared with the company."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared with the company"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SavedReportQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["company", "owner"], name="savedreport_company_owner")]
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")

    def __str__(self) -> str:
        return self.name


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"
    CSV = "csv", "CSV"


class ReportSchedule(models.Model):
    """A report e-mailed to its owner every week or month (orders.tasks.scheduled_reports)."""

    company = models.ForeignKey("portal.Company", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    report_key = models.CharField(_("report"), max_length=40)
    saved_report = models.ForeignKey(
        SavedReport, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=ReportFrequency.choices,
        default=ReportFrequency.WEEKLY,
    )
    format = models.CharField(
        _("format"), max_length=5, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "owner", "report_key", "frequency"],
                name="report_schedule_unique",
            )
        ]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self) -> str:
        return f"{self.report_key} · {self.get_frequency_display()}"
