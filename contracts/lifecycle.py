"""The one state machine of a contract. Services call `transition()`; nothing else
changes `Contract.status`.

draft → submitted → in_approval → awaiting_signature → signed → active
      → expired | renewed | terminated; a rejection in approval → draft.

A signed contract is amended without leaving force: a new version added to a signed
or active contract is an amendment; sent for approval it makes the contract
"amendment in approval" → "amendment awaiting signature" → signed or active again
(by its start date). A rejected amendment leaves the contract as it was signed.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.history import record_event
from contracts.models import SETTLED, Contract, ContractStatus
from portal.models import User

S = ContractStatus

# Target of a move that puts an amended contract back in force: "active" once its
# start date has come, "signed" before.
IN_FORCE_AGAIN = "in_force_again"


def _needs_pending_amendment(contract: Contract) -> Any:
    """Routing a contract in force is routing its new amendment: there must be one."""
    if contract.status in SETTLED and not contract.has_pending_amendment:
        return _(
            "Contract %(number)s has no new amendment to send for approval: add the "
            "amendment first."
        ) % {"number": contract.number}
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    moves: Mapping[str, str]  # from status -> to status
    label: Any
    guard: Callable[[Contract], Any] | None = field(default=None)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self.moves)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", {S.DRAFT: S.SUBMITTED}, _("submit")),
        Transition(
            "route",
            {
                S.SUBMITTED: S.IN_APPROVAL,
                S.SIGNED: S.AMENDMENT_APPROVAL,
                S.ACTIVE: S.AMENDMENT_APPROVAL,
            },
            _("send for approval"),
            guard=_needs_pending_amendment,
        ),
        Transition(
            "reject", {S.IN_APPROVAL: S.DRAFT, S.AMENDMENT_APPROVAL: IN_FORCE_AGAIN}, _("reject")
        ),
        Transition(
            "approve",
            {S.IN_APPROVAL: S.AWAITING_SIGNATURE, S.AMENDMENT_APPROVAL: S.AMENDMENT_SIGNATURE},
            _("approve"),
        ),
        Transition(
            "sign",
            {S.AWAITING_SIGNATURE: S.SIGNED, S.AMENDMENT_SIGNATURE: IN_FORCE_AGAIN},
            _("sign"),
        ),
        Transition("activate", {S.SIGNED: S.ACTIVE}, _("activate")),
        Transition(
            "expire",
            dict.fromkeys(
                (S.SIGNED, S.ACTIVE, S.AMENDMENT_APPROVAL, S.AMENDMENT_SIGNATURE), S.EXPIRED
            ),
            _("expire"),
        ),
        Transition("renew", dict.fromkeys((S.SIGNED, S.ACTIVE, S.EXPIRED), S.RENEWED), _("renew")),
        Transition(
            "terminate",
            dict.fromkeys(
                (S.SIGNED, S.ACTIVE, S.AMENDMENT_APPROVAL, S.AMENDMENT_SIGNATURE), S.TERMINATED
            ),
            _("terminate"),
        ),
    ]
}


def _refusal(contract: Contract, transition: Transition) -> Any:
    if contract.status not in transition.moves:
        return _("You cannot %(action)s contract %(number)s while it is “%(status)s”.") % {
            "action": transition.label,
            "number": contract.number,
            "status": contract.get_status_display(),
        }
    return transition.guard(contract) if transition.guard else None


def can(contract: Contract, name: str) -> bool:
    return _refusal(contract, TRANSITIONS[name]) is None


def check(contract: Contract, name: str) -> Transition:
    """Raise a clear ValidationError when `name` is not allowed from the current status."""
    transition = TRANSITIONS[name]
    refusal = _refusal(contract, transition)
    if refusal is not None:
        raise ValidationError(refusal, code="illegal_transition")
    return transition


def target_of(contract: Contract, name: str, *, today: date | None = None) -> str:
    """The status `name` leads to from the contract's current status."""
    target = TRANSITIONS[name].moves[contract.status]
    if target == IN_FORCE_AGAIN:
        today = today or timezone.localdate()
        return S.ACTIVE if contract.start_date <= today else S.SIGNED
    return target


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
    check(contract, name)
    source = contract.status
    contract.status = target_of(contract, name)
    touch(contract)
    record_event(
        contract,
        action=name,
        actor=actor,
        from_status=source,
        to_status=contract.status,
        note=note,
        data=data,
    )
    return contract
