"""Inventory benchmark: one company with 200 sites and 50,000 items."""

from django.db import connection
from django.urls import reverse

from bench.core import Context, Page
from inventory.models import InstalledItem, Kind
from portal.models import Site

NAME = "inventory"


def seed(ctx: Context) -> None:
    company = ctx.company
    if "inventory_online" not in company.country.features:
        company.country.features = [*company.country.features, "inventory_online"]
        company.country.save(update_fields=["features"])
    site_count, item_count = ctx.n(200), ctx.n(50_000)
    existing = Site.objects.for_company(company).filter(code__startswith="BI").count()
    Site.objects.bulk_create(
        [
            Site(
                company=company,
                code=f"BI{i:04d}",
                name=f"Bench site {i:04d}",
                city="Paris",
                country=company.country,
            )
            for i in range(existing, site_count)
        ],
        batch_size=5000,
    )
    sites = list(
        Site.objects.for_company(company).filter(code__startswith="BI").values_list("pk", flat=True)
    )
    have = InstalledItem.objects.for_company(company).count()
    batch = []
    for i in range(have, item_count):
        hardware = i % 5 != 0
        batch.append(
            InstalledItem(
                company=company,
                site_id=sites[i % len(sites)],
                kind=Kind.HARDWARE if hardware else Kind.SOFTWARE,
                serial_number=f"BX{i:07d}" if hardware else "",
                machine_type=("9009", "9105", "2076", "8831")[i % 4] if hardware else "",
                model="42A" if hardware else "",
                product="" if hardware else f"Product {i % 37}",
                version="1.0",
                description=f"Bench item {i}",
                quantity=1,
            )
        )
        if len(batch) == 5000:
            InstalledItem.objects.bulk_create(batch)
            batch = []
    if batch:
        InstalledItem.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics so the planner uses the indexes
            cursor.execute("ANALYZE inventory_installeditem")
            cursor.execute("ANALYZE portal_site")
    ctx.extra["inventory_item"] = (
        InstalledItem.objects.for_company(company).filter(kind=Kind.HARDWARE).last().pk
    )
    ctx.extra["inventory_site"] = sites[len(sites) // 2]


def pages(ctx: Context) -> list[Page]:
    home = reverse("inventory:home")
    return [
        Page("inventory by site (first page)", home, target_p95_ms=100),
        Page("inventory one site", f"{home}?site={ctx.extra['inventory_site']}", target_p95_ms=100),
        Page("inventory search by serial", f"{home}?q=BX0049", target_p95_ms=100),
        Page(
            "inventory coverage ending", f"{home}?coverage=ending&sort=-warranty", target_p95_ms=100
        ),
        Page(
            "inventory item page",
            reverse("inventory:item", kwargs={"pk": ctx.extra["inventory_item"]}),
            target_p95_ms=100,
        ),
    ]
