"""The attendance chart: an accessible SVG drawn with core/svg.py, no inline style."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace

from django.utils import translation

from jamlik.events.charts import attendance_chart

SVG = "{http://www.w3.org/2000/svg}"


def row(name, confirmed, checked_in):
    return SimpleNamespace(
        name=name, confirmed=confirmed, checked_in=checked_in, no_shows=confirmed - checked_in
    )


def test_attendance_chart_is_accessible_and_escaped():
    rows = [row("Förvaltning <A> & co", 10, 7), row("", 2, 2), row("Ingen", 0, 0)]
    with translation.override("sv"):
        root = ET.fromstring(str(attendance_chart(rows)))  # noqa: S314 - our own markup
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert next(iter(root)) is title and title.text == "Närvaro per organisation"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "3 organisationer" in desc.text
    words = [t.text for t in root.iter(f"{SVG}text")]
    assert "Förvaltning <A> & co" in words and "Extern" in words and "Ingen" not in words
    assert "7/10" in words and "2/2" in words
    assert not any("style" in element.attrib for element in root.iter())
