"""Private files: upload validation, storage under generated names, gated downloads.

A file's type is decided by its content (magic bytes), never by its extension.
Stored names are generated; the original name is kept as metadata only. A
download is served only after the caller's view has passed the gate and fetched
the owning object through a company-scoped queryset.
"""

import hashlib
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal.models import Company, StoredFile, User
from portal.observability import security_event

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TEXT = "text/plain"
CSV = "text/csv"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

DOCUMENTS = frozenset({PDF, DOCX, XLSX, PPTX, ODT, ODS, TEXT, CSV})
IMAGES = frozenset({PNG, JPEG, GIF, WEBP})
ATTACHMENTS = DOCUMENTS | IMAGES | {ZIP}

EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    GIF: "gif",
    WEBP: "webp",
    TEXT: "txt",
    CSV: "csv",
    ZIP: "zip",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    ODT: "odt",
    ODS: "ods",
}
ZIP_MAX_RATIO = 100
ZIP_MAX_TOTAL = 200 * 1024 * 1024
ZIP_MAX_MEMBERS = 10_000
_HTML_MARKERS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")
# What a browser would run if it sniffed a binary file as HTML (PDFs may carry XML
# metadata, so "<?xml" and "<svg" alone do not condemn a PDF or an image).
_ACTIVE_MARKERS = (b"<html", b"<!doctype", b"<script", b"<body", b"<iframe", b"javascript:")


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _head(upload: File, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _carries_active_markup(head: bytes) -> bool:
    lowered = head.lower()
    return any(marker in lowered for marker in _ACTIVE_MARKERS)


def _looks_like_markup(head: bytes) -> bool:
    lowered = head.lower()
    return any(marker in lowered for marker in _HTML_MARKERS)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the end is fine
            return False
    return True


def _office_type(upload: File) -> str | None:
    """Inspect a ZIP's directory (never its contents) to tell OOXML/ODF from a plain zip."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise ValidationError(_("This archive holds too many files."), code="zip_bomb")
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > ZIP_MAX_TOTAL or total / packed > ZIP_MAX_RATIO:
                raise ValidationError(
                    _("This archive expands to far more than its size; it was refused."),
                    code="zip_bomb",
                )
            names = {i.filename for i in infos}
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "ignore").strip()
                return {ODT: ODT, ODS: ODS}.get(mimetype, ZIP)
    except zipfile.BadZipFile:
        raise ValidationError(_("This archive is damaged."), code="bad_zip") from None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
    return ZIP


def sniff(upload: File) -> Sniffed | None:
    head = _head(upload)
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime in {ZIP, DOCX, XLSX, PPTX} or mime.startswith("application/vnd.oasis"):
            mime = _office_type(upload) or ZIP
        if mime in (PNG, JPEG, GIF, WEBP, PDF) and _carries_active_markup(head[4:]):
            return None  # polyglot: image or PDF header with markup behind it
        if mime in EXTENSIONS:
            return Sniffed(mime, EXTENSIONS[mime])
        return Sniffed(mime, "bin")
    if head and _is_text(head) and not _looks_like_markup(head):
        return Sniffed(TEXT, "txt")
    return None


def clean_name(name: str) -> str:
    """Original name kept as metadata: no path, no control or bidi characters, bounded."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip(" .") or "file"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:110] + dot + ext[:8]) if dot else name[:120]
    return name


def validate_upload(
    upload: UploadedFile, *, allowed: frozenset[str] = ATTACHMENTS, max_bytes: int | None = None
) -> Sniffed:
    """Raise ValidationError with a message for the user; return the sniffed type.
    Every refusal is a security event (the code and size, never the content)."""
    try:
        return _validate_upload(upload, allowed=allowed, max_bytes=max_bytes)
    except ValidationError as exc:
        security_event(None, "upload_refused", code=exc.code, size=upload.size)
        raise


def _validate_upload(
    upload: UploadedFile, *, allowed: frozenset[str], max_bytes: int | None
) -> Sniffed:
    limit = max_bytes or settings.PORTAL_UPLOAD_MAX_BYTES
    name = clean_name(upload.name or "")
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large: the limit is %(limit)s per file.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    sniffed = sniff(upload)
    if sniffed is None or sniffed.content_type not in allowed:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted type of file (PDF, images, office documents, text or zip)."
            )
            % {"name": name},
            code="bad_type",
        )
    _scan(upload, name)
    return sniffed


