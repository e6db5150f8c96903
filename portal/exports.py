"""CSV (streamed row by row) and XLSX (openpyxl write-only) from one column definition.

A list page declares its columns once; the same definition feeds both formats.
Cells starting with = + - @ tab or CR are neutralised against formula injection.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: Any  # a (lazy) translatable label
    value: Callable[[Any], Any]


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, Decimal, int, float)):
        return value
    return neutralise(str(value))


def rows_of(items: Iterable[Any], columns: list[Column]) -> Iterator[list[Any]]:
    for item in items:
        yield [_cell(col.value(item)) for col in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    items: Iterable[Any], columns: list[Column], filename: str
) -> StreamingHttpResponse:
    """Stream rows as they are read; pass a queryset `.iterator(chunk_size=...)` for flat memory."""
    writer = csv.writer(_Echo())
    # The body is read after the view returned: keep the request's language for
    # translated headers and labels.
    language = translation.get_language()

    def stream() -> Iterator[str]:
        with translation.override(language):
            yield "\ufeff"  # BOM so spreadsheet programs read UTF-8
            yield writer.writerow([str(c.header) for c in columns])
            for row in rows_of(items, columns):
                yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_file(items: Iterable[Any], columns: list[Column], sheet: str = "Export") -> Any:
    """Write a workbook in write-only mode to a temporary file and return it (seeked to 0)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    header = []
    for col in columns:
        cell = WriteOnlyCell(worksheet, value=str(col.header))
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    for row in rows_of(items, columns):
        worksheet.append(row)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(
    items: Iterable[Any], columns: list[Column], filename: str, sheet: str = "Export"
) -> FileResponse:
    response = FileResponse(
        xlsx_file(items, columns, sheet),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(
    fmt: str, items: Iterable[Any], columns: list[Column], filename: str
) -> StreamingHttpResponse | FileResponse:
    """`fmt` is "csv" or "xlsx" (anything else is the caller's 404)."""
    if fmt == "xlsx":
        return xlsx_response(items, columns, filename)
    return csv_response(items, columns, filename)


def _counted(items: Iterable[Any], progress: Callable[[int], None] | None) -> Iterator[Any]:
    done = 0
    for item in items:
        yield item
        done += 1
        if progress is not None and done % 500 == 0:
            progress(done)
    if progress is not None:
        progress(done)


def export_bytes(
    fmt: str,
    items: Iterable[Any],
    columns: list[Column],
    *,
    sheet: str = "Export",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The whole export as a file's bytes (a background job stores it); `progress(rows)`."""
    items = _counted(items, progress)
    if fmt == "xlsx":
        handle = xlsx_file(items, columns, sheet)
        try:
            return handle.read()
        finally:
            handle.close()
    with tempfile.TemporaryFile("w+b") as raw:
        writer = csv.writer(_Lines(raw))
        raw.write("\ufeff".encode())
        writer.writerow([str(c.header) for c in columns])
        for row in rows_of(items, columns):
            writer.writerow(row)
        raw.seek(0)
        return raw.read()


class _Lines:
    """A text target for csv.writer that writes UTF-8 to a binary file."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def write(self, value: str) -> int:
        return self.handle.write(value.encode("utf-8"))
