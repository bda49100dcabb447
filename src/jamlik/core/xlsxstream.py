"""A streaming XLSX writer: every export's workbook (``core.exports.xlsx_bytes``).

An openpyxl workbook built in memory is fine for hundreds of rows, but a campaign of 3,000
units has about 100,000 answer rows (over a million cells), which takes openpyxl 20–40
seconds and gigabytes at 30,000 units. This writer streams the sheet XML row by row into the
zip instead and keeps the same conventions: bold header row, frozen below it, filters on,
column widths from the headings, and cells that a spreadsheet would run as formulas
neutralised (``safe_cell``).

An export repeats itself: the same requirement text, unit name and answer on thousands of
rows. So text goes into the shared strings table (each distinct text escaped and stored
once, a cell holds its number), and each column remembers the XML of the values it has
seen; a repeated cell costs a dictionary lookup. That, and the smaller XML to compress, made
the 30,000-unit campaign's workbook several times faster (docs/quality.md).

Only what the export needs: text, numbers, booleans, dates and times (naive, already in
local time), empty cells.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

# Text a spreadsheet would run as a formula (CSV files are opened in spreadsheets too).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell's value with a leading formula character neutralised (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Characters XML 1.0 cannot hold (control characters other than tab, newline, return).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_EPOCH = dt.datetime(1899, 12, 30)
_STYLE_HEADER, _STYLE_DATETIME, _STYLE_DATE, _STYLE_ONE_DECIMAL, _STYLE_PERCENT = 1, 2, 3, 4, 5


class Shown(NamedTuple):
    """A number written as it is and shown with a format: ``one_decimal(52.777…)`` shows
    52.8 (52,8 in Swedish Excel) and keeps the exact value for formulas."""

    value: float
    style: int


def one_decimal(value: float | None) -> Shown | None:
    return None if value is None else Shown(value, _STYLE_ONE_DECIMAL)


def percent(value: float | None) -> Shown | None:
    """A share (0.85) shown as a percentage with one decimal (85.0 %)."""
    return None if value is None else Shown(value, _STYLE_PERCENT)


MAX_ROWS = 1_048_576
# zlib's fastest level: half the time of the default for a file about a quarter larger.
COMPRESSION = 1

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
{sheets}</Types>"""
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>\
<definedNames>{names}</definedNames></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}\
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="0.0"/>\
<numFmt numFmtId="167" formatCode="0.0%"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value), {'"': "&quot;"})


class _SharedStrings:
    """The workbook's shared strings table: each distinct text stored once, by number."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def number(self, text: str) -> int:
        number = self.numbers.get(text)
        if number is None:
            number = self.numbers[text] = len(self.numbers)
        return number

    def xml(self) -> Iterator[str]:
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(self.numbers)}">'
        )
        for text in self.numbers:  # insertion order is number order
            yield f'<si><t xml:space="preserve">{_text(text)}</t></si>'
        yield "</sst>"


def _fragment(value: Any, strings: _SharedStrings, style: int = 0) -> str | None:
    """A cell's XML after its reference (``<c r="A2"`` + this), or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, Shown):
        if not math.isfinite(value.value):
            return None
        return f' s="{value.style}"><v>{float(value.value)!r}</v></c>'
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return f"><v>{value!r}</v></c>"
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f' s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        serial = (dt.datetime(value.year, value.month, value.day) - _EPOCH).days
        return f' s="{_STYLE_DATE}"><v>{serial}</v></c>'
    styled = f' s="{style}"' if style else ""
    return f'{styled} t="s"><v>{strings.number(str(safe_cell(str(value))))}</v></c>'


# A column remembers the XML of at most this many distinct values (free-text comments are
# mostly distinct; remembering them all would only cost memory).
_REMEMBERED = 50_000
_MISSING = object()


