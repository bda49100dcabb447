"""Query counts of the pages and endpoints after the event (evaluation, needs, allocation
proposal, statistics with no-shows) and of the person export do not grow with the data
(docs/quality.md#query-discipline): each is measured on a small event and on one with ten
times the registrations, answers, questions, allocations and organisations."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.events.models import EvaluationAnswer, EvaluationInvite, Registration
from jamlik.events.services import evaluation as evaluation_service
from jamlik.events.services.handling import registration_check_in
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db

KINDS = ["scale", "yes_no", "text"]


def build(personas, size: int) -> SimpleNamespace:
    """An event with ``size`` allocations of one new organisation each (plus org A), three
    registrations an allocation with needs, most of them checked in, and an evaluation of
    ``size`` questions answered by everyone who came."""
    event = EventFactory(capacity=10 * size + 10, quota_lock_until=None)
    orgs = [personas.org_a] + [OrganisationFactory(parent=personas.city) for _ in range(size)]
    for n, org in enumerate(orgs):
        AllocationFactory(event=event, name=f"Grupp {n}", quota=3, organisations=[org])
    for n in range(3 * len(orgs)):
        register(
            event,
            orgs[n % len(orgs)],
            dietary=["Vegetarisk", "Vegansk", "Glutenfri"][n % 3],
            accessibility=f"Hörslinga; Behov {n}" if n % 2 else "",
        )
    questions = [
        {"kind": KINDS[n % 3], "text": f"Fråga {n}", "required": False} for n in range(size)
    ]
    evaluation_service.evaluation_save(actor=None, event=event, questions=questions)
    return SimpleNamespace(event=event, orgs=orgs)


def after_the_event(clock, *built: SimpleNamespace) -> None:
    """Check in all but every fourth registration, end the events, send the evaluation and
    store an answer to every question from everyone who came (rows made directly: the
    answering itself is not what is measured)."""
    for b in built:
        clock.set(b.event.starts_at + timedelta(minutes=5))
        for n, r in enumerate(Registration.objects.filter(event=b.event).order_by("id")):
            if n % 4:
                registration_check_in(registration=r, actor=None)
    clock.set(max(b.event.ends_at for b in built) + timedelta(hours=1))
    for b in built:
        evaluation_service.evaluation_send(actor=None, event=b.event)
        invites = EvaluationInvite.objects.filter(evaluation__event=b.event)
        questions = list(b.event.evaluation.questions.all())
        rows = []
        for n in range(invites.count()):
            for q in questions:
                rows.append(
                    EvaluationAnswer(
                        question=q,
                        scale=(n % 5) + 1 if q.kind == "scale" else None,
                        yes=(n % 2 == 0) if q.kind == "yes_no" else None,
                        text=f"Svar {n}" if q.kind == "text" else "",
                        answered_on=dt.date.today(),
                    )
                )
        EvaluationAnswer.objects.bulk_create(rows)
        invites.update(answered=True)


def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(queries)


PAGES = {
    "evaluation page": lambda web, api, e: web.get(f"/events/{e.pk}/evaluation/"),
    "evaluation api": lambda web, api, e: api.get(f"/api/v1/events/{e.pk}/evaluation"),
    "needs page": lambda web, api, e: web.get(f"/events/{e.pk}/needs/"),
    "needs api": lambda web, api, e: api.get(f"/api/v1/events/{e.pk}/needs"),
    "allocation proposal page": lambda web, api, e: web.get(f"/events/{e.pk}/allocation-proposal/"),
    "allocation proposal api": lambda web, api, e: api.get(
        f"/api/v1/events/{e.pk}/allocation-proposal"
    ),
    "statistics page": lambda web, api, e: web.get(f"/events/{e.pk}/statistics/"),
}


@pytest.fixture
def two_sizes(personas, clock, settings):
    settings.EVENTS_EVALUATION_MIN_ANSWERS = 2  # the results are shown on both sizes
    small = build(personas, 3)
    large = build(personas, 30)
    after_the_event(clock, small, large)
    EventFactory(status="draft", title="Nästa år")  # the proposal page offers a draft
    return small, large


def measure(web, api, small, large, names=tuple(PAGES)) -> dict[str, tuple[int, int]]:
    """Per page: the queries on the small event and on the large one."""
    return {
        name: (
            count(lambda call=PAGES[name]: call(web, api, small.event)),
            count(lambda call=PAGES[name]: call(web, api, large.event)),
        )
        for name in names
    }


def test_the_city_coordinators_pages_do_not_grow(personas, two_sizes):
    small, large = two_sizes
    user = personas.city_coordinator
    web, api = personas.web(user), personas.api(user)
    # The large evaluation shows its results: the measurement covers them.
    shown = api.get(f"/api/v1/events/{large.event.pk}/evaluation").json()
    assert shown["answered"] > 60 and all(q["shown"] for q in shown["results"])
    needs = api.get(f"/api/v1/events/{large.event.pk}/needs").json()
    assert len(needs["people"]) > 40  # the city sees who
    pages = {name: PAGES[name](web, api, large.event).content.decode() for name in PAGES}
    assert "Fråga 29" in pages["evaluation page"] and "Svar 7" in pages["evaluation page"]
    assert "Hörslinga" in pages["needs page"] and "Person " in pages["needs page"]
    assert "Grupp 30" in pages["allocation proposal page"]
    assert "Andel uteblivna" in pages["statistics page"]  # the no-show column, after the event
    figures = measure(web, api, small, large)
    print("queries (small event, large event):", figures)
    grown = {name: f for name, f in figures.items() if f[1] != f[0]}
    assert not grown, grown


def test_the_org_coordinators_needs_and_statistics_do_not_grow(personas, two_sizes):
    small, large = two_sizes
    user = personas.coordinator_a
    web, api = personas.web(user), personas.api(user)
    api.get("/api/v1/events")  # the token's first use is recorded once: not measured
    figures = measure(web, api, small, large, ("needs page", "needs api", "statistics page"))
    print("queries for an organisation's coordinator (small, large):", figures)
    grown = {name: f for name, f in figures.items() if f[1] != f[0]}
    assert not grown, grown


def export_of(personas, events: int) -> tuple[str, int]:
    """One person registered at ``events`` events, each with needs, a session and a
    check-in; returns the address and the number of registrations."""
    email = f"vera{events}@a.example"
    for n in range(events):
        event = EventFactory(title=f"Konferens för export {events}-{n}", quota_lock_until=None)
        AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
        session = SessionFactory(event=event, capacity=None)
        registration = register(
            event,
            personas.org_a,
            name="Vera Export",
            email=email,
            dietary="Vegansk",
            accessibility="Hörslinga",
            sessions=[session.pk],
        ).registration
        registration_check_in(registration=registration, actor=personas.city_coordinator)
        register(event, personas.org_a)  # somebody else at the same event
    return email, events


def test_the_person_export_is_a_fixed_number_of_queries(personas, clock):
    few, _ = export_of(personas, 2)
    many, _ = export_of(personas, 20)
    api = personas.api(personas.city_coordinator)

    def export(email: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/people/export", {"email": email})
        assert response.status_code == 200, response.content[:300]
        return len(queries)

    assert len(api.post("/api/v1/people/export", {"email": many}).json()["registrations"]) == 20
    web = personas.web(personas.city_coordinator)

    def page(email: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = web.post("/events/people/export/", {"email": email})
        assert response.status_code == 200, response.content[:300]
        return len(queries)

    pages = (page(few), page(many))
    print("queries of the person export page (2 events, 20 events):", pages)
    assert pages[1] == pages[0], pages
    figures = (export(few), export(many))
    print("queries of the person export (2 events, 20 events):", figures)
    assert figures[1] == figures[0], figures
