import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from contracts.history import verify_chain
from contracts.models import ContractEvent, ContractStatus
from contracts.signing import ensure_throwaway_certificate, with_signature_record
from tests.contracts.factories import contract_in, pdf_upload

pytestmark = pytest.mark.django_db


def _validation_context():
    _key, cert = ensure_throwaway_certificate()
    return ValidationContext(trust_roots=[load_cert_from_pemder(str(cert))])


def test_signed_pdf_carries_a_valid_pades_signature(company):
    contract = contract_in(ContractStatus.SIGNED, company)
    stored = contract.current_version.signed_document
    with default_storage.open(stored.storage_name, "rb") as fh:
        data = fh.read()
    reader = PdfFileReader(io.BytesIO(data))
    (embedded,) = reader.embedded_signatures
    assert embedded.field_name == "Signature1"
    status = validate_pdf_signature(embedded, _validation_context())
    assert status.intact
    assert status.valid
    assert status.trusted
    assert "/ETSI.CAdES.detached" in str(embedded.sig_object["/SubFilter"])
    assert contract.number in str(embedded.sig_object["/Reason"])


def _two_page_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=300, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_signed_pdf_is_the_contract_document_then_the_signature_record(company):
    from pypdf import PdfReader

    contract = contract_in(
        ContractStatus.SIGNED, company, document=pdf_upload("terms.pdf", _two_page_pdf())
    )
    with default_storage.open(contract.current_version.signed_document.storage_name, "rb") as fh:
        data = fh.read()
    pages = PdfReader(io.BytesIO(data)).pages
    assert [(round(p.mediabox.width), round(p.mediabox.height)) for p in pages[:2]] == [
        (300, 200),
        (300, 200),
    ]
    record = " ".join(" ".join(p.extract_text().split()) for p in pages[2:])
    assert "the document of version 1, exactly as signed" in record
    assert contract.current_version.sha256 in record.replace(" ", "")
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    assert validate_pdf_signature(embedded, _validation_context()).intact


def test_an_unreadable_pdf_leaves_the_record_alone():
    assert with_signature_record(b"%PDF-1.4\nnot really a PDF", b"record") == b"record"
    assert with_signature_record(None, b"record") == b"record"


def test_a_modified_signed_pdf_no_longer_validates(company):
    contract = contract_in(ContractStatus.SIGNED, company)
    with default_storage.open(contract.current_version.signed_document.storage_name, "rb") as fh:
        data = bytearray(fh.read())
    # flip one byte inside the signed range (the first page's content)
    index = data.index(b"stream") + 20
    data[index] = (data[index] + 1) % 256
    embedded = PdfFileReader(io.BytesIO(bytes(data)), strict=False).embedded_signatures[0]
    status = validate_pdf_signature(embedded, _validation_context())
    assert not status.intact


def test_history_chain_is_intact_then_catches_an_edited_row(company):
    first = contract_in(ContractStatus.ACTIVE, company)
    second = contract_in(ContractStatus.SIGNED, company)
    assert verify_chain() is None
    call_command("verify_contract_history")

    target = second.events.get(action="route")
    ContractEvent.objects.filter(pk=target.pk).update(note="approved by nobody")
    broken = verify_chain()
    assert broken is not None
    assert (broken.contract_number, broken.seq, broken.reason) == (
        second.number,
        target.seq,
        "content altered",
    )
    with pytest.raises(CommandError) as exc:
        call_command("verify_contract_history")
    assert f"contract {second.number}" in str(exc.value)
    assert f"entry #{target.seq}" in str(exc.value)
    assert verify_chain(first.__class__.objects.filter(pk=first.pk)) is None


def test_history_chain_catches_a_deleted_row_and_a_rehashed_row(company):
    contract = contract_in(ContractStatus.SIGNED, company)
    contract.events.filter(seq=3).delete()
    broken = verify_chain()
    assert (broken.seq, broken.reason) == (4, "missing entry")

    other = contract_in(ContractStatus.SUBMITTED, company)
    event = other.events.get(seq=2)
    event.note = "rewritten"
    event.hash = event.compute_hash()  # recomputed: the next entry's prev_hash no longer matches
    event.save()
    broken = verify_chain(type(other).objects.filter(pk=other.pk))
    assert (broken.seq, broken.reason) == (3, "previous hash")


def test_history_chain_catches_removed_latest_entries(company):
    contract = contract_in(ContractStatus.SIGNED, company)
    last = contract.events.order_by("-seq").first()
    last.delete()
    broken = verify_chain()
    assert (broken.contract_number, broken.reason) == (contract.number, "latest entries missing")


def test_configured_pkcs12_certificate_is_used(company, tmp_path, settings):
    """CONTRACT_SIGNING_P12 (+ password) from the environment replaces the throwaway one."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Configured contract seal")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "seal.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", key, cert, None, serialization.BestAvailableEncryption(b"s3cret")
        )
    )
    settings.CONTRACT_SIGNING_P12 = str(path)
    settings.CONTRACT_SIGNING_P12_PASSWORD = "s3cret"
    contract = contract_in(ContractStatus.SIGNED, company)
    with default_storage.open(contract.current_version.signed_document.storage_name, "rb") as fh:
        embedded = PdfFileReader(io.BytesIO(fh.read())).embedded_signatures[0]
    trusted = ValidationContext(
        trust_roots=[load_cert_from_pemder_bytes(cert.public_bytes(serialization.Encoding.PEM))]
    )
    status = validate_pdf_signature(embedded, trusted)
    assert status.intact and status.valid and status.trusted
    assert "Configured contract seal" in embedded.signer_cert.subject.human_friendly


def load_cert_from_pemder_bytes(data: bytes):
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    _type, _headers, der = pem.unarmor(data)
    return asn1_x509.Certificate.load(der)
