"""The rules that keep the results' charts from misleading (assessments/chartrules.py),
each a pure function, and their effect on the charts, the page and the PDF."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from pypdf import PdfReader

from jamlik.assessments import chartrules, charts, figures
from jamlik.assessments.reports import pdf as report
from jamlik.core.svg import luminance
from tests.factories import assessments as f
from tests.factories.orgs import UnitFactory

# ---- Heat map labels ----------------------------------------------------------------------


def test_short_name_is_the_label_else_the_name():
    assert chartrules.heat_row_labels([("Angered", "SDF Angered"), ("", "Centrum AB")]) == [
        "Angered",
        "Centrum AB",
    ]


def test_equal_short_labels_fall_back_to_full_names():
    labels = chartrules.heat_row_labels(
        [
            ("Väst", "Stadsdelsförvaltningen Västra Göteborg"),
            ("väst ", "Stadsdelsförvaltningen Västra Hisingen"),
            ("Lundby", "Stadsdelsförvaltningen Lundby"),
            ("", "Angered"),
            ("Angered", "SDF Angered"),
        ]
    )
    assert labels == [
        "Stadsdelsförvaltningen Västra Göteborg",
        "Stadsdelsförvaltningen Västra Hisingen",
        "Lundby",
        "Angered",
        "SDF Angered",
    ]


def test_labels_are_cut_between_words_only():
    title = "1. Organisation och styrning av arbetet"
    assert chartrules.whole_words(title, 16, 2) == ["1. Organisation", "och styrning av…"]
    assert chartrules.whole_words(title, 12, 2) == ["1.", "Organisation…"]
    assert chartrules.whole_words("2. Lön", 12, 2) == ["2. Lön"]


def test_fitted_labels_are_never_equal():
    names = [
        "Stadsdelsförvaltningen Västra Göteborg och något mer",
        "Stadsdelsförvaltningen Västra Hisingen och något mer",
    ]
    fitted = chartrules.distinct_fits(names, 24, 1)
    assert fitted[0] != fitted[1]
    assert all(len(lines) == 1 for lines in fitted)


def test_heat_map_svg_carries_full_names_and_distinct_rows():
    rows = [
        charts.HeatRow(label="Stadsdelsförvaltningen Västra Göteborg", scores=[50.0]),
        charts.HeatRow(label="Stadsdelsförvaltningen Västra Hisingen", scores=[60.0]),
    ]
    svg = str(charts.heatmap_chart(["1. Organisation och styrning av arbetet"], rows))
    assert "<title>Stadsdelsförvaltningen Västra Göteborg</title>" in svg
    assert "<title>1. Organisation och styrning av arbetet</title>" in svg
    assert "Vä…" not in svg


# ---- Answer scales -----------------------------------------------------------------------


def test_each_scale_its_own_colours_and_the_worst_is_strongest():
    palettes = chartrules.scale_palettes(["yes|partly|no", "0|1|2|3", "yes|partly|no"])
    assert palettes == {"yes|partly|no": 0, "0|1|2|3": 1}
    for palette in palettes.values():
        shades = [chartrules.answer_colour(level, palette) for level in (0.0, 0.5, 1.0)]
        lums = [luminance(c) for c in shades]
        assert lums[0] < lums[1] < lums[2]  # the worst answer darkest
    assert chartrules.answer_colour(0.0, 0) != chartrules.answer_colour(0.0, 1)
    assert chartrules.worst_level([None, 1.0, 0.0, 0.5]) == 0.0
    assert chartrules.worst_level([None]) is None


def test_distribution_legend_keeps_scales_apart_and_marks_the_worst():
    yes_no = "yes|partly|no"
    steps = "0|1|2|3"
    rows = [
        charts.DistributionRow(
            "1.1",
            [
                charts.Segment("Uppfyllt", 2, 1.0, "yes", yes_no),
                charts.Segment("Ej uppfyllt", 3, 0.0, "no", yes_no),
            ],
        ),
        charts.DistributionRow(
            "1.2",
            [
                charts.Segment("3 – helt", 1, 1.0, "3", steps),
                charts.Segment("0 – saknas", 4, 0.0, "0", steps),
            ],
        ),
    ]
    with translation.override("en"):
        svg = str(charts.distribution_chart(rows, chart_id="d"))
    assert "url(#d-worst-0)" in svg and "url(#d-worst-1)" in svg
    assert "Ej uppfyllt (worst, striped)" in svg and "0 – saknas (worst, striped)" in svg


# ---- Caution and ranking -----------------------------------------------------------------


def test_comparison_caution_below_the_response_rate_threshold():
    assert chartrules.MIN_RESPONSE_RATE == 0.5
    assert chartrules.comparison_needs_caution(0.23, 0.9)
    assert chartrules.comparison_needs_caution(0.9, 0.49)
    assert not chartrules.comparison_needs_caution(0.5, 0.8)


@dataclass
class R:
    scored: int
    score: float | None


def test_no_ranking_from_too_few_answers():
    assert chartrules.MIN_ANSWERS_FOR_RANKING == 5
    results = [R(1, 0.0), R(5, 40.0), R(0, None), R(4, 10.0)]
    assert chartrules.rankable(results) == [results[1]]
    assert chartrules.too_few_to_rank(results) == [results[0], results[3]]


# ---- The page and the PDF ----------------------------------------------------------------


def _districts(personas):
    personas.org_a.name = "Stadsdelsförvaltningen Västra Göteborg"
    personas.org_a.short_name = "Västra Göteborg"
    personas.org_a.save()
    personas.org_b.name = "Stadsdelsförvaltningen Västra Hisingen"
    personas.org_b.short_name = ""
    personas.org_b.save()


@pytest.mark.django_db
def test_page_uses_short_names_and_cautions_a_thin_comparison(personas):
    _districts(personas)
    for i in range(3):
        UnitFactory(name=f"Extra {i}", code=f"X{i}", parent=personas.org_b)
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Förr")
    current = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Nu")
    f.submit(current.responses.get(unit=personas.unit_a), {"r1": "no", "r2": "0", "r3": "no"})
    for response in earlier.responses.all():
        f.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})
    html = (
        personas.web(personas.city_coordinator)
        .get(f"/assessments/campaigns/{current.pk}/results/", {"compare_to": earlier.pk})
        .content.decode()
    )
    assert "<title>Stadsdelsförvaltningen Västra Göteborg</title>" in html
    assert ">Västra Göteborg</text>" in html
    assert "Varning" in html or "Caution" in html
    # One answer: no requirement is named weakest.
    assert 'id="weak-' not in html
    summary = figures.build_figures(
        __import__("jamlik.assessments.selectors", fromlist=["x"]).campaign_summary(
            user=personas.city_coordinator, campaign=current, compare_to=earlier
        )
    )
    assert summary.weakest == [] and summary.unranked == 3 and summary.comparison_caution


@pytest.mark.django_db
def test_pdf_table_has_full_district_names_and_distinct_rows(personas):
    _districts(personas)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.submit(campaign.responses.get(unit=personas.unit_a), {"r1": "yes", "r2": "2", "r3": "no"})
    f.submit(campaign.responses.get(unit=personas.unit_b), {"r1": "no", "r2": "0", "r3": "yes"})
    with translation.override("sv"):
        content = report.campaign_report_pdf(user=personas.city_coordinator, campaign=campaign)
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
    assert "Stadsdelsförvaltningen Västra Göteborg" in text
    assert "Stadsdelsförvaltningen Västra Hisingen" in text
    assert "Vä…" not in text
    assert "Det svagaste kravet" not in text  # two answers: nothing named weakest
    fig = figures.build_figures(
        __import__("jamlik.assessments.selectors", fromlist=["x"]).campaign_summary(
            user=personas.city_coordinator, campaign=campaign
        )
    )
    assert fig.heatmap is not None
    headers = [header for header, _cells in fig.heatmap.table.rows]
    assert len(set(headers)) == len(headers)


def test_score_chart_names_no_highest_or_lowest_from_too_few_answers():
    thin = [charts.ScoreRow("1. Ett", 20.0, answers=1), charts.ScoreRow("2. Två", 90.0, answers=2)]
    with translation.override("en"):
        svg = str(charts.score_chart(thin))
        assert "Highest" not in svg and "too few answers" in svg
        enough = [
            charts.ScoreRow("1. Ett", 20.0, answers=5),
            charts.ScoreRow("2. Två", 90.0, answers=1),
            charts.ScoreRow("3. Tre", 60.0, answers=9),
        ]
        svg = str(charts.score_chart(enough))
    assert "Highest: 3. Tre" in svg and "Lowest: 1. Ett" in svg
    assert chartrules.may_rank(5) and not chartrules.may_rank(4) and not chartrules.may_rank(None)
