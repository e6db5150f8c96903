"""PDF documents: WeasyPrint with the shipped font, stored once, never online."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from portal import documents
from tests.portal.conftest import stored_paths

pytestmark = pytest.mark.django_db

CONTEXT = {"title": "Invoice INV-1", "when": dt.date(2026, 11, 27)}


def _font_names(pdf: bytes) -> str:
    """The fonts embedded in page 1, read with pyHanko's PDF reader."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0]
    fonts = page["/Resources"]["/Font"]
    return " ".join(str(fonts[name]["/BaseFont"]) for name in fonts)


def test_pdf_renders_with_the_shipped_dejavu_font(test_templates, caplog):
    caplog.set_level("WARNING", logger="weasyprint")

    pdf = documents.render_pdf_bytes("pdf/portal_test.html", CONTEXT, language="en")

    assert pdf.startswith(b"%PDF-")
    fonts = _font_names(pdf)
    assert "DejaVu-Sans" in fonts
    assert "Serif" not in fonts  # the page numbers too: nothing falls back to a system font
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_pdf_is_rendered_in_the_requested_language(test_templates):
    english = documents.render_pdf_bytes("pdf/portal_test.html", CONTEXT, language="en")
    french = documents.render_pdf_bytes("pdf/portal_test.html", CONTEXT, language="fr")

    assert english != french  # "Yes … Friday 27 November" against "Oui … vendredi 27 novembre"


def test_second_call_reuses_the_stored_pdf_without_writing_again(test_templates, storage_root):
    name = documents.get_or_render(
        "pdf/portal_test.html", CONTEXT, key="invoices/INV-1", language="en", version="v1"
    )
    files = stored_paths(storage_root)
    assert len(files) == 1
    first_mtime = files[0].stat().st_mtime_ns
    first_bytes = files[0].read_bytes()

    again = documents.get_or_render(
        "pdf/portal_test.html", CONTEXT, key="invoices/INV-1", language="en", version="v1"
    )

    assert again == name
    assert stored_paths(storage_root) == files
    assert files[0].stat().st_mtime_ns == first_mtime
    assert files[0].read_bytes() == first_bytes


def test_a_new_version_or_language_is_a_new_document(test_templates, storage_root):
    v1 = documents.get_or_render(
        "pdf/portal_test.html", CONTEXT, key="invoices/INV-1", language="en", version="v1"
    )
    v2 = documents.get_or_render(
        "pdf/portal_test.html", CONTEXT, key="invoices/INV-1", language="en", version="v2"
    )
    fr = documents.get_or_render(
        "pdf/portal_test.html", CONTEXT, key="invoices/INV-1", language="fr", version="v2"
    )

    assert len({v1, v2, fr}) == 3
    assert len(stored_paths(storage_root)) == 3


def test_pdf_response_serves_the_stored_document(test_templates, storage_root):
    response = documents.pdf_response(
        "pdf/portal_test.html",
        CONTEXT,
        key="invoices/INV-1",
        language="en",
        version="v1",
        filename="INV-1.pdf",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="INV-1.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert default_storage.exists(
        documents.storage_name("invoices/INV-1", language="en", version="v1")
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "/static/../portal/settings.py",
        "file:///etc/passwd?/static/",
    ],
)
def test_the_url_fetcher_refuses_the_network_and_files_outside_static(url):
    with pytest.raises(ValueError, match="Refused"):
        documents.local_fetcher()(url)


def test_the_url_fetcher_refuses_paths_escaping_static_through_dotdot():
    escaping = (documents.STATIC_ROOT_DIR / ".." / "manage.py").as_uri()
    look_alike = documents.STATIC_ROOT_DIR.with_name("static_evil").joinpath("x.css").as_uri()

    for url in (escaping, look_alike):
        with pytest.raises(ValueError, match="Refused"):
            documents.local_fetcher()(url)


def test_the_url_fetcher_serves_the_print_stylesheet_and_fonts():
    css = documents.local_fetcher()("/static/css/print-document.css")
    font = documents.local_fetcher()(
        (documents.STATIC_ROOT_DIR / "vendor/fonts/DejaVuSans.ttf").as_uri()
    )

    assert b"DejaVu Sans" in css.read()
    assert len(font.read()) > 100_000


def test_a_remote_image_in_a_template_is_not_fetched(test_templates, caplog):
    pdf = documents.render_pdf_bytes(
        "pdf/portal_test.html",
        {**CONTEXT, "image": "http://127.0.0.1:9/tracker.png"},
        language="en",
    )

    assert pdf.startswith(b"%PDF-")
    assert "Refused to fetch 'http://127.0.0.1:9/tracker.png'" in caplog.text
