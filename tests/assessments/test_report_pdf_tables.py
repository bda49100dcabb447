"""Every table in the campaign report PDF fits its page: a wide table goes on a landscape
page, one too wide even for that is split by columns with the row labels repeated, and no
header or label is cut at the page edge or broken inside a word.

The PDF is read back with pypdf. pypdf also returns text drawn beyond the page edge (the
bug: areas 6 and 7 printed off the page), so the checks use each text run's position too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from django.utils import translation
from pypdf import PdfReader

from jamlik.assessments import charts, services
from jamlik.assessments.models import Framework
from jamlik.assessments.reports import pdf as report
from tests.factories import assessments as af
from tests.factories.orgs import OrganisationFactory, UnitFactory

# (name, short name): long names, most with a short name and one without.
LONG_NAMES = [
    ("Stadsdelsförvaltningen Västra Hisingen", "SDF Västra Hisingen"),
    ("Förskoleförvaltningen i Nordöstra Göteborg", "Förskola NO"),
    ("Socialförvaltningen Centrum och Majorna-Linné", "SoF Centrum"),
    ("Miljö- och klimatförvaltningen", ""),
    ("Kulturförvaltningen Norra Hisingen och Lundby", "Kultur N Hisingen"),
]
HEATMAP_CAPTION = "Poäng per organisation och område"
KEY_CAPTION = "Kortnamn i tabellen"


# ---- Reading the PDF back ---------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A run of text on a page, where it starts (pt from the left) and its font size (pt)."""

    text: str
    x: float
    size: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    runs: list[Run]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text(self) -> str:
        return " ".join(" ".join(run.text.split()) for run in self.runs)

    @property
    def words(self) -> set[str]:
        return {word for run in self.runs for word in run.text.split()}


def read_pages(content: bytes) -> list[Page]:
    """The HTML text runs of every page. WeasyPrint draws the HTML under the page's px → pt
    transform (a 0.75 scale); the charts' SVG text sits in form objects whose coordinates
    pypdf reports untransformed, so those runs (scale 1) are left out: the charts shorten
    their own labels, and what is checked here is the tables."""
    pages = []
    for page in PdfReader(io.BytesIO(content)).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, _font, size, runs=runs):
            if not text.strip() or abs(cm[0]) == 1:
                return
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            runs.append(Run(text=text.replace("\x00", ""), x=x, size=size * abs(cm[0])))

        page.extract_text(visitor_text=visit)
        pages.append(
            Page(width=float(page.mediabox.width), height=float(page.mediabox.height), runs=runs)
        )
    return pages


def runs_off_the_page(pages: Iterable[Page]) -> list[tuple[int, str, float]]:
    """Runs that start outside the page or cannot end inside it: each character is at least
    a quarter of an em wide (DejaVu Sans's narrowest, "i", is 0.28 em)."""
    off = []
    for number, page in enumerate(pages, start=1):
        for run in page.runs:
            least_end = run.x + len(run.text.strip()) * run.size * 0.25
            if run.x < 0 or least_end > page.width:
                off.append((number, run.text.strip(), round(run.x)))
    return off


def heatmap_pages(pages: list[Page]) -> list[Page]:
    """The pages from the organisations × areas table's first part to its key of short names."""
    first = next(i for i, page in enumerate(pages) if HEATMAP_CAPTION in page.text)
    last = next(i for i, page in enumerate(pages) if i >= first and KEY_CAPTION in page.text)
    return pages[first : last + 1]


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# ---- Data -----------------------------------------------------------------------------------


def long_named_organisations(parent) -> list:
    organisations = []
    for i, (name, short) in enumerate(LONG_NAMES):
        org = OrganisationFactory(name=name, short_name=short, code=f"LONG{i}", parent=parent)
        UnitFactory(name=f"Enhet {i} A", code=f"LONG{i}A", parent=org)
        UnitFactory(name=f"Enhet {i} B", code=f"LONG{i}B", parent=org)
        organisations.append(org)
    return organisations


