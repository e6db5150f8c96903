import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts import services
from contracts.lifecycle import TRANSITIONS
from contracts.models import ApprovalStep, Contract, ContractStatus, ContractVersion
from portal.models import Role
from tests.contracts.factories import contract_in, pdf_upload, signer
from tests.factories.portal import member

pytestmark = pytest.mark.django_db
S = ContractStatus


def _history(contract):
    return list(contract.events.order_by("seq").values_list("action", flat=True))


def test_the_whole_life_cycle_writes_one_history_entry_per_step(company, approver):
    second = member(company, role=Role.APPROVER)
    contract = contract_in(S.ACTIVE, company, actor=approver, approvers=[approver, second])
    assert contract.status == S.ACTIVE
    assert _history(contract) == [
        "created",
        "version_added",
        "submit",
        "route",
        "step_approved",
        "step_approved",
        "approve",
        "sign",
        "activate",
    ]
    sign = contract.events.get(action="sign")
    assert (sign.from_status, sign.to_status) == (S.AWAITING_SIGNATURE, S.SIGNED)


@pytest.mark.parametrize(
    "status,action",
    [
        (S.DRAFT, "route"),
        (S.DRAFT, "sign"),
        (S.DRAFT, "activate"),
        (S.SUBMITTED, "submit"),
        (S.SUBMITTED, "terminate"),
        (S.AWAITING_SIGNATURE, "activate"),
        (S.ACTIVE, "submit"),
        (S.ACTIVE, "sign"),
        (S.TERMINATED, "activate"),
        (S.TERMINATED, "renew"),
        (S.EXPIRED, "terminate"),
        (S.RENEWED, "submit"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(company, approver, status, action):
    contract = contract_in(status, company, actor=approver)
    history = _history(contract)
    who = signer(company)
    calls = {
        "submit": lambda: services.contract_submit(
            contract=contract, actor=approver, expected_version=None
        ),
        "route": lambda: services.contract_route(
            contract=contract, actor=approver, approvers=[approver], expected_version=None
        ),
        "sign": lambda: services.contract_sign(
            contract=contract,
            actor=who,
            typed_name="Sam Signer",
            consent=True,
            ip_address="192.0.2.1",
            expected_version=None,
        ),
        "activate": lambda: services.contract_activate(
            contract=contract, actor=approver, expected_version=None
        ),
        "terminate": lambda: services.contract_terminate(
            contract=contract, actor=approver, reason="x", expected_version=None
        ),
        "renew": lambda: services.contract_renew(
            contract=contract,
            actor=approver,
            new_end_date=contract.end_date + datetime.timedelta(days=400),
            expected_version=None,
        ),
    }
    with pytest.raises(ValidationError) as exc:
        calls[action]()
    assert exc.value.code == "illegal_transition"
    assert contract.number in exc.value.messages[0]
    assert str(TRANSITIONS[action].label) in exc.value.messages[0]
    contract.refresh_from_db()
    assert contract.status == status
    assert _history(contract) == history


def test_route_with_several_approvers_asks_each_in_turn(
    company, approver, mailoutbox, django_capture_on_commit_callbacks
):
    second = member(company, role=Role.APPROVER, email="second@acme.test")
    third = member(company, role=Role.APPROVER, email="third@acme.test")
    contract = contract_in(S.SUBMITTED, company, actor=approver)
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_route(
            contract=contract,
            actor=approver,
            approvers=[second, third, approver],
            expected_version=contract.lock_version,
        )
    assert [m.to for m in mailoutbox] == [["second@acme.test"]]
    assert f"approve contract {contract.number}" in mailoutbox[0].subject
    assert f"/contracts/{contract.number}/" in mailoutbox[0].body

    contract.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.step_approve(contract=contract, actor=third, expected_version=None)
    assert exc.value.code == "not_your_turn"

    with django_capture_on_commit_callbacks(execute=True):
        services.step_approve(contract=contract, actor=second, comment="ok", expected_version=None)
    assert mailoutbox[-1].to == ["third@acme.test"]
    contract.refresh_from_db()
    assert contract.status == S.IN_APPROVAL
    assert contract.current_step.approver == third

    sig = signer(company, email="signer@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.step_approve(contract=contract, actor=third, expected_version=None)
        contract.refresh_from_db()
        services.step_approve(contract=contract, actor=approver, expected_version=None)
    contract.refresh_from_db()
    assert contract.status == S.AWAITING_SIGNATURE
    assert contract.current_step is None
    assert mailoutbox[-1].to == [sig.email]
    assert "sign contract" in mailoutbox[-1].subject
    decisions = list(contract.steps.order_by("order").values_list("decision", "comment"))
    assert decisions == [("approved", "ok"), ("approved", ""), ("approved", "")]


def test_approving_twice_is_refused(company, approver):
    second = member(company, role=Role.APPROVER)
    contract = contract_in(S.IN_APPROVAL, company, actor=approver, approvers=[approver, second])
    services.step_approve(contract=contract, actor=approver, expected_version=None)
    contract.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.step_approve(contract=contract, actor=approver, expected_version=None)
    assert exc.value.code == "not_your_turn"
    assert contract.steps.filter(decision="approved").count() == 1


def test_rejection_sends_it_back_to_draft_with_the_reason(
    company, approver, mailoutbox, django_capture_on_commit_callbacks
):
    second = member(company, role=Role.APPROVER)
    third = member(company, role=Role.APPROVER)
    contract = contract_in(S.IN_APPROVAL, company, actor=approver, approvers=[second, third])
    with pytest.raises(ValidationError) as exc:
        services.step_reject(contract=contract, actor=second, comment="  ", expected_version=None)
    assert exc.value.code == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        services.step_reject(
            contract=contract, actor=second, comment="Price too high", expected_version=None
        )
    contract.refresh_from_db()
    assert contract.status == S.DRAFT
    reject = contract.events.get(action="reject")
    assert reject.note == "Price too high"
    assert list(contract.steps.order_by("order").values_list("decision", flat=True)) == [
        ApprovalStep.Decision.REJECTED,
        ApprovalStep.Decision.CANCELLED,
    ]
    assert mailoutbox[-1].to == [approver.email]
    assert "Price too high" in mailoutbox[-1].body
    # a corrected version, then a second round
    services.contract_add_version(
        contract=contract,
        actor=approver,
        upload=pdf_upload("v2.pdf", b"%PDF-1.4\n% v2\n%%EOF\n"),
        summary="Lower price",
        expected_version=contract.lock_version,
    )
    contract.refresh_from_db()
    services.contract_submit(contract=contract, actor=approver, expected_version=None)
    services.contract_route(
        contract=contract, actor=approver, approvers=[third], expected_version=None
    )
    contract.refresh_from_db()
    assert contract.current_step.round == 2


def test_route_refuses_a_user_without_the_approver_role(company, approver, viewer):
    contract = contract_in(S.SUBMITTED, company, actor=approver)
    with pytest.raises(ValidationError) as exc:
        services.contract_route(
            contract=contract, actor=approver, approvers=[viewer], expected_version=None
        )
    assert exc.value.code == "not_approver"
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    with pytest.raises(ValidationError):
        services.contract_route(
            contract=contract, actor=approver, approvers=[], expected_version=None
        )
    with pytest.raises(ValidationError):
        services.contract_route(
            contract=contract, actor=approver, approvers=[approver, approver], expected_version=None
        )


def test_stale_version_is_refused(company, approver):
    contract = contract_in(S.DRAFT, company, actor=approver)
    seen = contract.lock_version
    services.contract_add_version(
        contract=contract,
        actor=approver,
        upload=pdf_upload("v2.pdf", b"%PDF-1.4\n% two\n%%EOF\n"),
        summary="Someone else's change",
        expected_version=seen,
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(contract=contract, actor=approver, expected_version=seen)
    assert exc.value.code == "stale"
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_signing_needs_authority_consent_and_a_name(company, approver):
    contract = contract_in(S.AWAITING_SIGNATURE, company, actor=approver)

    def sign(user, **kwargs):
        arguments = {"typed_name": "Sam Signer", "consent": True, "ip_address": "192.0.2.1"}
        arguments.update(kwargs)
        return services.contract_sign(
            contract=contract, actor=user, expected_version=None, **arguments
        )

    with pytest.raises(ValidationError) as exc:
        sign(approver)  # approver role, but no signing authority
    assert exc.value.code == "no_authority"
    viewer_with_authority = member(company, role=Role.VIEWER)
    from contracts.models import SigningAuthority

    SigningAuthority.objects.create(company=company, user=viewer_with_authority)
    with pytest.raises(ValidationError) as exc:
        sign(viewer_with_authority)  # authority, but only the viewer role
    assert exc.value.code == "no_authority"
    who = signer(company)
    with pytest.raises(ValidationError) as exc:
        sign(who, consent=False)
    assert exc.value.code == "consent"
    with pytest.raises(ValidationError) as exc:
        sign(who, typed_name=" ")
    assert exc.value.code == "typed_name"
    contract.refresh_from_db()
    assert contract.status == S.AWAITING_SIGNATURE
    assert not contract.signatures.exists()

    signature = sign(who, typed_name="  Sam   Signer ")
    contract.refresh_from_db()
    assert contract.status == S.SIGNED
    assert signature.typed_name == "Sam Signer"
    assert signature.ip_address == "192.0.2.1"
    assert signature.version_sha256 == contract.current_version.sha256
    assert contract.current_version.signed_document.content_type == "application/pdf"


def test_another_companys_signer_cannot_sign(company, other_company):
    contract = contract_in(S.AWAITING_SIGNATURE, company)
    foreign = signer(other_company)
    with pytest.raises(ValidationError) as exc:
        services.contract_sign(
            contract=contract,
            actor=foreign,
            typed_name="Foreign",
            consent=True,
            ip_address=None,
            expected_version=None,
        )
    assert exc.value.code == "no_authority"


def test_a_signed_version_is_never_edited_a_change_is_an_amendment(company, approver):
    contract = contract_in(S.SIGNED, company, actor=approver)
    signed = contract.current_version
    version = services.contract_add_version(
        contract=contract,
        actor=approver,
        upload=pdf_upload("amendment.pdf", b"%PDF-1.4\n% amendment 1\n%%EOF\n"),
        summary="Adds the Lyon site",
        expected_version=contract.lock_version,
    )
    assert version.is_amendment and version.number == 2
    signed.refresh_from_db()
    assert signed.signatures.count() == 1
    assert signed.signed_document_id is not None
    contract.refresh_from_db()
    assert contract.current_version == version
    assert "amendment_added" in _history(contract)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_APPROVAL, S.AWAITING_SIGNATURE, S.TERMINATED])
def test_no_new_version_while_in_approval_or_closed(company, approver, status):
    contract = contract_in(status, company, actor=approver)
    with pytest.raises(ValidationError) as exc:
        services.contract_add_version(
            contract=contract,
            actor=approver,
            upload=pdf_upload(),
            summary="change",
            expected_version=None,
        )
    assert exc.value.code == "illegal_transition"
    assert contract.versions.count() == 1


def test_upload_of_a_wrong_type_or_too_large_is_refused(company, approver, settings):
    contract = contract_in(S.DRAFT, company, actor=approver)
    script = SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as exc:
        services.contract_add_version(
            contract=contract, actor=approver, upload=script, summary="x", expected_version=None
        )
    assert exc.value.code == "bad_type"
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(ValidationError):
        services.contract_add_version(
            contract=contract, actor=approver, upload=png, summary="x", expected_version=None
        )
    settings.PORTAL_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        services.contract_add_version(
            contract=contract,
            actor=approver,
            upload=pdf_upload(),
            summary="x",
            expected_version=None,
        )
    assert exc.value.code == "too_large"
    assert ContractVersion.objects.filter(contract=contract).count() == 1


def test_submit_needs_a_document_and_the_agent_may_submit_on_behalf(company):
    contract = Contract.objects.create(
        company=company,
        number="AG-1",
        title="Prepared by the agent",
        type="services",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=365),
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(contract=contract, actor=None, expected_version=None)
    assert exc.value.code == "no_document"
    ready = contract_in(S.DRAFT, company)
    services.contract_submit(contract=ready, actor=None, expected_version=None, on_behalf=True)
    event = ready.events.get(action="submit")
    assert "on behalf" in event.note


def test_activation_waits_for_the_start_date(company, approver):
    future = timezone.localdate() + datetime.timedelta(days=10)
    contract = contract_in(
        S.SIGNED,
        company,
        actor=approver,
        start_date=future,
        end_date=future + datetime.timedelta(days=365),
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_activate(contract=contract, actor=approver, expected_version=None)
    assert exc.value.code == "not_started"
    counts = services.contracts_roll_daily(today=future)
    contract.refresh_from_db()
    assert counts["activated"] == 1
    assert contract.status == S.ACTIVE


def test_daily_task_expires_contracts_past_their_end_date(company):
    contract = contract_in(S.ACTIVE, company)
    assert services.contracts_roll_daily(today=contract.end_date)["expired"] == 0
    assert (
        services.contracts_roll_daily(today=contract.end_date + datetime.timedelta(days=1))[
            "expired"
        ]
        == 1
    )
    contract.refresh_from_db()
    assert contract.status == S.EXPIRED
    assert contract.events.last().action == "expire"


def test_terminate_needs_a_reason_and_renew_a_later_end(company, approver):
    contract = contract_in(S.ACTIVE, company, actor=approver)
    with pytest.raises(ValidationError):
        services.contract_terminate(
            contract=contract, actor=approver, reason="", expected_version=None
        )
    with pytest.raises(ValidationError) as exc:
        services.contract_renew(
            contract=contract, actor=approver, new_end_date=contract.end_date, expected_version=None
        )
    assert exc.value.code == "dates"
    successor = services.contract_renew(
        contract=contract,
        actor=approver,
        new_end_date=contract.end_date + datetime.timedelta(days=365),
        expected_version=None,
    )
    contract.refresh_from_db()
    assert contract.status == S.RENEWED
    assert successor.status == S.DRAFT
    assert successor.renewed_from == contract
    assert successor.start_date == contract.end_date + datetime.timedelta(days=1)
    assert successor.current_version.sha256 == contract.current_version.sha256


def test_queryset_helpers(company, other_company):
    today = timezone.localdate()
    soon = contract_in(S.ACTIVE, company, end_date=today + datetime.timedelta(days=20))
    contract_in(S.ACTIVE, company, end_date=today + datetime.timedelta(days=200))
    contract_in(S.DRAFT, company, end_date=today + datetime.timedelta(days=10))
    contract_in(S.ACTIVE, other_company, end_date=today + datetime.timedelta(days=5))
    scoped = Contract.objects.for_company(company)
    assert list(scoped.expiring_within(30)) == [soon]
    assert scoped.active().count() == 2
