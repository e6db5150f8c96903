"""The signature record states the final status, UTC times with Z and who signed for whom;
the contract page says whether its history verifies."""

import datetime as dt
import io
import re

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from contracts.models import ContractEvent, ContractStatus
from portal.models import Role
from tests.conftest import login
from tests.contracts.factories import contract_in
from tests.factories.portal import member

pytestmark = pytest.mark.django_db


def test_signature_record_states_signed_utc_times_and_for_whom(company):
    contract = contract_in(ContractStatus.SIGNED, company)
    with default_storage.open(contract.current_version.signed_document.storage_name, "rb") as fh:
        pages = PdfReader(io.BytesIO(fh.read())).pages
    record = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert "Status Signed" in record
    assert f"Signed for {company.name} (customer number {company.customer_number})" in record
    signature = contract.signatures.get()
    expected = signature.signed_at.astimezone(dt.UTC)
    assert expected.strftime("%Y-%m-%dT%H:%M:%SZ") in record
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record)
    assert "+01:00" not in record and "+00:00" not in record


def test_contract_page_shows_history_verified_then_a_warning_when_the_chain_breaks(client, company):
    contract = contract_in(ContractStatus.SIGNED, company)
    login(client, member(company, role=Role.VIEWER), company)
    page = client.get(contract.get_absolute_url()).text
    assert "History verified" in page and "does not verify" not in page
    target = contract.events.get(action="route")
    ContractEvent.objects.filter(pk=target.pk).update(note="approved by nobody")
    page = client.get(contract.get_absolute_url()).text
    assert "History verified" not in page
    assert f"does not verify from entry {target.seq} on" in page
