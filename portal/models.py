"""Platform models: the ID (User), tenants (Company) and who may do what."""

import uuid
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.applications import App


class TenantQuerySet(models.QuerySet):
    """Base queryset of every tenant-owned model: reads start from for_company()."""

    def for_company(self, company: "Company") -> Self:
        return self.filter(company=company)


class Event(models.TextChoices):
    """E-mail event types; the transactional ones cannot be switched off."""

    ACCESS = "access", _("Access requests and decisions")
    REQUEST = "request", _("My requests: acknowledgements and answers")
    ORDER_REPORT = "order_report", _("Scheduled order reports")
    INVOICE_NEW = "invoice_new", _("New invoices")
    INVOICE_OVERDUE = "invoice_overdue", _("Invoices becoming overdue")
    MONTHLY_STATEMENT = "monthly_statement", _("Monthly account statement")
    CONTRACT_ACTION = "contract_action", _("Contracts needing my action")
    CONTRACT_EXPIRY = "contract_expiry", _("Contracts about to expire")
    INVENTORY = "inventory", _("Inventory change requests")


TRANSACTIONAL_EVENTS = {Event.ACCESS, Event.REQUEST, Event.CONTRACT_ACTION, Event.INVENTORY}
OPT_IN_EVENTS = {Event.INVOICE_NEW, Event.INVOICE_OVERDUE, Event.MONTHLY_STATEMENT}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """The one ID (e-mail + password) that opens every application."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    notification_prefs = models.JSONField(_("notification preferences"), default=dict, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the time zone of your company's country."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def wants(self, event: str) -> bool:
        """Transactional messages always go out; others follow the user's preferences."""
        if event in TRANSACTIONAL_EVENTS:
            return True
        return bool(self.notification_prefs.get(event, event not in OPT_IN_EVENTS))


class Country(models.Model):
    """Which applications and features are offered in a country, and its calendar."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    apps = models.JSONField(_("applications offered"), default=list, blank=True)
    features = models.JSONField(_("features offered"), default=list, blank=True)
    holiday_calendar = models.CharField(
        _("holiday calendar"), max_length=8, blank=True, help_text=_("Defaults to the ISO code.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Its users' time zone unless they choose another one (empty: by ISO code)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the active language: lists, filters and exports in French say "Allemagne"."""
        if (get_language() or "").startswith("fr") and self.name_fr:
            return self.name_fr
        return self.name

    def offers(self, app: str) -> bool:
        return app in self.apps

    def has_feature(self, feature: str) -> bool:
        return feature in self.features


class Company(models.Model):
    """The tenant: every customer-owned row points to one."""

    customer_number = models.CharField(_("customer number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    address = models.TextField(_("address"), blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    services_assistant = models.BooleanField(
        _("Services Assistant customer"),
        default=False,
        help_text=_("Premium inventory assistant, offered to selected customers in Europe."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})"


class Site(models.Model):
    """A company's location, used by orders (ship-to) and inventory."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(_("site code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="site_code_unique_per_company")
        ]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name


class MembershipQuerySet(TenantQuerySet):
    def admins(self) -> Self:
        return self.filter(is_company_admin=True)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="memberships")
    is_company_admin = models.BooleanField(_("company administrator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    APPROVER = "approver", _("Approver")


ROLE_RANK = {Role.VIEWER: 1, Role.APPROVER: 2}


class AuthorizationQuerySet(TenantQuerySet):
    def granted(self) -> Self:
        return self.filter(status=Authorization.Status.GRANTED)

    def pending(self) -> Self:
        return self.filter(status=Authorization.Status.PENDING)


class Authorization(models.Model):
    """A user's right to one application's data of one company."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Refused")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorizations"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="authorizations")
    app = models.CharField(_("application"), max_length=20, choices=App.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    justification = models.TextField(_("justification"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = AuthorizationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "company", "app"], name="authorization_unique")
        ]
        verbose_name = _("authorization")
        verbose_name_plural = _("authorizations")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_app_display()} · {self.get_status_display()}"


class AuthorizationEvent(models.Model):
    """Audit row for every request, grant, refusal, role change and revocation."""

    authorization = models.ForeignKey(
        Authorization, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    role = models.CharField(_("role"), max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("authorization event")
        verbose_name_plural = _("authorization events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Topic(models.TextChoices):
    CONTRACTS = "contracts", _("Contracts")
    ORDERS = "orders", _("Orders and deliveries")
    INVOICES = "invoices", _("Invoices")
    STATEMENTS = "statements", _("Statements and payments")
    INVENTORY = "inventory", _("Inventory and maintenance")
    OTHER = "other", _("Other")


class HelpContact(models.Model):
    """'Where to find help': a contact per country and topic, kept by agents."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="help_contacts")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["country", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["country", "topic"], name="help_contact_unique")
        ]
        verbose_name = _("help contact")
        verbose_name_plural = _("help contacts")

    def __str__(self) -> str:
        return f"{self.country} · {self.get_topic_display()}"


class StoredFile(models.Model):
    """An uploaded or generated file in private storage; the original name is metadata."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    storage_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.original_name


class NotificationQuerySet(models.QuerySet):
    def due(self) -> Self:
        now = timezone.now()
        return self.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
            next_attempt_at__lte=now,
        )


class Notification(models.Model):
    """The outbox: one row per e-mail, written in the transaction of the change."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    template = models.CharField(_("template"), max_length=100)
    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    context = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications (outbox)")

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("admin:portal_notification_change", args=[self.pk])
