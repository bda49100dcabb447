"""The comparison with an earlier campaign follows the registry's successors (docs/rules.md,
"Comparison across merges and splits"): merged, renamed (chains) and split organisations are
compared with their predecessors, and the page, API and export say so."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from jamlik.assessments import selectors
from jamlik.assessments.selectors.successors import Succession, predecessors_of
from jamlik.core.models import Role
from jamlik.orgs import services as org_services
from tests.factories import assessments as f
from tests.factories.core import UserFactory
from tests.factories.orgs import OrganisationFactory, UnitFactory

ANSWERS = {"r2": "3", "r3": "yes"}


# ---- The pure mapping --------------------------------------------------------------------


def test_merge_gives_the_successor_every_predecessor():
    assert predecessors_of({3}, {1, 2}, {1: [3], 2: [3]}) == {3: [1, 2]}


def test_split_compares_each_successor_with_the_predecessor():
    assert predecessors_of({2, 3}, {1}, {1: [3, 2]}) == {2: [1], 3: [1]}


def test_chain_of_successors_is_followed_to_a_current_organisation():
    assert predecessors_of({3}, {1}, {1: [2], 2: [3]}) == {3: [1]}
    # Two earlier organisations on the same chain both lead to the current one.
    assert predecessors_of({3}, {1, 2}, {1: [2], 2: [3]}) == {3: [1, 2]}
    # The walk stops at the first current organisation on the way.
    assert predecessors_of({2, 3}, {1}, {1: [2], 2: [3]}) == {2: [1]}
    # Merge, then split: both successors have both predecessors.
    links = {1: [3], 2: [3], 3: [4, 5]}
    assert predecessors_of({4, 5}, {1, 2}, links) == {4: [1, 2], 5: [1, 2]}


def test_no_successor_no_mapping():
    assert predecessors_of({3}, {1}, {}) == {}
    assert predecessors_of({3}, {1}, {1: [9], 9: [8]}) == {}  # the links lead elsewhere
    assert predecessors_of({1}, {1}, {1: [2]}) == {}  # still there: compared with itself
    assert predecessors_of(set(), {1}, {1: [2]}) == {}


def test_a_loop_in_the_links_ends_the_walk():
    assert predecessors_of({3}, {1}, {1: [2], 2: [1]}) == {}
    assert predecessors_of({3}, {1}, {1: [1, 2], 2: [3]}) == {3: [1]}


def test_the_note_in_both_languages():
    one = Succession(3, "Förvaltning Y", [(1, "Förvaltning X")])
    two = Succession(3, "Förvaltning Y", [(1, "Förvaltning X1"), (2, "Förvaltning X2")])
    with translation.override("en"):
        assert one.note == "Förvaltning Y: compared with predecessor Förvaltning X"
        assert two.note == (
            "Förvaltning Y: compared with predecessors Förvaltning X1, Förvaltning X2"
        )
    with translation.override("sv"):
        assert one.note == "Förvaltning Y: jämförs med föregångaren Förvaltning X"
        assert two.note == "Förvaltning Y: jämförs med föregångarna Förvaltning X1, Förvaltning X2"


# ---- In the comparison -------------------------------------------------------------------


def _org(personas, name, code):
    org = OrganisationFactory(name=name, code=code, parent=personas.org_a, domains=[])
    return org, UnitFactory(name=f"Enhet {code}", code=f"{code}-1", parent=org)


def _succeed(org, successor):
    org_services.organisation_update(actor=None, organisation=org, successor=successor)


def _submit(campaign, unit, r1):
    f.submit(campaign.responses.get(unit=unit), {"r1": r1, **ANSWERS})


def _r1(summary):
    return next(c for c in summary.comparison.requirements if c.key == "r1")


@pytest.fixture
def merged(personas, db):
    """X1 and X2 (2024: yes and partly, r1 75) merged into Y (2025: yes, r1 100)."""
    x1, u1 = _org(personas, "Förvaltning X1", "X1")
    x2, u2 = _org(personas, "Förvaltning X2", "X2")
    y, uy = _org(personas, "Förvaltning Y", "Y")
    earlier = f.campaign(organisations=[x1, x2], title="2024")
    _submit(earlier, u1, "yes")
    _submit(earlier, u2, "partly")
    _succeed(x1, y)
    _succeed(x2, y)
    current = f.campaign(organisations=[y], title="2025")
    _submit(current, uy, "yes")
    return earlier, current, x1, x2, y


@pytest.mark.django_db
def test_merge_within_the_successor_pools_the_predecessors(personas, merged):
    earlier, current, x1, x2, y = merged
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=current, organisation=y, compare_to=earlier
    )
    r1 = _r1(summary)
    assert (r1.score, r1.previous, r1.change) == (
        pytest.approx(100),
        pytest.approx(75),
        pytest.approx(25),
    )
    assert (summary.comparison.responses, summary.comparison.submitted) == (2, 2)
    (succession,) = summary.comparison.successions
    assert succession.organisation_id == y.pk
    assert [pk for pk, _name in succession.predecessors] == [x1.pk, x2.pk]
    with translation.override("en"):
        assert summary.comparison.notes == [
            "Förvaltning Y: compared with predecessors Förvaltning X1, Förvaltning X2"
        ]


@pytest.mark.django_db
def test_without_a_filter_the_named_organisations_are_matched(personas, merged):
    earlier, current, x1, x2, y = merged
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=current, compare_to=earlier
    )
    assert _r1(summary).previous == pytest.approx(75)
    (succession,) = summary.comparison.successions
    assert succession.organisation_id == y.pk
    assert {pk for pk, _name in succession.predecessors} == {x1.pk, x2.pk}


@pytest.mark.django_db
def test_a_filter_holding_both_sides_says_so_too(personas, merged):
    earlier, current, x1, x2, y = merged
    summary = selectors.campaign_summary(
        user=personas.city_coordinator,
        campaign=current,
        organisation=personas.org_a,
        compare_to=earlier,
    )
    assert _r1(summary).previous == pytest.approx(75)
    assert [
        (s.organisation_id, [pk for pk, _n in s.predecessors])
        for s in summary.comparison.successions
    ] == [(y.pk, [x1.pk, x2.pk])]


@pytest.mark.django_db
def test_chain_of_successors(personas):
    x0, u0 = _org(personas, "Förvaltning X0", "X0")
    x1, _u1 = _org(personas, "Förvaltning X1", "X1")
    y, uy = _org(personas, "Förvaltning Y", "Y")
    earlier = f.campaign(organisations=[x0], title="2023")
    _submit(earlier, u0, "no")
    _succeed(x0, x1)
    _succeed(x1, y)
    current = f.campaign(organisations=[y], title="2025")
    _submit(current, uy, "partly")
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=current, organisation=y, compare_to=earlier
    )
    assert (_r1(summary).previous, _r1(summary).change) == (pytest.approx(0), pytest.approx(50))
    (succession,) = summary.comparison.successions
    assert [pk for pk, _name in succession.predecessors] == [x0.pk]


@pytest.mark.django_db
def test_no_successor_no_earlier_figures_and_no_note(personas):
    x, ux = _org(personas, "Förvaltning X", "X")
    y, uy = _org(personas, "Förvaltning Y", "Y")
    earlier = f.campaign(organisations=[x], title="2024")
    _submit(earlier, ux, "yes")
    current = f.campaign(organisations=[y], title="2025")
    _submit(current, uy, "yes")
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=current, organisation=y, compare_to=earlier
    )
    assert _r1(summary).previous is None
    assert summary.comparison.successions == [] and summary.comparison.notes == []
    assert summary.as_api()["comparison"]["successions"] == []


@pytest.mark.django_db
def test_split_within_each_successor_takes_the_predecessor(personas, monkeypatch):
    # The split is given as links here: the comparison follows whatever the links say (a
    # split recorded in the registry: test_a_split_recorded_in_the_registry_is_followed).
    a, ua = _org(personas, "Förvaltning A0", "A0")
    b, ub = _org(personas, "Förvaltning B0", "B0")
    c, uc = _org(personas, "Förvaltning C0", "C0")
    earlier = f.campaign(organisations=[a], title="2024")
    _submit(earlier, ua, "partly")
    current = f.campaign(organisations=[b, c], title="2025")
    _submit(current, ub, "yes")
    _submit(current, uc, "no")
    monkeypatch.setattr(
        "jamlik.assessments.selectors.summary.successor_links", lambda: {a.pk: [b.pk, c.pk]}
    )
    for successor, change in ((b, 50), (c, -50)):
        summary = selectors.campaign_summary(
            user=personas.city_coordinator,
            campaign=current,
            organisation=successor,
            compare_to=earlier,
        )
        assert (_r1(summary).previous, _r1(summary).change) == (
            pytest.approx(50),
            pytest.approx(change),
        )
        (succession,) = summary.comparison.successions
        assert (succession.organisation_id, succession.predecessors) == (
            successor.pk,
            [(a.pk, "Förvaltning A0")],
        )
    whole = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=current, compare_to=earlier
    )
    assert [(s.organisation_id, s.predecessors) for s in whole.comparison.successions] == [
        (b.pk, [(a.pk, "Förvaltning A0")]),
        (c.pk, [(a.pk, "Förvaltning A0")]),
    ]


@pytest.mark.django_db
def test_scoping_is_unchanged(personas, merged):
    earlier, current, _x1, _x2, y = merged
    # The coordinator of org A sees X1, X2 and Y (all under A): the predecessors count.
    summary = selectors.campaign_summary(
        user=personas.coordinator_a, campaign=current, organisation=y, compare_to=earlier
    )
    assert _r1(summary).previous == pytest.approx(75)
    assert len(summary.comparison.successions) == 1
    # Y's own coordinator sees Y's subtree only: the predecessors neither count nor show.
    own = UserFactory(username="hr_y", role=Role.ORG_COORDINATOR, organisation=y)
    for organisation in (y, None):
        summary = selectors.campaign_summary(
            user=own, campaign=current, organisation=organisation, compare_to=earlier
        )
        assert _r1(summary).score == pytest.approx(100)
        assert _r1(summary).previous is None
        assert summary.comparison.successions == []
        assert summary.comparison.responses == 0
    # Org B's coordinator sees nothing of it.
    summary = selectors.campaign_summary(
        user=personas.coordinator_b, campaign=current, organisation=y, compare_to=earlier
    )
    assert _r1(summary).previous is None and summary.comparison.successions == []


@pytest.mark.django_db
def test_page_api_and_export_say_so(personas, merged):
    earlier, current, x1, x2, y = merged
    query = {"organisation": y.pk, "compare_to": earlier.pk}
    page = personas.web(personas.city_coordinator).get(
        f"/assessments/campaigns/{current.pk}/results/", query
    )
    assert page.status_code == 200
    assert (
        "Förvaltning Y: jämförs med föregångarna Förvaltning X1, Förvaltning X2"
        in page.content.decode()
    )

    api = personas.api(personas.city_coordinator)
    body = api.get(f"/api/v1/campaigns/{current.pk}/summary", query).json()
    (succession,) = body["comparison"]["successions"]
    assert succession["organisation"] == y.pk
    assert succession["organisation_name"] == "Förvaltning Y"
    assert succession["predecessors"] == [
        {"id": x1.pk, "name": "Förvaltning X1"},
        {"id": x2.pk, "name": "Förvaltning X2"},
    ]
    assert succession["note"].startswith("Förvaltning Y: jämförs med föregångarna")
    api.headers["Accept-Language"] = "en"
    english = api.get(f"/api/v1/campaigns/{current.pk}/summary", query).json()
    assert english["comparison"]["successions"][0]["note"] == (
        "Förvaltning Y: compared with predecessors Förvaltning X1, Förvaltning X2"
    )

    api.headers["Accept-Language"] = "sv"
    export = api.get(f"/api/v1/campaigns/{current.pk}/export.xlsx", query)
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert "Föregångare" in book.sheetnames
    rows = list(book["Föregångare"].iter_rows(values_only=True))
    assert rows == [
        ("Jämförs med 2024",),
        ("Förvaltning Y: jämförs med föregångarna Förvaltning X1, Förvaltning X2",),
    ]


@pytest.mark.django_db
def test_the_pdf_report_says_so(personas, merged):
    from jamlik.assessments.reports import pdf as report
    from tests.assessments.test_report import pdf_text

    earlier, current, _x1, _x2, y = merged
    with translation.override("sv"):
        content = report.campaign_report_pdf(
            user=personas.city_coordinator, campaign=current, organisation=y, compare_to=earlier
        )
    _pages, text = pdf_text(content)
    assert "Förvaltning Y: jämförs med föregångarna Förvaltning X1, Förvaltning X2" in text


@pytest.mark.django_db
def test_a_split_recorded_in_the_registry_is_followed(personas, django_assert_max_num_queries):
    from jamlik.assessments.selectors.successors import successor_links

    # A split into B (the successor) and C (another successor), as the registry records it.
    a, ua = _org(personas, "Förvaltning A1", "SPA")
    b, ub = _org(personas, "Förvaltning B1", "SPB")
    c, uc = _org(personas, "Förvaltning C1", "SPC")
    earlier = f.campaign(organisations=[a], title="2024")
    _submit(earlier, ua, "partly")
    org_services.organisation_update(actor=None, organisation=a, successor=b, other_successors=[c])
    current = f.campaign(organisations=[b, c], title="2025")
    _submit(current, ub, "yes")
    _submit(current, uc, "no")
    with django_assert_max_num_queries(2):
        assert successor_links()[a.pk] == [b.pk, c.pk]
    for successor, change in ((b, 50), (c, -50)):
        summary = selectors.campaign_summary(
            user=personas.city_coordinator,
            campaign=current,
            organisation=successor,
            compare_to=earlier,
        )
        assert (_r1(summary).previous, _r1(summary).change) == (
            pytest.approx(50),
            pytest.approx(change),
        )
        (succession,) = summary.comparison.successions
        assert (succession.organisation_id, succession.predecessors) == (
            successor.pk,
            [(a.pk, "Förvaltning A1")],
        )
        with translation.override("sv"):
            assert summary.comparison.notes == [
                f"{successor.name}: jämförs med föregångaren Förvaltning A1"
            ]
