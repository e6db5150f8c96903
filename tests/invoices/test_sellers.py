"""The selling entity per country and its configuration (INVOICE_SELLERS)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from invoices.sellers import seller_for
from portal.configuration import env_or_exit, json_mapping


def test_each_country_is_invoiced_by_its_own_entity_and_others_by_the_default():
    assert seller_for("FR")["name"] == "IBM France SAS"
    us = seller_for("US")
    assert us["name"] == "IBM Corporation" and us["tax_scheme"] == "sales_tax"
    assert "iban" not in us and us["payment"] == "ach"
    assert seller_for("BR")["name"] == "IBM France SAS"


def test_a_deployment_overrides_an_entity(settings):
    settings.INVOICE_SELLERS = {"US": {"account_number": "987654321"}, "BR": {"name": "IBM Brasil"}}
    assert seller_for("US")["account_number"] == "987654321"
    assert seller_for("US")["name"] == "IBM Corporation"
    assert seller_for("BR")["name"] == "IBM Brasil"


def test_a_malformed_setting_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("INVOICE_SELLERS", "{not json")
    with pytest.raises(ImproperlyConfigured) as exc:
        env_or_exit(json_mapping, "INVOICE_SELLERS", default={})
    assert str(exc.value).startswith("INVOICE_SELLERS: invalid value")
    monkeypatch.setenv("INVOICE_SELLERS", '["US"]')
    with pytest.raises(ImproperlyConfigured):
        env_or_exit(json_mapping, "INVOICE_SELLERS", default={})
    monkeypatch.setenv("INVOICE_SELLERS", '{"US": {"bank": "X"}}')
    assert env_or_exit(json_mapping, "INVOICE_SELLERS", default={}) == {"US": {"bank": "X"}}


@pytest.mark.django_db
def test_an_agent_cannot_store_a_due_date_that_disagrees_with_the_term():
    from datetime import date

    from django.core.exceptions import ValidationError

    from invoices.terms import PaymentTerm
    from tests.invoices.factories import InvoiceFactory

    invoice = InvoiceFactory(
        issue_date=date(2026, 3, 12), due_date=date(2026, 4, 30), terms=PaymentTerm.EOM_30
    )
    invoice.full_clean()
    invoice.due_date = date(2026, 4, 11)
    with pytest.raises(ValidationError) as exc:
        invoice.full_clean()
    assert "due_date" in exc.value.message_dict
