"""The organiser's page of one registration (/events/<pk>/registrations/<rid>/): who sees it,
what it shows (facts, status in words, sessions, timeline, history from the audit log), its
actions through the services (cancel with a confirmation, sessions, check-in and undo, the
personal link again), rule failures on the page, bad input, and a query count that does not
grow with the organisation's registrations or the length of the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.core.models import AuditEntry
from jamlik.events import services
from jamlik.events.models import Registration, Session, Status
from jamlik.notifications.models import OutboxMessage
from tests.events.conftest import assert_counters_match_rows
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


class Day:
    """An event in its open phase with 3 seats: Alva (A, confirmed, with every field), Bertil
    (B, confirmed), Cecilia (unit of A, confirmed) and Wilma (A, waiting). Two parallel
    sessions at 09:30 (“Normkritik”, 1 seat, taken by Bertil; “Tillgänglighet”) and a
    closing session at 11:00."""

    def __init__(self, personas):
        self.event = EventFactory(title="Jämlikhetsdagen", capacity=3, quota_lock_until=None)
        AllocationFactory(event=self.event, name="Grupp A", quota=2, organisations=[personas.org_a])
        AllocationFactory(event=self.event, name="Grupp B", quota=1, organisations=[personas.org_b])
        start = self.event.starts_at
        self.small = SessionFactory(
            event=self.event,
            title="Normkritik",
            room="Sal A",
            capacity=1,
            starts_at=start + timedelta(hours=1),
            ends_at=start + timedelta(hours=2),
        )
        self.parallel = SessionFactory(
            event=self.event,
            title="Tillgänglighet",
            room="Sal B",
            capacity=10,
            starts_at=start + timedelta(hours=1),
            ends_at=start + timedelta(hours=2),
        )
        self.closing = SessionFactory(
            event=self.event,
            title="Avslutning",
            room="Stora salen",
            capacity=None,
            starts_at=start + timedelta(hours=3),
            ends_at=start + timedelta(hours=4),
        )
        self.alva = register(
            self.event,
            personas.org_a,
            name="Alva Andersson",
            email="alva@a.example",
            title="HR-strateg",
            category="elected",
            dietary="Vegetarisk",
            accessibility="Hörslinga",
            manager_email="chef.alva@a.example",
            sessions=[self.parallel.pk],
        ).registration
        self.bertil = register(
            self.event,
            personas.org_b,
            name="Bertil Bengtsson",
            email="bertil@b.example",
            sessions=[self.small.pk],
        ).registration
        self.cecilia = register(
            self.event, personas.unit_a, name="Cecilia Enhetsson", email="cecilia@a.example"
        ).registration
        self.wilma = register(
            self.event, personas.org_a, name="Wilma Väntar", email="wilma@a.example"
        ).registration

    def url(self, registration, action: str = "") -> str:
        return f"/events/{self.event.pk}/registrations/{registration.pk}/{action}"


@pytest.fixture
def day(personas, clock) -> Day:
    return Day(personas)


def fresh(registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def entries(registration, action: str):
    return AuditEntry.objects.filter(
        object_type="events.registration",
        object_id=str(registration.pk),
        action=f"events.registration.{action}",
    )


# ---- Who sees it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "city_coordinator", "coordinator_a"])
def test_organisers_in_scope_see_the_page(day, personas, role):
    web = personas.web(getattr(personas, role))
    response = web.get(day.url(day.alva))
    assert response.status_code == 200
    html = response.content.decode()
    # Whose needs: the city's only (docs/rules.md#privacy-needs); others count them.
    needs = ["Vegetarisk", "Hörslinga"] if role != "coordinator_a" else []
    for text in [
        "Alva Andersson",
        "alva@a.example",
        "HR-strateg",
        "Förvaltning A",
        "Grupp A",
        "Förtroendevald",
        *needs,
        "chef.alva@a.example",
        "Tillgänglighet",
        "Sal B",
        "Bekräftad",
        "Anmälan gjord",
        "Samtyckte till informationen om personuppgifter",
        "Ändringar ur granskningsloggen",
    ]:
        assert text in html, text
    timeline = html.split('id="timeline-heading"')[1].split('id="history-heading"')[0]
    assert timeline.index("Anmälan gjord") < timeline.index("Samtyckte")
    # The unit's registration is inside A's subtree too.
    assert web.get(day.url(day.cecilia)).status_code == 200


def test_sibling_coordinator_gets_404_and_changes_nothing(day, personas):
    web_b = personas.web(personas.coordinator_b)
    assert web_b.get(day.url(day.alva)).status_code == 404
    assert web_b.get(day.url(day.alva, "cancel/")).status_code == 404
    for action in ["check-in/", "check-in/undo/", "resend-link/", "cancel/", "sessions/"]:
        assert web_b.post(day.url(day.alva, action)).status_code == 404, action
    alva = fresh(day.alva)
    assert alva.status == Status.CONFIRMED and alva.checked_in_at is None
    assert not AuditEntry.objects.filter(actor=personas.coordinator_b).exists()
    # B's own registration is B's to see.
    assert web_b.get(day.url(day.bertil)).status_code == 200


def test_anonymous_visitor_is_sent_to_login(day, client):
    for action in ["", "cancel/"]:
        response = client.get(day.url(day.alva, action))
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(day.url(day.alva, "check-in/"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert fresh(day.alva).checked_in_at is None


def test_external_registration_is_not_an_org_coordinators(personas, clock):
    event = EventFactory(capacity=5, quota_lock_until=None)
    guest = register(event, None, name="Gästen Extern").registration
    url = f"/events/{event.pk}/registrations/{guest.pk}/"
    assert personas.web(personas.coordinator_a).get(url).status_code == 404
    html = personas.web(personas.city_coordinator).get(url).content.decode()
    assert "Gästen Extern" in html and "Extern eller annan organisation" in html


def test_bad_ids_in_the_path_are_404(day, personas):
    web = personas.web(personas.city_coordinator)
    other = EventFactory(capacity=5, quota_lock_until=None)
    stranger = register(other, personas.org_a).registration
    event = day.event.pk
    for url in [
        f"/events/{event}/registrations/{stranger.pk}/",  # a registration of another event
        f"/events/{other.pk}/registrations/{day.alva.pk}/",
        f"/events/{event}/registrations/99999999999999999999999/",
        f"/events/{event}/registrations/abc/",
        f"/events/{event}/registrations/-1/",
        f"/events/987654/registrations/{day.alva.pk}/",
    ]:
        assert web.get(url).status_code == 404, url
    assert web.post(f"/events/{event}/registrations/{stranger.pk}/cancel/").status_code == 404
    assert fresh(stranger).status == Status.CONFIRMED


def test_actions_answer_post_only(day, personas):
    web = personas.web(personas.city_coordinator)
    for action in ["check-in/", "check-in/undo/", "resend-link/", "sessions/"]:
        assert web.get(day.url(day.alva, action)).status_code == 405, action
    assert web.post(day.url(day.alva)).status_code == 405


# ---- What it shows -------------------------------------------------------------------------------


def test_waiting_status_shows_the_place(day, personas):
    html = personas.web(personas.coordinator_a).get(day.url(day.wilma)).content.decode()
    assert "På väntelistan" in html
    assert "Plats 1 i kön" in html
    assert "Gick in på väntelistan" in html


def test_pending_approval_shows_the_hold_expiry(personas, clock):
    event = EventFactory(capacity=5, quota_lock_until=None, approval_required=True)
    held = register(event, personas.org_a, name="Hanna Hållen").registration
    html = (
        personas.web(personas.coordinator_a)
        .get(f"/events/{event.pk}/registrations/{held.pk}/")
        .content.decode()
    )
    assert "Väntar på godkännande" in html
    assert "Platsen hålls till" in html
    assert held.manager_email in html


def test_links_from_the_dashboard_the_waiting_list_and_the_check_in(day, personas):
    web = personas.web(personas.coordinator_a)
    link = f'href="{day.url(day.wilma)}"'
    dashboard = web.get(f"/events/{day.event.pk}/").content.decode()
    waiting = dashboard.split('id="waiting-heading"')[1].split('id="registrations-heading"')[0]
    assert link in waiting
    registrations = dashboard.split('id="registrations-heading"')[1]
    assert f'href="{day.url(day.alva)}"' in registrations and link in registrations
    fragment = web.get(
        f"/events/{day.event.pk}/",
        headers={"HX-Request": "true", "HX-Target": "registrations"},
    ).content.decode()
    assert f'href="{day.url(day.alva)}"' in fragment
    checkin = web.get(f"/events/{day.event.pk}/checkin/", {"q": "alva"}).content.decode()
    assert f'href="{day.url(day.alva)}"' in checkin


def test_transfer_links_both_registrations(day, personas):
    new = services.registration_transfer(
        registration=day.alva, name="Ada Kollega", email="ada@a.example"
    )
    web = personas.web(personas.coordinator_a)
    old_html = web.get(day.url(day.alva)).content.decode()
    assert "Överlåten" in old_html and f'href="{day.url(new)}"' in old_html
    assert "Lämnade över platsen till" in old_html
    new_html = web.get(day.url(new)).content.decode()
    assert "Tog över platsen från" in new_html and f'href="{day.url(day.alva)}"' in new_html
    assert "Tillgänglighet" in new_html  # the sessions went with the seat


def test_history_in_words_names_who_did_what(day, personas, clock):
    services.registration_change_sessions(
        registration=day.alva, sessions=[day.closing.pk]
    )  # by the participant through their own link
    services.registration_check_in(registration=day.alva, actor=personas.city_coordinator)
    html = personas.web(personas.coordinator_a).get(day.url(day.alva)).content.decode()
    history = html.split('id="history-heading"')[1]
    assert "Deltagaren (egen länk)" in history
    assert "Pass ändrade från Tillgänglighet till Avslutning" in history
    assert personas.city_coordinator.display_name in history and "Incheckad" in history
    # Newest first.
    assert history.index("Incheckad") < history.index("Pass ändrade")


def test_history_shows_when_a_waiting_person_got_a_seat(day, personas):
    services.registration_cancel(registration=day.alva, actor=personas.coordinator_a)
    assert fresh(day.wilma).status == Status.CONFIRMED
    html = personas.web(personas.coordinator_a).get(day.url(day.wilma)).content.decode()
    history = html.split('id="history-heading"')[1]
    assert "Fick en plats från väntelistan (status: Bekräftad)" in history
    assert "Automatiskt" in history


def test_long_history_is_cut_with_a_note(day, personas):
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            action="events.registration.checked_in",
            object_type="events.registration",
            object_id=str(day.alva.pk),
        )
        for _ in range(250)
    )
    html = personas.web(personas.city_coordinator).get(day.url(day.alva)).content.decode()
    assert "bara de 200 senaste visas" in html


# ---- Actions ----------------------------------------------------------------------------------------


def test_check_in_and_undo_write_the_organiser_into_the_audit_log(day, personas):
    web = personas.web(personas.coordinator_a)
    response = web.post(day.url(day.alva, "check-in/"))
    assert response.status_code == 302 and response["Location"] == day.url(day.alva)
    assert fresh(day.alva).checked_in_at is not None
    assert entries(day.alva, "checked_in").get().actor == personas.coordinator_a
    page = web.get(response["Location"]).content.decode()
    assert "Deltagaren är incheckad." in page and "Ångra incheckningen" in page
    response = web.post(day.url(day.alva, "check-in/undo/"), follow=True)
    assert "Incheckningen ångrades." in response.content.decode()
    assert fresh(day.alva).checked_in_at is None
    assert entries(day.alva, "check_in_undone").get().actor == personas.coordinator_a


def test_check_in_of_a_waiting_person_shows_the_rule(day, personas):
    response = personas.web(personas.coordinator_a).post(day.url(day.wilma, "check-in/"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Bara en bekräftad anmälan kan checkas in" in html and 'role="alert"' in html
    assert "Wilma Väntar" in html  # the page itself, not an error page
    assert fresh(day.wilma).checked_in_at is None
    assert not entries(day.wilma, "checked_in").exists()


def test_resend_link_queues_the_mail_and_writes_the_audit(
    day, personas, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    web = personas.web(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(day.url(day.alva, "resend-link/"))
    assert response.status_code == 302
    queued = OutboxMessage.objects.filter(
        kind="events.manage_link", about=f"events.registration:{day.alva.pk}"
    )
    assert queued.count() == 1 and queued.get().to == "alva@a.example"
    assert day.alva.manage_token in queued.get().body_text
    # The text says the organiser sent it, not that someone registered the address again.
    assert "Arrangören skickar din personliga länk igen" in queued.get().body_text
    assert "försökte anmäla" not in queued.get().body_text
    assert [m.to for m in mail.outbox] == [["alva@a.example"]]
    assert entries(day.alva, "manage_link_sent").get().actor == personas.coordinator_a
    page = web.get(day.url(day.alva)).content.decode()
    assert "Den personliga länken skickades igen med e-post" in page


def test_resend_link_to_an_anonymised_registration_is_refused(day, personas):
    services.registration_anonymise(actor=None, registration=day.cecilia)
    response = personas.web(personas.city_coordinator).post(day.url(day.cecilia, "resend-link/"))
    assert response.status_code == 409
    assert "Den här anmälan gäller inte längre" in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="events.manage_link").exists()


def test_cancel_asks_first_then_frees_the_seat_for_the_first_waiting(day, personas):
    web = personas.web(personas.coordinator_a)
    page = web.get(day.url(day.alva)).content.decode()
    assert f'href="{day.url(day.alva, "cancel/")}"' in page
    confirm = web.get(day.url(day.alva, "cancel/"))
    assert confirm.status_code == 200
    assert "Ja, avboka anmälan" in confirm.content.decode()
    assert fresh(day.alva).status == Status.CONFIRMED  # asking changes nothing
    response = web.post(day.url(day.alva, "cancel/"))
    assert response.status_code == 302 and response["Location"] == day.url(day.alva)
    alva = fresh(day.alva)
    assert alva.status == Status.CANCELLED and alva.cancelled_at is not None
    assert fresh(day.wilma).status == Status.CONFIRMED
    assert_counters_match_rows(day.event)
    assert entries(day.alva, "cancelled").get().actor == personas.coordinator_a
    html = web.get(day.url(day.alva)).content.decode()
    assert "Anmälan avbokad" in html and "Avbokad (var: Bekräftad)" in html
    assert "Anmälan för Alva Andersson avbokades." in html
    # A second cancel is refused on the page, nothing changes.
    again = web.post(day.url(day.alva, "cancel/"))
    assert again.status_code == 409
    assert "Den här anmälan gäller inte längre" in again.content.decode()
    assert entries(day.alva, "cancelled").count() == 1
    assert_counters_match_rows(day.event)


def test_change_sessions(day, personas):
    web = personas.web(personas.coordinator_a)
    slot = f"slot_{day.small.pk}"  # the 09:30 slot (first session of the two)
    closing = f"slot_{day.closing.pk}"
    response = web.post(day.url(day.alva, "sessions/"), {slot: "", closing: str(day.closing.pk)})
    assert response.status_code == 302
    assert set(fresh(day.alva).sessions.values_list("id", flat=True)) == {day.closing.pk}
    entry = entries(day.alva, "sessions_changed").get()
    assert entry.actor == personas.coordinator_a
    assert entry.new == {"sessions": [day.closing.pk]}
    assert_counters_match_rows(day.event)
    assert Session.objects.get(pk=day.parallel.pk).taken_count == 0


def test_change_to_a_full_session_shows_the_rule_and_changes_nothing(day, personas):
    web = personas.web(personas.coordinator_a)
    slot = f"slot_{day.small.pk}"
    response = web.post(day.url(day.alva, "sessions/"), {slot: str(day.small.pk)})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Passet ”Normkritik” är fullt" in html or "Passet “Normkritik” är fullt" in html
    assert set(fresh(day.alva).sessions.values_list("id", flat=True)) == {day.parallel.pk}
    assert not entries(day.alva, "sessions_changed").exists()
    assert_counters_match_rows(day.event)


@pytest.mark.parametrize(
    "value",
    ["999999", "abc", "-1", "1e3", "99999999999999999999999", "\x00"],
)
def test_bad_session_input_is_400_and_changes_nothing(day, personas, value):
    web = personas.web(personas.coordinator_a)
    response = web.post(day.url(day.alva, "sessions/"), {f"slot_{day.small.pk}": value})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert set(fresh(day.alva).sessions.values_list("id", flat=True)) == {day.parallel.pk}
    assert not entries(day.alva, "sessions_changed").exists()


def test_a_session_of_another_slot_in_a_slot_is_400(day, personas):
    """The closing session's id sent in the 09:30 slot: not one of that slot's choices."""
    web = personas.web(personas.coordinator_a)
    response = web.post(
        day.url(day.alva, "sessions/"), {f"slot_{day.small.pk}": str(day.closing.pk)}
    )
    assert response.status_code == 400
    assert set(fresh(day.alva).sessions.values_list("id", flat=True)) == {day.parallel.pk}


def test_sessions_of_a_cancelled_registration_cannot_change(day, personas):
    services.registration_cancel(registration=day.cecilia)
    web = personas.web(personas.coordinator_a)
    page = web.get(day.url(day.cecilia)).content.decode()
    assert "Spara passval" not in page and "Avboka anmälan" not in page
    response = web.post(
        day.url(day.cecilia, "sessions/"), {f"slot_{day.closing.pk}": str(day.closing.pk)}
    )
    assert response.status_code == 409
    assert "Den här anmälan gäller inte längre" in response.content.decode()
    assert not fresh(day.cecilia).sessions.exists()


# ---- Queries -------------------------------------------------------------------------------------------


def _waiting_with_history(personas, people: int, history: int):
    seats = max(1, people // 2)
    event = EventFactory(capacity=seats, quota_lock_until=None)
    AllocationFactory(event=event, quota=seats, organisations=[personas.org_a])
    session = SessionFactory(event=event, capacity=None)
    for _ in range(people):
        register(event, personas.org_a, sessions=[session.pk])
    target = register(event, personas.org_a, sessions=[session.pk]).registration
    assert target.status == Status.WAITING
    actions = ["checked_in", "check_in_undone", "sessions_changed", "manage_link_sent"]
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=personas.city_coordinator if n % 2 else None,
            actor_label=str(personas.city_coordinator) if n % 2 else "",
            action=f"events.registration.{actions[n % len(actions)]}",
            object_type="events.registration",
            object_id=str(target.pk),
            old={"sessions": [session.pk]},
            new={"sessions": []},
        )
        for n in range(history)
    )
    return f"/events/{event.pk}/registrations/{target.pk}/"


def test_query_count_does_not_grow(personas, clock, django_assert_max_num_queries):
    small = _waiting_with_history(personas, 2, 3)
    large = _waiting_with_history(personas, 300, 400)
    counts = []
    for user in (personas.city_coordinator, personas.coordinator_a):
        web = personas.web(user)
        for url in (small, large):
            with CaptureQueriesContext(connection) as queries:
                response = web.get(url)
            assert response.status_code == 200
            counts.append(len(queries))
        # Session, user, event, (scope: the coordinator's organisation), the registration, its
        # sessions, the programme, the hand-overs, the history, the place in the queue.
        with django_assert_max_num_queries(10):
            assert web.get(large).status_code == 200
    print("queries (small, large) per user:", counts)
    assert counts[0] == counts[1] and counts[2] == counts[3], counts


# ---- Erasing a person's data on request -------------------------------------------------------------


def test_a_city_coordinator_erases_a_persons_data_after_a_confirmation(
    day, personas, django_capture_on_commit_callbacks
):
    web = personas.web(personas.city_coordinator)
    page = web.get(day.url(day.alva)).content.decode()
    assert day.url(day.alva, "erase/") in page
    confirm = web.get(day.url(day.alva, "erase/"))
    assert confirm.status_code == 200
    assert "Ja, radera personuppgifterna" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(day.url(day.alva, "erase/"))
    assert response.status_code == 302 and response["Location"] == day.url(day.alva)
    alva = fresh(day.alva)
    assert alva.anonymised_at is not None and alva.status == Status.CANCELLED
    assert (alva.name, alva.title, alva.dietary, alva.manager_email) == ("", "", "", "")
    assert "alva" not in alva.email
    # Her seat went to the first person waiting; no mail about her is left in the outbox.
    assert fresh(day.wilma).status == Status.CONFIRMED
    assert not OutboxMessage.objects.filter(about=f"events.registration:{alva.pk}").exists()
    assert entries(day.alva, "anonymised").get().actor == personas.city_coordinator
    assert_counters_match_rows(day.event)
    after = web.get(day.url(day.alva)).content.decode()
    assert "Alva Andersson" not in after and day.url(day.alva, "erase/") not in after


def test_an_org_coordinator_cannot_erase_a_persons_data(day, personas):
    web = personas.web(personas.coordinator_a)
    assert day.url(day.alva, "erase/") not in web.get(day.url(day.alva)).content.decode()
    response = web.post(day.url(day.alva, "erase/"))
    assert response.status_code == 403
    assert "Bara stadens samordnare kan radera" in response.content.decode()
    assert fresh(day.alva).anonymised_at is None and fresh(day.alva).name == "Alva Andersson"
    # Another organisation's registration stays invisible.
    other = personas.web(personas.coordinator_b).post(day.url(day.alva, "erase/"))
    assert other.status_code == 404


def test_the_api_erases_a_persons_data_for_city_coordinators_only(day, personas):
    path = f"/api/v1/events/{day.event.pk}/registrations/{day.bertil.pk}/anonymise"
    assert personas.api(personas.coordinator_b).post(path).status_code == 403
    assert personas.api(personas.coordinator_a).post(path).status_code == 404
    assert fresh(day.bertil).anonymised_at is None
    response = personas.api(personas.city_coordinator).post(path)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "" and body["status"] == "cancelled"
    # A second erase changes nothing and is not an error.
    again = personas.api(personas.city_coordinator).post(path)
    assert again.status_code == 200 and again.json() == body
