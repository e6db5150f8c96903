"""Every URL of Contracts OnLine in the authorization matrix."""

from contracts.models import Contract, ContractStatus
from contracts.services import calendar_feed_create
from portal.access import has_app_role
from portal.models import Role
from tests.contracts.factories import contract_in
from tests.factories.portal import member
from tests.security.matrix import Route


def _build(status, company, **kwargs):
    """In a country that does not offer Contracts OnLine nobody may approve or sign:
    a draft is enough there (the answer is a 404 anyway)."""
    if not company.country.offers("contracts"):
        return contract_in(ContractStatus.DRAFT, company)
    return contract_in(status, company, **kwargs)


def _number(status):
    return lambda company, user: {"number": _build(status, company).number}


def _version(status):
    def build(company, user):
        contract = _build(status, company)
        return {"number": contract.number, "version": contract.current_version.number}

    return build


def _routed_to_user(company, user):
    """In approval with the acting user as the current approver (when they may approve)."""
    approver = user if _is_approver(company, user) else member(company, role=Role.APPROVER)
    return {"number": _build(ContractStatus.IN_APPROVAL, company, approvers=[approver]).number}


def _is_approver(company, user):
    return has_app_role(user, company, "contracts", Role.APPROVER)


def _lock_version(company, user):
    """POST data carrying the lock version of the contract built for the URL (the latest)."""
    latest = Contract.objects.for_company(company).order_by("-id").first()
    return {"version": latest.lock_version if latest else 1}


def _feed(company, user):
    feed, _token = calendar_feed_create(company=company, user=user)
    return {"pk": feed.pk}


def _feed_token(company, user):
    _feed, token = calendar_feed_create(company=company, user=user)
    return {"token": token}


def _sign_kwargs(company, user):
    contract = _build(ContractStatus.AWAITING_SIGNATURE, company)
    return {"number": contract.number}


ROUTES = [
    Route("contracts:list", app="contracts"),
    Route("contracts:export", app="contracts"),
    Route("contracts:needs_action", app="contracts"),
    Route("contracts:calendar", app="contracts"),
    Route("contracts:signers", app="contracts", company_admin=True),
    Route("contracts:create", app="contracts", role="approver"),
    Route("contracts:calendar_create", app="contracts", method="POST", ok=(200,)),
    Route(
        "contracts:calendar_revoke",
        app="contracts",
        method="POST",
        kwargs=_feed,
        ok=(302,),
    ),
    Route(
        "contracts:calendar_feed",
        public=True,
        kwargs=_feed_token,
        notes="Token-authenticated iCalendar feed (a calendar client has no session).",
    ),
    Route("contracts:detail", app="contracts", kwargs=_number(ContractStatus.SIGNED)),
    Route("contracts:print", app="contracts", kwargs=_number(ContractStatus.DRAFT)),
    Route("contracts:document", app="contracts", kwargs=_version(ContractStatus.DRAFT)),
    Route("contracts:signed_pdf", app="contracts", kwargs=_version(ContractStatus.SIGNED)),
    Route(
        "contracts:add_version",
        app="contracts",
        role="approver",
        kwargs=_number(ContractStatus.DRAFT),
    ),
    Route(
        "contracts:submit",
        app="contracts",
        role="approver",
        method="POST",
        kwargs=_number(ContractStatus.DRAFT),
        data=_lock_version,
        ok=(302,),
    ),
    Route(
        "contracts:route",
        app="contracts",
        role="approver",
        kwargs=_number(ContractStatus.SUBMITTED),
    ),
    Route(
        "contracts:approve",
        app="contracts",
        role="approver",
        method="POST",
        kwargs=_routed_to_user,
        data=_lock_version,
        ok=(302,),
    ),
    Route(
        "contracts:reject",
        app="contracts",
        role="approver",
        method="POST",
        kwargs=_routed_to_user,
        data=lambda company, user: {**_lock_version(company, user), "comment": "No"},
        ok=(302,),
    ),
    Route("contracts:sign", app="contracts", role="approver", kwargs=_sign_kwargs),
    Route(
        "contracts:activate",
        app="contracts",
        role="approver",
        method="POST",
        kwargs=_number(ContractStatus.SIGNED),
        data=_lock_version,
        ok=(302,),
    ),
    Route(
        "contracts:terminate",
        app="contracts",
        role="approver",
        kwargs=_number(ContractStatus.ACTIVE),
    ),
    Route(
        "contracts:renew", app="contracts", role="approver", kwargs=_number(ContractStatus.ACTIVE)
    ),
]
