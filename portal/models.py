"""Platform models: the ID (User), tenants (Company) and who may do what."""

import uuid
from collections.abc import Iterator
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.addresses import PostalAddress
from portal.applications import App
from portal.phones import normalize as normalize_phone

_CHOICE_LABELS: dict[Any, dict[Any, Any]] = {}


class ChoiceLabels:
    """`get_FOO_display()` from a {value: label} dict built once per field.

    Django's rebuilds the field's choices on each call, hashing (so translating) every
    label of the field; a list of 25 rows showing two of them spent ~10 % of its page
    there. The labels kept are the lazy ones: each call still reads the reader's language.
    Put it before models.Model in a model's bases."""

    def _get_FIELD_display(self, field: Any) -> Any:
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = {make_hashable(value): label for value, label in field.flatchoices}
            _CHOICE_LABELS[field] = labels
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


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
    INVOICE_COPY = "invoice_copy", _("Invoices a colleague sent me")
    JOB_DONE = "job_done", _("Files I asked for are ready")


TRANSACTIONAL_EVENTS = {
    Event.ACCESS,
    Event.REQUEST,
    Event.CONTRACT_ACTION,
    Event.INVENTORY,
    Event.INVOICE_COPY,
    Event.JOB_DONE,
}
OPT_IN_EVENTS = {Event.INVOICE_NEW, Event.INVOICE_OVERDUE, Event.MONTHLY_STATEMENT}
# Events whose e-mails have an in-portal twin in the notification centre (a link to
# their object); the others (scheduled reports with their attachment) are e-mail only.
IN_PORTAL_EVENTS = {e for e in Event if e not in (Event.ORDER_REPORT, Event.INVENTORY)}


class Channel(models.TextChoices):
    """How a user hears about one event: `User.notification_prefs` maps events to these."""

    BOTH = "both", _("E-mail and in the portal")
    EMAIL = "email", _("E-mail only")
    PORTAL = "portal", _("In the portal only")
    NONE = "none", _("Not at all")


class UserManager(BaseUserManager["User"]):
    # Not in migrations: a migration imports no application code (RunPython code uses
    # the historical model's plain manager).
    use_in_migrations = False

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

    def with_app(
        self, company: "Company", app: str, *, role: str | None = None
    ) -> "models.QuerySet[User]":
        """Active users holding a granted authorization for `app` in `company`, with at
        least `role` (an approver also counts as a viewer). One row per user."""
        rank = ROLE_RANK[Role(role)] if role else 0
        granted = Authorization.objects.filter(
            user=models.OuterRef("pk"),
            company=company,
            app=app,
            status=Authorization.Status.GRANTED,
            role__in=[r for r, r_rank in ROLE_RANK.items() if r_rank >= rank],
        )
        return self.get_queryset().filter(models.Exists(granted), is_active=True)


