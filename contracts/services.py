"""State changes of Contracts OnLine. Every service locks the contract row, checks
the optimistic-lock counter the form carried (`expected_version`), asks the state
machine (`contracts.lifecycle`) and writes a history entry.
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from contracts import lifecycle
from contracts.history import record_event
from contracts.models import (
    IN_FORCE,
    SETTLED,
    ApprovalPolicy,
    ApprovalStep,
    CalendarFeed,
    Contract,
    ContractStatus,
    ContractVersion,
    Signature,
    SigningAuthority,
)
from contracts.selectors import (
    approval_policy,
    can_sign,
    feed_token_hash,
    signatories,
    submitter_of,
)
from portal import files
from portal.access import has_app_role
from portal.applications import App
from portal.models import Company, Event, Role, User
from portal.notify import absolute_url, notify

CONTRACT_DOCUMENTS = frozenset(
    {files.PDF, files.DOCX, files.ODT, files.XLSX, files.ODS, files.PPTX}
)


def _locked(contract: Contract, expected_version: int | None) -> Contract:
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    lifecycle.check_fresh(locked, expected_version)
    return locked


def _date_text(day: date | None, language: str | None) -> str:
    """A date as the recipient reads it ("30 septembre 2026", "September 30, 2026")."""
    if day is None:
        return ""
    with translation.override(language or settings.LANGUAGE_CODE):
        return formats.date_format(day, "DATE_FORMAT")


def _contract_context(contract: Contract, language: str | None = None) -> dict[str, object]:
    """Plain strings for the outbox; dates formatted in the recipient's `language`."""
    return {
        "number": contract.number,
        "title": contract.title,
        "company": contract.company.name,
        "end_date": _date_text(contract.end_date, language),
        "renewal_date": _date_text(contract.renewal_date, language),
        "link": absolute_url("contracts:detail", number=contract.number),
    }


def _contract_path(contract: Contract) -> str:
    """The contract's page, for the notification centre (behind the gate)."""
    return reverse("contracts:detail", kwargs={"number": contract.number})


def _notify_action(contract: Contract, user: User, *, action: str) -> None:
    notify(
        event=Event.CONTRACT_ACTION,
        template="contracts_action",
        recipient=user,
        context={**_contract_context(contract, user.preferred_language), "action": action},
        company=contract.company,
        link=_contract_path(contract),
    )


