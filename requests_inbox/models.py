"""My requests: a customer's written requests to customer service and their conversation.

Every row belongs to one company (the tenant); a customer sees their own requests,
a company administrator all of the company's. State changes go through services.py.
"""

import re
from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal.models import ChoiceLabels, Company, StoredFile, TenantQuerySet, Topic, User
from portal.row_urls import row_url

TRACKING_NUMBER = re.compile(r"CS-[0-9A-Z]+-\d{4,}", re.IGNORECASE)
REOPEN_WINDOW = timedelta(days=30)
AUTO_CLOSE_AFTER = timedelta(days=7)


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ANSWERED)
WAITING_FOR_AGENT = (Status.NEW, Status.IN_PROGRESS)


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    BAD = "bad", _("Bad")


class RequestQuerySet(TenantQuerySet):
    def open(self) -> Self:
        """Not closed: new, in progress, or answered and waiting for the customer."""
        return self.exclude(status=Status.CLOSED)

    def awaiting_customer(self) -> Self:
        return self.filter(status=Status.ANSWERED)

    def awaiting_agent(self) -> Self:
        return self.filter(status__in=WAITING_FOR_AGENT)

    def visible_to(self, user: User, *, is_company_admin: bool) -> Self:
        """Own requests; a company administrator sees all of the (already scoped) company's."""
        return self if is_company_admin else self.filter(requester=user)

    def overdue(self, at: datetime | None = None) -> Self:
        return self.awaiting_agent().filter(due_at__lt=at or timezone.now())

    def search(self, text: str) -> Self:
        """A tracking number (exact, any case) or every word of the subject.

        A number is looked up through its unique index; words scan only the
        subjects of the already scoped (company, requester) rows."""
        text = (text or "").strip()
        if not text:
            return self
        if TRACKING_NUMBER.fullmatch(text):
            return self.filter(number=text.upper())
        if text.isdigit():  # the end of a number, as people read it out: "123"
            return self.filter(number__endswith=f"-{int(text):06d}")
        words = Q()
        for word in text.split()[:8]:
            words &= Q(subject__icontains=word)
        return self.filter(words)


class Request(ChoiceLabels, models.Model):
    """One written request: subject, category, optional reference, conversation."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="requests", verbose_name=_("company")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("requester"),
    )
    number = models.CharField(_("tracking number"), max_length=40, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Topic.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    reference_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_id = models.CharField(max_length=64, blank=True)
    reference_object = GenericForeignKey("reference_type", "reference_id")
    payload = models.JSONField(_("structured data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    due_at = models.DateTimeField(_("answer expected by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.CharField(_("satisfaction"), max_length=10, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("satisfaction comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="request_number_unique_per_company"
            )
        ]
        indexes = [
            models.Index(fields=["company", "requester", "-created_at", "-id"]),
            models.Index(fields=["company", "-created_at", "-id"]),
            models.Index(fields=["company", "requester", "subject"]),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["company", "category", "reference"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "answered_at"]),
        ]
        verbose_name = _("request")
        verbose_name_plural = _("requests")

    def __str__(self) -> str:
        return f"{self.number} · {self.subject}"

    def get_absolute_url(self) -> str:
        return row_url("requests_inbox:detail", number=self.number)

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.status in WAITING_FOR_AGENT and self.due_at < timezone.now()

    def can_reopen(self, at: datetime | None = None) -> bool:
        if self.status != Status.CLOSED or self.closed_at is None:
            return False
        return (at or timezone.now()) - self.closed_at <= REOPEN_WINDOW

    @property
    def can_rate(self) -> bool:
        return self.answered_at is not None


class MessageQuerySet(TenantQuerySet):
    def public(self) -> Self:
        """What the customer may read: everything but the agents' internal notes."""
        return self.filter(internal=False)


class Message(models.Model):
    """One message of the conversation; `internal` notes are for agents only."""

    class Source(models.TextChoices):
        WEB = "web", _("Portal")
        EMAIL = "email", _("E-mail")
        ADMIN = "admin", _("Customer service")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    is_agent = models.BooleanField(_("from customer service"), default=False)
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Never shown to the customer.")
    )
    body = models.TextField(_("message"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    email_message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    attachments = models.ManyToManyField(
        StoredFile, blank=True, related_name="request_messages", verbose_name=_("attachments")
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.request_id} · {self.created_at:%Y-%m-%d %H:%M}"


class StatusChange(models.Model):
    """History row written by every service that changes a request's status."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("date"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self) -> str:
        at = formats.date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{at} {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class InboundEmail(models.Model):
    """Log of every e-mail read by fetch_replies, matched or not (never silently dropped)."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Added to the request")
        UNMATCHED = "unmatched", _("Could not be matched")
        REFUSED = "refused", _("Refused")

    message_id = models.CharField(max_length=255, unique=True)
    sender = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=255, blank=True)
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")

    def __str__(self) -> str:
        return f"{self.sender} · {self.subject}"


class RequestRead(models.Model):
    """When an agent last opened a request: customer messages after it are unread for them."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="reads")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "agent"], name="request_read_once_per_agent")
        ]
        verbose_name = _("request read by an agent")
        verbose_name_plural = _("requests read by agents")

    def __str__(self) -> str:
        return f"{self.request_id} · {self.agent_id} · {self.read_at:%Y-%m-%d %H:%M}"


class CannedAnswer(models.Model):
    """A macro: a ready answer in one language, with placeholders filled for each request.

    Placeholders: {customer_name}, {tracking_number}, {subject}, {request_link},
    {agent_name}, {company_name}."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Topic.choices,
        blank=True,
        help_text=_("Offered first for requests of this category; empty for every category."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {customer_name}, {tracking_number}, {subject}, {request_link}, "
            "{agent_name}, {company_name}."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(fields=["language", "title"], name="canned_answer_title_unique")
        ]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"
