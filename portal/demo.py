"""Demo data for `make run` (idempotent): countries, companies, sites, users, rights.

Each app adds its own demo rows in `<app>/demo.py` with a `seed(world)` function;
`seed_demo` calls them after this one, so a second run duplicates nothing.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction

from portal.agents import make_agent
from portal.applications import App
from portal.models import (
    Authorization,
    Company,
    Country,
    HelpContact,
    Membership,
    Role,
    Site,
    Topic,
    User,
)
from portal.time_zones import COUNTRY_ZONES

DEMO_PASSWORD = "Portal-demo-2026"  # noqa: S105 - published demo sign-in
ALL_APPS = [a.value for a in App]

COUNTRIES: list[tuple[str, str, str, list[str], list[str], str]] = [
    # code, name, French name, apps, features, currency
    ("FR", "France", "France", ALL_APPS, ["services_assistant"], "EUR"),
    ("DE", "Germany", "Allemagne", ALL_APPS, ["services_assistant"], "EUR"),
    ("GB", "United Kingdom", "Royaume-Uni", ALL_APPS, ["services_assistant"], "GBP"),
    ("US", "United States", "États-Unis", ALL_APPS, ["inventory_online"], "USD"),
    ("BR", "Brazil", "Brésil", [App.ORDERS, App.INVOICES, App.REQUESTS, App.INVENTORY], [], "BRL"),
]

# Delivery postcodes of the demo sites (a guest proves an order with one of them).
POSTAL_CODES = {
    "Paris": "92800",
    "Lyon": "69003",
    "Lille": "59000",
    "New York": "10001",
    "Austin": "78701",
    "München": "80331",
    "London": "EC2A 4BX",
    "São Paulo": "01310-100",
}

COMPANIES = [
    # customer number, name, country, services assistant, sites
    (
        "0100001",
        "ACME France SA",
        "FR",
        True,
        [
            ("PAR", "Paris La Défense", "Paris"),
            ("LYO", "Lyon Part-Dieu", "Lyon"),
            ("LIL", "Lille Euratechnologies", "Lille"),
        ],
    ),
    (
        "0200001",
        "Globex Corporation",
        "US",
        False,
        [("NYC", "New York HQ", "New York"), ("AUS", "Austin Data Center", "Austin")],
    ),
    ("0300001", "Initech GmbH", "DE", False, [("MUC", "München", "München")]),
    ("0400001", "Umbrella UK Ltd", "GB", False, [("LON", "London", "London")]),
    ("0500001", "Tropicana Ltda", "BR", False, [("SAO", "São Paulo", "São Paulo")]),
]

USERS: list[tuple[str, str, str, str, bool, list[tuple[str, bool, str | None]]]] = [
    # e-mail, first, last, language, staff, [(customer number, is admin, role or None for all apps)]
    ("admin@acme.example", "Alice", "Martin", "fr", False, [("0100001", True, Role.APPROVER)]),
    ("approver@acme.example", "Bruno", "Petit", "fr", False, [("0100001", False, Role.APPROVER)]),
    ("viewer@acme.example", "Chloé", "Durand", "fr", False, [("0100001", False, Role.VIEWER)]),
    ("pending@acme.example", "David", "Leroy", "en", False, [("0100001", False, None)]),
    (
        "multi@example.com",
        "Eva",
        "Schmidt",
        "en",
        False,
        [("0100001", False, Role.VIEWER), ("0200001", False, Role.APPROVER)],
    ),
    ("admin@globex.example", "Frank", "Miller", "en", False, [("0200001", True, Role.APPROVER)]),
    ("admin@initech.example", "Greta", "Weber", "en", False, [("0300001", True, Role.APPROVER)]),
    # Umbrella UK has no company administrator: customer-service agents decide in the admin.
    ("pending@umbrella.example", "Ian", "Clarke", "en", False, [("0400001", False, None)]),
    ("agent@supplier.example", "Hugo", "Agent", "en", True, []),
]

HELP = {
    "FR": ("+33123456789", "service.clients@example.com", "Lun.–ven. 8h30–18h"),
    "DE": ("+4930901820", "kundenservice@example.com", "Mo–Fr 8:00–17:30"),
    "GB": ("+442079460000", "customer.service@example.com", "Mon–Fri 8:30–17:30"),
    "US": ("+12125550100", "customer.service@example.com", "Mon–Fri 8am–8pm ET"),
    "BR": ("+551130000000", "atendimento@example.com", "Seg–Sex 8h–18h"),
}

# Registered office, billing address and legal identity per demo company.
IDENTITIES = {
    "0100001": {
        "street": "12 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "billing_street": "Service comptabilité fournisseurs\n40 avenue des Terroirs de France",
        "billing_postal_code": "75012",
        "billing_city": "Paris",
        "legal_id": "732 829 320",
        "establishment_id": "732 829 320 00074",
        "vat_number": "FR44732829320",
        "trade_register": "RCS Paris 732 829 320",
    },
    "0200001": {
        "street": "350 Fifth Avenue",
        "postal_code": "10118",
        "city": "New York",
        "region": "NY",
        "billing_street": "Accounts Payable\n500 W 2nd Street, Suite 1900",
        "billing_postal_code": "78701",
        "billing_city": "Austin",
        "billing_region": "TX",
        "legal_id": "12-3456789",
    },
    "0300001": {
        "street": "Leopoldstraße 20",
        "postal_code": "80802",
        "city": "München",
        "vat_number": "DE129273398",
        "trade_register": "Amtsgericht München, HRB 123456",
    },
    "0400001": {
        "street": "1 Canada Square",
        "postal_code": "E14 5AB",
        "city": "London",
        "legal_id": "01234567",
        "vat_number": "GB123456789",
    },
    "0500001": {
        "street": "Avenida Paulista, 1000",
        "postal_code": "01310-100",
        "city": "São Paulo",
        "region": "SP",
    },
}
SITE_ADDRESSES = {
    "PAR": ("1 place de la Défense", "92400", "Courbevoie", ""),
    "LYO": ("129 rue Servient", "69003", "Lyon", ""),
    "LIL": ("165 avenue de Bretagne", "59000", "Lille", ""),
    "NYC": ("350 Fifth Avenue", "10118", "New York", "NY"),
    "AUS": ("7000 Metropolis Drive", "78744", "Austin", "TX"),
    "MUC": ("Leopoldstraße 20", "80802", "München", ""),
    "LON": ("1 Canada Square", "E14 5AB", "London", ""),
    "SAO": ("Avenida Paulista, 1000", "01310-100", "São Paulo", "SP"),
}


@dataclass
class World:
    countries: dict[str, Country] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


@transaction.atomic
def seed_platform() -> World:
    world = World()
    for code, name, name_fr, apps, features, currency in COUNTRIES:
        world.countries[code], _ = Country.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_fr": name_fr,
                "apps": [str(a) for a in apps],
                "features": features,
                "currency": currency,
                "time_zone": COUNTRY_ZONES.get(code, "Europe/Paris"),
            },
        )
        phone, email, hours = HELP[code]
        for topic in Topic.values:
            HelpContact.objects.get_or_create(
                country=world.countries[code],
                topic=topic,
                defaults={"phone": phone, "email": email, "hours": hours},
            )
    for number, name, country, assistant, sites in COMPANIES:
        company, _ = Company.objects.update_or_create(
            customer_number=number,
            defaults={
                "name": name,
                "country": world.countries[country],
                "services_assistant": assistant,
                "address": f"{name}\n1 Demo Street\n{sites[0][2]}",
                "billing_address": f"{name}\nAccounts payable\n{sites[0][2]}",
                **IDENTITIES.get(number, {}),
            },
        )
        world.companies[number] = company
        for code, site_name, city in sites:
            street, postal_code, site_city, region = SITE_ADDRESSES.get(code, ("", "", city, ""))
            site, _ = Site.objects.get_or_create(
                company=company,
                code=code,
                defaults={
                    "name": site_name,
                    "city": city,
                    "country": world.countries[country],
                    "address": f"{site_name}\n{city}",
                },
            )
            if not site.postal_code and city in POSTAL_CODES:
                site.postal_code = POSTAL_CODES[city]
                site.save(update_fields=["postal_code"])
            if not site.street:  # structured address added to sites seeded before it existed
                site.street, site.postal_code, site.region = street, postal_code, region
                site.city = site_city or site.city
                site.save(update_fields=["street", "postal_code", "region", "city"])
    for email, first, last, lang, staff, memberships in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                preferred_language=lang,
                is_staff=staff,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        world.users[email] = user
        for number, is_admin, role in memberships:
            company = world.companies[number]
            Membership.objects.get_or_create(
                user=user, company=company, defaults={"is_company_admin": is_admin}
            )
            if role is None:
                Authorization.objects.get_or_create(
                    user=user,
                    company=company,
                    app=App.INVOICES,
                    defaults={
                        "status": Authorization.Status.PENDING,
                        "justification": "I reconcile invoices for the Lyon site.",
                    },
                )
                continue
            for app in company.country.apps:
                Authorization.objects.get_or_create(
                    user=user,
                    company=company,
                    app=app,
                    defaults={"role": role, "status": Authorization.Status.GRANTED},
                )
    # The agent works in the admin through the group's permissions (never superuser);
    # the admin asks them to set up two-factor authentication on first visit.
    make_agent([world.users[email] for email, _f, _l, _lang, staff, _m in USERS if staff])
    return world
