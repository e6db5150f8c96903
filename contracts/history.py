"""The tamper-evident history: each contract's events form a hash chain.

hash(n) = sha256(hash(n-1) + canonical JSON of entry n). The contract row keeps
the head (the last hash), so removing the latest entries is detected too. The
caller holds the contract row lock (select_for_update), which serialises appends
per contract.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from contracts.models import Contract, ContractEvent
from portal.models import User


def record_event(
    contract: Contract,
    *,
    action: str,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ContractEvent:
    """Append one entry to the contract's chain (contract row locked by the caller)."""
    last = contract.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    event = ContractEvent(
        company_id=contract.company_id,
        contract=contract,
        seq=seq,
        at=timezone.now(),
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_name=(actor.get_full_name() or actor.email) if actor else "",
        note=note,
        data=data or {},
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    Contract.objects.filter(pk=contract.pk).update(history_head=event.hash)
    contract.history_head = event.hash
    return event


@dataclass(frozen=True)
class BrokenLink:
    contract_id: int
    contract_number: str
    seq: int
    event_id: int
    reason: str


def _head_mismatch(previous: ContractEvent | None) -> BrokenLink | None:
    """The last entry of a contract must be the head recorded on the contract row."""
    if previous is not None and previous.contract.history_head != previous.hash:
        return BrokenLink(
            previous.contract_id,
            previous.contract.number,
            previous.seq + 1,
            previous.pk,
            "latest entries missing",
        )
    return None


def verify_events(events: Iterable[ContractEvent]) -> BrokenLink | None:
    """Walk events ordered by (contract, seq); return the first broken entry or None."""
    current: int | None = None
    prev_hash = ""
    expected_seq = 1
    previous: ContractEvent | None = None
    for event in events:
        if event.contract_id != current:
            broken = _head_mismatch(previous)
            if broken is not None:
                return broken
            current, prev_hash, expected_seq = event.contract_id, "", 1
        number = event.contract.number
        if event.seq != expected_seq:
            return BrokenLink(event.contract_id, number, event.seq, event.pk, "missing entry")
        if event.prev_hash != prev_hash:
            return BrokenLink(event.contract_id, number, event.seq, event.pk, "previous hash")
        if event.compute_hash() != event.hash:
            return BrokenLink(event.contract_id, number, event.seq, event.pk, "content altered")
        prev_hash = event.hash
        expected_seq += 1
        previous = event
    return _head_mismatch(previous)


def verify_chain(contracts: QuerySet[Contract] | None = None) -> BrokenLink | None:
    events = ContractEvent.objects.select_related("contract").order_by("contract_id", "seq")
    if contracts is not None:
        events = events.filter(contract__in=contracts)
    return verify_events(events.iterator(chunk_size=5000))
