"""Contracts OnLine at scale: one company with 20,000 contracts, 100,000 versions and
500,000 history entries (hash-chained like real ones).

Measured (constant query count, p95 < 100 ms): the list (first page, searches,
filters, every sort, a deep page), "needs my action" and a contract page with its
5 versions, 2 approval steps and 25 history entries.
"""

import datetime
import hashlib
import random
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bench.core import Context, Page

NAME = "contracts"
CONTRACTS = 20_000
VERSIONS_PER_CONTRACT = 5
EVENTS_PER_CONTRACT = 25
BATCH = 5000
PREFIX = "BC-"
WORDS = ["storage", "server", "network", "database", "printer", "backup", "security", "cloud"]
SITES = ["Paris", "Lyon", "Lille", "Nantes", "Toulouse", "Austin", "Munich", "London"]


def _number(i: int) -> str:
    return f"{PREFIX}{i:06d}"


def seed(ctx: Context) -> None:
    """Bulk-create the dataset for ctx.company (skipped when already there)."""
    from contracts.models import (
        ApprovalStep,
        Contract,
        ContractEvent,
        ContractStatus,
        ContractType,
        ContractVersion,
        SigningAuthority,
    )
    from portal.models import StoredFile

    company, user = ctx.company, ctx.user
    total = ctx.n(CONTRACTS)
    scoped = Contract.objects.for_company(company).filter(number__startswith=PREFIX)
    existing = scoped.count()
    if existing >= total:
        return
    if existing:  # an interrupted earlier seed: start again from a clean slate
        scoped.update(current_version=None, current_step=None)
        scoped.delete()
        StoredFile.objects.filter(storage_name__startswith="bench/contracts/").delete()
    SigningAuthority.objects.get_or_create(company=company, user=user)
    rng = random.Random(8)
    today = timezone.localdate()
    statuses = [
        (ContractStatus.ACTIVE, 60),
        (ContractStatus.EXPIRED, 12),
        (ContractStatus.DRAFT, 8),
        (ContractStatus.SUBMITTED, 4),
        (ContractStatus.IN_APPROVAL, 6),
        (ContractStatus.AWAITING_SIGNATURE, 2),
        (ContractStatus.SIGNED, 3),
        (ContractStatus.TERMINATED, 3),
        (ContractStatus.RENEWED, 2),
    ]
    population = [s for s, w in statuses for _ in range(w)]
    types = list(ContractType.values)
    stamp = timezone.now()
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        with transaction.atomic():
            contracts = []
            for i in range(start, stop):
                begin = today - datetime.timedelta(days=rng.randint(0, 1500))
                contracts.append(
                    Contract(
                        company=company,
                        number=_number(i),
                        title=f"{rng.choice(WORDS).title()} {rng.choice(types).replace('_', ' ')} "
                        f"{rng.choice(SITES)} {i}",
                        type=rng.choice(types),
                        supplier_owner=f"Owner {i % 40}",
                        start_date=begin,
                        end_date=begin + datetime.timedelta(days=rng.choice([365, 730, 1095])),
                        value=Decimal(rng.randint(1000, 500000)),
                        currency="EUR",
                        renewal_terms="Renewable for 12 months by written agreement.",
                        status=rng.choice(population),
                        sla_response_hours=rng.choice([4, 8, 24]),
                        sla_coverage_hours=rng.choice(["24x7", "Mon-Fri 8-18"]),
                    )
                )
            Contract.objects.bulk_create(contracts, batch_size=BATCH)
            contracts = list(
                Contract.objects.for_company(company)
                .filter(number__in=[c.number for c in contracts])
                .order_by("pk")
            )
            files, versions = [], []
            for contract in contracts:
                for n in range(1, VERSIONS_PER_CONTRACT + 1):
                    digest = hashlib.sha256(f"{contract.number}-{n}".encode()).hexdigest()
                    stored = StoredFile(
                        company=company,
                        storage_name=f"bench/contracts/{contract.number}-{n}.pdf",
                        original_name=f"{contract.number}-v{n}.pdf",
                        content_type="application/pdf",
                        size=12345,
                        sha256=digest,
                    )
                    files.append(stored)
                    versions.append(
                        ContractVersion(
                            company=company,
                            contract=contract,
                            number=n,
                            document=stored,
                            sha256=digest,
                            summary=f"Version {n}",
                            is_amendment=n > 3,
                            created_by=user,
                        )
                    )
            StoredFile.objects.bulk_create(files, batch_size=BATCH)
            ContractVersion.objects.bulk_create(versions, batch_size=BATCH)
            steps = []
            for contract in contracts:
                for order in (1, 2):
                    steps.append(
                        ApprovalStep(
                            company=company,
                            contract=contract,
                            round=1,
                            order=order,
                            approver=user,
                            decision=ApprovalStep.Decision.PENDING
                            if contract.status == ContractStatus.IN_APPROVAL
                            else ApprovalStep.Decision.APPROVED,
                        )
                    )
            ApprovalStep.objects.bulk_create(steps, batch_size=BATCH)
            events = []
            for contract in contracts:
                prev = ""
                for seq in range(1, EVENTS_PER_CONTRACT + 1):
                    event = ContractEvent(
                        company_id=company.pk,
                        contract=contract,
                        seq=seq,
                        at=stamp,
                        action="version_added" if seq % 5 else "step_approved",
                        actor=user,
                        actor_name=str(user),
                        data={"version": seq % 5 + 1, "order": 1},
                        prev_hash=prev,
                    )
                    event.hash = event.compute_hash()
                    prev = event.hash
                    events.append(event)
            ContractEvent.objects.bulk_create(events, batch_size=BATCH)
        # link current version and current step (in approval: the first pending step)
        with transaction.atomic():
            latest = {
                v.contract_id: v.pk
                for v in ContractVersion.objects.filter(
                    contract__in=contracts, number=VERSIONS_PER_CONTRACT
                ).only("pk", "contract_id")
            }
            first_steps = {
                s.contract_id: s.pk
                for s in ApprovalStep.objects.filter(contract__in=contracts, order=1).only(
                    "pk", "contract_id"
                )
            }
            heads = dict(
                ContractEvent.objects.filter(
                    contract__in=contracts, seq=EVENTS_PER_CONTRACT
                ).values_list("contract_id", "hash")
            )
            for contract in contracts:
                contract.history_head = heads[contract.pk]
                contract.current_version_id = latest[contract.pk]
                if contract.status == ContractStatus.IN_APPROVAL:
                    contract.current_step_id = first_steps[contract.pk]
            Contract.objects.bulk_update(
                contracts, ["current_version", "current_step", "history_head"], batch_size=BATCH
            )


def pages(ctx: Context) -> list[Page]:
    from contracts.filters import SORTS

    total = ctx.n(CONTRACTS)
    middle = total // 2
    today = timezone.localdate()
    base = reverse("contracts:list")

    def listing(name: str, **params: object) -> Page:
        query = urlencode(params)
        return Page(f"contracts {name}", f"{base}?{query}" if query else base, target_p95_ms=100)

    result = [
        listing("list first page"),
        listing("search number", q=_number(middle)),
        listing("search words", q="storage paris"),
        listing("filter status", status="active"),
        listing("filter type", type="leasing"),
        listing(
            "filter end date range",
            end_from=today.isoformat(),
            end_to=(today + datetime.timedelta(days=180)).isoformat(),
        ),
        listing("expiring within 90 days", expiring_within=90),
        listing("page 200", page=200),
    ]
    for key in SORTS:
        result.append(listing(f"sort {key}", sort=key))
    result += [
        Page(
            "contracts needs my action",
            reverse("contracts:needs_action"),
            target_p95_ms=100,
        ),
        Page(
            "contracts contract page",
            reverse("contracts:detail", kwargs={"number": _number(middle)}),
            target_p95_ms=100,
        ),
    ]
    return result
