"""ZIPs of invoice PDFs: streamed in the response up to INVOICE_ZIP_DIRECT_MAX invoices,
built by the worker (a portal job that e-mails a link when ready) beyond."""

import zipfile
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoices import rendering
from invoices.models import Invoice
from invoices.selectors import selected_invoices
from portal.jobs import job_start
from portal.models import Company, Job, User

MAX_ZIP_INVOICES = 500
ZIP_KIND = "invoices.zip"


def zip_direct_max() -> int:
    """Up to this many PDFs the ZIP streams in the response; more go to the worker."""
    return settings.INVOICE_ZIP_DIRECT_MAX


class _Sink:
    """A write-only target for zipfile that hands out what was written so far."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_stream(invoices: Iterable[Invoice], *, language: str) -> Iterator[bytes]:
    """Yield a ZIP of the invoices' PDFs piece by piece (each PDF from the document store)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[call-overload]
        for invoice in invoices:
            archive.writestr(
                rendering.filename(invoice), rendering.pdf_bytes(invoice, language=language)
            )
            yield sink.drain()
    yield sink.drain()


def invoice_zip_start(
    *, company: Company, user: User, numbers: Sequence[str], language: str
) -> Job:
    """A large selection: a worker builds the ZIP (portal.jobs) and e-mails a link when ready."""
    chosen = list(numbers)[:MAX_ZIP_INVOICES]
    found = list(selected_invoices(company, chosen).values_list("number", flat=True))
    if not found:
        raise ValidationError(_("Please select at least one invoice."), code="empty")
    return job_start(
        company=company,
        user=user,
        kind=ZIP_KIND,
        params={"numbers": found},
        total=len(found),
        language=language,
    )
