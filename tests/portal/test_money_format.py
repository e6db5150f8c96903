"""One money format per reader: the same amount reads the same on the list, the detail,
the home page, the e-mail and the PDF, in French and in English."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from invoices.issuing import invoice_issue
from invoices.models import BillingAccount
from portal.models import Event, Role
from portal.money import format_money, format_number
from tests.conftest import login
from tests.factories.portal import member
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

FR = "128\u00a0569,00 EUR"
EN = "128,569.00 EUR"


@pytest.mark.parametrize(
    ("language", "value", "currency", "expected"),
    [
        ("fr", Decimal("128569"), "EUR", FR),
        ("en", Decimal("128569"), "EUR", EN),
        ("en", Decimal("43130"), "USD", "43,130.00 USD"),
        ("fr", Decimal("-1234.5"), "EUR", "-1\u00a0234,50 EUR"),
        ("en", Decimal("0.004"), "", "0.00"),
        ("en", None, "EUR", ""),
    ],
)
def test_money_filter(language, value, currency, expected):
    template = Template("{% load money %}{{ value|money:currency }}")
    with translation.override(language):
        assert format_money(value, currency) == expected
        assert template.render(Context({"value": value, "currency": currency})) == expected


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_amount_reads_the_same_on_every_page_mail_and_pdf(
    client, company, language, mailoutbox, django_capture_on_commit_callbacks
):
    expected = FR if language == "fr" else EN
    user = member(
        company,
        role=Role.APPROVER,
        email=f"money-{language}@acme.test",
        preferred_language=language,
        notification_prefs={Event.INVOICE_NEW: True},
    )
    account = BillingAccount.objects.create(
        company=company, number="BA-M", name="ACME", currency="EUR"
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(
            company=company,
            billing_account=account,
            number="F-MONEY-1",
            issue_date=date(2026, 11, 2),
            due_date=date(2026, 12, 2),
            lines=[
                {"description": "Servers", "quantity": 1, "unit_price": "128569", "tax_rate": 0}
            ],
        )
    assert invoice.total == Decimal("128569.00")
    order = OrderFactory(company=company, total=Decimal("128569.00"), currency="EUR")
    login(client, user, company)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    pages = {
        "orders list": client.get(reverse("orders:list")).content.decode(),
        "order detail": client.get(reverse("orders:detail", args=[order.number])).content.decode(),
        "list": client.get(reverse("invoices:list")).content.decode(),
        "detail": client.get(reverse("invoices:detail", args=[invoice.number])).content.decode(),
        "home": client.get(reverse("portal:home")).content.decode(),
        "statement accounts": client.get(reverse("statements:list")).content.decode(),
        "e-mail": mailoutbox[0].body,
        # a subject line's spaces are plain ones
        "e-mail subject": mailoutbox[0].subject.replace(" ", "\u00a0").replace("\u00a0EUR", " EUR"),
        "PDF": _pdf_text(client.get(reverse("invoices:pdf", args=[invoice.number]))),
    }
    # the e-mail and the PDF carry the same no-break space (the PDF text reads it as a space)
    pages["PDF"] = pages["PDF"].replace(" ", "\u00a0").replace("\u00a0EUR", " EUR")
    for where, text in pages.items():
        assert expected in text, where
    # the other spellings of the past are gone
    for where, text in pages.items():
        assert "128569,00" not in text and "128569.00" not in text, where


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("places", [0, 2, 3])
def test_the_quick_format_is_djangos_number_format(language, places):
    """format_number groups with Python and swaps in the language's separators: the same
    text as Django's number_format, which it skips for speed."""
    from django.utils import formats

    values = [0, 7, -7, 999, 1000, -1234.5, 999999.995, 10**12, Decimal("-0.001")]
    values += [Decimal(n * 7919 - 10**8) / 100 for n in range(0, 50000, 997)]
    for value in values:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
        with translation.override(language):
            expected = formats.number_format(number, places, use_l10n=True, force_grouping=True)
        if expected.startswith("-") and not number:
            expected = expected[1:]
        assert format_number(value, places, language=language) == expected