def _scan(upload: UploadedFile, name: str) -> None:
    """The optional clamd scan (portal.malware): a flagged file is refused and logged."""
    from portal import malware

    if not malware.enabled():
        return
    try:
        signature = malware.scan(upload)
    except malware.ScannerUnavailable as exc:
        security_event(None, "upload_scan_unavailable", error=str(exc)[:200])
        raise ValidationError(
            _("“%(name)s” could not be checked for viruses just now. Please try again later.")
            % {"name": name},
            code="scan_unavailable",
        ) from None
    if signature is not None:
        security_event(None, "upload_malware", signature=signature[:100], size=upload.size)
        raise ValidationError(
            _(
                "“%(name)s” contains a virus or malware (%(signature)s) and was refused. "
                "Clean the file and send it again."
            )
            % {"name": name, "signature": signature[:100]},
            code="malware",
        )


def store_upload(
    upload: UploadedFile,
    *,
    company: Company | None,
    user: User | None,
    allowed: frozenset[str] = ATTACHMENTS,
    max_bytes: int | None = None,
) -> StoredFile:
    """Validate and store one upload. Call inside the caller's transaction: if it
    rolls back, `discard_orphans` (or the storage cleanup) removes the blob."""
    sniffed = validate_upload(upload, allowed=allowed, max_bytes=max_bytes)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    prefix = f"company-{company.pk}" if company else "shared"
    storage_name = default_storage.save(
        f"private/{prefix}/{uuid.uuid4().hex}.{sniffed.extension}", upload
    )
    return _record(
        storage_name,
        company=company,
        original_name=clean_name(upload.name or ""),
        content_type=sniffed.content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )


def store_bytes(
    data: bytes, *, name: str, content_type: str, company: Company | None, user: User | None = None
) -> StoredFile:
    """Store generated content (a PDF, a ZIP) as a private file."""
    from django.core.files.base import ContentFile

    ext = EXTENSIONS.get(content_type, "bin")
    prefix = f"company-{company.pk}" if company else "shared"
    storage_name = default_storage.save(
        f"private/{prefix}/{uuid.uuid4().hex}.{ext}", ContentFile(data)
    )
    return _record(
        storage_name,
        company=company,
        original_name=clean_name(name),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )


def _record(storage_name: str, **fields: object) -> StoredFile:
    """The StoredFile row of a blob just written; if the row cannot be written the
    blob is deleted again, so a failure leaves no file without its row."""
    try:
        with transaction.atomic():
            return StoredFile.objects.create(storage_name=storage_name, **fields)
    except BaseException:
        default_storage.delete(storage_name)
        raise


def serve(stored: StoredFile, *, inline: bool = False) -> HttpResponseBase:
    """Stream a private file (filesystem) or redirect to a short-lived signed URL (S3).

    Call only after the gate and a company-scoped lookup of the owning object.
    """
    return serve_storage(
        stored.storage_name,
        filename=stored.original_name,
        content_type=stored.content_type,
        inline=inline,
    )


def serve_storage(
    storage_name: str, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponseBase:
    if settings.AWS_STORAGE_BUCKET_NAME:
        url = default_storage.url(  # type: ignore[call-arg]  # S3Storage.url's parameters
            storage_name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(not inline, filename),
                "ResponseContentType": content_type,
            },
        )
        return HttpResponseRedirect(url)
    response = FileResponse(
        default_storage.open(storage_name, "rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        # A preview may sit in a same-origin frame; it runs no script of ours.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; frame-ancestors 'self'"
            if content_type == "application/pdf"  # Chromium's viewer refuses a sandboxed PDF
            else "default-src 'none'; frame-ancestors 'self'; sandbox"
        )
    return response


def discard(stored_files: list[StoredFile]) -> None:
    """Remove blobs written before a failure so nothing half-saved is left behind."""
    for stored in stored_files:
        default_storage.delete(stored.storage_name)


@contextmanager
def atomic_with_files() -> Iterator[list[StoredFile]]:
    """`with atomic_with_files() as stored:` a transaction whose stored blobs are
    deleted again if it fails, so nothing half-saved survives an error.
    Append each StoredFile you create to `stored`."""
    stored: list[StoredFile] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        discard(stored)
        raise