class User(AbstractUser):
    """The one ID (e-mail + password) that opens every application."""

    username = None  # type: ignore[assignment]  # the e-mail address is the ID
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    notification_prefs = models.JSONField(_("notification preferences"), default=dict, blank=True)
    # Part of the session hash: raising it ends every session of the user but the one
    # that keeps it (portal.accounts.user_end_other_sessions, e.g. on enrolling MFA).
    sessions_epoch = models.PositiveIntegerField(default=0, editable=False)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the time zone of your company's country."),
    )

    # Not Django's UserManager (no username): its own create_user / create_superuser.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_session_auth_hash(self) -> str:
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str | bytes | None) -> str:
        """Django's HMAC of the password, plus the sessions epoch once raised (at 0 the
        hash is Django's own: sessions opened before the epoch existed stay valid)."""
        value = f"{self.password}:{self.sessions_epoch}" if self.sessions_epoch else self.password
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def channel(self, event: str) -> str:
        """How the user hears about `event` (a Channel value).

        Defaults: opt-in events not at all, the others by e-mail and in the portal. A
        transactional event always reaches the user one way; an event without an
        in-portal twin is e-mailed or not. Booleans are the former e-mail opt-ins.
        """
        value = (self.notification_prefs or {}).get(event)
        if value is True:
            value = Channel.BOTH
        elif value is False:
            value = Channel.NONE
        if value not in Channel.values:
            value = Channel.NONE if event in OPT_IN_EVENTS else Channel.BOTH
        if event not in IN_PORTAL_EVENTS and value != Channel.NONE:
            value = Channel.EMAIL
        if event in TRANSACTIONAL_EVENTS and value == Channel.NONE:
            value = Channel.BOTH if event in IN_PORTAL_EVENTS else Channel.EMAIL
        return value

    def wants(self, event: str) -> bool:
        """Whether the user hears about `event` at all (e-mail or in the portal)."""
        return self.channel(event) != Channel.NONE

    def wants_email(self, event: str) -> bool:
        return self.channel(event) in (Channel.BOTH, Channel.EMAIL)

    def wants_in_portal(self, event: str) -> bool:
        return self.channel(event) in (Channel.BOTH, Channel.PORTAL)


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
        """The name in the active language: lists, filters and exports in French say "Allemagne"."""
        return self.localized_name()

    def localized_name(self, language: str | None = None) -> str:
        """The country's name in `language` (default: the active language)."""
        language = language or get_language() or "en"
        return (self.name_fr or self.name) if language.startswith("fr") else self.name

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
    # Registered office and billing address, structured (printed per country).
    street = models.TextField(_("street"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    billing_street = models.TextField(_("billing street"), blank=True)
    billing_postal_code = models.CharField(_("billing postal code"), max_length=20, blank=True)
    billing_city = models.CharField(_("billing city"), max_length=100, blank=True)
    billing_region = models.CharField(_("billing state / region"), max_length=100, blank=True)
    # Legal identity printed on invoices (French B2B invoices require them).
    legal_id = models.CharField(
        _("company registration number"),
        max_length=30,
        blank=True,
        help_text=_("SIREN in France, EIN in the United States."),
    )
    establishment_id = models.CharField(
        _("establishment number"), max_length=30, blank=True, help_text=_("SIRET in France.")
    )
    vat_number = models.CharField(_("VAT number"), max_length=30, blank=True)
    trade_register = models.CharField(
        _("trade register"), max_length=100, blank=True, help_text=_("e.g. RCS Nanterre.")
    )
    services_assistant = models.BooleanField(
        _("Services Assistant customer"),
        default=False,
        help_text=_("Premium inventory assistant, offered to selected customers in Europe."),
    )
    report_email_domains = models.TextField(
        _("domains reports may be e-mailed to"),
        blank=True,
        help_text=_(
            "Besides colleagues, reports may be e-mailed only to addresses of these domains "
            "(one per line), chosen by the company administrator."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})"

    @property
    def report_domains(self) -> list[str]:
        return [d.strip().lower() for d in self.report_email_domains.split() if d.strip()]

    def postal_address(self, language: str | None = None) -> PostalAddress:
        return PostalAddress(
            street=self.street,
            postal_code=self.postal_code,
            city=self.city,
            region=self.region,
            country_code=self.country.code,
            country_name=self.country.localized_name(language),
        )

    def billing_postal_address(self, language: str | None = None) -> PostalAddress:
        """The billing address; the registered address when none is set."""
        if not (self.billing_street or self.billing_city):
            return self.postal_address(language)
        return PostalAddress(
            street=self.billing_street,
            postal_code=self.billing_postal_code,
            city=self.billing_city,
            region=self.billing_region,
            country_code=self.country.code,
            country_name=self.country.localized_name(language),
        )


class Site(models.Model):
    """A company's location, used by orders (ship-to) and inventory."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(_("site code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    street = models.TextField(_("street"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
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

    def postal_address(self, language: str | None = None) -> PostalAddress:
        return PostalAddress(
            street=self.street,
            postal_code=self.postal_code,
            city=self.city,
            region=self.region,
            country_code=self.country.code,
            country_name=self.country.localized_name(language),
        )


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


ROLE_RANK: dict[str, int] = {Role.VIEWER: 1, Role.APPROVER: 2}


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
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        help_text=_(
            "As the country writes it, e.g. (212) 555-0100 or 01 23 45 67 89; "
            "stored with its country code."
        ),
    )
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

    def clean(self) -> None:
        """The phone is kept in E.164; a number without +code is one of the contact's country."""
        region = self.country.code if self.country_id else None
        try:
            self.phone = normalize_phone(self.phone, region)
        except ValidationError as error:
            raise ValidationError({"phone": error}) from None


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
        IN_PORTAL_ONLY = "in_portal", _("Not e-mailed: in the portal only")

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


class NotificationEntryQuerySet(models.QuerySet):
    def of_user(self, user: "User") -> Self:
        """A user's own entries: the only way entries are read (another user's is a 404)."""
        return self.filter(user=user)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class NotificationEntry(models.Model):
    """One entry of a user's notification centre (the bell), the in-portal twin of an
    outbox e-mail: its subject and first paragraph in the user's language, and a link
    to its object inside the portal (a path behind the gate, never a token)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outbox = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    title = models.CharField(_("notification title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    link = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's count: one index-only lookup of the user's unread entries.
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="entry_unread_idx"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="entry_user_recent_idx"),
        ]
        verbose_name = _("notification centre entry")
        verbose_name_plural = _("notification centre entries")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:notification_open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class JobQuerySet(TenantQuerySet):
    def active(self) -> Self:
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])

    def of_user(self, user: "User") -> Self:
        return self.filter(user=user)


class Job(models.Model):
    """Long work (a ZIP, a large export, a report e-mail, a statement PDF) built by a worker.

    The row holds everything the worker needs (`kind`, `params`), its progress and the
    result file; the page the user waits on reads it. Owned by a user *and* a company.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "user", "state"])]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("portal:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
