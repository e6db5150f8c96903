"""Access services: requests for an application, decisions, roles and administrators.

Every change is atomic, locks the row it decides on, writes an AuthorizationEvent
audit row and queues its e-mails through the outbox (sent after commit, in the
recipient's language). Rule violations raise ValidationError with a code.
"""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.access import link_to
from portal.agents import agent_users
from portal.applications import CATALOGUE, App
from portal.models import (
    ROLE_RANK,
    Authorization,
    AuthorizationEvent,
    Company,
    Event,
    Membership,
    Role,
    User,
)
from portal.notify import absolute_url, notify


class Action:
    """AuthorizationEvent.action values (the audit trail's vocabulary)."""

    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"
    ROLE_CHANGED = "role_changed"
    REVOKED = "revoked"
    ADMIN_GRANTED = "admin_granted"
    ADMIN_REMOVED = "admin_removed"


def _label(app: str, language: str) -> str:
    """The application's name in the recipient's language (context must be plain strings)."""
    with translation.override(language):
        return str(App(app).label)


def _role_label(role: str, language: str) -> str:
    with translation.override(language):
        return str(Role(role).label)


def application_path(app: str) -> str:
    """The application's entry page (home while the app has no pages)."""
    try:
        return reverse(CATALOGUE[app].url_name)
    except NoReverseMatch:
        return reverse("portal:home")


def _check_decider(actor: User, company: Company) -> None:
    """Defence in depth: the views gate this already; services refuse anybody else too."""
    if actor.is_staff and actor.has_perm("portal.change_authorization"):
        return
    if Membership.objects.for_company(company).admins().filter(user=actor).exists():
        return
    raise ValidationError(
        _("Only an administrator of this company can decide."), code="not_allowed"
    )


def _event(auth: Authorization, action: str, actor: User | None, note: str = "") -> None:
    AuthorizationEvent.objects.create(
        authorization=auth, action=action, role=auth.role, actor=actor, note=note
    )


def _notify_requester(auth: Authorization, kind: str) -> None:
    """Tell the user what was decided, with a link to the application (or to the request page)."""
    user = auth.user
    lang = user.preferred_language or "en"
    path = (
        application_path(auth.app)
        if auth.status == Authorization.Status.GRANTED
        else reverse("portal:request_access") + f"?app={auth.app}"
    )
    # The link names the company to its members (a user of several lands in it); someone
    # who asked by customer number is never told more than the number.
    member = Membership.objects.filter(user=user, company=auth.company).exists()
    link = link_to(path, auth.company) if member else path
    notify(
        event=Event.ACCESS,
        template="portal_access_decision",
        recipient=user,
        company=auth.company,
        context={
            "kind": kind,
            "app_label": _label(auth.app, lang),
            "role_label": _role_label(auth.role, lang),
            "company_name": auth.company.name,
            "note": auth.decision_note,
            "name": user.get_full_name() or user.email,
            "link": settings.PORTAL_BASE_URL.rstrip("/") + link,
        },
        link=path,
    )


def _notify_deciders(auth: Authorization) -> int:
    """Company administrators decide in the portal; without any, customer-service agents do."""
    requester = auth.user
    admins = [
        m.user
        for m in Membership.objects.for_company(auth.company)
        .admins()
        .filter(user__is_active=True)
        .select_related("user")
    ]
    # Someone outside the company (asking by customer number) has shown nothing yet: the
    # e-mail carries none of their free text (name, justification), only their verified
    # address; the deciders read the justification in the portal.
    colleague = Membership.objects.filter(user=requester, company=auth.company).exists()
    context: dict[str, Any] = {
        "requester": (requester.get_full_name() or requester.email)
        if colleague
        else requester.email,
        "requester_email": requester.email,
        "company_name": auth.company.name,
        "customer_number": auth.company.customer_number,
        "justification": auth.justification if colleague else "",
    }
    path = None  # agents decide in the admin: e-mail only
    if admins:
        path = reverse("portal:my_company") + f"?company={auth.company_id}"
        link = settings.PORTAL_BASE_URL.rstrip("/") + path
        recipients, template = admins, "portal_access_request"
    else:
        link = absolute_url("admin:portal_authorization_change", auth.pk)
        recipients, template = list(agent_users()), "portal_access_request_agents"
    for recipient in recipients:
        lang = recipient.preferred_language or "en"
        notify(
            event=Event.ACCESS,
            template=template,
            recipient=recipient,
            company=auth.company,
            context={
                **context,
                "app_label": _label(auth.app, lang),
                "role_label": _role_label(auth.role, lang),
                "link": link,
            },
            link=path,
        )
    return len(recipients)


