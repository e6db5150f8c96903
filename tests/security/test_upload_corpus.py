"""A corpus of hostile uploads: each is refused, or neutralised (stored under a generated
name with its sniffed type, served only as an attachment with nosniff)."""

import io
import struct
import time
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from portal.files import serve, store_upload, validate_upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png(extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + extra
        + chunk(b"IEND", b"")
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros in ~300 KB
                member.write(block)
    return buffer.getvalue()


REFUSED = [
    ("html renamed pdf", "invoice.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("html with leading spaces", "notes.txt", b"   \n<html><body onload=alert(1)>"),
    (
        "svg with script",
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    (
        "svg renamed png",
        "logo.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ),
    (
        "xhtml renamed txt",
        "readme.txt",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script/></html>',
    ),
    (
        "windows executable renamed jpg",
        "photo.jpg",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"PE\x00\x00",
    ),
    ("elf binary renamed pdf", "report.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120),
    ("java class renamed doc", "contract.docx", b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\x00" * 40),
    (
        "png/html polyglot",
        "chart.png",
        _png(b"<html><script>alert(document.cookie)</script></html>"),
    ),
    ("pdf/html polyglot", "scan.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"),
    (
        "jpeg/html polyglot",
        "img.jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<iframe src=javascript:alert(1)>",
    ),
    ("script in text", "message.txt", b"Hello <script>alert(1)</script>"),
    ("empty file", "empty.pdf", b""),
    ("binary noise", "data.csv", bytes(range(256)) * 4),
    (
        "ole compound (legacy office, macros)",
        "old.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
    ),
    ("gzip renamed zip", "archive.zip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 20),
]

NEUTRALISED = [
    # name, content, sniffed content type, expected stored original name
    ("path traversal name", "../../etc/passwd.pdf", PDF, "application/pdf", "passwd.pdf"),
    ("windows path name", "C:\\Windows\\system32\\evil.pdf", PDF, "application/pdf", "evil.pdf"),
    ("nul in name", "invoice\x00.exe.pdf", PDF, "application/pdf", "invoice.exe.pdf"),
    ("right-to-left override", "report\u202efdp.exe", PDF, "application/pdf", "reportfdp.exe"),
    ("300-character name", "a" * 296 + ".pdf", PDF, "application/pdf", None),
    (
        "zip holding html",
        "site.zip",
        _zip({"index.html": b"<script>alert(1)</script>"}),
        "application/zip",
        "site.zip",
    ),
    ("shell script as text", "install.txt", b"#!/bin/sh\nrm -rf /\n", "text/plain", "install.txt"),
]


@pytest.mark.parametrize(("label", "name", "content"), REFUSED, ids=[c[0] for c in REFUSED])
def test_hostile_file_is_refused_and_nothing_is_stored(label, name, content, tmp_path):
    with override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path)},
            }
        }
    ):
        with pytest.raises(ValidationError) as exc:
            store_upload(SimpleUploadedFile(name, content), company=None, user=None)
    assert exc.value.messages[0]  # a clear message for the user
    assert not any(tmp_path.rglob("*.*"))


def test_zip_bomb_is_refused_in_under_a_second_without_unpacking():
    bomb = _zip_bomb()
    assert len(bomb) < 2_000_000
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("backup.zip", bomb), max_bytes=10_000_000)
    assert time.perf_counter() - started < 1.0
    assert exc.value.code == "zip_bomb"


def test_oversized_file_is_refused(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
    assert exc.value.code == "too_large" and "1.0" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("label", "name", "content", "content_type", "stored_name"),
    NEUTRALISED,
    ids=[c[0] for c in NEUTRALISED],
)
def test_odd_names_and_harmless_content_are_neutralised(
    label, name, content, content_type, stored_name
):
    stored = store_upload(SimpleUploadedFile(name, content), company=None, user=None)
    assert stored.content_type == content_type
    assert "/" not in stored.original_name and "\x00" not in stored.original_name
    assert "\u202e" not in stored.original_name and len(stored.original_name) <= 120
    if stored_name:
        assert stored.original_name == stored_name
    generated = stored.storage_name.rsplit("/", 1)[-1]
    assert stored.original_name not in stored.storage_name and len(generated.split(".")[0]) == 32
    response = serve(stored)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == content_type


def test_the_corpus_has_at_least_twenty_hostile_files():
    assert len(REFUSED) + len(NEUTRALISED) + 1 >= 20
