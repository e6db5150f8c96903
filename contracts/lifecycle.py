"""The one state machine of a contract. Services call `transition()`; nothing else
changes `Contract.status`.

draft → submitted → in_approval → awaiting_signature → signed → active
      → expired | renewed | terminated; a rejection in approval → draft.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contracts.history import record_event
from contracts.models import Contract, ContractStatus
from portal.models import User

S = ContractStatus


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: Any


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", (S.DRAFT,), S.SUBMITTED, _("submit")),
        Transition("route", (S.SUBMITTED,), S.IN_APPROVAL, _("send for approval")),
        Transition("reject", (S.IN_APPROVAL,), S.DRAFT, _("reject")),
        Transition("approve", (S.IN_APPROVAL,), S.AWAITING_SIGNATURE, _("approve")),
        Transition("sign", (S.AWAITING_SIGNATURE,), S.SIGNED, _("sign")),
        Transition("activate", (S.SIGNED,), S.ACTIVE, _("activate")),
        Transition("expire", (S.SIGNED, S.ACTIVE), S.EXPIRED, _("expire")),
        Transition("renew", (S.SIGNED, S.ACTIVE, S.EXPIRED), S.RENEWED, _("renew")),
        Transition("terminate", (S.SIGNED, S.ACTIVE), S.TERMINATED, _("terminate")),
    ]
}


def can(contract: Contract, name: str) -> bool:
    return contract.status in TRANSITIONS[name].sources


def check(contract: Contract, name: str) -> Transition:
    """Raise a clear ValidationError when `name` is not allowed from the current status."""
    transition = TRANSITIONS[name]
    if contract.status not in transition.sources:
        raise ValidationError(
            _("You cannot %(action)s contract %(number)s while it is “%(status)s”.")
            % {
                "action": transition.label,
                "number": contract.number,
                "status": contract.get_status_display(),
            },
            code="illegal_transition",
        )
    return transition


def check_fresh(contract: Contract, expected_version: int | None) -> None:
    """Refuse an action prepared on an older state of the (locked) contract row."""
    if expected_version is not None and expected_version != contract.lock_version:
        raise ValidationError(
            _(
                "Contract %(number)s was changed by someone else meanwhile. "
                "Reload the page and check it before acting again."
            )
            % {"number": contract.number},
            code="stale",
        )


def touch(contract: Contract) -> None:
    """Bump the optimistic-lock counter and save (the row is locked by the caller)."""
    contract.lock_version += 1
    contract.save()


def transition(
    contract: Contract,
    name: str,
    *,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Contract:
    """Move the locked contract along `name`, save it and write the history entry."""
    step = check(contract, name)
    source = contract.status
    contract.status = step.target
    touch(contract)
    record_event(
        contract,
        action=name,
        actor=actor,
        from_status=source,
        to_status=step.target,
        note=note,
        data=data,
    )
    return contract
