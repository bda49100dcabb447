"""The start page says what needs attention (core.attention, one panel per app): upcoming
events with the seats left per allocation and the waiting lists, open campaigns with their
response rate, reviews' next milestones, overdue actions and failed mail — scoped to an org
coordinator's subtree, never with an address, and at a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jamlik.assessments.models import Action, ActionStatus, Response
from jamlik.core.navigation import entries_for
from jamlik.notifications.models import OutboxMessage, OutboxStatus
from tests.factories.assessments import campaign, submit
from tests.factories.core import UserFactory
from tests.factories.events import AllocationFactory, EventFactory, register
from tests.factories.reviews import review

pytestmark = pytest.mark.django_db

SECRET_A = "hemlig.adress.a@a.example"
SECRET_B = "hemlig.adress.b@b.example"


def _failed(about: str, to: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind="test.failed",
        to=to,
        subject=f"Ämne till {to}",
        body_text="Hej",
        about=about,
        status=OutboxStatus.FAILED,
        last_error=f"550 {to} unknown",
    )


def _world(personas, n: int = 1, start: int = 0) -> None:
    """``n`` of each: a conference in its quota phase with an allocation for A (quota 2, one
    waiting) and one for B (quota 3, one waiting); a campaign over A and B where A's unit
    has submitted; a review with an overdue milestone; an overdue action of A and of B; and
    failed mail about a registration of A and B, A's response and the milestone."""
    today = timezone.localdate()
    for i in range(start, start + n):
        event = EventFactory(title=f"Jämlikhetsdagen {i}")
        AllocationFactory(event=event, name=f"Grupp A{i}", quota=2, organisations=[personas.org_a])
        AllocationFactory(event=event, name=f"Grupp B{i}", quota=3, organisations=[personas.org_b])
        reg_a = [register(event, personas.org_a).registration for _ in range(3)]
        reg_b = [register(event, personas.org_b).registration for _ in range(4)]
        c = campaign(organisations=[personas.org_a, personas.org_b], title=f"Självskattning {i}")
        response_a = Response.objects.get(campaign=c, unit=personas.unit_a)
        submit(response_a)
        r = review(
            title=f"Fördjupning {i}",
            milestones=[
                {"title": f"Workshop {i}", "due": today - dt.timedelta(days=3)},
                {"title": f"Rapport {i}", "due": today + dt.timedelta(days=60)},
            ],
        )
        Action.objects.create(
            organisation=personas.org_a,
            requirement_key="r1",
            title=f"Åtgärd A{i}",
            owner="HR",
            due=today - dt.timedelta(days=5),
            status=ActionStatus.PLANNED,
        )
        Action.objects.create(
            organisation=personas.unit_b,
            requirement_key="r1",
            title=f"Åtgärd B{i}",
            owner="HR",
            due=today - dt.timedelta(days=5),
            status=ActionStatus.IN_PROGRESS,
        )
        _failed(f"events.registration:{reg_a[0].pk}", SECRET_A)
        _failed(f"events.registration:{reg_b[0].pk}", SECRET_B)
        _failed(f"assessments.response:{response_a.pk}", SECRET_A)
        _failed(
            f"reviews.milestone:{r.milestones.order_by('due').first().pk}", "agare@stad.example"
        )
    _failed("", "okand@stad.example")