def framework_2025() -> Framework:
    """The built-in 2025 framework (loaded by a migration): 7 areas with long titles."""
    return Framework.objects.get(key="aktiva-atgarder", version="2025")


def many_areas_framework(count: int) -> Framework:
    """A framework of ``count`` areas with long one-word titles: too many columns for even a
    landscape page."""
    areas = "".join(
        f"""
  - key: omrade{i}
    title: Diskrimineringsförebyggande{i} arbetsmiljöinsatser
    requirements:
      - key: krav{i}
        text: Krav {i}
        reference: "Lag {i} §"
"""
        for i in range(1, count + 1)
    )
    source = f"""\
key: manga-omraden
version: "1"
title: Många områden
description: Ett ramverk med många områden.
scales:
  compliance:
    - {{value: "yes", label: Uppfyllt, score: 2}}
    - {{value: "partly", label: Delvis uppfyllt, score: 1}}
    - {{value: "no", label: Ej uppfyllt, score: 0}}
default_scale: compliance
areas:{areas}"""
    return services.framework_load(source=source, name="manga-omraden.yaml").framework


@pytest.fixture
def wide_campaign(personas):
    """A campaign on the 2025 framework (7 areas) over five long-named organisations, every
    unit answering every requirement."""
    organisations = long_named_organisations(personas.city)
    campaign = af.campaign(
        organisations=organisations, fw=framework_2025(), title="Självskattning 2025"
    )
    af.answer_in_bulk(campaign)
    return campaign


def render(user, campaign) -> bytes:
    with translation.override("sv"):
        return report.campaign_report_pdf(user=user, campaign=campaign)


# ---- The column split (pure) -------------------------------------------------------------


def covers_in_order(groups: list[range], count: int) -> bool:
    return [i for group in groups for i in group] == list(range(count))


def test_columns_that_fit_stay_in_one_group():
    assert report.column_groups([20.0, 30.0, 40.0], 100.0) == [range(0, 3)]


def test_no_columns_no_groups():
    assert report.column_groups([], 100.0) == []


def test_columns_are_spread_evenly_over_as_few_groups_as_fit():
    # Greedy filling would give 4 + 3; 7 columns of 40 mm in 165 mm need two groups.
    groups = report.column_groups([40.0] * 7, 165.0)
    assert groups == [range(0, 4), range(4, 7)]
    # Nine columns in three groups of three rather than 4 + 4 + 1.
    groups = report.column_groups([30.0] * 9, 125.0)
    assert groups == [range(0, 3), range(3, 6), range(6, 9)]


def test_uneven_columns_fall_back_to_filling_each_group():
    # An even 3 + 2 split would put 60 + 60 + 10 in 100 mm: the groups are filled instead.
    groups = report.column_groups([60.0, 60.0, 10.0, 10.0, 10.0], 100.0)
    assert groups == [range(0, 1), range(1, 5)]


def test_a_column_wider_than_the_page_gets_a_group_of_its_own():
    groups = report.column_groups([50.0, 200.0, 50.0], 100.0)
    assert groups == [range(0, 1), range(1, 2), range(2, 3)]


@pytest.mark.parametrize("count", range(1, 25))
@pytest.mark.parametrize("available", [40.0, 100.0, 230.0])
def test_every_group_fits_and_every_column_is_kept_in_order(count, available):
    widths = [16.0 + (i * 7) % 30 for i in range(count)]
    groups = report.column_groups(widths, available)
    assert covers_in_order(groups, count)
    for group in groups:
        assert len(group) == 1 or sum(widths[i] for i in group) <= available


def test_a_narrow_table_stays_on_a_portrait_page():
    table = charts.DataTable(caption="T", columns=["Område", "Poäng"], rows=[("1. Ett", ["50,0"])])
    layout = report.table_layout(table)
    assert not layout.wide
    assert [part.table for part in layout.parts] == [table]


