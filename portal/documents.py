"""HTML -> PDF with WeasyPrint, stored in the default storage and reused.

A document is identified by a key (e.g. ``invoices/INV-1``), the language and a
`version` string that changes whenever the source data changes (an updated_at
timestamp, a hash). The same key+language+version is rendered once; later
downloads read the stored file. Fonts and the print stylesheet ship in the repo
and the URL fetcher refuses anything outside it, so rendering never goes online.
"""

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from portal.files import serve_storage

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"
PRINT_CSS = STATIC_ROOT_DIR / "css" / "print-document.css"


def _local_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Serve /static/ and file: URLs from the repo; refuse the network."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("/static/") or url.startswith(settings.STATIC_URL):
        path = (STATIC_ROOT_DIR / url.split("/static/", 1)[1]).resolve()
        if STATIC_ROOT_DIR.resolve() in path.parents:
            return default_url_fetcher(path.as_uri())
    if url.startswith("file://") and str(STATIC_ROOT_DIR.resolve()) in url:
        return default_url_fetcher(url)
    if url.startswith("data:"):
        return default_url_fetcher(url)
    raise ValueError(f"Refused to fetch {url!r} while rendering a PDF")


def render_pdf_bytes(template: str, context: dict[str, Any], *, language: str) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "brand": settings.PORTAL_BRAND})
    return HTML(string=html, base_url=str(STATIC_ROOT_DIR), url_fetcher=_local_fetcher).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS), url_fetcher=_local_fetcher)]
    )


def storage_name(key: str, *, language: str, version: str) -> str:
    digest = hashlib.sha256(f"{key}|{language}|{version}".encode()).hexdigest()[:24]
    safe_key = "".join(c if c.isalnum() or c in "-_/" else "-" for c in key)
    return f"documents/{safe_key}-{language}-{digest}.pdf"


def get_or_render(
    template: str, context: dict[str, Any], *, key: str, language: str, version: str
) -> str:
    """Return the storage name of the PDF, rendering it only if not stored yet."""
    name = storage_name(key, language=language, version=version)
    if not default_storage.exists(name):
        data = render_pdf_bytes(template, context, language=language)
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent render won the race: keep one copy
            default_storage.delete(saved)
    return name


def pdf_response(
    template: str,
    context: dict[str, Any],
    *,
    key: str,
    language: str,
    version: str,
    filename: str,
    inline: bool = True,
) -> HttpResponse:
    """Gated views call this after fetching the object through a scoped queryset."""
    name = get_or_render(template, context, key=key, language=language, version=version)
    return serve_storage(name, filename=filename, content_type="application/pdf", inline=inline)