class _Column:
    """One column's cells: the XML of each value seen, so a repeated value is one lookup."""

    __slots__ = ("fragments", "strings")

    def __init__(self, strings: _SharedStrings) -> None:
        self.strings = strings
        self.fragments: dict[tuple[type, Any], str | None] = {}

    def fragment(self, value: Any) -> str | None:
        # The type is part of the key: True == 1 == 1.0 would otherwise share a cell.
        try:
            key = (value.__class__, value)
            fragment = self.fragments.get(key, _MISSING)
        except TypeError:  # unhashable: written as text, not remembered
            return _fragment(value, self.strings)
        if fragment is _MISSING:
            fragment = _fragment(value, self.strings)
            if len(self.fragments) < _REMEMBERED:
                self.fragments[key] = fragment
        return fragment  # type: ignore[return-value]


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
    base, number = name, 2
    while name.lower() in used:
        suffix = f" {number}"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(name.lower())
    return name


def _write_sheet(
    archive: zipfile.ZipFile,
    number: int,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    strings: _SharedStrings,
) -> int:
    width = max(len(header), 1)
    letters = [column_letter(i) for i in range(1, width + 1)]
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{max(12, min(50, len(str(name)) + 4))}" customWidth="1"/>'
        for i, name in enumerate(header, start=1)
    )
    sheet_columns = [_Column(strings) for _letter in letters]
    cells = [(letter, c.fragments, c) for letter, c in zip(letters, sheet_columns, strict=True)]
    count = 0
    with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as out:
        out.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
                "</sheetViews>"
                f"{'<cols>' + columns + '</cols>' if columns else ''}<sheetData>"
                '<row r="1">'
                + "".join(
                    f'<c r="{letters[i]}1"{_fragment(str(name), strings, _STYLE_HEADER)}'
                    for i, name in enumerate(header)
                )
                + "</row>"
            ).encode()
        )
        chunk: list[str] = []
        for count, row in enumerate(rows, start=1):
            line = count + 1
            if line > MAX_ROWS:
                raise ValueError("too many rows for one sheet")
            chunk.append(f'<row r="{line}">')
            for (letter, remembered, column), value in zip(cells, row, strict=False):
                # The lookup inlined: this loop runs once per cell of the workbook.
                try:
                    fragment = remembered[(value.__class__, value)]
                except (KeyError, TypeError):
                    fragment = column.fragment(value)
                if fragment is not None:
                    chunk.append(f'<c r="{letter}{line}"{fragment}')
            chunk.append("</row>")
            if len(chunk) >= 20_000:
                out.write("".join(chunk).encode())
                chunk = []
        if chunk:
            out.write("".join(chunk).encode())
        reference = f"A1:{letters[-1]}{count + 1}"
        out.write(f'</sheetData><autoFilter ref="{reference}"/></worksheet>'.encode())
    return count


def xlsx_stream_bytes(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> bytes:
    """``sheets``: (title, header, rows) each, rows read once, lazily; returns the bytes."""
    buffer = io.BytesIO()
    names: list[str] = []
    used: set[str] = set()
    references: list[str] = []
    with zipfile.ZipFile(
        buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION
    ) as archive:
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))
            ),
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        strings = _SharedStrings()
        for number, (title, header, rows) in enumerate(sheets, start=1):
            names.append(_sheet_name(title, used))
            count = _write_sheet(archive, number, header, rows, strings)
            last = column_letter(max(len(header), 1))
            references.append(f"$A$1:${last}${count + 1}")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            batch: list[str] = []
            for part in strings.xml():
                batch.append(part)
                if len(batch) >= 10_000:
                    out.write("".join(batch).encode())
                    batch = []
            out.write("".join(batch).encode())
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, name in enumerate(names, start=1)
                ),
                names="".join(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" '
                    f"hidden=\"1\">'{_text(name).replace(chr(39), chr(39) * 2)}'!{ref}"
                    "</definedName>"
                    for n, (name, ref) in enumerate(zip(names, references, strict=True))
                ),
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(
                rels="".join(
                    f'<Relationship Id="rId{n}" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    f'worksheet" Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, len(sheets) + 1)
                )
            ),
        )
    return buffer.getvalue()
