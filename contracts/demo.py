"""Demo contracts (idempotent, keyed on numbers): a realistic handful per company in
every state of the life cycle, built through the services so histories are real.

Contracts in force are imported as signed on paper before the portal (no signature
rendering: the demo stays fast); ACME has one waiting for Bruno's approval and one
waiting for Alice's signature (she has signing authority) to try the journey.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from contracts import services
from contracts.history import record_event
from contracts.models import Contract, ContractStatus, ContractType, SigningAuthority


def simple_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text (ASCII), with a correct xref table."""
    safe = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


# number, title, type, months from start to today, duration months, value, target status
ACME = [
    (
        "CT-2024-00101",
        "Storage arrays maintenance, Paris",
        ContractType.HARDWARE_MAINTENANCE,
        11,
        12,
        "48000",
        "active",
    ),
    (
        "CT-2024-00102",
        "Database software subscription",
        ContractType.SOFTWARE_SUBSCRIPTION,
        22,
        24,
        "126000",
        "active",
    ),
    ("CT-2025-00103", "Workstation leasing, Lyon", ContractType.LEASING, 5, 36, "210000", "active"),
    ("CT-2023-00104", "Network audit services", ContractType.SERVICES, 30, 12, "18500", "expired"),
    (
        "CT-2025-00105",
        "Backup services, Lille",
        ContractType.SERVICES,
        0,
        12,
        "32000",
        "in_approval",
    ),
    (
        "CT-2025-00106",
        "Server maintenance renewal",
        ContractType.HARDWARE_MAINTENANCE,
        0,
        12,
        "52000",
        "awaiting_signature",
    ),
    ("CT-2025-00107", "Printer fleet leasing", ContractType.LEASING, 0, 24, "24000", "draft"),
    (
        "CT-2024-00109",
        "Storage maintenance, Lyon",
        ContractType.HARDWARE_MAINTENANCE,
        8,
        24,
        "66000",
        "amendment_approval",
    ),
    (
        "CT-2022-00108",
        "Legacy mainframe maintenance",
        ContractType.HARDWARE_MAINTENANCE,
        20,
        36,
        "300000",
        "terminated",
    ),
]
GLOBEX = [
    (
        "CT-2024-00201",
        "Data center hardware maintenance, Austin",
        ContractType.HARDWARE_MAINTENANCE,
        10,
        12,
        "96000",
        "active",
    ),
    (
        "CT-2025-00202",
        "Cloud platform subscription",
        ContractType.SOFTWARE_SUBSCRIPTION,
        0,
        12,
        "64000",
        "submitted",
    ),
    (
        "CT-2024-00203",
        "Managed security services",
        ContractType.SERVICES,
        6,
        24,
        "150000",
        "active",
    ),
]


def _months(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(n * 30.44))


def _import_in_force(contract: Contract, status: str, actor) -> None:
    """Contracts signed on paper before the portal: recorded as imported."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    source = locked.status
    locked.status = status
    locked.lock_version += 1
    locked.save()
    record_event(
        locked,
        action="imported",
        actor=None,
        from_status=source,
        to_status=status,
        note="Signed on paper; imported into the portal.",
    )


@transaction.atomic
def _seed_company(company, rows, *, author, approver, signer, currency: str) -> None:
    today = timezone.localdate()
    SigningAuthority.objects.get_or_create(company=company, user=signer)
    for number, title, kind, age, duration, value, status in rows:
        if Contract.objects.for_company(company).filter(number=number).exists():
            continue
        start = today - _months(age)
        end = start + _months(duration) - datetime.timedelta(days=1)
        contract = services.contract_create(
            company=company,
            actor=author,
            number=number,
            title=title,
            type=kind,
            start_date=start,
            end_date=end,
            value=Decimal(value),
            currency=currency,
            supplier_owner="Hugo Agent",
            renewal_terms="Renewable for 12 months by written agreement, 3 months' notice.",
            renewal_date=end - datetime.timedelta(days=90),
            sla_response_hours=4 if kind == ContractType.HARDWARE_MAINTENANCE else None,
            sla_coverage_hours="24x7" if kind == ContractType.HARDWARE_MAINTENANCE else "",
            document=SimpleUploadedFile(
                f"{number}.pdf", simple_pdf(f"Contract {number} - {title}")
            ),
            summary="Initial version",
        )
        if status in ("active", "expired", "terminated", "amendment_approval"):
            _import_in_force(contract, ContractStatus.ACTIVE, author)
            contract.refresh_from_db()
            if status == "amendment_approval":
                services.contract_add_version(
                    contract=contract,
                    actor=author,
                    upload=SimpleUploadedFile(
                        f"{number}-amendment-1.pdf",
                        simple_pdf(f"Contract {number} - amendment 1: adds the second floor"),
                    ),
                    summary="Amendment 1: adds the second-floor storage room.",
                    expected_version=None,
                )
                contract.refresh_from_db()
                services.contract_route(
                    contract=contract, actor=author, approvers=[approver], expected_version=None
                )
            elif status == "expired":
                services.contracts_roll_daily(today=today)
            elif status == "terminated":
                services.contract_terminate(
                    contract=contract,
                    actor=author,
                    reason="Hardware decommissioned.",
                    expected_version=None,
                )
            continue
        if status == "draft":
            continue
        services.contract_submit(contract=contract, actor=author, expected_version=None)
        if status == "submitted":
            continue
        services.contract_route(
            contract=contract, actor=author, approvers=[approver], expected_version=None
        )
        if status == "in_approval":
            continue
        contract.refresh_from_db()
        services.step_approve(
            contract=contract, actor=approver, comment="Budget confirmed.", expected_version=None
        )


def seed(world) -> None:
    users = world.users
    acme = world.companies.get("0100001")
    if acme is not None:
        _seed_company(
            acme,
            ACME,
            author=users["admin@acme.example"],
            approver=users["approver@acme.example"],
            signer=users["admin@acme.example"],
            currency="EUR",
        )
    globex = world.companies.get("0200001")
    if globex is not None:
        _seed_company(
            globex,
            GLOBEX,
            author=users["admin@globex.example"],
            approver=users["admin@globex.example"],
            signer=users["admin@globex.example"],
            currency="USD",
        )