@transaction.atomic
def access_request_submit(
    *,
    user: User,
    app: str,
    justification: str,
    role: str = Role.VIEWER,
    company: Company | None = None,
    customer_number: str = "",
) -> Authorization:
    """A user asks for an application of a company (theirs, or the one of a customer number)."""
    if app not in App.values:
        raise ValidationError(_("Choose an application."), code="unknown_app")
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="unknown_role")
    customer_number = customer_number.strip()
    if customer_number:
        company = (
            Company.objects.select_related("country")
            .filter(customer_number=customer_number)
            .first()
        )
        if company is None:
            raise ValidationError(
                _(
                    "We could not find a company with this customer number. "
                    "Check it on an invoice or an order confirmation."
                ),
                code="unknown_company",
            )
    if company is None:
        raise ValidationError(
            _("Give your company's customer number."), code="customer_number_required"
        )
    if not company.country.offers(app):
        raise ValidationError(
            _("This application is not offered in your company's country."),
            code="unavailable",
        )
    if not justification.strip():
        raise ValidationError(_("Tell your administrator why you need access."), code="required")
    auth = (
        Authorization.objects.select_for_update()
        .filter(user=user, company=company, app=app)
        .first()
    )
    if auth is not None and auth.status == Authorization.Status.PENDING:
        raise ValidationError(
            _("You already asked for this application; your request is waiting for a decision."),
            code="duplicate",
        )
    if auth is not None and auth.status == Authorization.Status.GRANTED:
        if ROLE_RANK[auth.role] >= ROLE_RANK[role]:
            raise ValidationError(
                _("You already have access to this application."), code="already_granted"
            )
        raise ValidationError(
            _("You already have access; ask your company administrator to change your role."),
            code="already_granted",
        )
    if auth is None:
        auth = Authorization(user=user, company=company, app=app)
    auth.role = role
    auth.status = Authorization.Status.PENDING
    auth.justification = justification.strip()
    auth.requested_at = timezone.now()
    auth.decided_by = None
    auth.decided_at = None
    auth.decision_note = ""
    try:
        with transaction.atomic():
            auth.save()
    except IntegrityError:  # the same request sent twice at the same moment
        raise ValidationError(
            _("You already asked for this application; your request is waiting for a decision."),
            code="duplicate",
        ) from None
    _event(auth, Action.REQUESTED, user, auth.justification)
    _notify_deciders(auth)
    return auth


def _locked(auth: Authorization) -> Authorization:
    return (
        Authorization.objects.select_for_update().select_related("user", "company").get(pk=auth.pk)
    )


@transaction.atomic
def access_request_approve(
    *, authorization: Authorization, actor: User, role: str | None = None, note: str = ""
) -> Authorization:
    """Grant a pending request (the role asked for, or the one the decider chose)."""
    auth = _locked(authorization)
    _check_decider(actor, auth.company)
    if auth.status != Authorization.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    if role is not None:
        if role not in Role.values:
            raise ValidationError(_("Choose a role."), code="unknown_role")
        auth.role = role
    auth.status = Authorization.Status.GRANTED
    auth.decided_by = actor
    auth.decided_at = timezone.now()
    auth.decision_note = note.strip()
    auth.save()
    Membership.objects.get_or_create(user=auth.user, company=auth.company)
    _event(auth, Action.GRANTED, actor, auth.decision_note)
    _notify_requester(auth, "granted")
    return auth


@transaction.atomic
def access_request_refuse(*, authorization: Authorization, actor: User, note: str) -> Authorization:
    """Refuse a pending request; the note tells the requester why."""
    auth = _locked(authorization)
    _check_decider(actor, auth.company)
    if auth.status != Authorization.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    auth.status = Authorization.Status.REJECTED
    auth.decided_by = actor
    auth.decided_at = timezone.now()
    auth.decision_note = note.strip()
    auth.save()
    _event(auth, Action.REFUSED, actor, auth.decision_note)
    _notify_requester(auth, "refused")
    return auth


