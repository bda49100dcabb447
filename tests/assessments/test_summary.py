"""The summary figures against hand-computed cases (docs/rules.md#assessments-scores: scores normalised on each
requirement's scale to 0–100, pooled as the mean; n/a and don't know have no score; only
submitted responses count)."""

from __future__ import annotations

import pytest

from jamlik.assessments import selectors
from jamlik.core.errors import Invalid
from tests.factories import assessments as f
from tests.factories.orgs import UnitFactory

pytestmark = pytest.mark.django_db

THIRD = 100 / 3


@pytest.fixture
def setup(personas):
    a2 = UnitFactory(parent=personas.org_a, name="Enhet A2")
    b2 = UnitFactory(parent=personas.org_b, name="Enhet B2")
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], title="2019")
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], title="2021")

    def response(c, unit):
        return c.responses.get(unit=unit)

    f.submit(response(campaign, personas.unit_a), {"r1": "yes", "r2": "1", "r3": "na"}, r1="Bra")
    f.submit(response(campaign, a2), {"r1": "partly", "r2": "3", "r3": "no"})
    f.submit(response(campaign, personas.unit_b), {"r1": "dont_know", "r2": "0", "r3": "yes"})
    f.answer(response(campaign, b2), {"r1": "no", "r2": "0", "r3": "no"})  # a draft: not counted
    f.submit(response(earlier, personas.unit_a), {"r1": "no", "r2": "0", "r3": "yes"})
    return personas, campaign, earlier, a2, b2


def by_key(items):
    return {item.key: item for item in items}


def test_city_wide_summary(setup):
    personas, campaign, _earlier, _a2, _b2 = setup
    summary = selectors.campaign_summary(user=personas.city_coordinator, campaign=campaign)
    assert (summary.responses, summary.submitted, summary.response_rate) == (4, 3, 0.75)
    requirements = by_key(summary.requirements)
    assert requirements["r1"].counts == {"yes": 1, "partly": 1, "no": 0, "na": 0, "dont_know": 1}
    assert requirements["r1"].score == pytest.approx(75)
    assert (requirements["r1"].answered, requirements["r1"].scored) == (3, 2)
    assert requirements["r2"].counts == {"0": 1, "1": 1, "2": 0, "3": 1}
    assert requirements["r2"].score == pytest.approx((THIRD + 100 + 0) / 3)
    assert requirements["r3"].counts["na"] == 1
    assert requirements["r3"].score == pytest.approx(50)
    areas = by_key(summary.areas)
    assert areas["a1"].score == pytest.approx((100 + 50 + THIRD + 100 + 0) / 5)
    assert areas["a2"].score == pytest.approx(50)
    assert [r.key for r in summary.weakest] == ["r2", "r3", "r1"]


def test_heat_map_pools_each_named_organisation(setup):
    personas, campaign, *_ = setup
    summary = selectors.campaign_summary(user=personas.city_coordinator, campaign=campaign)
    rows = {o.id: o for o in summary.organisations}
    assert set(rows) == {personas.org_a.pk, personas.org_b.pk}
    a, b = rows[personas.org_a.pk], rows[personas.org_b.pk]
    assert (a.responses, a.submitted, b.responses, b.submitted) == (2, 2, 2, 1)
    assert a.areas["a1"] == pytest.approx((100 + 50 + THIRD + 100) / 4)
    assert a.areas["a2"] == pytest.approx(0)
    assert b.areas == {"a1": pytest.approx(0), "a2": pytest.approx(100)}


def test_comparison_by_requirement_key(setup):
    personas, campaign, earlier, *_ = setup
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=campaign, compare_to=earlier
    )
    comparison = summary.comparison
    assert comparison.campaign == earlier.pk
    changes = by_key(comparison.requirements)
    assert changes["r1"].previous == pytest.approx(0)
    assert changes["r1"].change == pytest.approx(75)
    assert changes["r3"].previous == pytest.approx(100)
    assert changes["r3"].change == pytest.approx(-50)
    areas = by_key(comparison.areas)
    assert areas["a1"].previous == pytest.approx(0)
    assert areas["a2"].change == pytest.approx(-50)
    body = summary.as_api()
    assert body["comparison"]["areas"][1] == {
        "key": "a2",
        "score": pytest.approx(50),
        "previous": pytest.approx(100),
        "change": pytest.approx(-50),
    }


def test_comparison_across_framework_versions_matches_keys(personas):
    old = f.campaign(organisations=[personas.org_a], fw=f.framework("1"))
    new = f.campaign(organisations=[personas.org_a], fw=f.framework("2"))
    f.submit(old.responses.get(), {"r1": "no", "r2": "0", "r3": "no"})
    f.submit(new.responses.get(), {"r1": "yes", "r2": "3", "r3": "partly"})
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=new, compare_to=old
    )
    assert {c.key: c.change for c in summary.comparison.requirements} == {
        "r1": pytest.approx(100),
        "r2": pytest.approx(100),
        "r3": pytest.approx(50),
    }


def test_org_coordinator_sees_own_subtree_only(setup):
    personas, campaign, *_ = setup
    summary = selectors.campaign_summary(user=personas.coordinator_a, campaign=campaign)
    assert (summary.responses, summary.submitted) == (2, 2)
    assert [o.id for o in summary.organisations] == [personas.org_a.pk]
    requirements = by_key(summary.requirements)
    assert requirements["r1"].score == pytest.approx(75)
    assert requirements["r2"].score == pytest.approx((THIRD + 100) / 2)
    assert requirements["r3"].score == pytest.approx(0)
    assert requirements["r1"].counts["dont_know"] == 0
    comments = selectors.campaign_comments(user=personas.coordinator_b, campaign=campaign)
    assert comments == []


def test_organisation_filter(setup):
    personas, campaign, *_ = setup
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=campaign, organisation=personas.unit_a
    )
    assert (summary.responses, summary.submitted) == (1, 1)
    assert by_key(summary.requirements)["r3"].score is None  # n/a only
    assert by_key(summary.areas)["a2"].score is None
    with pytest.raises(Invalid):
        selectors.organisation_filter(personas.org_b.pk, user=personas.coordinator_a)


def test_no_submitted_answers_gives_no_scores(personas):
    campaign = f.campaign(organisations=[personas.org_a])
    summary = selectors.campaign_summary(user=personas.city_coordinator, campaign=campaign)
    assert summary.response_rate == 0
    assert all(r.score is None for r in summary.requirements)
    assert summary.weakest == []
    assert summary.organisations[0].areas == {"a1": None, "a2": None}


def test_comments_grouped_by_requirement(setup):
    personas, campaign, *_ = setup
    groups = selectors.campaign_comments(user=personas.city_coordinator, campaign=campaign)
    assert [(g.key, [(c.unit, c.label, c.comment) for c in g.comments]) for g in groups] == [
        ("r1", [("Enhet A1", "Uppfyllt", "Bra")])
    ]


def test_progress(setup):
    personas, campaign, _earlier, _a2, _b2 = setup
    rows = selectors.campaign_progress(user=personas.city_coordinator, campaign=campaign)
    assert [(r.organisation, r.units, r.not_started, r.draft, r.submitted) for r in rows] == [
        (personas.org_a.pk, 2, 0, 0, 2),
        (personas.org_b.pk, 2, 0, 1, 1),
    ]
    assert selectors.progress_total(rows).rate == 0.75
    rows_b = selectors.campaign_progress(user=personas.coordinator_b, campaign=campaign)
    assert [r.organisation for r in rows_b] == [personas.org_b.pk]
