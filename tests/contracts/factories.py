"""Contracts factories. Children take their company from the contract, and the
`contract_in()` builder reaches a status through the real services."""

import datetime
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts import services
from contracts.models import Contract, ContractStatus, ContractType, SigningAuthority
from portal.models import Role
from tests.factories.portal import CompanyFactory, member

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "contract.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class ContractFactory(factory.django.DjangoModelFactory):
    """A bare contract row (no version, no history); use contract_in() for real states."""

    class Meta:
        model = Contract

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"K-{n:05d}")
    title = factory.Sequence(lambda n: f"Maintenance agreement {n}")
    type = ContractType.HARDWARE_MAINTENANCE
    supplier_owner = "Jean Fournisseur"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    value = Decimal("12000.00")
    currency = "EUR"
    renewal_terms = "Renewed by written agreement."
    sla_response_hours = 4
    sla_coverage_hours = "24x7"


def signer(company, **fields):
    """An approver with signing authority."""
    user = member(company, role=Role.APPROVER, **fields)
    SigningAuthority.objects.create(company=company, user=user)
    return user


def contract_in(
    status: str,
    company,
    *,
    actor=None,
    approvers=None,
    sign_as=None,
    number: str = "",
    **fields,
) -> Contract:
    """A contract in `status`, reached through the services (versions and history
    included). `approvers` default to [actor] (then a colleague submits); `sign_as` defaults to a new signer."""
    actor = actor or member(company, role=Role.APPROVER)
    today = timezone.localdate()
    contract = services.contract_create(
        company=company,
        actor=actor,
        title=fields.pop("title", "Server maintenance"),
        type=fields.pop("type", ContractType.HARDWARE_MAINTENANCE),
        start_date=fields.pop("start_date", today - datetime.timedelta(days=30)),
        end_date=fields.pop("end_date", today + datetime.timedelta(days=335)),
        value=fields.pop("value", Decimal("12000.00")),
        currency=fields.pop("currency", "EUR"),
        document=fields.pop("document", None) or pdf_upload(),
        summary="Initial version",
        number=number,
        **fields,
    )
    order = [
        ContractStatus.DRAFT,
        ContractStatus.SUBMITTED,
        ContractStatus.IN_APPROVAL,
        ContractStatus.AWAITING_SIGNATURE,
        ContractStatus.SIGNED,
        ContractStatus.ACTIVE,
    ]
    terminal = {ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED}
    target = ContractStatus.ACTIVE if status in terminal else status
    steps = order[1 : order.index(target) + 1]
    approvers = approvers or [actor]
    # Segregation of duties: whoever submits may not approve, so when `actor` approves,
    # a colleague submits.
    submitter = actor
    if any(user.pk == actor.pk for user in approvers):
        submitter = member(company, role=Role.APPROVER)
    for step in steps:
        contract.refresh_from_db()
        if step == ContractStatus.SUBMITTED:
            services.contract_submit(contract=contract, actor=submitter, expected_version=None)
        elif step == ContractStatus.IN_APPROVAL:
            services.contract_route(
                contract=contract, actor=actor, approvers=approvers, expected_version=None
            )
        elif step == ContractStatus.AWAITING_SIGNATURE:
            for user in approvers:
                contract.refresh_from_db()
                services.step_approve(contract=contract, actor=user, expected_version=None)
        elif step == ContractStatus.SIGNED:
            who = sign_as or signer(company)
            services.contract_sign(
                contract=contract,
                actor=who,
                typed_name=who.get_full_name() or "Signer",
                consent=True,
                ip_address="192.0.2.10",
                expected_version=None,
            )
        elif step == ContractStatus.ACTIVE:
            services.contract_activate(contract=contract, actor=actor, expected_version=None)
    contract.refresh_from_db()
    if status == ContractStatus.EXPIRED:
        services.contracts_roll_daily(today=contract.end_date + datetime.timedelta(days=1))
    elif status == ContractStatus.TERMINATED:
        services.contract_terminate(
            contract=contract, actor=actor, reason="Site closed", expected_version=None
        )
    elif status == ContractStatus.RENEWED:
        services.contract_renew(
            contract=contract,
            actor=actor,
            new_end_date=contract.end_date + datetime.timedelta(days=365),
            expected_version=None,
        )
    contract.refresh_from_db()
    return contract