@transaction.atomic
def authorization_grant(
    *, company: Company, user: User, app: str, role: str, actor: User
) -> Authorization:
    """An administrator gives a member an application directly (no request needed)."""
    _check_decider(actor, company)
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="unknown_role")
    if not company.country.offers(app):
        raise ValidationError(
            _("This application is not offered in your company's country."), code="unavailable"
        )
    if not Membership.objects.for_company(company).filter(user=user).exists():
        raise ValidationError(_("This person is not a member of the company."), code="not_member")
    auth, _created = Authorization.objects.select_for_update().get_or_create(
        user=user, company=company, app=app
    )
    if auth.status == Authorization.Status.GRANTED:
        raise ValidationError(_("This person already has this application."), code="granted")
    auth.role = role
    auth.status = Authorization.Status.GRANTED
    auth.decided_by = actor
    auth.decided_at = timezone.now()
    auth.decision_note = ""
    auth.save()
    _event(auth, Action.GRANTED, actor)
    _notify_requester(auth, "granted")
    return auth


@transaction.atomic
def authorization_change_role(
    *, authorization: Authorization, actor: User, role: str
) -> Authorization:
    auth = _locked(authorization)
    _check_decider(actor, auth.company)
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="unknown_role")
    if auth.status != Authorization.Status.GRANTED:
        raise ValidationError(_("Only a granted access has a role to change."), code="not_granted")
    if auth.role == role:
        return auth
    auth.role = role
    auth.decided_by = actor
    auth.decided_at = timezone.now()
    auth.save()
    _event(auth, Action.ROLE_CHANGED, actor)
    _notify_requester(auth, "role_changed")
    return auth


@transaction.atomic
def authorization_revoke(
    *, authorization: Authorization, actor: User, note: str = ""
) -> Authorization:
    auth = _locked(authorization)
    _check_decider(actor, auth.company)
    if auth.status != Authorization.Status.GRANTED:
        raise ValidationError(_("Only a granted access can be revoked."), code="not_granted")
    auth.status = Authorization.Status.REVOKED
    auth.decided_by = actor
    auth.decided_at = timezone.now()
    auth.decision_note = note.strip()
    auth.save()
    _event(auth, Action.REVOKED, actor, auth.decision_note)
    _notify_requester(auth, "revoked")
    return auth


@transaction.atomic
def membership_set_admin(*, membership: Membership, actor: User, is_admin: bool) -> Membership:
    """Make or remove a company administrator; the company always keeps at least one."""
    _check_decider(actor, membership.company)
    # Lock every administrator row of the company: two admins removing each other
    # at the same moment cannot both succeed.
    admins = list(Membership.objects.select_for_update().for_company(membership.company).admins())
    target = Membership.objects.select_for_update().get(pk=membership.pk)
    if target.is_company_admin == is_admin:
        return target
    if not is_admin and len(admins) <= 1:
        raise ValidationError(
            _(
                "The company must keep at least one administrator: "
                "make someone else administrator first."
            ),
            code="last_admin",
        )
    target.is_company_admin = is_admin
    target.save(update_fields=["is_company_admin"])
    # The audit trail lives on authorizations; an administrator change is logged
    # on each of the member's authorizations so the company's history shows it.
    for auth in Authorization.objects.for_company(target.company).filter(user=target.user_id):
        _event(auth, Action.ADMIN_GRANTED if is_admin else Action.ADMIN_REMOVED, actor)
    return target


DOMAIN_MAX = 20
DOMAIN_RE = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


@transaction.atomic
def company_report_domains_update(*, company: Company, actor: User, text: str) -> Company:
    """The outside domains reports may be e-mailed to (besides colleagues); admins only."""
    _check_decider(actor, company)
    domains: list[str] = []
    for raw in (text or "").replace(",", " ").split():
        domain = raw.strip().lower().lstrip("@")
        if not DOMAIN_RE.fullmatch(domain):
            raise ValidationError(
                _("“%(domain)s” is not a domain name (e.g. partner.example)."),
                code="bad_domain",
                params={"domain": raw[:80]},
            )
        if domain not in domains:
            domains.append(domain)
    if len(domains) > DOMAIN_MAX:
        raise ValidationError(
            _("At most %(max)d domains."), code="too_many", params={"max": DOMAIN_MAX}
        )
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.report_email_domains = "\n".join(domains)
    company.save(update_fields=["report_email_domains"])
    return company
