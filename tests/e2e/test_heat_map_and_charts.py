"""The results page in a real browser at 390 and 1280 px: the heat map's rows are the
districts' short names (full names in the table), the answer scales have their own legends
with the worst answer striped, a thin comparison carries a caution in words, no requirement
is named weakest from too few answers; axe finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from tests.factories import assessments as f
from tests.factories.orgs import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("phone", [True, False], ids=["390", "1280"])
def test_heat_map_and_charts_on_the_results_page(live_server, browser_page, personas, phone):
    personas.org_a.name = "Stadsdelsförvaltningen Västra Göteborg"
    personas.org_a.short_name = "Västra Göteborg"
    personas.org_a.save()
    personas.org_b.name = "Stadsdelsförvaltningen Västra Hisingen"
    personas.org_b.short_name = "Västra Hisingen"
    personas.org_b.save()
    for i in range(3):
        UnitFactory(name=f"Extra {i}", code=f"X{i}", parent=personas.org_b)
    fw = f.framework("1")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Förr")
    current = f.campaign(organisations=[personas.org_a, personas.org_b], fw=fw, title="Nu")
    f.submit(current.responses.get(unit=personas.unit_a), {"r1": "no", "r2": "0", "r3": "no"})
    f.submit(current.responses.get(unit=personas.unit_b), {"r1": "yes", "r2": "3", "r3": "yes"})
    for response in earlier.responses.all():
        f.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})

    page = browser_page(phone=phone)
    login(page, live_server, personas.city_coordinator)
    page.goto(
        f"{live_server.url}/assessments/campaigns/{current.pk}/results/?compare_to={earlier.pk}"
    )
    heat = page.locator("div#heatmap")
    expect(heat.locator("svg text", has_text="Västra Göteborg").first).to_be_visible()
    expect(heat.locator("svg text", has_text="Västra Hisingen").first).to_be_visible()
    expect(heat.locator("svg text", has_text="…")).to_have_count(0)
    table = heat.locator("table")
    expect(
        table.get_by_role("rowheader", name="Stadsdelsförvaltningen Västra Göteborg")
    ).to_be_visible()
    labels = heat.locator("svg > g > title").all_text_contents()
    assert "Stadsdelsförvaltningen Västra Hisingen" in labels
    # The worst answers: a legend entry in words and a striped fill.
    first = page.locator("div#dist-1 svg")
    expect(first.locator("text", has_text="sämst, randig").first).to_be_visible()
    # A caution in words under the comparison; nothing named weakest from two answers.
    expect(page.locator("#comparison-h ~ p.caution")).to_contain_text("Varning")
    expect(page.locator("ol.weakest")).to_have_count(0)
    expect(page.get_by_text("rangordnas inte")).to_be_visible()

    width = 390 if phone else 1280
    heat.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"heat-map-and-charts-{width}.png", full_page=True)
    assert_accessible(page)
