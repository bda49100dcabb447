"""File answers shared by every export: CSV (UTF-8 with BOM so Excel reads å, ä, ö) and XLSX
with bold headings, frozen header row and filters. Cells that a spreadsheet would run as a
formula are neutralised (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from jamlik.core.xlsxstream import safe_cell, xlsx_stream_bytes


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
) -> HttpResponse:
    """A CSV download. The pages pass ``delimiter=";"``: Excel with Swedish settings splits
    columns on semicolons (a comma is the decimal sign), and opens a comma file as one
    column."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """``sheets``: (title, header, rows) each; returns the workbook's bytes (streamed, so a
    city-wide export stays fast; see core/xlsxstream.py)."""
    return xlsx_stream_bytes(sheets)


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(sheets),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
