"""An amendment of a signed contract goes through approval and signature while the
contract stays in force as it was signed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts import lifecycle, services
from contracts.models import ApprovalStep, Contract, ContractStatus
from inventory.models import Coverage, InstalledItem
from portal.models import Role
from tests.contracts.factories import contract_in, pdf_upload, signer
from tests.factories.portal import SiteFactory, member
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.django_db
S = ContractStatus
AMENDMENT_PDF = b"%PDF-1.4\n% amendment: adds the Lyon site\n%%EOF\n"


def _amend(contract, actor, summary="Adds the Lyon site"):
    contract.refresh_from_db()
    return services.contract_add_version(
        contract=contract,
        actor=actor,
        upload=pdf_upload("amendment.pdf", AMENDMENT_PDF),
        summary=summary,
        expected_version=contract.lock_version,
    )


def _route(contract, actor, approvers):
    contract.refresh_from_db()
    return services.contract_route(
        contract=contract, actor=actor, approvers=approvers, expected_version=contract.lock_version
    )


def _in_amendment_approval(company, approver, approvers=None, author=None):
    contract = contract_in(S.ACTIVE, company, actor=approver)
    # who amends may not approve the amendment (segregation of duties)
    author = author or member(company, role=Role.APPROVER)
    amendment = _amend(contract, author)
    _route(contract, author, approvers or [approver])
    contract.refresh_from_db()
    return contract, amendment


def _sign(contract, who):
    contract.refresh_from_db()
    return services.contract_sign(
        contract=contract,
        actor=who,
        typed_name="Sam Signer",
        consent=True,
        ip_address="192.0.2.7",
        expected_version=contract.lock_version,
    )


def test_an_amendment_is_approved_and_signed_while_the_contract_stays_in_force(
    company, approver, mailoutbox, django_capture_on_commit_callbacks
):
    second = member(company, role=Role.APPROVER, email="second@acme.test")
    who = signer(company, email="signer@acme.test")
    contract = contract_in(S.ACTIVE, company, actor=approver)
    original = contract.current_version
    author = member(company, role=Role.APPROVER)  # who amends may not approve the amendment
    amendment = _amend(contract, author)
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE and contract.has_pending_amendment
    assert lifecycle.can(contract, "route")

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _route(contract, author, [second, approver])
    contract.refresh_from_db()
    assert contract.status == S.AMENDMENT_APPROVAL
    assert [m.to for m in mailoutbox] == [["second@acme.test"]]
    # Still in force: it covers its items, counts for expiry, stays in the active list.
    assert Contract.objects.for_company(company).active().filter(pk=contract.pk).exists()
    assert list(Contract.objects.for_company(company).needing_action_by(second)) == [contract]

    for user in (second, approver):
        contract.refresh_from_db()
        services.step_approve(contract=contract, actor=user, expected_version=None)
    contract.refresh_from_db()
    assert contract.status == S.AMENDMENT_SIGNATURE
    assert list(Contract.objects.for_company(company).needing_action_by(who)) == [contract]

    signature = _sign(contract, who)
    contract.refresh_from_db()
    amendment.refresh_from_db()
    original.refresh_from_db()
    assert contract.status == S.ACTIVE
    assert not contract.amendment_under_way
    assert signature.version == amendment and signature.version_sha256 == amendment.sha256
    assert contract.current_version == amendment and amendment.signed_document_id
    assert original.signatures.count() == 1 and original.signed_document_id  # untouched
    moves = list(
        contract.events.filter(action__in=["route", "approve", "sign"])
        .order_by("seq")
        .values_list("action", "from_status", "to_status")
    )
    assert moves[-3:] == [
        ("route", S.ACTIVE, S.AMENDMENT_APPROVAL),
        ("approve", S.AMENDMENT_APPROVAL, S.AMENDMENT_SIGNATURE),
        ("sign", S.AMENDMENT_SIGNATURE, S.ACTIVE),
    ]


def test_an_amendment_of_a_contract_not_started_yet_ends_signed(company, approver):
    start = timezone.localdate() + datetime.timedelta(days=20)
    contract = contract_in(
        S.SIGNED,
        company,
        actor=approver,
        start_date=start,
        end_date=start + datetime.timedelta(days=365),
    )
    author = member(company, role=Role.APPROVER)
    _amend(contract, author)
    _route(contract, author, [approver])
    contract.refresh_from_db()
    services.step_approve(contract=contract, actor=approver, expected_version=None)
    _sign(contract, signer(company))
    contract.refresh_from_db()
    assert contract.status == S.SIGNED


def test_a_rejected_amendment_leaves_the_contract_as_signed(
    company, approver, mailoutbox, django_capture_on_commit_callbacks
):
    second = member(company, role=Role.APPROVER)
    author = member(company, role=Role.APPROVER)
    contract, amendment = _in_amendment_approval(company, approver, [second, approver], author)
    signed_version = contract.versions.get(number=1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.step_reject(
            contract=contract, actor=second, comment="Wrong site address", expected_version=None
        )
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE
    assert contract.current_version == signed_version  # the version in force again
    assert contract.current_step is None
    assert amendment in contract.versions.all()  # kept, with its history
    decisions = set(contract.steps.filter(round=2).values_list("decision", flat=True))
    assert decisions == {ApprovalStep.Decision.REJECTED, ApprovalStep.Decision.CANCELLED}
    [mail] = mailoutbox
    assert mail.to == [author.email]  # who sent the amendment for approval
    assert "amendment" in mail.subject
    assert "stays in force as it was signed" in mail.body and "Wrong site address" in mail.body
    reject = contract.events.get(action="reject")
    assert (reject.from_status, reject.to_status) == (S.AMENDMENT_APPROVAL, S.ACTIVE)

    # A corrected amendment can follow, in a new round.
    corrected = _amend(contract, author, summary="Adds the Lyon site, right address")
    _route(contract, author, [approver])
    contract.refresh_from_db()
    assert contract.status == S.AMENDMENT_APPROVAL and contract.current_version == corrected
    assert contract.current_step.round == 3


def test_routing_a_contract_in_force_needs_a_new_amendment(company, approver):
    contract = contract_in(S.ACTIVE, company, actor=approver)
    assert not lifecycle.can(contract, "route")
    version = contract.lock_version
    with pytest.raises(ValidationError) as exc:
        _route(contract, approver, [approver])
    assert exc.value.code == "illegal_transition"
    assert "no new amendment" in exc.value.messages[0]
    contract.refresh_from_db()
    assert (contract.status, contract.lock_version) == (S.ACTIVE, version)


@pytest.mark.parametrize("status", [S.AMENDMENT_APPROVAL, S.AMENDMENT_SIGNATURE])
def test_one_amendment_at_a_time(company, approver, status):
    contract, amendment = _in_amendment_approval(company, approver)
    if status == S.AMENDMENT_SIGNATURE:
        services.step_approve(contract=contract, actor=approver, expected_version=None)
    contract.refresh_from_db()
    assert contract.status == status
    with pytest.raises(ValidationError) as exc:
        _amend(contract, approver, summary="Another change")
    assert exc.value.code == "amendment_under_way"
    contract.refresh_from_db()
    assert contract.current_version == amendment and contract.versions.count() == 2


def test_termination_or_expiry_during_an_amendment_closes_its_route(company, approver):
    terminated, _amendment = _in_amendment_approval(company, approver)
    services.contract_terminate(
        contract=terminated, actor=approver, reason="Site closed", expected_version=None
    )
    terminated.refresh_from_db()
    assert terminated.status == S.TERMINATED
    assert terminated.current_version.number == 1 and terminated.current_step is None
    assert not terminated.steps.filter(decision=ApprovalStep.Decision.PENDING).exists()

    not_routed = contract_in(S.ACTIVE, company, actor=approver)
    _amend(not_routed, approver)
    services.contract_terminate(
        contract=not_routed, actor=approver, reason="Site closed", expected_version=None
    )
    not_routed.refresh_from_db()
    assert not_routed.status == S.TERMINATED and not_routed.current_version.number == 1

    expired, _amendment = _in_amendment_approval(company, approver)
    services.contracts_roll_daily(today=expired.end_date + datetime.timedelta(days=1))
    expired.refresh_from_db()
    assert expired.status == S.EXPIRED
    assert expired.current_version.number == 1
    assert not expired.steps.filter(decision=ApprovalStep.Decision.PENDING).exists()


def test_items_stay_covered_while_their_contract_is_amended(company, approver):
    contract, _amendment = _in_amendment_approval(company, approver)
    item = ItemFactory(
        site=SiteFactory(company=company), maintenance_contract=contract, warranty_end=None
    )
    assert item.coverage_status == Coverage.CONTRACT
    covered = InstalledItem.objects.for_company(company).coverage(Coverage.CONTRACT)
    assert list(covered) == [item]


def test_contract_page_offers_the_amendment_route_and_the_decision(
    company, approver, approver_client
):
    contract = contract_in(S.ACTIVE, company, actor=approver)
    author = member(company, role=Role.APPROVER)
    _amend(contract, author)
    url = reverse("contracts:detail", args=[contract.number])
    page = approver_client.get(url).content.decode()
    assert "Send the amendment for approval" in page
    assert "the contract stays in force as it was signed" in page

    _route(contract, author, [approver])
    page = approver_client.get(url).content.decode()
    assert "Amendment in approval" in page
    assert reverse("contracts:approve", args=[contract.number]) in page
    assert "Add an amendment" not in page

    approver.preferred_language = "fr"
    approver.save()
    page = approver_client.get(url).content.decode()
    assert "Avenant en cours d’approbation" in page
