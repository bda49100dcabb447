"""Breakout groups over real registrations: only confirmed participants, balanced sizes,
deterministic, mixed as the participants allow, moved by hand, notes recorded."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from jamlik.core.errors import Forbidden, Invalid
from jamlik.core.models import AuditEntry
from jamlik.events import services as event_services
from jamlik.events.models import Status
from jamlik.reviews import grouping, services
from jamlik.reviews.models import Breakout, BreakoutMember, BreakoutNotes
from jamlik.reviews.services import NotAWorkshop, NotesRecorded
from tests.factories import reviews as rf
from tests.factories.events import EventFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(personas):
    administrations = [OrganisationFactory(parent=personas.city) for _ in range(4)]
    companies = [OrganisationFactory(parent=personas.city, kind="company") for _ in range(2)]
    return [personas.org_a, personas.org_b, *administrations, *companies]


@pytest.fixture
def event(orgs):
    event = rf.workshop(capacity=40)
    rf.participants(event, {org: 2 for org in orgs})  # 16 people, two per organisation
    return event


def groups_of(event):
    return [
        sorted(m.registration_id for m in b.memberships.all())
        for b in Breakout.objects.filter(event=event).prefetch_related("memberships")
    ]


def test_forms_balanced_groups_of_confirmed_participants_only(event, orgs, personas):
    # Someone cancels, someone else waits: neither is put into a group.
    cancelled = register(event, orgs[0]).registration
    event_services.registration_cancel(registration=cancelled)
    full = rf.workshop(capacity=1)
    register(full, orgs[0])
    waiting = register(full, orgs[1]).registration
    assert waiting.status == Status.WAITING

    breakouts = services.breakouts_form(actor=personas.city_coordinator, event=event, size=5)

    confirmed = set(
        event.registrations.filter(status=Status.CONFIRMED).values_list("pk", flat=True)
    )
    assert len(confirmed) == 16
    assert len(breakouts) == math.ceil(16 / 5) == 4
    members = [m for b in breakouts for m in b.member_ids]
    assert sorted(members) == sorted(confirmed)  # everyone exactly once
    assert cancelled.pk not in members
    sizes = [len(b.member_ids) for b in breakouts]
    assert max(sizes) - min(sizes) <= 1
    assert [b.number for b in breakouts] == [1, 2, 3, 4]
    assert groups_of(event) == [sorted(b.member_ids) for b in breakouts]
    # Eight organisations with two people each over four groups: no colleagues together.
    participants = services.participants_of(event)
    assert grouping.same_organisation_pairs(groups_of(event), participants) == 0
    entry = AuditEntry.objects.get(action="reviews.breakouts.formed")
    assert entry.new["groups"] == 4 and entry.new["same_organisation_pairs"] == 0


def test_same_inputs_give_the_same_groups_and_another_seed_may_not(event, personas):
    first = [b.member_ids for b in services.breakouts_form(actor=None, event=event, size=4, seed=7)]
    again = [b.member_ids for b in services.breakouts_form(actor=None, event=event, size=4, seed=7)]
    assert first == again
    others = {
        tuple(map(tuple, (b.member_ids for b in services.breakouts_form(
            actor=None, event=event, size=4, seed=seed
        ))))
        for seed in range(1, 6)
    }  # fmt: skip
    assert len(others) > 1


def test_organisation_kinds_are_spread(event, orgs):
    breakouts = services.breakouts_form(actor=None, event=event, size=4, seed=3)
    kinds = {r.pk: r.organisation.kind for r in event.registrations.select_related("organisation")}
    # 4 company people over 4 groups: one per group.
    for b in breakouts:
        assert Counter(kinds[m] for m in b.member_ids)["company"] == 1


def test_forming_again_replaces_the_groups(event):
    services.breakouts_form(actor=None, event=event, size=4)
    services.breakouts_form(actor=None, event=event, size=6)
    assert Breakout.objects.filter(event=event).count() == 3
    assert BreakoutMember.objects.filter(event=event).count() == 16


def test_externals_without_organisation_are_their_own_organisation(personas):
    event = rf.workshop()
    rf.participants(event, {personas.org_a: 3})
    for _ in range(3):
        register(event, None, category="partner", via_link=False)
    breakouts = services.breakouts_form(actor=None, event=event, size=2)
    assert len(breakouts) == 3
    participants = services.participants_of(event)
    assert grouping.same_organisation_pairs([b.member_ids for b in breakouts], participants) == 0


def test_empty_event_gives_no_groups():
    assert services.breakouts_form(actor=None, event=rf.workshop(), size=4) == []


@pytest.mark.parametrize("size", [0, 1, 51, 100, -3, True, "5", 4.0])
def test_bad_sizes_are_refused(event, size):
    with pytest.raises(Invalid) as info:
        services.breakouts_form(actor=None, event=event, size=size)
    assert info.value.errors[0]["field"] == "size"
    assert not Breakout.objects.exists()


@pytest.mark.parametrize("seed", [-1, 2**63, None, "x"])
def test_bad_seeds_are_refused(event, seed):
    with pytest.raises(Invalid) as info:
        services.breakouts_form(actor=None, event=event, size=4, seed=seed)
    assert info.value.errors[0]["field"] == "seed"


def test_a_conference_has_no_breakout_groups(personas):
    conference = EventFactory(kind="conference")
    with pytest.raises(NotAWorkshop):
        services.breakouts_form(actor=None, event=conference, size=4)


def test_only_the_city_forms_groups(event, personas):
    with pytest.raises(Forbidden):
        services.breakouts_form(actor=personas.coordinator_a, event=event, size=4)
    services.breakouts_form(actor=personas.admin, event=event, size=4)


def test_moving_by_hand_keeps_everyone_exactly_once(event, personas):
    breakouts = services.breakouts_form(actor=None, event=event, size=4, seed=1)
    person = breakouts[0].member_ids[0]
    registration = event.registrations.get(pk=person)
    services.breakout_move_member(
        actor=personas.city_coordinator, event=event, registration=registration, to=breakouts[2]
    )
    groups = groups_of(event)
    assert person in groups[2] and person not in groups[0]
    assert sorted(m for g in groups for m in g) == sorted(
        event.registrations.filter(status=Status.CONFIRMED).values_list("pk", flat=True)
    )
    # Moving to the same group again changes nothing; out of all groups and back in.
    services.breakout_move_member(
        actor=None, event=event, registration=registration, to=breakouts[2]
    )
    services.breakout_move_member(actor=None, event=event, registration=registration, to=None)
    assert person not in [m for g in groups_of(event) for m in g]
    services.breakout_move_member(
        actor=None, event=event, registration=registration, to=breakouts[1]
    )
    assert BreakoutMember.objects.filter(registration=registration).count() == 1
    assert AuditEntry.objects.filter(action="reviews.breakouts.member_moved").count() == 2


def test_a_late_participant_can_be_added_but_not_a_cancelled_one(event, orgs):
    breakouts = services.breakouts_form(actor=None, event=event, size=4)
    late = register(event, orgs[2]).registration
    services.breakout_move_member(actor=None, event=event, registration=late, to=breakouts[0])
    gone = register(event, orgs[3]).registration
    event_services.registration_cancel(registration=gone)
    gone.refresh_from_db()
    with pytest.raises(Invalid):
        services.breakout_move_member(actor=None, event=event, registration=gone, to=breakouts[0])


def test_moving_across_events_is_refused(event, orgs):
    breakouts = services.breakouts_form(actor=None, event=event, size=4)
    other = rf.workshop()
    stranger = register(other, orgs[0]).registration
    with pytest.raises(Invalid):
        services.breakout_move_member(
            actor=None, event=event, registration=stranger, to=breakouts[0]
        )
    other_groups = services.breakouts_form(actor=None, event=other, size=2)
    mine = event.registrations.first()
    with pytest.raises(Invalid):
        services.breakout_move_member(
            actor=None, event=event, registration=mine, to=other_groups[0]
        )


def test_notes_are_saved_and_block_forming_anew(event, personas):
    breakouts = services.breakouts_form(actor=None, event=event, size=4)
    notes = services.breakout_notes_save(
        actor=personas.city_coordinator,
        breakout=breakouts[0],
        shared="Vi delade erfarenheter av lönekartläggning.",
        questions="Hur följer vi upp?",
        wishes="Gemensam metod för hela staden 🌍",
    )
    assert BreakoutNotes.objects.get(breakout=breakouts[0]).wishes.endswith("🌍")
    assert notes.updated_by == personas.city_coordinator
    with pytest.raises(NotesRecorded):
        services.breakouts_form(actor=None, event=event, size=4)
    # Moving by hand still works.
    registration = event.registrations.get(pk=breakouts[1].member_ids[0])
    services.breakout_move_member(
        actor=None, event=event, registration=registration, to=breakouts[0]
    )


@pytest.mark.parametrize(
    "field,value", [("shared", "x" * 10_001), ("questions", "a\x00b"), ("wishes", 12)]
)
def test_bad_notes_are_refused(event, field, value):
    breakouts = services.breakouts_form(actor=None, event=event, size=4)
    with pytest.raises(Invalid) as info:
        services.breakout_notes_save(actor=None, breakout=breakouts[0], **{field: value})
    assert info.value.errors[0]["field"] == field
    assert not BreakoutNotes.objects.exists()


def test_org_coordinators_do_not_write_notes(event, personas):
    breakouts = services.breakouts_form(actor=None, event=event, size=4)
    with pytest.raises(Forbidden):
        services.breakout_notes_save(
            actor=personas.coordinator_a, breakout=breakouts[0], shared="x"
        )
