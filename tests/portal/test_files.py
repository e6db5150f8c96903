"""Uploads: type by content, size limit, zip bombs, clean names, nothing stored on refusal."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal import files
from portal.models import StoredFile
from tests.portal.conftest import stored_paths

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (15, 98, 254)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_png_is_accepted_and_stored_under_a_generated_name(company, viewer, storage_root):
    stored = files.store_upload(upload("photo.PNG", png_bytes()), company=company, user=viewer)

    assert stored.content_type == files.PNG
    assert stored.original_name == "photo.PNG"
    assert stored.storage_name.startswith(f"private/company-{company.pk}/")
    assert stored.storage_name.endswith(".png")
    assert "photo" not in stored.storage_name
    assert [p.name for p in stored_paths(storage_root)] == [stored.storage_name.rsplit("/", 1)[1]]
    assert stored.size == len(png_bytes())


def test_pdf_is_accepted(company, viewer, storage_root):
    stored = files.store_upload(upload("scan.pdf", pdf_bytes()), company=company, user=viewer)

    assert stored.content_type == files.PDF


@pytest.mark.parametrize(
    "name,data",
    [
        ("invoice.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("polyglot.png", png_bytes()[:16] + b"<html><script>alert(1)</script>"),
    ],
)
def test_a_forbidden_type_is_refused_whatever_its_extension(
    name, data, company, viewer, storage_root
):
    with pytest.raises(ValidationError) as error:
        files.store_upload(upload(name, data, "application/pdf"), company=company, user=viewer)

    assert error.value.code == "bad_type"
    assert "is not an accepted type of file" in error.value.messages[0]
    assert stored_paths(storage_root) == []
    assert StoredFile.objects.count() == 0


def test_over_the_size_limit_is_refused_with_the_limit_in_the_message(
    settings, company, viewer, storage_root
):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as error:
        files.store_upload(
            upload("big.pdf", pdf_bytes() + b"%" * 2000), company=company, user=viewer
        )

    assert error.value.code == "too_large"
    assert "1.0\xa0KB" in error.value.messages[0]
    assert stored_paths(storage_root) == []
    assert StoredFile.objects.count() == 0


def test_an_empty_file_is_refused(company, viewer, storage_root):
    with pytest.raises(ValidationError) as error:
        files.store_upload(upload("empty.txt", b""), company=company, user=viewer)

    assert error.value.code == "empty"


def test_a_zip_bomb_is_refused_fast_without_unpacking(company, viewer, storage_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * (40 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024

    start = time.perf_counter()
    with pytest.raises(ValidationError) as error:
        files.store_upload(upload("report.zip", data), company=company, user=viewer)
    elapsed = time.perf_counter() - start

    assert error.value.code == "zip_bomb"
    assert elapsed < 1.0
    assert stored_paths(storage_root) == []


def test_an_ordinary_zip_and_an_office_document_are_accepted(company, viewer, storage_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "hello " * 100)
    plain = files.store_upload(upload("a.zip", buffer.getvalue()), company=company, user=viewer)

    from openpyxl import Workbook

    workbook_bytes = io.BytesIO()
    Workbook().save(workbook_bytes)
    sheet = files.store_upload(
        upload("figures.xlsx", workbook_bytes.getvalue()), company=company, user=viewer
    )

    assert plain.content_type == files.ZIP
    assert sheet.content_type == files.XLSX
    assert sheet.storage_name.endswith(".xlsx")


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("report\x00.pdf", "report.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("  ..hidden. ", "hidden"),
        ("", "file"),
        ("a" * 300 + ".pdf", "a" * 110 + ".pdf"),
    ],
)
def test_original_names_are_cleaned(raw, clean):
    assert files.clean_name(raw) == clean


def test_a_traversal_name_is_kept_only_as_clean_metadata(company, viewer, storage_root):
    stored = files.store_upload(
        upload("../../../evil\u202efdp.png", png_bytes()), company=company, user=viewer
    )

    assert stored.original_name == "evilfdp.png"
    assert all(storage_root in p.parents for p in stored_paths(storage_root))
    assert ".." not in stored.storage_name


def test_blobs_are_removed_when_the_transaction_fails(company, viewer, storage_root):
    with pytest.raises(RuntimeError):
        with files.atomic_with_files() as stored:
            stored.append(
                files.store_upload(upload("a.png", png_bytes()), company=company, user=viewer)
            )
            raise RuntimeError("the service failed after storing the file")

    assert stored_paths(storage_root) == []
    assert StoredFile.objects.count() == 0


def test_serve_streams_a_private_file_as_an_attachment(company, viewer, storage_root):
    stored = files.store_upload(upload("photo.png", png_bytes()), company=company, user=viewer)

    response = files.serve(stored)

    assert response.status_code == 200
    assert response["Content-Type"] == files.PNG
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png_bytes()


def test_inline_images_are_sandboxed_pdfs_may_be_previewed(company, viewer, storage_root):
    image = files.store_upload(upload("photo.png", png_bytes()), company=company, user=viewer)
    pdf = files.store_upload(upload("scan.pdf", pdf_bytes()), company=company, user=viewer)

    image_response = files.serve(image, inline=True)
    pdf_response = files.serve(pdf, inline=True)

    assert "sandbox" in image_response["Content-Security-Policy"]
    assert "sandbox" not in pdf_response["Content-Security-Policy"]
    assert pdf_response["Content-Disposition"].startswith("inline")
    assert pdf_response["X-Frame-Options"] == "SAMEORIGIN"


def test_s3_downloads_redirect_to_a_short_lived_signed_url(settings, company, viewer):
    settings.AWS_STORAGE_BUCKET_NAME = "portal-private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "portal-private",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "test",
                "secret_key": "test-secret",
                "region_name": "eu-west-1",
                "querystring_auth": True,
                "querystring_expire": 60,
                "signature_version": "s3v4",
            },
        },
    }
    stored = StoredFile.objects.create(
        company=company,
        storage_name="private/x/abc.pdf",
        original_name="relevé « nov ».pdf",
        content_type=files.PDF,
        size=10,
        sha256="0" * 64,
        uploaded_by=viewer,
    )

    response = files.serve(stored)

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9/portal-private/private/x/abc.pdf?")
    assert "X-Amz-Expires=60" in location
    assert "X-Amz-Signature=" in location
    assert "filename%2A%3Dutf-8%27%27relev%25C3%25A9" in location  # RFC 6266 name survives


def test_a_row_that_cannot_be_written_leaves_no_blob(company, storage_root):
    from portal.models import User

    unsaved = User(email="ghost@example.com")  # Django refuses to save a row pointing at it

    with pytest.raises(ValueError, match="unsaved related object"):
        files.store_upload(upload("a.png", png_bytes()), company=company, user=unsaved)

    assert stored_paths(storage_root) == []
    assert StoredFile.objects.count() == 0
