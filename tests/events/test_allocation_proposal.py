"""Next year's allocation from this year's use (events/allocation_proposal.py): the decision
function by hand and by property, the figures read from the registrations, the copy into a
draft event through the allocation service, the page, the API and the no-show rate in the
statistics."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jamlik.core.errors import Forbidden, Invalid
from jamlik.events.allocation_proposal import Use, fit_to_capacity, proposed_quota
from jamlik.events.models import Allocation, Status
from jamlik.events.selectors import evaluation as reads
from jamlik.events.services import evaluation as service
from jamlik.events.services.handling import registration_check_in
from tests.factories.events import EventFactory, register

# ---- The decision function -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quota", "confirmed", "no_shows", "waiting", "proposed"),
    [
        (10, 10, 0, 0, 10),  # used in full, nobody waiting: the same
        (10, 10, 2, 0, 8),  # two no-shows: two fewer
        (10, 10, 0, 3, 13),  # three left waiting: three more
        (10, 10, 1, 3, 12),  # both
        (10, 10, 0, 20, 15),  # at most one and a half times
        (10, 2, 0, 0, 5),  # at least half
        (10, 0, 0, 0, 5),
        (3, 3, 0, 9, 4),  # floor(4.5)
        (3, 0, 0, 0, 2),  # ceil(1.5)
        (0, 0, 0, 4, 4),  # no quota this year: its use
        (0, 0, 0, 0, 0),
    ],
)
def test_proposed_quota_by_hand(quota, confirmed, no_shows, waiting, proposed):
    assert proposed_quota(Use(quota, confirmed, no_shows, waiting)) == proposed


def test_no_show_rate():
    assert Use(10, 8, 2, 0).no_show_rate == 0.25
    assert Use(10, 0, 0, 0).no_show_rate is None


counts = st.integers(min_value=0, max_value=2000)


@given(quota=counts, confirmed=counts, no_shows=counts, waiting=counts)
def test_proposed_quota_properties(quota, confirmed, no_shows, waiting):
    no_shows = min(no_shows, confirmed)
    use = Use(quota, confirmed, no_shows, waiting)
    proposed = proposed_quota(use)
    demand = confirmed - no_shows + waiting
    assert proposed >= 0
    if quota > 0:
        assert math.ceil(quota / 2) <= proposed <= max(math.ceil(quota / 2), quota * 3 // 2)
        if math.ceil(quota / 2) <= demand <= quota * 3 // 2:
            assert proposed == demand
    else:
        assert proposed == demand
    # More no-shows never raise a proposal; more waiting never lowers it.
    if no_shows < confirmed:
        assert proposed_quota(Use(quota, confirmed, no_shows + 1, waiting)) <= proposed
    assert proposed_quota(Use(quota, confirmed, no_shows, waiting + 1)) >= proposed


@given(
    proposals=st.lists(st.integers(min_value=0, max_value=500), max_size=20),
    capacity=st.integers(min_value=0, max_value=3000),
)
def test_fit_to_capacity_properties(proposals, capacity):
    fitted = fit_to_capacity(proposals, capacity)
    assert len(fitted) == len(proposals)
    assert all(0 <= f <= p for f, p in zip(fitted, proposals, strict=True))
    if sum(proposals) <= capacity:
        assert fitted == proposals
    else:
        assert sum(fitted) == capacity
        # Proportional: nobody is more than one seat from their exact share.
        total = sum(proposals)
        for f, p in zip(fitted, proposals, strict=True):
            assert abs(f - p * capacity / total) < 1


def test_fit_to_capacity_by_hand():
    assert fit_to_capacity([10, 5], 20) == [10, 5]
    assert fit_to_capacity([10, 10, 10], 20) == [7, 7, 6]
    assert fit_to_capacity([6, 3], 6) == [4, 2]


# ---- Read from the registrations -------------------------------------------------------------


@pytest.fixture
def used(personas, conference, clock):
    """A (quota 2): three registered, two confirmed (one came), one waiting at the end.
    B (quota 3): three confirmed, all came. The clock after the event."""
    event = conference.event
    a = [register(event, personas.org_a).registration for _ in range(3)]
    b = [register(event, personas.org_b).registration for _ in range(3)]
    clock.set(event.starts_at)
    for r in [a[0], *b]:
        registration_check_in(registration=r, actor=None)
    clock.set(event.ends_at + timedelta(days=1))
    for r in a + b:
        r.refresh_from_db()
    assert [r.status for r in a] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
    return conference


def test_proposal_from_this_years_use(used, personas):
    proposal = reads.allocation_proposal(user=personas.city_coordinator, event=used.event)
    rows = {r.name: r for r in proposal.rows}
    assert rows["A"].use == Use(quota=2, confirmed=2, no_shows=1, waiting=1)
    assert rows["A"].proposed == 2 and rows["A"].no_show_percent == 50
    assert rows["B"].use == Use(quota=3, confirmed=3, no_shows=0, waiting=0)
    assert rows["B"].proposed == 3
    assert [o.pk for o in rows["A"].organisations] == [personas.org_a.pk]
    with pytest.raises(Forbidden):
        reads.allocation_proposal(user=personas.coordinator_a, event=used.event)


def test_copy_into_a_draft_event(used, personas):
    draft = EventFactory(status="draft", capacity=4, title="Nästa år")
    created = service.allocation_proposal_copy(
        actor=personas.city_coordinator, event=used.event, target=draft.pk
    )
    # 2 + 3 proposed, 4 seats: fitted.
    assert [(a.name, a.quota) for a in created] == [("A", 2), ("B", 2)]
    assert [list(a.organisations.values_list("pk", flat=True)) for a in created] == [
        [personas.org_a.pk],
        [personas.org_b.pk],
    ]
    # Again: the organisations are in an allocation already (the allocation service says no).
    with pytest.raises(Invalid):
        service.allocation_proposal_copy(actor=None, event=used.event, target=draft.pk)
    assert Allocation.objects.filter(event=draft).count() == 2


def test_copy_refuses_a_published_event_and_org_coordinators(used, personas):
    published = EventFactory(title="Publicerad")
    with pytest.raises(Invalid) as caught:
        service.allocation_proposal_copy(actor=None, event=used.event, target=published.pk)
    assert caught.value.code == "target_not_draft"
    with pytest.raises(Forbidden):
        service.allocation_proposal_copy(
            actor=personas.coordinator_a, event=used.event, target=published.pk
        )


def test_page_and_copy_button(used, personas):
    draft = EventFactory(status="draft", capacity=50, title="Nästa år")
    url = f"/events/{used.event.pk}/allocation-proposal/"
    assert personas.web(personas.coordinator_a).get(url).status_code == 403
    web = personas.web(personas.city_coordinator)
    page = web.get(url)
    assert page.status_code == 200 and "Nästa år" in page.content.decode()
    done = web.post(url, {"target": draft.pk})
    assert done.status_code == 302
    assert Allocation.objects.filter(event=draft).count() == 2


def test_api(used, personas):
    url = f"/api/v1/events/{used.event.pk}/allocation-proposal"
    assert personas.api(personas.coordinator_a).get(url).status_code == 403
    body = personas.api(personas.city_coordinator).get(url).json()
    assert body["ended"] is True and body["total_quota"] == 5 and body["total_proposed"] == 5
    assert [
        (
            a["name"],
            a["quota"],
            a["confirmed"],
            a["no_shows"],
            a["no_show_rate"],
            a["waiting"],
            a["proposed"],
        )
        for a in body["allocations"]
    ] == [("A", 2, 2, 1, 0.5, 1, 2), ("B", 3, 3, 0, 0.0, 0, 3)]
    draft = EventFactory(status="draft", capacity=50)
    copied = personas.api(personas.city_coordinator).post(f"{url}/copy", {"target": draft.pk})
    assert copied.status_code == 201 and len(copied.json()["allocations"]) == 2


def test_statistics_show_the_no_show_rate_after_the_event(used, personas, clock):
    web = personas.web(personas.city_coordinator)
    url = f"/events/{used.event.pk}/statistics/"
    assert "No-show rate" in web.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() or (
        "Andel uteblivna" in web.get(url).content.decode()
    )
    clock.set(used.event.starts_at - timedelta(days=1))
    body = web.get(url).content.decode()
    assert "Andel uteblivna" not in body and "No-show rate" not in body
