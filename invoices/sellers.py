"""Who issues the invoice: the supplier's legal entity in the customer's country.

A French customer is invoiced by the French entity (SIREN, RCS, VAT, IBAN, French
late-payment mentions), a US customer by the US entity (EIN, sales tax, ACH/wire
instructions). The defaults below are the demo entities; a deployment replaces
or completes any of them with the INVOICE_SELLERS setting (JSON keyed by country).
Countries without an entity are invoiced by DEFAULT_COUNTRY's.
"""

from typing import Any

from django.conf import settings

from portal.addresses import PostalAddress

DEFAULT_COUNTRY = "FR"

# tax_scheme: "vat" (EU VAT, rates per line) or "sales_tax" (US: state sales tax).
# payment: "sepa" (IBAN/BIC) or "ach" (ABA routing + account, wire to the same account).
# late_payment: "fr" prints the French statutory penalty and the 40 EUR indemnity.
SELLERS: dict[str, dict[str, Any]] = {
    "FR": {
        "name": "IBM France SAS",
        "legal_form": "SAS au capital de 657 364 587 €",
        "street": "17 avenue de l'Europe",
        "postal_code": "92270",
        "city": "Bois-Colombes",
        "country_code": "FR",
        "country_name": {"en": "France", "fr": "France"},
        "legal_id": "552 118 465",
        "establishment_id": "552 118 465 03644",
        "vat_number": "FR58552118465",
        "trade_register": "RCS Nanterre 552 118 465",
        "tax_scheme": "vat",
        "payment": "sepa",
        "bank": "BNP Paribas",
        "iban": "FR76 3000 4000 0100 0000 0000 000",
        "bic": "BNPAFRPPXXX",
        "late_payment": "fr",
    },
    "US": {
        "name": "IBM Corporation",
        "legal_form": "",
        "street": "1 New Orchard Road",
        "postal_code": "10504",
        "city": "Armonk",
        "region": "NY",
        "country_code": "US",
        "country_name": {"en": "United States", "fr": "États-Unis"},
        "legal_id": "13-0871985",
        "tax_scheme": "sales_tax",
        "payment": "ach",
        "bank": "JPMorgan Chase Bank, N.A.",
        "routing_number": "021000021",
        "account_number": "000123456789",
        "swift": "CHASUS33",
        "late_payment": "",
    },
    "DE": {
        "name": "IBM Deutschland GmbH",
        "street": "IBM-Allee 1",
        "postal_code": "71139",
        "city": "Ehningen",
        "country_code": "DE",
        "country_name": {"en": "Germany", "fr": "Allemagne"},
        "trade_register": "Amtsgericht Stuttgart, HRB 14562",
        "vat_number": "DE811166286",
        "tax_scheme": "vat",
        "payment": "sepa",
        "bank": "Deutsche Bank",
        "iban": "DE89 3704 0044 0532 0130 00",
        "bic": "DEUTDEDBXXX",
        "late_payment": "",
    },
    "GB": {
        "name": "IBM United Kingdom Limited",
        "street": "PO Box 41, North Harbour",
        "postal_code": "PO6 3AU",
        "city": "Portsmouth",
        "country_code": "GB",
        "country_name": {"en": "United Kingdom", "fr": "Royaume-Uni"},
        "legal_id": "00741598",
        "trade_register": "Registered in England and Wales",
        "vat_number": "GB214613222",
        "tax_scheme": "vat",
        "payment": "sepa",
        "bank": "Barclays Bank",
        "iban": "GB29 NWBK 6016 1331 9268 19",
        "bic": "BARCGB22XXX",
        "late_payment": "",
    },
}


def seller_for(country_code: str | None) -> dict[str, Any]:
    """The entity invoicing customers of `country_code`, with the deployment's overrides."""
    overrides: dict[str, dict[str, Any]] = settings.INVOICE_SELLERS or {}
    code = (country_code or "").upper()
    if code not in SELLERS and code not in overrides:
        code = DEFAULT_COUNTRY
    seller = {"country_code": code, **SELLERS.get(code, {}), **overrides.get(code, {})}
    seller.setdefault("tax_scheme", "vat")
    return seller


def seller_address(seller: dict[str, Any], language: str) -> PostalAddress:
    names = seller.get("country_name") or {}
    if isinstance(names, str):
        country_name = names
    else:
        country_name = names.get(language[:2]) or names.get("en") or seller["country_code"]
    return PostalAddress(
        street=seller.get("street", ""),
        postal_code=seller.get("postal_code", ""),
        city=seller.get("city", ""),
        region=seller.get("region", ""),
        country_code=seller["country_code"],
        country_name=country_name,
    )
