"""Demo installed base for ACME (Services Assistant) and Globex (Inventory OnLine)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from contracts.models import Contract
from inventory.models import InstalledItem, Kind
from portal.models import Site

MACHINES = [
    # machine type, model, description, configuration
    (
        "9009",
        "42A",
        "Power System S924",
        [("EP5E", "12-core POWER9 processor", 2), ("EM6J", "128 GB memory", 4)],
    ),
    ("9105", "22A", "Power S1022", [("EPGR", "20-core Power10 processor", 1)]),
    ("3906", "M04", "IBM z14", [("0656", "CP capacity", 6)]),
    ("2076", "724", "FlashSystem 7200", [("AHB1", "9.6 TB NVMe module", 12)]),
    ("8831", "ST9", "TS4300 tape library", [("8341", "LTO-9 drive", 2)]),
]
SOFTWARE = [
    ("Db2 Advanced Edition", "11.5", "Processor value unit", 280),
    ("WebSphere Application Server", "9.0.5", "Virtual processor core", 16),
    ("Spectrum Protect", "8.1", "Terabyte", 40),
]


def seed(world) -> None:
    today = timezone.localdate()
    for number in ("0100001", "0200001"):
        company = world.companies[number]
        contract = (
            Contract.objects.for_company(company)
            .active()
            .filter(type="hardware_maintenance")
            .first()
            or Contract.objects.for_company(company).active().first()
        )
        sites = list(Site.objects.for_company(company).order_by("code"))
        for s_index, site in enumerate(sites):
            for m_index, (mtype, model, description, config) in enumerate(MACHINES):
                serial = f"{number[1:3]}{s_index}{m_index:02d}{mtype[-2:]}"
                warranty = today + timedelta(days=[-200, 45, 400, -20, 700][m_index])
                InstalledItem.objects.update_or_create(
                    company=company,
                    serial_number=serial,
                    defaults={
                        "site": site,
                        "kind": Kind.HARDWARE,
                        "machine_type": mtype,
                        "model": model,
                        "description": description,
                        "configuration": [
                            {"code": c, "description": d, "quantity": q} for c, d, q in config
                        ],
                        "installed_on": date(2021 + m_index % 4, 1 + m_index * 2, 15),
                        "warranty_end": warranty,
                        "maintenance_contract": contract if m_index in (0, 3) else None,
                        "lessor": "IBM Global Financing" if m_index == 2 else "",
                        "lease_start": date(2023, 1, 1) if m_index == 2 else None,
                        "lease_end": today + timedelta(days=60) if m_index == 2 else None,
                        "lease_amount": Decimal("18500.00") if m_index == 2 else None,
                        "lease_currency": company.country.currency if m_index == 2 else "",
                        "lease_period": "month" if m_index == 2 else "",
                    },
                )
            for product, version, licence, quantity in SOFTWARE[: 1 + s_index % 3]:
                if (
                    not InstalledItem.objects.for_company(company)
                    .filter(site=site, product=product)
                    .exists()
                ):
                    InstalledItem.objects.create(
                        company=company,
                        site=site,
                        kind=Kind.SOFTWARE,
                        product=product,
                        version=version,
                        licence=licence,
                        quantity=quantity,
                        installed_on=date(2024, 3, 1),
                        maintenance_contract=contract,
                    )
