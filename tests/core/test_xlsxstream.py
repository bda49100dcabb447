"""The streaming XLSX writer: a valid workbook with the export conventions."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from jamlik.assessments.reports import xlsx as reports
from jamlik.core import xlsxstream
from jamlik.core.xlsxstream import column_letter, xlsx_stream_bytes
from tests.factories import assessments as f


def read(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_cells_headings_and_conventions():
    rows = [
        ["text <b>&\"'", 3, 2.5, True, dt.datetime(2021, 3, 26, 9, 30), dt.date(2021, 10, 20)],
        ['=HYPERLINK("x")', None, float("nan"), False, None, None],
        ["kontroll\x00\x07tecken\x1f", -1, 0.0, None, None, None],
        ["rad ett\nrad två\tflik", 10**12, 1e-9, None, None, None],
        ["emoji 🎉 och högerställd עברית", 0, 100.0, None, None, None],
    ]
    content = xlsx_stream_bytes(
        [("Svar: del [1]/2", ["Text", "Heltal", "Tal", "Sant", "Tid", "Datum"], rows)]
    )
    book = read(content)
    sheet = book.worksheets[0]
    assert sheet.title == "Svar  del  1  2"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F6"
    assert [c.value for c in sheet[1]] == ["Text", "Heltal", "Tal", "Sant", "Tid", "Datum"]
    assert all(c.font.b for c in sheet[1])
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [
        "text <b>&\"'",
        3,
        2.5,
        True,
        dt.datetime(2021, 3, 26, 9, 30),
        dt.datetime(2021, 10, 20),
    ]
    assert values[1][:4] == ['\'=HYPERLINK("x")', None, None, False]
    assert values[2][0] == "kontrolltecken"
    assert values[3][:3] == ["rad ett\nrad två\tflik", 10**12, 1e-9]
    assert values[4][0] == "emoji 🎉 och högerställd עברית"


def test_several_sheets_unique_names_and_empty_sheets():
    content = xlsx_stream_bytes(
        [("Svar", ["a"], iter([[1], [2]])), ("svar", ["b"], []), ("", ["c"], [])]
    )
    book = read(content)
    assert book.sheetnames == ["Svar", "svar 2", "Sheet"]
    assert book["svar 2"].auto_filter.ref == "A1:A1"
    assert book["Svar"].max_row == 3


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


@pytest.mark.django_db
def test_export_splits_answers_over_sheets(personas, monkeypatch):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign)
    monkeypatch.setattr(reports, "ROWS_PER_SHEET", 4)
    book = read(reports.campaign_xlsx(user=personas.city_coordinator, campaign=campaign))
    assert book.sheetnames == ["Svar", "Svar 2", "Sammanfattning", "Organisationer", "Enheter"]
    rows = [
        r for name in ("Svar", "Svar 2") for r in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert len(rows) == 6  # two units × three requirements


def test_a_column_keeps_values_of_different_types_apart():
    # True == 1 == 1.0: a remembered cell must not be reused for a value of another type.
    rows = [[True], [1], [1.0], ["1"], [False], [0], [None], [True]]
    sheet = read(xlsx_stream_bytes([("Blandat", ["Värde"], rows)])).worksheets[0]
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [True, 1, 1.0, "1", False, 0, None, True]
    assert [type(v) for v in values[:4]] == [bool, int, float, str]


def test_repeated_text_is_stored_once_in_the_shared_strings():
    rows = [["Förvaltning A", "Ja"], ["Förvaltning A", "Nej"], ["Förvaltning B", "Ja"]] * 100
    content = xlsx_stream_bytes(
        [("Ett", ["Organisation", "Svar"], rows), ("Två", ["Organisation"], [["Förvaltning A"]])]
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        shared = archive.read("xl/sharedStrings.xml").decode()
    # Two headings, two organisations and two answers, each once however often it is used.
    assert shared.count("<si>") == 6
    book = read(content)
    assert [r for r in book["Ett"].iter_rows(min_row=2, values_only=True)] == [
        tuple(r) for r in rows
    ]
    assert book["Två"]["A2"].value == "Förvaltning A"


def test_more_distinct_values_than_a_column_remembers(monkeypatch):
    monkeypatch.setattr(xlsxstream, "_REMEMBERED", 3)
    rows = [[f"kommentar {n}", n] for n in range(10)] * 2
    sheet = read(xlsx_stream_bytes([("Svar", ["Kommentar", "Tal"], rows)])).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == rows


@pytest.mark.django_db
def test_export_reports_its_progress_up_to_every_answer(personas, monkeypatch):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign)
    monkeypatch.setattr(reports, "CHUNK", 2)
    calls: list[tuple[int, int]] = []
    reports.campaign_xlsx(
        user=personas.city_coordinator, campaign=campaign, progress=lambda *a: calls.append(a)
    )
    assert calls == [(2, 6), (4, 6), (6, 6), (6, 6)]


def test_numbers_keep_their_value_and_are_shown_with_one_decimal_or_as_percentages():
    from jamlik.core.xlsxstream import one_decimal, percent

    rows = [[one_decimal(52.77777777777777), percent(0.85), one_decimal(None), 3.25]]
    sheet = read(xlsx_stream_bytes([("Tal", ["Poäng", "Andel", "Tom", "Rått"], rows)])).active
    score, share, empty, raw = sheet[2]
    assert (score.value, score.number_format) == (52.77777777777777, "0.0")
    assert (share.value, share.number_format) == (0.85, "0.0%")
    assert empty.value is None
    assert (raw.value, raw.number_format) == (3.25, "General")


@pytest.mark.django_db
def test_the_campaign_export_shows_scores_with_one_decimal(personas):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign)
    book = read(reports.campaign_xlsx(user=personas.city_coordinator, campaign=campaign))
    answers = book["Svar"]
    score_column = [c.value for c in answers[1]].index("Poäng (0–100)") + 1
    assert answers.cell(row=2, column=score_column).number_format == "0.0"
    organisations = book["Organisationer"]
    assert organisations.cell(row=2, column=4).number_format == "0.0%"
