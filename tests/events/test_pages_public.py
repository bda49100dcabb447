"""The public pages: the organisation's link, the public event page, the confirmation, the
manage page (change sessions, cancel, transfer, calendar), the manager's approval page and
"lost your link?". Swedish text, status codes, bad input, the neutral answer to a double
submit, and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from jamlik.events import services
from jamlik.events.models import Registration, Status
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


def link_url(event, organisation):
    return f"/r/{services.link_ensure(event=event, organisation=organisation).token}"


def form_data(**extra):
    data = {
        "name": "Åsa Öberg",
        "email": "asa.oberg@a.example",
        "category": "employee",
        "title": "Utvecklare",
        "dietary": "Vegetarisk",
        "needs": ["hearing_loop"],
        "accessibility": "Plats nära scenen",
        "consent": "on",
    }
    data.update(extra)
    return data


# ---- /r/<token> -------------------------------------------------------------------------------


def test_link_page_shows_event_programme_and_seats_left_in_swedish(conference, personas, client):
    event = conference.event
    SessionFactory(event=event, title="Nudging som verktyg", room="Sal 1", capacity=30)
    register(event, personas.org_a)
    response = client.get(link_url(event, personas.org_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert event.title in html and "Burgården konferens" in html
    assert "Anmälan för Förvaltning A" in html
    # Quota A is 2, one taken: one seat left for A.
    assert "1 plats kvar" in html
    assert "Nudging som verktyg" in html and "Sal 1" in html and "30 platser kvar" in html
    assert 'name="consent"' in html and "/privacy/" in html
    assert "E-postadress i arbetet" in html


def test_register_through_link_confirms_and_shows_confirmation(
    conference, personas, client, django_capture_on_commit_callbacks
):
    event = conference.event
    session = SessionFactory(event=event, title="Barn bygger Göteborg")
    url = link_url(event, personas.org_a)
    slot = f"slot_{session.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(**{slot: str(session.pk)}))
    assert response.status_code == 302
    registration = Registration.objects.get(email="asa.oberg@a.example")
    assert registration.status == Status.CONFIRMED
    assert registration.organisation == personas.org_a
    assert list(registration.sessions.all()) == [session]
    assert "Hörslinga" in registration.accessibility and "Plats nära scenen" in (
        registration.accessibility
    )
    assert response["Location"] == f"/m/{registration.manage_token}/confirmation"
    page = client.get(response["Location"]).content.decode()
    assert "Tack för din anmälan" in page and "Din plats är bekräftad" in page
    assert "Din incheckningskod" in page and "<svg" in page
    assert "Barn bygger Göteborg" in page
    assert any(registration.email in m.to for m in mail.outbox)


def test_register_when_quota_is_full_joins_waiting_list_with_position(conference, personas, client):
    event = conference.event
    register(event, personas.org_a)
    register(event, personas.org_a)
    response = client.post(link_url(event, personas.org_a), form_data(), follow=True)
    html = response.content.decode()
    assert "Du står på väntelistan" in html
    assert "Din plats i kön: 1" in html


def test_quota_full_without_waiting_list_names_the_release_date(conference, personas, client):
    event = services.event_update(actor=None, event=conference.event, waitlist_enabled=False)
    register(event, personas.org_a)
    register(event, personas.org_a)
    before = Registration.objects.count()
    response = client.post(link_url(event, personas.org_a), form_data())
    html = response.content.decode()
    assert response.status_code == 409
    assert "Din organisations platser är slut" in html
    from jamlik.events.errors import local_datetime

    assert local_datetime(event.quota_lock_until) in html
    assert Registration.objects.count() == before


def test_double_submit_gives_neutral_answer_and_mails_link_again(
    conference, personas, client, django_capture_on_commit_callbacks
):
    event = conference.event
    first = register(event, personas.org_a, email="kim@a.example")
    url = link_url(event, personas.org_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(email="KIM@a.example"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vi har skickat länken igen till den adressen" in html
    assert first.registration.manage_token not in html
    assert "/m/" not in html
    assert Registration.objects.filter(email__iexact="kim@a.example").count() == 1
    assert [m.to for m in mail.outbox] == [["kim@a.example"]]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Nul\x00l"}, "name"),
        ({"email": "inte-en-adress"}, "email"),
        ({"email": ""}, "email"),
        ({"category": "robot"}, "category"),
        ({"consent": ""}, "consent"),
        ({"dietary": "a" * 5001}, "dietary"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(
    conference, personas, client, changes, field
):
    response = client.post(link_url(conference.event, personas.org_a), form_data(**changes))
    html = response.content.decode()
    assert response.status_code == 400
    assert Registration.objects.count() == 0
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Rätta följande" in html


def test_category_not_allowed_by_the_event_is_refused(personas, client):
    event = EventFactory(categories=["employee"])
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    html = client.get(link_url(event, personas.org_a)).content.decode()
    assert 'value="elected"' not in html
    response = client.post(link_url(event, personas.org_a), form_data(category="elected"))
    assert response.status_code == 400 and Registration.objects.count() == 0


def test_full_session_is_disabled_and_labelled_full(conference, personas, client):
    event = conference.event
    session = SessionFactory(event=event, title="Liten verkstad", capacity=1)
    register(event, personas.org_b, sessions=[session.pk])
    html = client.get(link_url(event, personas.org_a)).content.decode()
    radio = html.split(f'value="{session.pk}"')[1].split(">")[0]
    assert "disabled" in radio
    assert "(fullt)" in html or "(full)" in html
    response = client.post(
        link_url(event, personas.org_a), form_data(**{f"slot_{session.pk}": str(session.pk)})
    )
    assert response.status_code == 409
    assert "Liten verkstad" in response.content.decode()
    assert not Registration.objects.filter(email="asa.oberg@a.example").exists()


def test_two_sessions_of_one_slot_cannot_be_sent(conference, personas, client):
    event = conference.event
    one = SessionFactory(event=event, title="Spår 1")
    two = SessionFactory(event=event, title="Spår 2")
    html = client.get(link_url(event, personas.org_a)).content.decode()
    # Parallel sessions form one radio group (one name).
    assert html.count(f'name="slot_{one.pk}"') == 3
    assert f'name="slot_{two.pk}"' not in html
    response = client.post(
        link_url(event, personas.org_a), form_data(**{f"slot_{one.pk}": "999999"})
    )
    assert response.status_code == 400 and Registration.objects.count() == 0


def test_manager_email_required_when_approval_is_needed(personas, client):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    response = client.post(link_url(event, personas.org_a), form_data())
    assert response.status_code == 400
    assert 'id="id_manager_email_error"' in response.content.decode()
    response = client.post(
        link_url(event, personas.org_a), form_data(manager_email="chef@a.example"), follow=True
    )
    assert "Väntar på godkännande från din chef" in response.content.decode()
    assert Registration.objects.get().status == Status.PENDING_APPROVAL


def test_invalid_and_revoked_links_are_404_with_help(conference, personas, client):
    link = services.link_ensure(event=conference.event, organisation=personas.org_a)
    services.link_revoke(actor=None, link=link)
    for url in [f"/r/{link.token}", "/r/finns-inte-alls-0123456789", "/r/" + "x" * 300]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Länken fungerar inte" in response.content.decode()
    assert client.post(f"/r/{link.token}", form_data()).status_code == 404
    assert Registration.objects.count() == 0


def test_draft_event_link_is_404(personas, client):
    event = EventFactory(status="draft")
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    assert client.get(link_url(event, personas.org_a)).status_code == 404


def test_not_yet_open_and_closed_pages(personas, client, clock):
    event = EventFactory(opens_at=clock() + timedelta(days=2))
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    url = link_url(event, personas.org_a)
    html = client.get(url).content.decode()
    assert "Anmälan öppnar" in html and 'name="consent"' not in html
    assert client.post(url, form_data()).status_code == 409
    clock.set(event.closes_at + timedelta(minutes=1))
    html = client.get(url).content.decode()
    assert "Anmälan till evenemanget är stängd" in html and 'name="consent"' not in html
    assert client.post(url, form_data()).status_code == 409
    assert Registration.objects.count() == 0


def test_english_page_is_complete(conference, personas, client):
    html = client.get(
        link_url(conference.event, personas.org_a), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Registration for Förvaltning A" in html and "Work e-mail" in html


def test_link_page_query_count_does_not_grow(
    conference, personas, client, django_assert_max_num_queries
):
    event = services.event_update(actor=None, event=conference.event, capacity=400)
    services.allocation_update(actor=None, allocation=conference.a, quota=300)
    for _ in range(6):
        SessionFactory(event=event, capacity=500)
    for _ in range(150):
        register(event, personas.org_a)
    url = link_url(event, personas.org_a)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


# ---- /e/<id> ------------------------------------------------------------------------------------


def test_public_page_in_quota_phase_has_no_form_and_names_release(conference, client):
    html = client.get(f"/e/{conference.event.pk}").content.decode()
    assert "din organisations länk" in html and 'name="consent"' not in html
    assert client.post(f"/e/{conference.event.pk}", form_data()).status_code == 409
    assert Registration.objects.count() == 0


def test_public_page_in_open_phase_registers_external(conference, personas, client, clock):
    clock.set(conference.event.quota_lock_until + timedelta(minutes=1))
    url = f"/e/{conference.event.pk}"
    html = client.get(url).content.decode()
    assert "Extern eller annan organisation" in html
    response = client.post(url, form_data(organisation="external", email="p@partner.example"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.organisation is None and registration.status == Status.CONFIRMED
    response = client.post(url, form_data(organisation=str(personas.org_b.pk), email="q@b.example"))
    assert Registration.objects.get(email="q@b.example").organisation == personas.org_b
    response = client.post(url, form_data(organisation="424242", email="r@b.example"))
    assert response.status_code == 400
    assert 'id="id_organisation_error"' in response.content.decode()


def test_public_page_of_draft_or_unknown_event_is_404(client):
    draft = EventFactory(status="draft")
    assert client.get(f"/e/{draft.pk}").status_code == 404
    assert client.get("/e/99999999999999999999").status_code == 404


# ---- Lost link ------------------------------------------------------------------------------------


def test_lost_link_same_answer_and_rate_limit(
    conference, personas, client, django_capture_on_commit_callbacks
):
    url = f"/e/{conference.event.pk}/lost-link"
    assert "Tappat bort länken" in client.get(url).content.decode()
    services.link_ensure(event=conference.event, organisation=personas.org_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "anna@a.example"})
        unknown = client.post(url, {"email": "anna@okand.example"})
    assert known.status_code == unknown.status_code == 200
    text = "Tack. Om adressen hör till en organisation"
    assert text in known.content.decode() and text in unknown.content.decode()
    assert [m.to for m in mail.outbox] == [["anna@a.example"]]
    bad = client.post(url, {"email": "ingen adress"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    for _ in range(6):
        last = client.post(url, {"email": "anna@a.example"})
    assert last.status_code == 429
    assert "För många förfrågningar" in last.content.decode()


# ---- Manage page -------------------------------------------------------------------------------------


def test_manage_page_change_sessions_cancel_with_confirmation(
    conference, personas, client, django_capture_on_commit_callbacks
):
    event = conference.event
    one = SessionFactory(event=event, title="Förmiddag 1")
    two = SessionFactory(event=event, title="Förmiddag 2")
    outcome = register(event, personas.org_a, sessions=[one.pk])
    url = f"/m/{outcome.registration.manage_token}"
    html = client.get(url).content.decode()
    assert "Din anmälan" in html and "Förmiddag 1" in html
    for bad in ["999999", "x" * 10_000, "-1"]:
        refused = client.post(url, {f"slot_{one.pk}": bad})
        assert refused.status_code == 400
        assert f'id="id_slot_{one.pk}_error"' in refused.content.decode()
    assert list(outcome.registration.sessions.all()) == [one]
    response = client.post(url, {f"slot_{one.pk}": str(two.pk)})
    assert response.status_code == 302
    assert list(outcome.registration.sessions.all()) == [two]
    # Cancelling asks first; GET changes nothing.
    page = client.get(f"{url}/cancel")
    assert "Ja, avboka min anmälan" in page.content.decode()
    assert Registration.objects.get(pk=outcome.registration.pk).status == Status.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/cancel", follow=True)
    assert "Din anmälan är avbokad" in response.content.decode()
    assert Registration.objects.get(pk=outcome.registration.pk).status == Status.CANCELLED
    # A second cancel is refused kindly, and so is a change of sessions.
    assert client.post(f"{url}/cancel").status_code == 409
    refused = client.post(url, {f"slot_{one.pk}": str(one.pk)})
    assert refused.status_code == 409
    assert "Den här anmälan gäller inte längre" in refused.content.decode()


def test_manage_transfer_to_colleague_of_same_organisation(conference, personas, client):
    outcome = register(conference.event, personas.org_a)
    url = f"/m/{outcome.registration.manage_token}"
    bad = client.post(f"{url}/transfer", {"name": "Kollega", "email": "kollega@b.example"})
    assert bad.status_code == 400 and 'id="id_email_error"' in bad.content.decode()
    assert Registration.objects.count() == 1
    empty = client.post(f"{url}/transfer", {"name": "", "email": ""})
    assert empty.status_code == 400
    ok = client.post(f"{url}/transfer", {"name": "Kollega", "email": "kollega@a.example"})
    assert ok.status_code == 302
    old = Registration.objects.get(pk=outcome.registration.pk)
    assert old.status == Status.TRANSFERRED
    assert old.transferred_to.email == "kollega@a.example"
    assert "lämnat din plats" in client.get(url).content.decode()


def test_manage_calendar_download(conference, personas, client):
    outcome = register(conference.event, personas.org_a)
    response = client.get(f"/m/{outcome.registration.manage_token}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == conference.event.title
    assert event.decoded("dtstart") == conference.event.starts_at


def test_manage_unknown_token_is_404(client):
    for url in [
        "/m/okand-token-123456789",
        "/m/okand-token-123456789/cancel",
        "/m/okand-token-123456789/calendar.ics",
        "/m/okand-token-123456789/confirmation",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Länken fungerar inte" in response.content.decode()


def test_manage_page_query_count(conference, personas, client, django_assert_max_num_queries):
    event = conference.event
    sessions = [SessionFactory(event=event, capacity=500) for _ in range(5)]
    outcome = register(event, personas.org_a, sessions=[sessions[0].pk])
    for _ in range(100):
        register(event, personas.org_b)
    with django_assert_max_num_queries(12):
        assert client.get(f"/m/{outcome.registration.manage_token}").status_code == 200


# ---- Approval page -------------------------------------------------------------------------------------


def test_approval_page_approve_then_already_decided(
    personas, client, django_capture_on_commit_callbacks
):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    outcome = register(event, personas.org_a, name="Sam Svensson")
    token = Registration.objects.get(pk=outcome.registration.pk).approval_token
    url = f"/a/{token}"
    html = client.get(url).content.decode()
    assert "Sam Svensson" in html and event.title in html
    assert 'value="approve"' in html and 'value="decline"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve"})
    assert response.status_code == 200
    assert "godkänd" in response.content.decode()
    assert Registration.objects.get(pk=outcome.registration.pk).status == Status.CONFIRMED
    again = client.post(url, {"decision": "decline"})
    assert again.status_code == 409
    assert "redan avgjord" in again.content.decode()
    assert Registration.objects.get(pk=outcome.registration.pk).status == Status.CONFIRMED
    assert "redan avgjord" in client.get(url).content.decode()


def test_approval_decline_and_bad_decision(personas, client):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    outcome = register(event, personas.org_a)
    token = Registration.objects.get(pk=outcome.registration.pk).approval_token
    assert client.post(f"/a/{token}", {"decision": "kanske"}).status_code == 400
    assert Registration.objects.get(pk=outcome.registration.pk).status == Status.PENDING_APPROVAL
    client.post(f"/a/{token}", {"decision": "decline"})
    assert Registration.objects.get(pk=outcome.registration.pk).status == Status.DECLINED
    assert client.get("/a/okand-token-123456789").status_code == 404


def test_selectors_position_matches_page(conference, personas, client):
    event = conference.event
    register(event, personas.org_a)
    register(event, personas.org_a)
    register(event, personas.org_a)
    second = register(event, personas.org_a)
    assert second.registration.status == Status.WAITING
    html = client.get(f"/m/{second.registration.manage_token}").content.decode()
    assert f"Din plats i kön: {second.position}" in html
    assert second.position == 2


def test_huge_and_unusual_input(conference, personas, client):
    url = link_url(conference.event, personas.org_a)
    huge = client.post(url, form_data(name="x" * 1_000_000, accessibility="y" * 1_000_000))
    assert huge.status_code == 400 and Registration.objects.count() == 0
    sql = client.post(url, form_data(email="x'; DROP TABLE events_registration;--@a.example"))
    assert sql.status_code == 400 and Registration.objects.count() == 0
    name = "<script>alert('x')</script> عربي 🎉"
    response = client.post(url, form_data(name=name, email="rtl@a.example"), follow=True)
    assert response.status_code == 200
    registration = Registration.objects.get(email="rtl@a.example")
    assert registration.name == name
    html = client.get(f"/m/{registration.manage_token}").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; عربي 🎉" in html
    assert "<script>alert(" not in html
