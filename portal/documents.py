"""HTML -> PDF with WeasyPrint, stored in the default storage and reused.

A document is identified by a key (e.g. ``invoices/INV-1``), the language and a
`version` string that changes whenever the source data changes (an updated_at
timestamp, a hash). The same key+language+version is rendered once; later
downloads read the stored file. Fonts and the print stylesheet ship in the repo
and the URL fetcher refuses anything outside it, so rendering never goes online.
"""

import functools
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation

from portal.files import serve_storage

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"
PRINT_CSS = STATIC_ROOT_DIR / "css" / "print-document.css"

# Paper per country of the company a document is for: Letter in North America, A4 elsewhere.
# Every PDF of the portal goes through render_pdf_bytes, which applies it.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE"})
# Part of every stored document's name: a change of layout renders stored documents again.
LAYOUT_VERSION = "2"


def page_size(country_code: str | None) -> str:
    return "Letter" if (country_code or "").upper() in LETTER_COUNTRIES else "A4"


def document_country(context: dict[str, Any]) -> str | None:
    """The country of the company the document is for: `company`, or the company of a
    `contract`/`invoice`/`credit_note` in the context."""
    company = context.get("company")
    if company is None:
        for key in ("invoice", "credit_note", "contract"):
            company = getattr(context.get(key), "company", None)
            if company is not None:
                break
    country = getattr(company, "country", None)
    return getattr(country, "code", None)


def _inside_static(path: Path) -> bool:
    return STATIC_ROOT_DIR.resolve() in path.resolve().parents


def allowed_path(url: str) -> Path | None:
    """The file under static/ that `url` names (/static/... or file:), else None.

    The path is resolved before the check, so ``..`` or a look-alike prefix cannot
    reach a file outside static/ (it would end up embedded in a customer's PDF).
    """
    if url.startswith(settings.STATIC_URL) or url.startswith("/static/"):
        relative = unquote(urlsplit(url).path.split("/static/", 1)[1])
        path = STATIC_ROOT_DIR / relative
    elif url.startswith("file:"):
        parts = urlsplit(url)
        if parts.netloc or parts.query:
            return None
        path = Path(url2pathname(unquote(parts.path)))
        if not _inside_static(path) and parts.path.startswith(settings.STATIC_URL):
            # "/static/..." in a template, joined to the file: base URL by WeasyPrint.
            path = STATIC_ROOT_DIR / unquote(parts.path)[len(settings.STATIC_URL) :]
    else:
        return None
    return path.resolve() if _inside_static(path) else None


def local_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the repo's static/ files and data: URLs only."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = allowed_path(url)
            if path is None:
                raise ValueError(f"Refused to fetch {url!r} while rendering a PDF")
            return super().fetch(path.as_uri(), headers)

    return LocalFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def render_pdf_bytes(
    template: str,
    context: dict[str, Any],
    *,
    language: str,
    country: str | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """`country` (default: the context's company's) chooses the paper size;
    `pdf_variant` e.g. "pdf/a-3b" for a Factur-X invoice."""
    from weasyprint import CSS, HTML

    paper = page_size(country or document_country(context))
    with translation.override(language):
        html = render_to_string(
            template, {**context, "brand": settings.PORTAL_BRAND, "paper": paper}
        )
    fetcher = local_fetcher()
    return HTML(string=html, base_url=str(STATIC_ROOT_DIR), url_fetcher=fetcher).write_pdf(
        stylesheets=[
            CSS(filename=str(PRINT_CSS), url_fetcher=fetcher),
            CSS(
                string=f"@page {{ size: {paper} !important; }} "
                f"@page wide {{ size: {paper} landscape !important; }}"
            ),  # wide tables (order reports) keep the landscape page
        ],
        pdf_variant=pdf_variant,
    )


@functools.cache
def layout_version() -> str:
    """A digest of every PDF template and the print stylesheet: a stored PDF made with an
    earlier layout (a table that ran off the page, an old money format) is made again."""
    sources = sorted(Path(settings.BASE_DIR).glob("*/templates/pdf/*.html"))
    sources += [PRINT_CSS]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def storage_name(key: str, *, language: str, version: str) -> str:
    layout = layout_version()
    digest = hashlib.sha256(
        f"{key}|{language}|{version}|{layout}|{LAYOUT_VERSION}".encode()
    ).hexdigest()[:24]
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
) -> HttpResponseBase:
    """Gated views call this after fetching the object through a scoped queryset."""
    name = get_or_render(template, context, key=key, language=language, version=version)
    return serve_storage(name, filename=filename, content_type="application/pdf", inline=inline)