def _next_number(company: Company, year: int) -> str:
    prefix = f"CT-{year}-"
    last = (
        Contract.objects.for_company(company)
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    try:
        n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    except ValueError:
        n = Contract.objects.for_company(company).filter(number__startswith=prefix).count() + 1
    return f"{prefix}{n:05d}"


def _add_version(
    contract: Contract,
    *,
    actor: User | None,
    upload: UploadedFile,
    summary: str,
    stored: list,
    amendment: bool,
) -> ContractVersion:
    document = files.store_upload(
        upload, company=contract.company, user=actor, allowed=CONTRACT_DOCUMENTS
    )
    stored.append(document)
    number = (contract.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ContractVersion.objects.create(
        company=contract.company,
        contract=contract,
        number=number,
        document=document,
        sha256=document.sha256,
        summary=summary,
        is_amendment=amendment,
        created_by=actor,
    )
    contract.current_version = version
    lifecycle.touch(contract)
    record_event(
        contract,
        action="amendment_added" if amendment else "version_added",
        actor=actor,
        note=summary,
        data={"version": number, "sha256": document.sha256, "file": document.original_name},
    )
    return version


# --- creation and versions -----------------------------------------------------------


def contract_create(
    *,
    company: Company,
    actor: User | None,
    title: str,
    type: str,
    start_date: date,
    end_date: date,
    value: Decimal,
    currency: str,
    document: UploadedFile,
    summary: str = "",
    renewal_terms: str = "",
    renewal_date: date | None = None,
    supplier_owner: str = "",
    sla_response_hours: int | None = None,
    sla_coverage_hours: str = "",
    number: str = "",
) -> Contract:
    """A new draft contract with its first version (the uploaded document)."""
    if end_date < start_date:
        raise ValidationError(_("The end date must be on or after the start date."), code="dates")
    with files.atomic_with_files() as stored:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    contract = Contract.objects.create(
                        company=company,
                        number=number or _next_number(company, start_date.year),
                        title=title,
                        type=type,
                        start_date=start_date,
                        end_date=end_date,
                        value=value,
                        currency=currency,
                        renewal_terms=renewal_terms,
                        renewal_date=renewal_date,
                        supplier_owner=supplier_owner,
                        sla_response_hours=sla_response_hours,
                        sla_coverage_hours=sla_coverage_hours,
                    )
                break
            except IntegrityError:
                if number:
                    raise ValidationError(
                        _("A contract with this number already exists."), code="duplicate"
                    ) from None
        else:  # pragma: no cover - five concurrent creations in a row
            raise ValidationError(_("Please try again."), code="busy")
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        record_event(contract, action="created", actor=actor, to_status=contract.status)
        _add_version(
            contract, actor=actor, upload=document, summary=summary, stored=stored, amendment=False
        )
    return contract


def contract_add_version(
    *,
    contract: Contract,
    actor: User | None,
    upload: UploadedFile,
    summary: str,
    expected_version: int | None,
) -> ContractVersion:
    """A new version of a draft, or an amendment of a signed/active contract (which
    stays in force as signed until the amendment is approved and signed).
    A version is never edited; signed versions stay as they were signed."""
    with files.atomic_with_files() as stored:
        contract = _locked(contract, expected_version)
        if contract.status == ContractStatus.DRAFT:
            amendment = False
        elif contract.status in SETTLED:
            amendment = True
        elif contract.status in IN_FORCE:
            raise ValidationError(
                _(
                    "An amendment of contract %(number)s is already “%(status)s”: wait for "
                    "its signature or its rejection before adding another one."
                )
                % {"number": contract.number, "status": contract.get_status_display()},
                code="amendment_under_way",
            )
        else:
            raise ValidationError(
                _(
                    "A new version can be added to a draft, or as an amendment to a signed or "
                    "active contract; contract %(number)s is “%(status)s”."
                )
                % {"number": contract.number, "status": contract.get_status_display()},
                code="illegal_transition",
            )
        if not summary.strip():
            raise ValidationError(_("Describe the changes of this version."), code="summary")
        return _add_version(
            contract,
            actor=actor,
            upload=upload,
            summary=summary.strip(),
            stored=stored,
            amendment=amendment,
        )


# Terms a supplier's agent may change on a draft (the admin); once submitted, terms change
# only through a new version approved and signed in turn.
TERMS = (
    "title",
    "type",
    "supplier_owner",
    "start_date",
    "end_date",
    "value",
    "currency",
    "renewal_terms",
    "renewal_date",
    "sla_response_hours",
    "sla_coverage_hours",
)


@transaction.atomic
def contract_terms_change(
    *,
    contract: Contract,
    actor: User | None,
    changes: dict[str, object],
    expected_version: int | None,
) -> Contract:
    """Change a draft's terms: one history entry naming the fields; status and versions
    stay the other services' business."""
    unknown = set(changes) - set(TERMS)
    if unknown:
        raise ValueError(f"not contract terms: {sorted(unknown)}")
    contract = _locked(contract, expected_version)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError(
            _("Only a draft's terms can be changed; contract %(number)s is “%(status)s”.")
            % {"number": contract.number, "status": contract.get_status_display()},
            code="illegal_transition",
        )
    fields = [name for name, value in changes.items() if getattr(contract, name) != value]
    if not fields:
        return contract
    for name in fields:
        setattr(contract, name, changes[name])
    if contract.end_date < contract.start_date:
        raise ValidationError(_("The end date must be on or after the start date."), code="dates")
    contract.lock_version += 1
    contract.save(update_fields=[*fields, "lock_version", "updated_at"])
    record_event(contract, action="terms_changed", actor=actor, data={"fields": fields})
    return contract


# --- life cycle --------------------------------------------------------------------


@transaction.atomic
def contract_submit(
    *,
    contract: Contract,
    actor: User | None,
    expected_version: int | None,
    on_behalf: bool = False,
) -> Contract:
    """The customer (or the supplier's agent on its behalf) submits the draft."""
    contract = _locked(contract, expected_version)
    lifecycle.check(contract, "submit")
    if contract.current_version_id is None:
        raise ValidationError(
            _("Add the contract document before submitting it."), code="no_document"
        )
    note = str(_("Submitted by the supplier on behalf of the customer.")) if on_behalf else ""
    return lifecycle.transition(
        contract, "submit", actor=actor, note=note, data={"on_behalf": on_behalf}
    )


def _money_text(value: Decimal, currency: str) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} {currency}"


@transaction.atomic
def approval_policy_set(
    *, company: Company, actor: User, threshold: Decimal | None, min_approvers: int
) -> ApprovalPolicy | None:
    """The company administrator's rule (the view checks she is one); no threshold: removed."""
    if threshold is None:
        ApprovalPolicy.objects.filter(company=company).delete()
        return None
    if threshold < 0:
        raise ValidationError(_("The contract value cannot be negative."), code="threshold")
    if not 1 <= min_approvers <= 10:
        raise ValidationError(
            _("The number of approvers must be between 1 and 10."), code="min_approvers"
        )
    policy, _created = ApprovalPolicy.objects.update_or_create(
        company=company,
        defaults={"threshold": threshold, "min_approvers": min_approvers, "updated_by": actor},
    )
    return policy


def check_route_duties(contract: Contract, approvers: Sequence[User]) -> None:
    """Segregation of duties on a route: not the submitter, enough approvers for the value."""
    submitter = submitter_of(contract)
    if submitter is not None and any(u.pk == submitter.pk for u in approvers):
        raise ValidationError(
            _(
                "%(user)s submitted this contract and cannot approve it: choose other "
                "approvers (segregation of duties)."
            )
            % {"user": submitter},
            code="submitter_approves",
        )
    policy = approval_policy(contract.company)
    if policy is not None and policy.applies_to(contract.value):
        if len(approvers) < policy.min_approvers:
            raise ValidationError(
                _(
                    "Contracts worth %(threshold)s or more need at least %(count)s approvers; "
                    "this route has %(given)s."
                )
                % {
                    "threshold": _money_text(policy.threshold, contract.currency),
                    "count": policy.min_approvers,
                    "given": len(approvers),
                },
                code="too_few_approvers",
            )


@transaction.atomic
def contract_route(
    *,
    contract: Contract,
    actor: User,
    approvers: Sequence[User],
    expected_version: int | None,
) -> Contract:
    """Set the ordered approvers; the first one is asked to act right away."""
    contract = _locked(contract, expected_version)
    lifecycle.check(contract, "route")
    approvers = list(approvers)
    if not approvers:
        raise ValidationError(_("Choose at least one approver."), code="no_approver")
    if len({u.pk for u in approvers}) != len(approvers):
        raise ValidationError(_("An approver appears twice in the route."), code="duplicate")
    for user in approvers:
        if not has_app_role(user, contract.company, App.CONTRACTS, Role.APPROVER):
            raise ValidationError(
                _("%(user)s may not approve contracts for this company.") % {"user": user},
                code="not_approver",
            )
    check_route_duties(contract, approvers)
    round_ = (contract.steps.aggregate(r=Max("round"))["r"] or 0) + 1
    steps = [
        ApprovalStep.objects.create(
            company=contract.company, contract=contract, round=round_, order=i, approver=user
        )
        for i, user in enumerate(approvers, start=1)
    ]
    contract.current_step = steps[0]
    lifecycle.transition(
        contract,
        "route",
        actor=actor,
        data={"round": round_, "approvers": [u.email for u in approvers]},
    )
    _notify_action(contract, approvers[0], action="approve")
    return contract


def _close_route(contract: Contract, round_: int | None = None) -> None:
    """Cancel the steps still pending (of `round_`, or of any round) and clear the turn."""
    pending = contract.steps.filter(decision=ApprovalStep.Decision.PENDING)
    if round_ is not None:
        pending = pending.filter(round=round_)
    pending.update(decision=ApprovalStep.Decision.CANCELLED)
    contract.current_step = None


def _drop_amendment(contract: Contract) -> None:
    """An amendment that will not be signed: close its route; the current version is
    again the one in force (the last signed one, or the original of a contract signed
    on paper). The amendment stays in the list of versions and in the history."""
    _close_route(contract)
    in_force = (
        contract.versions.exclude(is_amendment=True, signed_document__isnull=True)
        .order_by("-number")
        .first()
    )
    if in_force is not None:
        contract.current_version = in_force


def _current_step_for(contract: Contract, actor: User) -> ApprovalStep:
    lifecycle.check(contract, "approve")
    step = (
        ApprovalStep.objects.select_for_update().filter(pk=contract.current_step_id).first()
        if contract.current_step_id
        else None
    )
    if step is None or step.decision != ApprovalStep.Decision.PENDING:
        raise ValidationError(_("This approval step was already decided."), code="decided")
    if step.approver_id != actor.pk:
        raise ValidationError(
            _("This contract is waiting for %(user)s, not for you.") % {"user": step.approver},
            code="not_your_turn",
        )
    return step


@transaction.atomic
def step_approve(
    *, contract: Contract, actor: User, comment: str = "", expected_version: int | None
) -> Contract:
    """Approve the current step; the next approver is asked, or after the last one
    the contract awaits its signature."""
    contract = _locked(contract, expected_version)
    step = _current_step_for(contract, actor)
    step.decision = ApprovalStep.Decision.APPROVED
    step.comment = comment.strip()
    step.decided_at = timezone.now()
    step.save()
    record_event(
        contract,
        action="step_approved",
        actor=actor,
        note=step.comment,
        data={"round": step.round, "order": step.order},
    )
    following = (
        contract.steps.filter(
            round=step.round, order__gt=step.order, decision=ApprovalStep.Decision.PENDING
        )
        .order_by("order")
        .first()
    )
    if following is not None:
        contract.current_step = following
        lifecycle.touch(contract)
        _notify_action(contract, following.approver, action="approve")
        return contract
    contract.current_step = None
    lifecycle.transition(contract, "approve", actor=actor)
    for user in signatories(contract.company):
        _notify_action(contract, user, action="sign")
    return contract


@transaction.atomic
def step_reject(
    *, contract: Contract, actor: User, comment: str, expected_version: int | None
) -> Contract:
    """Reject with a reason: the route is closed and the contract goes back to draft;
    a rejected amendment leaves the contract in force as it was signed."""
    contract = _locked(contract, expected_version)
    step = _current_step_for(contract, actor)
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Give the reason for the rejection."), code="reason")
    amendment = contract.status == ContractStatus.AMENDMENT_APPROVAL
    step.decision = ApprovalStep.Decision.REJECTED
    step.comment = comment
    step.decided_at = timezone.now()
    step.save()
    if amendment:
        _drop_amendment(contract)
    else:
        _close_route(contract, step.round)
    lifecycle.transition(
        contract,
        "reject",
        actor=actor,
        note=comment,
        data={"round": step.round, "order": step.order},
    )
    # Who asked for this decision: the submitter of a contract, the person who sent an
    # amendment for approval.
    submitter = (
        contract.events.filter(action="route" if amendment else "submit", actor__isnull=False)
        .order_by("-seq")
        .select_related("actor")
        .first()
    )
    if submitter is not None and submitter.actor and submitter.actor.is_active:
        notify(
            event=Event.CONTRACT_ACTION,
            template="contracts_rejected",
            recipient=submitter.actor,
            context={
                **_contract_context(contract, submitter.actor.preferred_language),
                "reason": comment,
                "by": str(actor),
                "amendment": amendment,
            },
            company=contract.company,
            link=_contract_path(contract),
        )
    return contract


def _signature_record_pdf(
    contract: Contract, version: ContractVersion, signature: Signature, *, attached: bool
) -> bytes:
    from portal.documents import render_pdf_bytes

    # The approvals of the route that led to this signature (its last round).
    last_round = contract.steps.aggregate(r=Max("round"))["r"]
    steps = list(
        contract.steps.filter(round=last_round, decision=ApprovalStep.Decision.APPROVED)
        .select_related("approver")
        .order_by("order")
    )
    utc = UTC
    return render_pdf_bytes(
        "pdf/contracts_signed.html",
        {
            "contract": contract,
            "version": version,
            "signature": signature,
            # the record states the status the signature gives and every time in UTC ("Z")
            "final_status": ContractStatus.SIGNED.label,
            "signed_at_utc": signature.signed_at.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "steps": [
                (
                    step,
                    step.decided_at.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                    if step.decided_at
                    else "",
                )
                for step in steps
            ],
            "attached": attached,
        },
        language=signature.signer.preferred_language or settings.LANGUAGE_CODE,
    )


def _check_signer_duties(contract: Contract, actor: User) -> None:
    """Above the company's threshold the signer may not be the route's only approver."""
    policy = approval_policy(contract.company)
    if policy is None or not policy.applies_to(contract.value):
        return
    last_round = contract.steps.aggregate(r=Max("round"))["r"]
    approved = set(
        contract.steps.filter(
            round=last_round, decision=ApprovalStep.Decision.APPROVED
        ).values_list("approver_id", flat=True)
    )
    if approved == {actor.pk}:
        raise ValidationError(
            _(
                "You were the only approver of this contract: from %(threshold)s another "
                "person must sign it (segregation of duties)."
            )
            % {"threshold": _money_text(policy.threshold, contract.currency)},
            code="sole_approver_signs",
        )


@transaction.atomic
def contract_sign(
    *,
    contract: Contract,
    actor: User,
    typed_name: str,
    consent: bool,
    ip_address: str | None,
    expected_version: int | None,
) -> Signature:
    """Sign the current version: needs the approver role + a signing authority, the
    typed name and the consent. Produces the signed PDF sealed with PAdES."""
    from contracts.signing import seal_pdf, with_signature_record

    with files.atomic_with_files() as stored:
        contract = _locked(contract, expected_version)
        lifecycle.check(contract, "sign")
        if not can_sign(actor, contract.company):
            raise ValidationError(
                _("You do not have the authority to sign contracts for this company."),
                code="no_authority",
            )
        _check_signer_duties(contract, actor)
        if not consent:
            raise ValidationError(
                _("Tick the box to confirm that you agree to sign electronically."),
                code="consent",
            )
        typed_name = " ".join(typed_name.split())
        if len(typed_name) < 2:
            raise ValidationError(_("Type your full name to sign."), code="typed_name")
        version = ContractVersion.objects.select_related("document").get(
            pk=contract.current_version_id or 0
        )
        with default_storage.open(version.document.storage_name, "rb") as fh:
            document = fh.read()  # at most UPLOAD_MAX_BYTES
        if hashlib.sha256(document).hexdigest() != version.sha256:
            raise ValidationError(
                _(
                    "The document of this version does not match its fingerprint; it cannot be signed."
                ),
                code="tampered",
            )
        signature = Signature.objects.create(
            company=contract.company,
            contract=contract,
            version=version,
            signer=actor,
            typed_name=typed_name,
            consent=True,
            ip_address=ip_address or None,
            version_sha256=version.sha256,
        )
        is_pdf = version.document.content_type == files.PDF
        record = _signature_record_pdf(contract, version, signature, attached=is_pdf)
        sealed = seal_pdf(
            with_signature_record(document if is_pdf else None, record),
            reason=f"{contract.number} v{version.number} signed by {typed_name}",
            location=contract.company.name,
            name=typed_name,
        )
        signed_file = files.store_bytes(
            sealed,
            name=f"{contract.number}-v{version.number}-signed.pdf",
            content_type=files.PDF,
            company=contract.company,
            user=actor,
        )
        stored.append(signed_file)
        version.signed_document = signed_file
        version.save(update_fields=["signed_document"])
        lifecycle.transition(
            contract,
            "sign",
            actor=actor,
            data={
                "version": version.number,
                "sha256": version.sha256,
                "typed_name": typed_name,
                "ip": ip_address or "",
                "signed_pdf_sha256": signed_file.sha256,
            },
        )
    return signature


@transaction.atomic
def contract_activate(
    *,
    contract: Contract,
    actor: User | None,
    expected_version: int | None,
    today: date | None = None,
) -> Contract:
    contract = _locked(contract, expected_version)
    lifecycle.check(contract, "activate")
    today = today or timezone.localdate()
    if contract.start_date > today:
        raise ValidationError(
            _("Contract %(number)s starts on %(date)s; it can be activated from that day.")
            % {"number": contract.number, "date": contract.start_date.isoformat()},
            code="not_started",
        )
    return lifecycle.transition(contract, "activate", actor=actor)


@transaction.atomic
def contract_terminate(
    *, contract: Contract, actor: User, reason: str, expected_version: int | None
) -> Contract:
    contract = _locked(contract, expected_version)
    lifecycle.check(contract, "terminate")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the termination."), code="reason")
    if contract.amendment_under_way:
        _drop_amendment(contract)
    return lifecycle.transition(contract, "terminate", actor=actor, note=reason.strip())


@transaction.atomic
def contract_renew(
    *, contract: Contract, actor: User, new_end_date: date, expected_version: int | None
) -> Contract:
    """The contract is marked renewed and a new draft follows it from the day after its
    end, with the same terms and document, to go through approval and signature."""
    contract = _locked(contract, expected_version)
    lifecycle.check(contract, "renew")
    start = contract.end_date + timedelta(days=1)
    if new_end_date < start:
        raise ValidationError(
            _("The renewal must end after %(date)s.") % {"date": start.isoformat()},
            code="dates",
        )
    count = contract.renewals.count() + 1
    successor = Contract.objects.create(
        company=contract.company,
        number=f"{contract.number}-R{count}"[:30],
        title=contract.title,
        type=contract.type,
        supplier_owner=contract.supplier_owner,
        start_date=start,
        end_date=new_end_date,
        value=contract.value,
        currency=contract.currency,
        renewal_terms=contract.renewal_terms,
        sla_response_hours=contract.sla_response_hours,
        sla_coverage_hours=contract.sla_coverage_hours,
        renewed_from=contract,
    )
    successor = Contract.objects.select_for_update().get(pk=successor.pk)
    record_event(
        successor,
        action="created",
        actor=actor,
        to_status=successor.status,
        data={"renewal_of": contract.number},
    )
    source = contract.current_version
    if source is not None:
        version = ContractVersion.objects.create(
            company=contract.company,
            contract=successor,
            number=1,
            document=source.document,
            sha256=source.sha256,
            summary=str(_("Renewal of %(number)s") % {"number": contract.number}),
            created_by=actor,
        )
        successor.current_version = version
        lifecycle.touch(successor)
        record_event(
            successor,
            action="version_added",
            actor=actor,
            data={"version": 1, "sha256": source.sha256},
        )
    lifecycle.transition(
        contract,
        "renew",
        actor=actor,
        data={"successor": successor.number, "new_end_date": new_end_date.isoformat()},
    )
    return successor


# --- the daily task ----------------------------------------------------------------


def contracts_roll_daily(*, today: date | None = None) -> dict[str, int]:
    """Signed contracts whose start date came become active; contracts past their
    end date become expired. One short transaction per contract."""
    today = today or timezone.localdate()
    counts = {"activated": 0, "expired": 0}
    due_start = Contract.objects.filter(status=ContractStatus.SIGNED, start_date__lte=today)
    for pk in due_start.filter(end_date__gte=today).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=pk)
            if contract.status == ContractStatus.SIGNED:
                lifecycle.transition(contract, "activate", actor=None, note="start date reached")
                counts["activated"] += 1
    ended = Contract.objects.filter(status__in=IN_FORCE, end_date__lt=today)
    for pk in ended.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=pk)
            if contract.status in IN_FORCE and contract.end_date < today:
                if contract.amendment_under_way:
                    _drop_amendment(contract)
                lifecycle.transition(contract, "expire", actor=None, note="end date passed")
                counts["expired"] += 1
    return counts


