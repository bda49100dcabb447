"""The results page (summary picture), its extension point for panels, and the XLSX export
from the page: figures from the summary selector, charts with tables, scoped, flat query
counts."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from django.utils.html import format_html

from jamlik.assessments import chartrules, charts, panels, selectors, services
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(personas, monkeypatch):
    # Two units answer: the ranking minimum (tested in test_chart_rules) is lowered so the
    # weakest requirements are named here.
    monkeypatch.setattr(chartrules, "MIN_ANSWERS_FOR_RANKING", 1)
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2019")
    current = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Omgång 2021")
    f.submit(
        current.responses.get(unit=personas.unit_a),
        {"r1": "partly", "r2": "3", "r3": "no"},
        r1="A:s kommentar <script>x</script>",
    )
    f.submit(
        current.responses.get(unit=personas.unit_b),
        {"r1": "no", "r2": "0", "r3": "yes"},
        r1="B:s hemliga kommentar",
    )
    for response in earlier.responses.all():
        f.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})
    return earlier, current


def test_results_show_figures_of_the_summary_with_charts_and_tables(personas, campaigns):
    earlier, current = campaigns
    user = personas.city_coordinator
    page = personas.web(user).get(
        f"/assessments/campaigns/{current.pk}/results/", {"compare_to": earlier.pk}
    )
    assert page.status_code == 200
    html = page.content.decode()
    summary = selectors.campaign_summary(user=user, campaign=current, compare_to=earlier)
    assert "100,0\u00a0%" in html and "2 av 2 enheter har skickat in" in html
    for area in summary.areas:
        assert charts.fmt_score(area.score) in html
    # Every chart is an accessible SVG with its data table.
    assert html.count('role="img"') == html.count("<svg")
    assert html.count("<svg") >= 5  # areas, heat map, comparison, two distributions
    assert html.count("<caption>") >= html.count("<svg")
    assert "Jämförelse med Omgång 2019" in html
    assert "Organisationer och områden" in html and "Förvaltning B" in html
    # Comments grouped by requirement, escaped.
    assert "A:s kommentar &lt;script&gt;" in html and "<script>x" not in html
    assert "B:s hemliga kommentar" in html
    # Weakest requirements with a link to plan an action.
    assert "Svagaste kraven" in html and "Ny åtgärd för" in html
    assert "exports/xlsx/" in html and "Skapa Excel-fil" in html and "Skapa PDF-rapport" in html


def test_charts_on_the_page_are_well_formed(personas, campaigns):
    _earlier, current = campaigns
    html = (
        personas.web(personas.city_coordinator)
        .get(f"/assessments/campaigns/{current.pk}/results/")
        .content.decode()
    )
    start = 0
    count = 0
    while (start := html.find("<svg", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        root = ET.fromstring(html[start:end])  # noqa: S314 - our own markup
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        start = end
        count += 1
    assert count >= 4


def test_org_coordinator_sees_only_their_subtree(personas, campaigns):
    earlier, current = campaigns
    web = personas.web(personas.coordinator_a)
    html = web.get(
        f"/assessments/campaigns/{current.pk}/results/", {"compare_to": earlier.pk}
    ).content.decode()
    assert "A:s kommentar" in html
    assert "B:s hemliga kommentar" not in html and "Förvaltning B" not in html
    assert "1 av 1 enhet har skickat in" in html
    summary = selectors.campaign_summary(user=personas.coordinator_a, campaign=current)
    assert charts.fmt_score(summary.areas[0].score) in html
    # Filters cannot widen the scope: B as organisation or B's campaign as comparison.
    only_b = f.campaign(organisations=[personas.org_b], title="Bara B")
    for query in ({"organisation": personas.org_b.pk}, {"compare_to": only_b.pk}):
        reply = web.get(f"/assessments/campaigns/{current.pk}/results/", query)
        assert reply.status_code == 400, query
        assert "B:s hemliga kommentar" not in reply.content.decode()
        xlsx = web.get(f"/assessments/campaigns/{current.pk}/export.xlsx", query)
        assert xlsx.status_code == 400, query


def test_city_coordinator_filters_by_organisation(personas, campaigns):
    _earlier, current = campaigns
    web = personas.web(personas.city_coordinator)
    html = web.get(
        f"/assessments/campaigns/{current.pk}/results/", {"organisation": personas.org_b.pk}
    ).content.decode()
    assert "B:s hemliga kommentar" in html and "A:s kommentar" not in html
    assert "1 av 1 enhet har skickat in" in html


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "abc"},
        {"organisation": "99999999999999999999999"},
        {"compare_to": "-1"},
        {"compare_to": "<script>"},
    ],
)
def test_bad_filters_are_400(personas, campaigns, query):
    _earlier, current = campaigns
    web = personas.web(personas.city_coordinator)
    reply = web.get(f"/assessments/campaigns/{current.pk}/results/", query)
    assert reply.status_code == 400
    assert 'role="alert"' in reply.content.decode()


def test_xlsx_export_from_the_page_is_scoped(personas, campaigns):
    from openpyxl import load_workbook

    _earlier, current = campaigns
    reply = personas.web(personas.coordinator_a).get(
        f"/assessments/campaigns/{current.pk}/export.xlsx"
    )
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(reply.content))
    units = {row[1] for row in book["Svar"].iter_rows(min_row=2, values_only=True)}
    assert units == {"Enhet A1"}
    city = personas.web(personas.city_coordinator).get(
        f"/assessments/campaigns/{current.pk}/export.xlsx", {"organisation": personas.org_b.pk}
    )
    book = load_workbook(io.BytesIO(city.content))
    assert {row[1] for row in book["Svar"].iter_rows(min_row=2, values_only=True)} == {"Enhet B1"}


def test_open_actions_are_shown_beside_weak_requirements(personas, campaigns):
    _earlier, current = campaigns
    services.action_create(
        actor=None,
        organisation=personas.org_a,
        requirement="r1",
        title="Rutin mot trakasserier",
        owner="HR",
        due=timezone.localdate().replace(year=2020),
    )
    services.action_create(
        actor=None,
        organisation=personas.org_b,
        requirement="r1",
        title="B:s åtgärd",
        owner="HR",
        due=timezone.localdate(),
    )
    html_a = (
        personas.web(personas.coordinator_a)
        .get(f"/assessments/campaigns/{current.pk}/results/")
        .content.decode()
    )
    assert "Rutin mot trakasserier" in html_a and "Försenad" in html_a
    assert "B:s åtgärd" not in html_a


def test_requirement_panels_extension_point(personas, campaigns):
    _earlier, current = campaigns
    seen = {}

    def good_examples(*, request, campaign, keys):
        seen["keys"] = keys
        seen["user"] = request.user
        return {
            keys[0]: format_html("<p class='example'>{}</p>", "Gott exempel från Angered"),
            keys[-1]: "<b>plain text is escaped</b>",
            "unknown-key": "ignored",
        }

    def broken(**kwargs):
        raise RuntimeError("a broken panel must not take the page down")

    panels.register_requirement_panel("test.examples", good_examples)
    panels.register_requirement_panel("test.broken", broken)
    try:
        page = personas.web(personas.coordinator_a).get(
            f"/assessments/campaigns/{current.pk}/results/"
        )
    finally:
        panels.unregister_requirement_panel("test.examples")
        panels.unregister_requirement_panel("test.broken")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<p class='example'>Gott exempel från Angered</p>" in html
    assert "&lt;b&gt;plain text is escaped&lt;/b&gt;" in html
    assert seen["user"] == personas.coordinator_a
    assert set(seen["keys"]) <= {"r1", "r2", "r3"} and seen["keys"]


def test_empty_campaign_results(personas):
    campaign = f.campaign(organisations=[personas.org_a])
    page = personas.web(personas.city_coordinator).get(
        f"/assessments/campaigns/{campaign.pk}/results/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "0,0\u00a0%" in html and "Inga poänggivande svar ännu." in html


def test_results_query_count_does_not_grow(personas, django_assert_max_num_queries):
    f.many_units(personas.org_a, 200)
    f.many_units(personas.org_b, 150)
    current = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(current, submitted_every=2)
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], title="Tidigare")
    f.answer_in_bulk(earlier, submitted_every=3)
    for i in range(40):
        services.action_create(
            actor=None,
            organisation=personas.org_a,
            requirement=["r1", "r2", "r3"][i % 3],
            title=f"Åtgärd {i}",
            owner="HR",
            due=timezone.localdate(),
        )
    for user in (personas.city_coordinator, personas.coordinator_a):
        web = personas.web(user)
        with django_assert_max_num_queries(24):
            page = web.get(
                f"/assessments/campaigns/{current.pk}/results/", {"compare_to": earlier.pk}
            )
        assert page.status_code == 200
        assert "kommentarer till 1.1" in page.content.decode()


def test_many_comments_are_capped_with_a_link_to_all(personas):
    f.many_units(personas.org_a, 60)
    campaign = f.campaign(organisations=[personas.org_a])
    f.answer_in_bulk(campaign, submitted_every=1)
    web = personas.web(personas.city_coordinator)
    url = f"/assessments/campaigns/{campaign.pk}/results/"
    html = web.get(url).content.decode()
    assert html.count('class="comment-meta"') == 20
    assert "Visa 41 kommentarer till 1.1" in html
    everything = web.get(url, {"comments": "r1"}).content.decode()
    assert everything.count('class="comment-meta"') == 61
    assert 'id="comments-r1" open' in everything
    # An unknown key shows the capped view, not an error.
    assert web.get(url, {"comments": "<script>"}).status_code == 200
