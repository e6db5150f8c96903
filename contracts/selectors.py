"""Reads of Contracts OnLine that are more than a queryset chain (views, forms, services)."""

import hashlib

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from contracts.models import (
    SETTLED,
    ApprovalPolicy,
    ApprovalStep,
    CalendarFeed,
    Contract,
    ContractEvent,
    ContractVersion,
    Signature,
    SigningAuthority,
)
from portal.access import has_app_role
from portal.applications import App
from portal.models import Company, Role, User


def contracts_with_record(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Contracts with what their page shows, fetched together: versions (newest first),
    route steps, signatures, the history in order (its hash chain is checked on it) and
    renewals."""
    return contracts.select_related(
        "current_version", "current_step__approver", "renewed_from"
    ).prefetch_related(
        Prefetch(
            "versions",
            queryset=ContractVersion.objects.select_related("created_by", "document").order_by(
                "-number"
            ),
        ),
        Prefetch(
            "steps",
            queryset=ApprovalStep.objects.select_related("approver").order_by("-round", "order"),
        ),
        Prefetch(
            "signatures", queryset=Signature.objects.select_related("version").order_by("signed_at")
        ),
        Prefetch("events", queryset=ContractEvent.objects.order_by("seq")),
        "renewals",
    )


def can_sign(user: User, company: Company, *, is_approver: bool | None = None) -> bool:
    """Signing needs the contracts approver role AND a signing authority for the company
    (pass `is_approver` when the caller already knows the role)."""
    if is_approver is None:
        is_approver = has_app_role(user, company, App.CONTRACTS, Role.APPROVER)
    return is_approver and SigningAuthority.objects.for_company(company).filter(user=user).exists()


def contract_approvers(company: Company) -> QuerySet[User]:
    """The company's contract approvers, by name (route form, signing authorities)."""
    return User.objects.with_app(company, App.CONTRACTS, role=Role.APPROVER).order_by(
        "last_name", "first_name", "email"
    )


def approvers_with_signing(company: Company) -> QuerySet[User]:
    """The approvers, each with `may_sign`: holds a signing authority for the company."""
    authority = SigningAuthority.objects.filter(company=company, user=OuterRef("pk"))
    return contract_approvers(company).annotate(may_sign=Exists(authority))


def signatories(company: Company) -> list[User]:
    """Approvers who may sign for the company."""
    return list(contract_approvers(company).filter(signing_authorities__company=company))


def approval_policy(company: Company) -> ApprovalPolicy | None:
    return ApprovalPolicy.objects.filter(company=company).first()


def submitter_of(contract: Contract) -> User | None:
    """Who put forward what is being routed: the author of the amendment under way, or
    whoever submitted the draft."""
    if contract.status in SETTLED and contract.current_version is not None:
        return contract.current_version.created_by
    event = contract.events.filter(action="submit").order_by("-seq").first()
    return event.actor if event else None


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed a calendar link's token opens, if any."""
    return (
        CalendarFeed.objects.select_related("user", "company__country")
        .filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
        .first()
    )