def test_a_wide_table_goes_landscape_and_a_wider_one_is_split_with_its_row_labels():
    title = "Arbetsmiljöinsatser och samverkan"
    rows = [("Stadsdelsförvaltningen", ["50,0"] * 14), ("Kultur", ["25,0"] * 14)]
    five = charts.DataTable(
        caption="T",
        columns=["Organisation", *(f"{i}. {title}" for i in range(1, 6))],
        rows=[(label, cells[:5]) for label, cells in rows],
    )
    layout = report.table_layout(five)
    assert layout.wide and len(layout.parts) == 1

    columns = ["Organisation", *(f"{i}. {title}" for i in range(1, 15))]
    with translation.override("sv"):
        layout = report.table_layout(charts.DataTable(caption="Tabell", columns=columns, rows=rows))
    assert layout.wide and len(layout.parts) > 1
    seen = []
    for number, part in enumerate(layout.parts, start=1):
        assert part.table.caption == f"Tabell (del {number} av {len(layout.parts)})"
        assert part.table.columns[0] == "Organisation"
        assert [header for header, _cells in part.table.rows] == [
            "Stadsdelsförvaltningen",
            "Kultur",
        ]
        assert all(len(cells) == len(part.table.columns) - 1 for _h, cells in part.table.rows)
        # The least widths never add up to more than the landscape page.
        assert sum(part.widths) <= report.LANDSCAPE_WIDTH + 0.01
        seen.extend(part.table.columns[1:])
    assert seen == columns[1:]


# ---- The rendered report ----------------------------------------------------------------


@pytest.mark.django_db
def test_seven_areas_and_long_names_fit_the_page(personas, wide_campaign):
    areas = list(wide_campaign.framework.areas.order_by("order"))
    assert len(areas) == 7
    pages = read_pages(render(personas.city_coordinator, wide_campaign))

    assert runs_off_the_page(pages) == []
    heat = heatmap_pages(pages)
    assert all(page.landscape for page in heat)
    words = set().union(*(page.words for page in heat))
    for number, area in enumerate(areas, start=1):
        # Every area's column, its title's every word whole (wrapped between words only).
        assert f"{number}." in words
        missing = [word for word in area.title.split() if word not in words]
        assert missing == [], (number, area.title)
    # The rows are labelled by short name (full name when there is none), and the key below
    # gives each short name's full name.
    heat_text = " ".join(page.text for page in heat)
    for name, short in LONG_NAMES:
        assert all(word in words for word in (short or name).split()), name
        assert plain(name) in plain(heat_text)


@pytest.mark.django_db
def test_every_organisation_and_area_is_in_the_report(personas, wide_campaign):
    pages = read_pages(render(personas.city_coordinator, wide_campaign))
    text = plain(" ".join(page.text for page in pages))
    for name, _short in LONG_NAMES:
        assert name in text
    for number, area in enumerate(wide_campaign.framework.areas.order_by("order"), start=1):
        assert f"{number}. {plain(area.title)}" in text
    # The portrait tables keep their words whole too (least widths of number columns).
    assert "Poänggivande" in set().union(*(page.words for page in pages))


@pytest.mark.django_db
def test_more_areas_than_a_landscape_page_holds_are_split_by_columns(personas):
    organisations = long_named_organisations(personas.city)
    campaign = af.campaign(organisations=organisations, fw=many_areas_framework(14), title="Bred")
    af.answer_in_bulk(campaign)
    pages = read_pages(render(personas.city_coordinator, campaign))

    assert runs_off_the_page(pages) == []
    heat = heatmap_pages(pages)
    heat_text = " ".join(page.text for page in heat)
    parts = sorted(set(re.findall(r"del (\d+) av (\d+)", heat_text)))
    assert len(parts) >= 2 and {total for _part, total in parts} == {str(len(parts))}
    words = set().union(*(page.words for page in heat))
    for number in range(1, 15):
        assert f"{number}." in words
        assert f"Diskrimineringsförebyggande{number}" in words
    # Each part repeats the row labels.
    labels = [short or name for name, short in LONG_NAMES]
    for label in labels:
        assert plain(heat_text).count(label) >= len(parts)
