"""CSV (streamed row by row) and XLSX (openpyxl write-only) from one column definition.

A list page declares its columns once; the same definition feeds both formats.
Cells starting with = + - @ tab or CR are neutralised against formula injection.

Both files speak the reader's language, so they open as numbers in Excel:
- CSV: UTF-8 with a BOM; French readers get `;` between fields and decimal
  commas (what French Excel expects), English readers `,` and decimal points.
  Dates are ISO (2026-09-30), which every spreadsheet reads as a date.
- XLSX: a sheet named after its content, a bold frozen header row with an
  autofilter, column widths by type, amounts with a number format (and their
  currency when the column says which), dates as dates in the reader's order,
  and a totals row for the amount columns that add up (`Column(total=True)`), one
  per currency ("Total EUR", "Total USD") when the rows hold several currencies.
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
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
# Sheet names cannot hold these characters (Excel refuses the file).
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMATS = {"fr": "dd/mm/yyyy", "en": "mm/dd/yyyy"}
DATETIME_FORMATS = {"fr": "dd/mm/yyyy hh:mm", "en": "mm/dd/yyyy hh:mm"}


@dataclass(frozen=True)
class Column:
    header: Any  # a (lazy) translatable label
    value: Callable[[Any], Any]
    # XLSX extras: the row's currency for an amount column, and whether the page
    # shows a total of this column (a totals row is added below the data).
    currency: Callable[[Any], str] | None = None
    total: bool = False


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def csv_dialect(language: str) -> tuple[str, str]:
    """(field separator, decimal separator) a spreadsheet of that language expects."""
    return (";", ",") if language == "fr" else (",", ".")


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


def _csv_value(value: Any, decimal_separator: str) -> Any:
    if isinstance(value, (Decimal, float)) and decimal_separator != ".":
        return str(value).replace(".", decimal_separator)
    return value


def csv_lines(items: Iterable[Any], columns: list[Column], language: str) -> Iterator[str]:
    """The CSV text, line by line, in the dialect of `language` (BOM first)."""
    delimiter, decimal_separator = csv_dialect((language or "en").split("-")[0])
    writer = csv.writer(_Echo(), delimiter=delimiter)
    with translation.override(language):
        yield "\ufeff"  # BOM so spreadsheet programs read UTF-8
        yield writer.writerow([str(c.header) for c in columns])
        for row in rows_of(items, columns):
            yield writer.writerow([_csv_value(v, decimal_separator) for v in row])


def csv_response(
    items: Iterable[Any], columns: list[Column], filename: str
) -> StreamingHttpResponse:
    """Stream rows as they are read; pass a queryset `.iterator(chunk_size=...)` for flat memory."""
    # The body is read after the view returned: keep the request's language for
    # translated headers, labels and the CSV dialect.
    language = _language()

    def stream() -> Iterator[str]:
        yield from csv_lines(items, columns, language)

    response = StreamingHttpResponse(stream(), content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def sheet_title(title: Any) -> str:
    """A valid sheet name (31 characters, no [ ] : * ? / \\)."""
    text = " ".join(str(title).translate(_SHEET_FORBIDDEN).split()).strip("'")
    return text[:31] or "Sheet"


def _width(column: Column, sample: Any) -> float:
    header = len(str(column.header)) + 3
    if isinstance(sample, datetime):
        return max(header, 17)
    if isinstance(sample, date):
        return max(header, 12)
    if isinstance(sample, (Decimal, float, int)):
        return max(header, 16 if column.currency else 14)
    return min(max(header, 18), 50)


def xlsx_file(items: Iterable[Any], columns: list[Column], sheet: Any = None) -> Any:
    """Write a workbook in write-only mode to a temporary file and return it (seeked to 0)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    language = _language()
    date_format = DATE_FORMATS.get(language, DATE_FORMATS["en"])
    datetime_format = DATETIME_FORMATS.get(language, DATETIME_FORMATS["en"])
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet_title(sheet or _("Export")))
    worksheet.freeze_panes = "A2"
    rows = iter(items)
    first = next(rows, None)
    samples = [col.value(first) if first is not None else None for col in columns]
    for index, (col, sample) in enumerate(zip(columns, samples, strict=True), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = _width(col, sample)
    header = []
    for col in columns:
        cell = WriteOnlyCell(worksheet, value=str(col.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    worksheet.append(header)
    # One totals row per currency (summing euros and dollars into one figure would
    # be wrong): rows are grouped by the currency of their first totalled column.
    totals: dict[str, list[Decimal]] = {}
    totalled = [col for col in columns if col.total]
    key_column = next((col for col in totalled if col.currency), None)
    count = 0

    def cell_of(col: Column, item: Any, value: Any, code: str | None = None) -> Any:
        if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, (Decimal, float)):
                if code is None:
                    code = col.currency(item) if col.currency and item is not None else ""
                cell.number_format = f'{AMOUNT_FORMAT} "{code}"' if code else AMOUNT_FORMAT
            return cell
        if isinstance(value, datetime):
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = datetime_format
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = date_format
            return cell
        return value

    def all_items() -> Iterator[Any]:
        if first is not None:
            yield first
            yield from rows

    for item in all_items():
        values = [_cell(col.value(item)) for col in columns]
        if totalled:
            key = str(key_column.currency(item) or "") if key_column and key_column.currency else ""
            sums = totals.setdefault(key, [Decimal(0)] * len(columns))
            for i, (col, value) in enumerate(zip(columns, values, strict=True)):
                if col.total and isinstance(value, (Decimal, int, float)):
                    sums[i] += Decimal(str(value))
        worksheet.append(
            [cell_of(col, item, value) for col, value in zip(columns, values, strict=True)]
        )
        count += 1
    if totalled and not totals:
        totals[""] = [Decimal(0)] * len(columns)
    for code, sums in sorted(totals.items()):
        label = (
            _("Total %(currency)s") % {"currency": code}
            if len(totals) > 1
            else pgettext("totals row", "Total")
        )
        row = []
        for i, col in enumerate(columns):
            if col.total:
                cell = cell_of(col, None, sums[i], code if col.currency else "")
            else:
                cell = WriteOnlyCell(worksheet, value=label if i == 0 else None)
            cell.font = Font(bold=True)
            row.append(cell)
        worksheet.append(row)
    last = get_column_letter(max(len(columns), 1))
    worksheet.auto_filter.ref = f"A1:{last}{count + 1}"
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(
    items: Iterable[Any], columns: list[Column], filename: str, sheet: Any = None
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
    fmt: str, items: Iterable[Any], columns: list[Column], filename: str, sheet: Any = None
) -> StreamingHttpResponse | FileResponse:
    """`fmt` is "csv" or "xlsx" (anything else is the caller's 404); `sheet` names the
    XLSX sheet after its content (a translated title)."""
    if fmt == "xlsx":
        return xlsx_response(items, columns, filename, sheet)
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
    sheet: Any = None,
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
        for line in csv_lines(items, columns, _language()):
            raw.write(line.encode("utf-8"))
        raw.seek(0)
        return raw.read()
