"""CSV and XLSX exports from one column definition."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from portal.exports import CSV_TYPE, XLSX_TYPE, Column, export_response

DANGEROUS = ["=1+2", "+33 1 23", "-2+3", "@SUM(A1)", "\tindent", "\rreturn"]


class Row:
    def __init__(self, number, label, amount=Decimal("12.50"), when=None):
        self.number = number
        self.label = label
        self.amount = amount
        self.when = when or dt.date(2026, 11, 27)


COLUMNS = [
    Column(header="Number", value=lambda r: r.number),
    Column(header="Label", value=lambda r: r.label),
    Column(header="Amount", value=lambda r: r.amount),
    Column(header="Date", value=lambda r: r.when),
]


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_has_the_right_type_name_and_content():
    rows = [Row("INV-1", "Servers"), Row("INV-2", "Licences", Decimal("-3.10"), None)]

    response = export_response("csv", rows, COLUMNS, "invoices")

    assert response["Content-Type"] == CSV_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="invoices.csv"'
    assert _csv_rows(response) == [
        ["Number", "Label", "Amount", "Date"],
        ["INV-1", "Servers", "12.50", "2026-11-27"],
        ["INV-2", "Licences", "-3.10", "2026-11-27"],
    ]


def test_csv_is_streamed_row_by_row():
    consumed = []

    def items():
        for i in range(1000):
            consumed.append(i)
            yield Row(f"N-{i}", "x")

    response = export_response("csv", items(), COLUMNS, "big")
    chunks = iter(response.streaming_content)
    next(chunks)  # BOM
    next(chunks)  # header row
    assert consumed == []
    next(chunks)
    assert consumed == [0]  # one row read for one row written: memory stays flat


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_starters_are_neutralised(fmt):
    rows = [Row(f"N-{i}", value) for i, value in enumerate(DANGEROUS)]

    response = export_response(fmt, rows, COLUMNS, "danger")

    if fmt == "csv":
        labels = [row[1] for row in _csv_rows(response)[1:]]
    else:
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        labels = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert labels == ["'" + value for value in DANGEROUS]


def test_numbers_stay_numbers_even_when_negative():
    response = export_response("xlsx", [Row("N-1", "ok", Decimal("-5"))], COLUMNS, "n")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["C2"].value == -5
    assert sheet["C2"].data_type == "n"


def test_xlsx_is_readable_with_types_headers_and_file_name():
    when = timezone.make_aware(dt.datetime(2026, 11, 27, 9, 30))
    rows = [Row("INV-1", "Servers", Decimal("1234.56"), when), Row("INV-2", None)]

    response = export_response("xlsx", rows, COLUMNS, "invoices")

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="invoices.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ["Number", "Label", "Amount", "Date"]
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "INV-1"
    assert sheet["C2"].value == pytest.approx(1234.56)
    assert sheet["D2"].value == dt.datetime(2026, 11, 27, 9, 30)  # local time, no tzinfo
    assert sheet["B3"].value in (None, "")


def test_file_names_with_quotes_or_accents_give_a_valid_header():
    response = export_response("csv", [], COLUMNS, 'relevé "nov"')

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition
    assert "filename*=utf-8''relev%C3%A9%20%22nov%22.csv" in disposition


def test_translated_headers_follow_the_active_language():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import override

    columns = [Column(header=_("Yes"), value=lambda r: r.number)]
    with override("fr"):
        response = export_response("csv", [Row("N-1", "x")], columns, "yes")
    rows = _csv_rows(response)  # read later, as the server does once the view returned

    assert rows[0] == ["Oui"]


MONEY = [
    Column(header="Number", value=lambda r: r.number),
    Column(header="Date", value=lambda r: r.when),
    Column(header="Amount", value=lambda r: r.amount, currency=lambda r: "EUR", total=True),
]


def test_french_csv_has_semicolons_decimal_commas_and_a_bom():
    from django.utils import translation

    rows = [Row("INV-1", "x", Decimal("1234.50")), Row("INV-2", "x", Decimal("-3.10"))]
    with translation.override("fr"):
        response = export_response("csv", rows, MONEY, "invoices")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.splitlines() == [
        "Number;Date;Amount",
        "INV-1;2026-11-27;1234,50",
        "INV-2;2026-11-27;-3,10",
    ]
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[1][2] == "1234,50"


def test_english_csv_keeps_commas_and_decimal_points():
    from django.utils import translation

    with translation.override("en"):
        response = export_response("csv", [Row("INV-1", "x", Decimal("1234.50"))], MONEY, "i")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1] == "INV-1,2026-11-27,1234.50"


@pytest.mark.parametrize(("language", "date_format"), [("fr", "dd/mm/yyyy"), ("en", "mm/dd/yyyy")])
def test_xlsx_is_ready_to_work_with(language, date_format):
    from django.utils import translation

    rows = [Row("INV-1", "x", Decimal("1234.50")), Row("INV-2", "x", Decimal("100.25"))]
    with translation.override(language):
        response = export_response("xlsx", rows, MONEY, "invoices", sheet="Invoices: 2026/11")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "Invoices 2026 11"  # named after its content, valid characters
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"  # the data, not the totals row
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= 9
    assert sheet.column_dimensions["C"].width >= 14
    assert sheet["B2"].number_format == date_format
    assert sheet["B2"].value.date() == dt.date(2026, 11, 27)
    assert sheet["C2"].number_format == '#,##0.00 "EUR"'
    assert sheet["C2"].value == 1234.5
    assert [c.value for c in sheet[4]] == ["Total", None, 1334.75]
    assert sheet["C4"].font.b


def test_xlsx_without_totals_has_no_totals_row():
    response = export_response("xlsx", [Row("INV-1", "x")], COLUMNS, "x")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2
    assert sheet.title == "Export"
