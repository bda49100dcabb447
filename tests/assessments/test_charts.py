"""The server-drawn SVG charts: valid XML, accessible names, numbers as text, hostile labels
escaped, empty data, and data tables that match."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from jamlik.assessments import charts
from jamlik.assessments.charts import (
    ComparisonRow,
    DistributionRow,
    HeatRow,
    ScoreRow,
    Segment,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes" \x00\x07 ‮rtl‬ 🙂 ]]>'


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314 - our own markup
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def assert_accessible(root: ET.Element) -> None:
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text and title.text.strip()
    assert desc is not None and desc.text and desc.text.strip()
    # The accessible name points at the title and description.
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # First children, as screen readers expect.
    assert next(iter(root)).tag == f"{SVG}title"


def compliance(yes, partly, no, na=0, dont_know=0):
    return [
        Segment("Uppfyllt", yes, 1.0, "yes"),
        Segment("Delvis uppfyllt", partly, 0.5, "partly"),
        Segment("Ej uppfyllt", no, 0.0, "no"),
        Segment("Ej tillämpligt", na, None, "na"),
        Segment("Vet ej", dont_know, None, "dont_know"),
    ]


def test_distribution_chart_has_counts_as_text_and_patterns_for_unscored():
    rows = [
        DistributionRow("1.1 Alla sju grunder", compliance(12, 8, 3, 2, 1)),
        DistributionRow("1.2 Tidsplan", compliance(0, 0, 0)),
    ]
    root = parse(charts.distribution_chart(rows, chart_id="d1"))
    assert_accessible(root)
    words = texts(root)
    for number in ("12", "8", "3", "2", "1", "n = 26", "n = 0", "Inga svar"):
        assert number in words
    assert "Uppfyllt" in words and "Vet ej" in words  # the legend
    # Unscored answers are patterned, not told apart by colour alone.
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert "url(#d1-hatch)" in fills and "url(#d1-dots)" in fills
    assert root.find(f"{SVG}defs/{SVG}pattern[@id='d1-hatch']") is not None
    assert "2 krav" in root.find(f"{SVG}desc").text


def test_distribution_table_matches_the_chart():
    rows = [DistributionRow("1.1 Krav", compliance(12, 8, 3, 2, 1))]
    table = charts.distribution_table(rows)
    assert list(table.columns) == [
        "Krav",
        "Uppfyllt",
        "Delvis uppfyllt",
        "Ej uppfyllt",
        "Ej tillämpligt",
        "Vet ej",
        "Svar",
    ]
    assert list(table.rows) == [("1.1 Krav", ["12", "8", "3", "2", "1", "26"])]


def test_score_chart_labels_each_bar_with_its_score_in_swedish_format():
    rows = [
        ScoreRow("1. Grunder", 72.25),
        ScoreRow("2. Fyra steg", 41.25),
        ScoreRow("3. Tom", None),
    ]
    root = parse(charts.score_chart(rows, chart_id="s"))
    assert_accessible(root)
    words = texts(root)
    # Half up, decimal comma.
    assert "72,3" in words and "41,3" in words
    assert "Ingen poäng (inga poänggivande svar)" in words
    desc = root.find(f"{SVG}desc").text
    assert "Högst: 1. Grunder med 72,3" in desc and "Lägst: 2. Fyra steg med 41,3" in desc
    table = charts.score_table(rows)
    assert [cells[0] for _h, cells in table.rows] == ["72,3", "41,3", "–"]


def test_english_number_format():
    with translation.override("en"):
        root = parse(charts.score_chart([ScoreRow("Area", 66.65)]))
        assert "66.7" in texts(root)


def test_heatmap_cells_carry_the_number_and_missing_cells_are_patterned():
    columns = ["1. Grunder", "2. Fyra steg", "3. Lön"]
    rows = [HeatRow("Förvaltning A", [80, 55.55, None]), HeatRow("Förvaltning B", [0, 100, 12.5])]
    root = parse(charts.heatmap_chart(columns, rows, chart_id="h"))
    assert_accessible(root)
    words = texts(root)
    for number in ("80,0", "55,6", "0,0", "100,0", "12,5", "–"):
        assert number in words
    assert "Förvaltning A" in words
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert "url(#h-cross)" in fills
    # Dark cells get white text, light cells dark text.
    by_text = {"".join(t.itertext()): t.get("fill") for t in root.iter(f"{SVG}text")}
    assert by_text["100,0"] == "#ffffff" and by_text["0,0"] == "#1b1b1b"
    table = charts.heatmap_table(columns, rows)
    assert next(iter(table.rows)) == ("Förvaltning A", ["80,0", "55,6", "–"])


def test_heatmap_lightness_is_monotonic_for_grey_scale():
    lum = [charts._luminance(charts.level_colour(level / 10)) for level in range(11)]
    assert all(a > b for a, b in itertools.pairwise(lum))


def test_comparison_chart_shows_both_values_and_the_change():
    rows = [
        ComparisonRow("Grunder", 60, 72.5),
        ComparisonRow("Steg", 50, 41.25),
        ComparisonRow("Ny", None, 30),
    ]
    root = parse(
        charts.comparison_chart(rows, previous_label="Omgång 2019", current_label="Omgång 2021")
    )
    assert_accessible(root)
    words = texts(root)
    for word in (
        "60,0",
        "72,5",
        "50,0",
        "41,3",
        "förändring +12,5",
        "förändring −8,8",
        "förändring –",
    ):
        assert word in words
    assert "Omgång 2019" in words and "Omgång 2021" in words
    desc = root.find(f"{SVG}desc").text
    assert "Störst ökning: Grunder (+12,5)" in desc
    table = charts.comparison_table(rows, previous_label="Omgång 2019", current_label="Omgång 2021")
    assert list(table.columns)[1:] == ["Omgång 2019", "Omgång 2021", "Förändring (poäng)"]
    assert list(table.rows)[2] == ("Ny", ["–", "30,0", "–"])


@pytest.mark.parametrize(
    "svg",
    [
        lambda: charts.distribution_chart([]),
        lambda: charts.distribution_chart([DistributionRow("x", [])]),
        lambda: charts.score_chart([]),
        lambda: charts.heatmap_chart([], []),
        lambda: charts.heatmap_chart(["a"], []),
        lambda: charts.comparison_chart([]),
    ],
)
def test_empty_data_gives_a_valid_accessible_chart(svg):
    root = parse(svg())
    assert_accessible(root)
    assert "Inga uppgifter att visa ännu." in texts(root)


def test_hostile_labels_are_escaped_everywhere():
    svgs = [
        charts.distribution_chart(
            [DistributionRow(HOSTILE, [Segment(HOSTILE, 3, 1.0, HOSTILE)])],
            title=HOSTILE,
            desc=HOSTILE,
            chart_id='x"><script>',
        ),
        charts.score_chart([ScoreRow(HOSTILE, 50)], title=HOSTILE),
        charts.heatmap_chart([HOSTILE], [HeatRow(HOSTILE, [50])]),
        charts.comparison_chart(
            [ComparisonRow(HOSTILE, 1, 2)], previous_label=HOSTILE, current_label=HOSTILE
        ),
    ]
    for svg in svgs:
        root = parse(svg)  # still well-formed XML
        assert "<script" not in str(svg)
        assert not any(el.tag.endswith("script") for el in root.iter())
        assert any("alert" in t for t in texts(root)) or "alert" in (
            root.find(f"{SVG}title").text or ""
        )


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.text(max_size=300), min_size=1, max_size=6),
    scores=st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=100)), min_size=1, max_size=6
    ),
)
def test_any_text_and_score_gives_well_formed_svg(labels, scores):
    with translation.override("sv"):
        rows = [ScoreRow(label, scores[i % len(scores)]) for i, label in enumerate(labels)]
        parse(charts.score_chart(rows))
        parse(charts.heatmap_chart(labels, [HeatRow(label, scores) for label in labels]))
        parse(
            charts.comparison_chart(
                [ComparisonRow(label, scores[0], scores[-1]) for label in labels]
            )
        )
        parse(
            charts.distribution_chart(
                [
                    DistributionRow(label, [Segment(label, i + 1, None, "na")])
                    for i, label in enumerate(labels)
                ]
            )
        )


def test_charts_scale_with_viewbox_and_long_labels_are_shortened():
    long = "Ett mycket långt krav " * 20
    root = parse(charts.score_chart([ScoreRow(long, 10)]))
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width == 800 and height > 0
    label = (
        texts(root)[-2]
        if texts(root)[-1] == "10,0"
        else next(t for t in texts(root) if t.startswith("Ett"))
    )
    assert label.endswith("…") and len(label) < 120