def relevant_threshold(days_left: int, thresholds: Sequence[int]) -> int | None:
    """The smallest threshold not yet passed: 89 days left → 90; 29 → 30; 5 → 7.
    A late or missed run therefore sends only the most relevant notice."""
    candidates = [t for t in sorted(thresholds) if days_left <= t]
    return candidates[0] if candidates and days_left >= 0 else None


def expiry_deadline(contract: Contract, today: date) -> tuple[str, date]:
    """What the next notice counts down to: the renewal-notice date while it is still
    ahead (deciding after it is too late), then the end date."""
    if contract.renewal_date and today <= contract.renewal_date < contract.end_date:
        return "notice", contract.renewal_date
    return "end", contract.end_date


def contract_expiry_notices(*, today: date | None = None) -> int:
    """E-mail the company's contract users (notify() drops those who opted out) once
    per contract, user, deadline and threshold; the dedupe key makes re-runs harmless.

    A contract with a renewal-notice date gets its notices before that date (90, 30, 7
    days before it by default), then before its end date."""
    today = today or timezone.localdate()
    thresholds = list(settings.CONTRACT_EXPIRY_THRESHOLDS)
    if not thresholds:
        return 0
    horizon = today + timedelta(days=max(thresholds))
    queued = 0
    contracts = (
        Contract.objects.filter(status__in=IN_FORCE, end_date__gte=today)
        .filter(Q(end_date__lte=horizon) | Q(renewal_date__gte=today, renewal_date__lte=horizon))
        .select_related("company")
        .order_by("company_id", "end_date")
    )
    users_by_company: dict[int, list[User]] = {}
    for contract in contracts.iterator(chunk_size=500):
        kind, deadline = expiry_deadline(contract, today)
        days_left = (deadline - today).days
        threshold = relevant_threshold(days_left, thresholds)
        if threshold is None:
            continue
        if contract.company_id not in users_by_company:
            users_by_company[contract.company_id] = list(
                User.objects.with_app(contract.company, App.CONTRACTS)
            )
        suffix = f"notice:{threshold}" if kind == "notice" else str(threshold)
        for user in users_by_company[contract.company_id]:
            with transaction.atomic():
                row = notify(
                    event=Event.CONTRACT_EXPIRY,
                    template="contracts_expiry",
                    recipient=user,
                    context={
                        **_contract_context(contract, user.preferred_language),
                        "days_left": days_left,
                        "threshold": threshold,
                        "deadline": kind,
                    },
                    company=contract.company,
                    dedupe_key=f"contracts:expiry:{contract.pk}:{user.pk}:{suffix}",
                    link=_contract_path(contract),
                )
            if row is not None:
                queued += 1
    return queued


# --- calendar feeds ----------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, company: Company, user: User) -> tuple[CalendarFeed, str]:
    """A new personal feed; the token is returned once and only its hash is kept."""
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        company=company, user=user, token_hash=feed_token_hash(token)
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, actor: User) -> CalendarFeed:
    if feed.user_id != actor.pk:
        raise ValidationError(_("You can only revoke your own calendar links."), code="not_owner")
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


# --- signing authority (granted by the company's administrators) ----------------------


@transaction.atomic
def signing_authority_set(
    *, company: Company, user: User, granted: bool, actor: User
) -> SigningAuthority | None:
    """Grant or withdraw the right to sign contracts; only contract approvers may hold it."""
    if granted:
        if not has_app_role(user, company, App.CONTRACTS, Role.APPROVER):
            raise ValidationError(
                _("%(user)s must be a contracts approver to receive signing authority.")
                % {"user": user},
                code="not_approver",
            )
        authority, _created = SigningAuthority.objects.get_or_create(company=company, user=user)
        return authority
    SigningAuthority.objects.for_company(company).filter(user=user).delete()
    return None
