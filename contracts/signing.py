"""PAdES sealing of signed contracts with pyHanko.

The certificate comes from CONTRACT_SIGNING_P12 (+ CONTRACT_SIGNING_P12_PASSWORD)
in the environment (read by settings). Without it (embedded demo, tests) a throwaway self-signed
certificate is generated once under var/contract-signing/: the seal still proves
the PDF was not altered, only the trust anchor differs.
"""

import datetime
import fcntl
import io
import logging
import os
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

THROWAWAY_DIR_NAME = "contract-signing"


def throwaway_paths() -> tuple[Path, Path]:
    directory = Path(settings.VAR_DIR) / THROWAWAY_DIR_NAME
    return directory / "key.pem", directory / "cert.pem"


def ensure_throwaway_certificate() -> tuple[Path, Path]:
    """Create the self-signed demo certificate once; return (key path, cert path)."""
    key_path, cert_path = throwaway_paths()
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key_path.parent.mkdir(parents=True, exist_ok=True)
    with open(key_path.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers: one generates, all share
        if not (key_path.exists() and cert_path.exists()):
            _generate(key_path, cert_path)
    return key_path, cert_path


def _generate(key_path: Path, cert_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"{settings.PORTAL_BRAND} contract seal (demo)"
            ),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.PORTAL_BRAND),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    tmp_key = key_path.with_suffix(".tmp")
    tmp_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(tmp_key, 0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tmp_key.replace(key_path)


def load_signer():
    """The configured signer (PKCS#12 from the environment) or the throwaway one."""
    from pyhanko.sign import signers

    p12 = settings.CONTRACT_SIGNING_P12
    if p12:
        password = settings.CONTRACT_SIGNING_P12_PASSWORD
        signer = signers.SimpleSigner.load_pkcs12(
            p12, passphrase=password.encode() if password else None
        )
    else:
        key_path, cert_path = ensure_throwaway_certificate()
        signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if signer is None:
        raise RuntimeError("The contract signing certificate could not be loaded.")
    return signer


def seal_pdf(pdf: bytes, *, reason: str, location: str = "", name: str = "") -> bytes:
    """Add a PAdES signature (incremental update: the original bytes stay intact)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:100] or None,
        name=name[:100] or None,
        md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=load_signer())
    return out.getvalue()


def with_signature_record(document: bytes | None, record: bytes) -> bytes:
    """The signed version's own pages followed by the signature record, as one PDF.

    The record alone when the version is not a PDF (a DOCX, a spreadsheet: the record
    names it by its SHA-256) or when its PDF cannot be read (damaged or encrypted).
    """
    if document is None:
        return record
    from pypdf import PdfReader, PdfWriter

    try:
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(document)))
        writer.append(PdfReader(io.BytesIO(record)))
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # noqa: BLE001 - an unreadable PDF: the record is still signed
        log.warning("contract document not merged into the signed PDF: %s", exc)
        return record
    return out.getvalue()