def _home(personas, user) -> str:
    response = personas.web(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_city_coordinator_sees_every_panel_with_counts_and_links(personas):
    _world(personas)
    html = _home(personas, personas.city_coordinator)
    # Events: both allocations with the seats left, and everyone waiting.
    assert "Kommande evenemang" in html and "Jämlikhetsdagen 0" in html
    assert "Grupp A0" in html and "Grupp B0" in html
    assert "2 av 2" in html and "3 av 3" in html
    assert "0 platser kvar till anmälningsspärren släpps, 1 väntar" in html
    assert "2 personer på väntelistan" in html and "?status=waiting" in html
    # Campaigns: the city's rate (1 of 2 units) and the unit that has not answered.
    assert "Öppna självskattningar" in html and "Självskattning 0" in html
    assert "1 av 2 enheter" in html and "1 enhet har inte svarat" in html
    assert '<svg class="meter' in html
    # Overdue actions of A and B, the review's next milestone.
    assert "2 åtgärder har passerat sitt slutdatum." in html
    assert "Åtgärd A0" in html and "Åtgärd B0" in html
    assert "Fördjupning 0" in html and "Nästa: Workshop 0" in html and "Försenat" in html
    assert "0 av 2 delmål klara" in html
    # Failed mail: the whole outbox's count, by event, campaign and review, no addresses.
    assert "5 e-postmeddelanden kunde inte skickas." in html
    assert "Evenemang: " in html and "Självskattning: " in html and "Fördjupning: " in html
    assert SECRET_A not in html and SECRET_B not in html and "550" not in html
    # Only an administrator gets the link into the outbox.
    assert "/admin/notifications/outboxmessage/" not in html
    # The menu's entries stay, below, as small link cards.
    assert "Genvägar" in html and html.index("Genvägar") > html.index("Kommande evenemang")


def test_org_coordinator_sees_only_their_subtree(personas):
    _world(personas)
    html = _home(personas, personas.coordinator_a)
    # Their allocation only, and their own people waiting.
    assert "Grupp A0" in html
    assert "Grupp B0" not in html
    assert "1 person från din organisation på väntelistan" in html
    # Their unit only: 1 of 1, all answered (B's unit is not counted).
    assert "1 av 1 enhet" in html and "Alla enheter har svarat." in html
    assert "1 av 2 enheter" not in html
    # Their overdue action only.
    assert "Åtgärd A0" in html
    assert "Åtgärd B0" not in html
    assert "1 åtgärd har passerat sitt slutdatum." in html
    # The review is the city's common work: every staff user sees it.
    assert "Fördjupning 0" in html
    # Failed mail about their registration and their unit's response only: 2, not 5.
    assert "2 e-postmeddelanden om din organisation kunde inte skickas." in html
    assert SECRET_A not in html and SECRET_B not in html
    assert "/admin/notifications/outboxmessage/" not in html


def test_sibling_coordinator_sees_none_of_the_other_subtree(personas):
    _world(personas)
    html = _home(personas, personas.coordinator_b)
    assert "Grupp B0" in html and "Grupp A0" not in html
    assert "0 av 1 enhet" in html and "1 enhet har inte svarat" in html
    assert "Åtgärd B0" in html and "Åtgärd A0" not in html
    # One failed mail about B's registration; A's response and the review's are not B's.
    assert "1 e-postmeddelande om din organisation kunde inte skickas." in html


def test_administrator_sees_everything_and_the_outbox_link(personas):
    _world(personas)
    html = _home(personas, personas.admin)
    assert "Grupp A0" in html and "Grupp B0" in html
    assert "Åtgärd A0" in html and "Åtgärd B0" in html
    assert "5 e-postmeddelanden kunde inte skickas." in html
    assert "/admin/notifications/outboxmessage/?status__exact=failed" in html
    assert SECRET_A not in html and SECRET_B not in html


def test_a_person_without_a_role_sees_no_panel(personas, client):
    _world(personas)
    nobody = UserFactory(username="ingen", role="", organisation=None)
    html = _home(personas, nobody)
    assert "Just nu är det inget här som behöver din uppmärksamhet." in html
    for text in ("Jämlikhetsdagen 0", "Självskattning 0", "Åtgärd A0", "Fördjupning 0"):
        assert text not in html
    assert "kunde inte skickas" not in html
    # Not logged in at all: the login page, nothing else.
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_empty_panels_say_so_and_failed_mail_is_left_out(personas):
    html = _home(personas, personas.city_coordinator)
    assert "Inga kommande evenemang." in html
    assert "Ingen självskattning är öppen." in html
    assert "Ingen åtgärd är försenad." in html
    assert "Ingen fördjupning har något delmål kvar." in html
    assert "E-post som inte kunde skickas" not in html


def test_quota_release_passed_shows_free_seats_instead_of_allocations(personas):
    now = timezone.now()
    event = EventFactory(title="Öppna platser", quota_lock_until=now - dt.timedelta(hours=1))
    AllocationFactory(event=event, name="Grupp släppt", quota=2, organisations=[personas.org_a])
    html = _home(personas, personas.city_coordinator)
    assert "Öppna platser" in html
    assert "Grupp släppt" not in html
    assert "100 platser kvar" in html


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


# The session and user (2), events (4), campaigns (3), overdue actions (2), reviews (2),
# failed mail (1 and one per registered source: 5).
MAX_QUERIES = 19


@pytest.mark.parametrize("role", ["city_coordinator", "coordinator_a", "admin"])
def test_query_count_does_not_grow_with_events_campaigns_reviews(
    personas, role, django_assert_max_num_queries
):
    user = getattr(personas, role)
    client = personas.web(user)
    _world(personas, n=2)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/").status_code == 200
    few = _count(client)
    _world(personas, n=18, start=2)
    with django_assert_max_num_queries(MAX_QUERIES):
        html = client.get("/").content.decode()
    many = _count(client)
    assert many == few, f"{few} queries with 2 of each, {many} with 20"
    # The panels list a bounded number of rows and link to the rest.
    assert "Alla 20 kommande evenemang" in html
    assert "Alla 20 öppna självskattningar" in html
    assert "Alla 20 fördjupningar med delmål kvar" in html
    assert html.count('<li class="card">') == len(entries_for(user))
