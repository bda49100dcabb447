"""Every table in the board report PDF fits its page: with the 2025 framework's seven areas,
long organisation names and long milestone titles nothing is drawn past the page edge and
no header or label is broken inside a word."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from jamlik.reviews import reports
from tests.assessments.test_report_pdf_tables import (
    LONG_NAMES,
    framework_2025,
    long_named_organisations,
    plain,
    read_pages,
    runs_off_the_page,
)
from tests.factories import assessments as af
from tests.factories import reviews as rf

pytestmark = pytest.mark.django_db

LONG_MILESTONE = (
    "Återrapportering till kommunstyrelsens personalutskott om diskrimineringsförebyggande åtgärder"
)


@pytest.fixture
def wide_review(personas):
    organisations = long_named_organisations(personas.city)
    campaign = af.campaign(
        organisations=organisations, fw=framework_2025(), title="Självskattning 2025"
    )
    af.answer_in_bulk(campaign)
    review = rf.review(
        title="Fördjupning aktiva åtgärder 2025",
        campaigns=[campaign],
        milestones=[
            {"title": LONG_MILESTONE, "due": dt.date(2025, 9, 30)},
        ],
    )
    for organisation in organisations:
        rf.example(organisation, title=f"Exempel från {organisation.code}", review=review)
    return review, campaign


def test_seven_areas_and_long_names_fit_the_board_report(personas, wide_review):
    review, campaign = wide_review
    with translation.override("sv"):
        data = reports.report_data(user=personas.city_coordinator, review=review)
        pages = read_pages(reports.report_pdf(data))

    assert runs_off_the_page(pages) == []
    text = plain(" ".join(page.text for page in pages))
    words = set().union(*(page.words for page in pages))
    areas = list(campaign.framework.areas.order_by("order"))
    assert len(areas) == 7
    for number, area in enumerate(areas, start=1):
        assert f"{number}. {plain(area.title)}" in text
        assert all(word in words for word in area.title.split()), area.title
    for name, _short in LONG_NAMES:
        assert name in text
    # The short columns beside long text keep their words whole: the numbers' headers, the
    # milestone's date and status, the weakest requirements' numbers ("7.9", not "7." "9").
    with translation.override("sv"):
        status = str(data.milestones[0].get_status_display())
    for word in ("diskrimineringsförebyggande", "Poänggivande", "2025-09-30", "Status", "Nr"):
        assert word in words
    assert status in words
    weakest = data.campaigns[0].weakest_rows
    assert weakest
    for number, _text, _score in weakest:
        assert number in words
