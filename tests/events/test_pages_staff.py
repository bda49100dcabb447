"""The organiser's pages under /events/: login, roles (org coordinators read events but change
nothing), scoping of every list of people (dashboard, exports, badges, check-in, statistics),
URL guessing, bad input on every form, query counts with hundreds of registrations."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jamlik.events import services
from jamlik.events.links import checkin_payload
from jamlik.events.models import Allocation, Event, EventMessage, Registration, Session, Status
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_event(personas):
    """An event in its open phase (no quotas) with people of A, its unit and B."""
    event = EventFactory(title="Jämlikhetskonferensen", capacity=500, quota_lock_until=None)
    AllocationFactory(event=event, name="Grupp A", quota=200, organisations=[personas.org_a])
    AllocationFactory(event=event, name="Grupp B", quota=200, organisations=[personas.org_b])
    register(event, personas.org_a, name="Alva Andersson", email="alva@a.example")
    register(event, personas.unit_a, name="Ada Enhetsson", email="ada@a.example")
    register(event, personas.org_b, name="Bertil Bengtsson", email="bertil@b.example")
    return event


def many(event, organisation, n):
    for _ in range(n):
        register(event, organisation)


STAFF_URLS = [
    "/events/",
    "/events/new/",
    "/events/{pk}/",
    "/events/{pk}/edit/",
    "/events/{pk}/links/",
    "/events/{pk}/export.csv",
    "/events/{pk}/export.xlsx",
    "/events/{pk}/badges.pdf",
    "/events/{pk}/checkin/",
    "/events/{pk}/statistics/",
    "/events/{pk}/message/",
    "/events/{pk}/allocations/new/",
    "/events/{pk}/sessions/new/",
]


def test_pages_need_login(open_event, client):
    for url in STAFF_URLS:
        response = client.get(url.format(pk=open_event.pk))
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_every_page_answers_for_city_coordinator(open_event, personas):
    web = personas.web(personas.city_coordinator)
    for url in STAFF_URLS:
        response = web.get(url.format(pk=open_event.pk))
        assert response.status_code == 200, url


def test_unknown_event_is_404(personas):
    web = personas.web(personas.city_coordinator)
    for url in STAFF_URLS[2:]:
        assert web.get(url.format(pk=987654)).status_code == 404, url


def test_nav_entry_and_swedish_list(open_event, personas):
    web = personas.web(personas.coordinator_a)
    home = web.get("/").content.decode()
    assert 'href="/events/"' in home and "Evenemang" in home
    html = web.get("/events/").content.decode()
    assert "Jämlikhetskonferensen" in html and "Kommande" in html
    assert "3 av 500" in html
    # Org coordinators do not create events.
    assert "/events/new/" not in html


# ---- Roles: org coordinators read, only city coordinators and admins change -----------------------


def test_org_coordinator_cannot_change_events(open_event, personas):
    web = personas.web(personas.coordinator_a)
    pk = open_event.pk
    allocation = Allocation.objects.filter(event=open_event).first()
    session = SessionFactory(event=open_event)
    assert web.get("/events/new/").status_code == 403
    assert web.post("/events/new/", {"title": "Kapat"}).status_code == 403
    edit = web.get(f"/events/{pk}/edit/")
    assert edit.status_code == 200 and "disabled" in edit.content.decode()
    assert web.post(f"/events/{pk}/edit/", {"title": "Kapat"}).status_code == 403
    for url in [
        f"/events/{pk}/allocations/new/",
        f"/events/{pk}/allocations/{allocation.pk}/edit/",
        f"/events/{pk}/allocations/{allocation.pk}/delete/",
        f"/events/{pk}/sessions/new/",
        f"/events/{pk}/sessions/{session.pk}/edit/",
        f"/events/{pk}/sessions/{session.pk}/delete/",
    ]:
        assert web.get(url).status_code == 403, url
        assert web.post(url, {}).status_code == 403, url
    assert web.post(f"/events/{pk}/links/send/").status_code == 403
    assert web.post(f"/events/{pk}/links/{personas.org_a.pk}/regenerate/").status_code == 403
    assert Event.objects.get(pk=pk).title == "Jämlikhetskonferensen"
    assert Session.objects.filter(pk=session.pk).exists()


# ---- Event editor ---------------------------------------------------------------------------------


def event_post(**extra):
    data = {
        "title": "Workshop om jämlikhet",
        "kind": "workshop",
        "status": "draft",
        "description": "<script>alert(1)</script> och ‏עברית 🎉",
        "venue": "Stadshuset",
        "starts_at": "2031-03-26T09:00",
        "ends_at": "2031-03-26T16:00",
        "capacity": "40",
        "opens_at": "2031-02-01T08:00",
        "quota_lock_until": "2031-03-01T08:00",
        "closes_at": "2031-03-25T12:00",
        "categories": ["employee", "elected"],
        "approval_hold_hours": "48",
        "waitlist_enabled": "on",
        "contact_email": "jamlikt@stad.example",
    }
    data.update(extra)
    return data


def test_create_event_and_edit(personas):
    web = personas.web(personas.city_coordinator)
    response = web.post("/events/new/", event_post())
    assert response.status_code == 302
    event = Event.objects.get(title="Workshop om jämlikhet")
    assert event.status == "draft" and event.capacity == 40
    assert event.categories == ["employee", "elected"]
    # Stockholm time in, UTC stored: 09:00 CET is 08:00 UTC.
    assert event.starts_at.hour == 8
    html = web.get(f"/events/{event.pk}/edit/").content.decode()
    assert 'value="2031-03-26T09:00"' in html
    assert "&lt;script&gt;" in html
    response = web.post(f"/events/{event.pk}/edit/", event_post(capacity="60", status="published"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 60 and event.status == "published"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"capacity": "-5"}, "capacity"),
        ({"capacity": "många"}, "capacity"),
        ({"starts_at": "igår"}, "starts_at"),
        ({"ends_at": "2031-03-26T08:00"}, "ends_at"),
        ({"closes_at": "2031-01-01T08:00"}, "closes_at"),
        ({"quota_lock_until": "2031-04-01T08:00"}, "quota_lock_until"),
        ({"categories": []}, "categories"),
        ({"categories": ["robot"]}, "categories"),
        ({"status": "hemlig"}, "status"),
        ({"contact_email": "inte@"}, "contact_email"),
        ({"description": "a" * 10_001}, "description"),
    ],
)
def test_event_form_bad_input(personas, changes, field):
    web = personas.web(personas.city_coordinator)
    response = web.post("/events/new/", event_post(**changes))
    html = response.content.decode()
    assert response.status_code == 400, html
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert Event.objects.count() == 0


def test_capacity_below_taken_is_refused_on_the_form(open_event, personas):
    web = personas.web(personas.city_coordinator)
    data = event_post(
        title=open_event.title,
        status="published",
        starts_at=open_event.starts_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
        ends_at=open_event.ends_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
        opens_at="",
        quota_lock_until="",
        closes_at="",
        capacity="2",
    )
    response = web.post(f"/events/{open_event.pk}/edit/", data)
    assert response.status_code in (400, 409)
    assert 'id="id_capacity_error"' in response.content.decode()
    assert Event.objects.get(pk=open_event.pk).capacity == 500


def test_allocations_add_edit_delete(personas):
    event = EventFactory(capacity=100)
    web = personas.web(personas.city_coordinator)
    url = f"/events/{event.pk}/allocations/new/"
    html = web.get(url).content.decode()
    assert "Förvaltning A" in html and "Enhet A1" not in html
    response = web.post(
        url, {"name": "Stadsdelarna", "quota": "30", "organisations": [personas.org_a.pk]}
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get(event=event)
    # An organisation in two allocations: 400 next to the field, nothing stored.
    response = web.post(url, {"name": "Dubbel", "quota": "5", "organisations": [personas.org_a.pk]})
    assert response.status_code == 400
    assert 'id="id_organisations_error"' in response.content.decode()
    # Quotas above the capacity.
    response = web.post(
        url, {"name": "För stor", "quota": "80", "organisations": [personas.org_b.pk]}
    )
    assert response.status_code == 400 and 'id="id_quota_error"' in response.content.decode()
    response = web.post(url, {"name": "", "quota": "-1", "organisations": []})
    assert response.status_code == 400
    assert Allocation.objects.filter(event=event).count() == 1
    edit = f"/events/{event.pk}/allocations/{allocation.pk}/edit/"
    response = web.post(
        edit,
        {
            "name": "Stadsdelarna (totalt)",
            "quota": "40",
            "organisations": [personas.org_a.pk, personas.org_b.pk],
        },
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.quota == 40 and allocation.organisations.count() == 2
    assert "Stadsdelarna (totalt)" in web.get(f"/events/{event.pk}/edit/").content.decode()
    delete = f"/events/{event.pk}/allocations/{allocation.pk}/delete/"
    assert "Vill du ta bort" in web.get(delete).content.decode()
    assert web.post(delete).status_code == 302
    assert not Allocation.objects.filter(event=event).exists()


def test_allocation_in_use_cannot_be_deleted(open_event, personas):
    web = personas.web(personas.city_coordinator)
    allocation = Allocation.objects.get(event=open_event, name="Grupp A")
    response = web.post(f"/events/{open_event.pk}/allocations/{allocation.pk}/delete/")
    assert response.status_code == 409
    assert Allocation.objects.filter(pk=allocation.pk).exists()


def test_other_events_objects_are_404(open_event, personas):
    other = EventFactory()
    other_allocation = AllocationFactory(event=other, quota=5)
    other_session = SessionFactory(event=other)
    web = personas.web(personas.city_coordinator)
    pk = open_event.pk
    assert web.get(f"/events/{pk}/allocations/{other_allocation.pk}/edit/").status_code == 404
    assert web.get(f"/events/{pk}/sessions/{other_session.pk}/edit/").status_code == 404
    assert web.post(f"/events/{pk}/sessions/{other_session.pk}/delete/").status_code == 404
    assert Session.objects.filter(pk=other_session.pk).exists()


def test_sessions_add_edit_delete_and_bad_input(personas):
    event = EventFactory()
    web = personas.web(personas.city_coordinator)
    local = event.starts_at.astimezone()
    start = (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    url = f"/events/{event.pk}/sessions/new/"
    data = {
        "title": "Nudging",
        "speakers": "Anna",
        "room": "Sal 2",
        "starts_at": start,
        "ends_at": end,
        "capacity": "25",
    }
    assert web.post(url, data).status_code == 302
    session = Session.objects.get(event=event)
    assert session.capacity == 25
    bad = web.post(url, {**data, "ends_at": start})
    assert bad.status_code == 400 and 'id="id_ends_at_error"' in bad.content.decode()
    outside = (local - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bad = web.post(url, {**data, "starts_at": outside})
    assert bad.status_code == 400 and 'id="id_starts_at_error"' in bad.content.decode()
    assert Session.objects.filter(event=event).count() == 1
    edit = f"/events/{event.pk}/sessions/{session.pk}/edit/"
    assert (
        web.post(edit, {**data, "title": "Nudging i praktiken", "capacity": ""}).status_code == 302
    )
    session.refresh_from_db()
    assert session.title == "Nudging i praktiken" and session.capacity is None
    assert web.post(f"/events/{event.pk}/sessions/{session.pk}/delete/").status_code == 302
    assert not Session.objects.filter(event=event).exists()


# ---- Links ------------------------------------------------------------------------------------------


def test_links_are_scoped_and_can_be_sent_and_regenerated(
    open_event, personas, django_capture_on_commit_callbacks
):
    web_a = personas.web(personas.coordinator_a)
    html = web_a.get(f"/events/{open_event.pk}/links/").content.decode()
    link_a = services.link_ensure(event=open_event, organisation=personas.org_a)
    link_b = services.link_ensure(event=open_event, organisation=personas.org_b)
    assert link_a.token in html and link_b.token not in html
    web = personas.web(personas.city_coordinator)
    html = web.get(f"/events/{open_event.pk}/links/").content.decode()
    assert link_a.token in html and link_b.token in html
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(f"/events/{open_event.pk}/links/send/").status_code == 302
    assert {m.to[0] for m in mail.outbox} >= {personas.org_a.mailbox, personas.org_b.mailbox}
    assert (
        web.post(f"/events/{open_event.pk}/links/{personas.org_a.pk}/regenerate/").status_code
        == 302
    )
    html = web.get(f"/events/{open_event.pk}/links/").content.decode()
    assert link_a.token not in html
    assert web.get(f"/r/{link_a.token}").status_code == 404
    assert web.post(f"/events/{open_event.pk}/links/{personas.org_b.pk}/revoke/").status_code == 302
    assert web.get(f"/r/{link_b.token}").status_code == 404
    # B now has no working link: the organiser makes a new one.
    html = web.get(f"/events/{open_event.pk}/links/").content.decode()
    assert "Organisationer utan fungerande länk" in html
    # An org coordinator of A cannot see or make B's link.
    assert web_a.post(f"/events/{open_event.pk}/links/{personas.org_b.pk}/new/").status_code == 403
    assert web.post(f"/events/{open_event.pk}/links/{personas.org_b.pk}/new/").status_code == 302
    assert web.post(f"/events/{open_event.pk}/links/{personas.org_b.pk}/new/").status_code == 404
    fresh = services.link_ensure(event=open_event, organisation=personas.org_b)
    assert fresh.token != link_b.token
    assert web.get(f"/r/{fresh.token}").status_code == 200


# ---- Dashboard ------------------------------------------------------------------------------------


def test_dashboard_shows_quota_use_and_is_scoped(open_event, personas):
    web_a = personas.web(personas.coordinator_a)
    html = web_a.get(f"/events/{open_event.pk}/").content.decode()
    assert "Grupp A" in html and "Grupp B" in html  # allocations: all staff
    assert "2 av 200" in html and "1 av 200" in html
    assert "Alva Andersson" in html and "Ada Enhetsson" in html
    assert "Bertil" not in html and "bertil@b.example" not in html
    html = personas.web(personas.city_coordinator).get(f"/events/{open_event.pk}/").content.decode()
    assert "Bertil Bengtsson" in html


def test_dashboard_filters_and_htmx_fragment(open_event, personas):
    web = personas.web(personas.city_coordinator)
    url = f"/events/{open_event.pk}/"
    html = web.get(url, {"q": "alva"}).content.decode()
    rows = html.split('id="registrations"')[1]
    assert "Alva Andersson" in rows and "Bertil" not in rows
    html = web.get(url, {"organisation": personas.org_b.pk}).content.decode()
    rows = html.split('id="registrations"')[1]
    assert "Bertil" in rows and "Alva" not in rows
    fragment = web.get(
        url, {"status": "confirmed"}, headers={"HX-Request": "true", "HX-Target": "registrations"}
    )
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert text.lstrip().startswith('<div id="registrations"') and "<html" not in text
    # Bad filter values change nothing and never fail.
    for bad in [
        {"status": "hemlig"},
        {"organisation": "x"},
        {"organisation": "99999999999999999999999"},
        {"page": "-1"},
        {"q": "\x00"},
    ]:
        assert web.get(url, bad).status_code == 200


def test_dashboard_org_filter_outside_scope_gives_nothing(open_event, personas):
    web_a = personas.web(personas.coordinator_a)
    html = web_a.get(
        f"/events/{open_event.pk}/", {"organisation": personas.org_b.pk}
    ).content.decode()
    assert "Bertil" not in html


def test_dashboard_query_count_with_hundreds(open_event, personas, django_assert_max_num_queries):
    for _ in range(3):
        SessionFactory(event=open_event, capacity=500)
    many(open_event, personas.org_a, 150)
    many(open_event, personas.org_b, 150)
    for user in (personas.city_coordinator, personas.coordinator_a):
        web = personas.web(user)
        with django_assert_max_num_queries(20):
            response = web.get(f"/events/{open_event.pk}/")
        assert response.status_code == 200
        with django_assert_max_num_queries(20):
            response = web.get(f"/events/{open_event.pk}/", {"page": "3"})
        assert response.status_code == 200
    web = personas.web(personas.city_coordinator)
    for url in [
        "/events/",
        f"/events/{open_event.pk}/edit/",
        f"/events/{open_event.pk}/links/",
        f"/events/{open_event.pk}/statistics/",
        f"/events/{open_event.pk}/checkin/?q=Person",
        f"/events/{open_event.pk}/message/",
        f"/events/{open_event.pk}/export.csv",
        f"/events/{open_event.pk}/export.xlsx",
    ]:
        with django_assert_max_num_queries(20):
            assert web.get(url).status_code == 200, url


def test_waiting_list_in_order(personas):
    event = EventFactory(capacity=10, quota_lock_until=None)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    services.event_update(actor=None, event=event, capacity=2)
    register(event, personas.org_a, name="Först")
    register(event, personas.org_a, name="Tvåa")
    register(event, personas.org_a, name="Väntare Ett")
    register(event, personas.org_a, name="Väntare Två")
    html = personas.web(personas.city_coordinator).get(f"/events/{event.pk}/").content.decode()
    waiting = html.split('id="waiting-heading"')[1].split('id="registrations-heading"')[0]
    assert waiting.index("Väntare Ett") < waiting.index("Väntare Två")


# ---- Exports and badges ----------------------------------------------------------------------------


def test_exports_are_scoped(open_event, personas):
    web_a = personas.web(personas.coordinator_a)
    text = web_a.get(f"/events/{open_event.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    emails = {row[2] for row in rows[1:]}
    assert emails == {"alva@a.example", "ada@a.example"}
    response = web_a.get(f"/events/{open_event.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "alva@a.example" in values and "bertil@b.example" not in values
    text = (
        personas.web(personas.city_coordinator)
        .get(f"/events/{open_event.pk}/export.csv")
        .content.decode("utf-8-sig")
    )
    assert "bertil@b.example" in text


def test_the_downloads_are_made_for_swedish_excel(open_event, personas):
    web = personas.web(personas.city_coordinator)
    raw = web.get(f"/events/{open_event.pk}/export.csv").content
    assert raw.startswith("\ufeff".encode())  # UTF-8 with BOM: å, ä, ö as written
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("ID;Namn;E-post;Organisation;")  # semicolons, Swedish headings
    english = web.get(f"/events/{open_event.pk}/export.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert english.content.decode("utf-8-sig").startswith("ID;Name;E-mail;Organisation;")
    book = load_workbook(io.BytesIO(web.get(f"/events/{open_event.pk}/export.xlsx").content))
    assert [c.value for c in book.active[1]][:3] == ["ID", "Namn", "E-post"]
    api = personas.api(personas.city_coordinator).get(f"/api/v1/events/{open_event.pk}/export.csv")
    assert api.content.decode("utf-8-sig").startswith("id,name,email,")  # the API unchanged


def test_badges_pdf_is_scoped(open_event, personas):
    from jamlik.events import badges

    html = badges.badges_html(
        open_event, list(Registration.objects.filter(event=open_event).order_by("id"))
    )
    assert "Alva Andersson" in html and "<svg" in html
    response = personas.web(personas.coordinator_b).get(f"/events/{open_event.pk}/badges.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from jamlik.events import selectors

    people = selectors.badge_registrations(user=personas.coordinator_b, event=open_event)
    assert [r.name for r in people] == ["Bertil Bengtsson"]


# ---- Check-in -----------------------------------------------------------------------------------------


def test_checkin_search_scan_undo_and_scope(open_event, personas):
    alva = Registration.objects.get(email="alva@a.example")
    bertil = Registration.objects.get(email="bertil@b.example")
    web_a = personas.web(personas.coordinator_a)
    url = f"/events/{open_event.pk}/checkin/"
    html = web_a.get(url, {"q": "a"}).content.decode()
    assert "Alva" not in html.split('id="checkin-results"')[1]  # two characters at least
    html = web_a.get(url, {"q": "ert"}).content.decode()
    assert "Bertil" not in html
    html = web_a.get(url, {"q": "alv"}).content.decode()
    assert "Alva Andersson" in html
    # Guessing B's registration id: 404, nothing changes.
    assert web_a.post(f"{url}{bertil.pk}/").status_code == 404
    assert (
        web_a.post(f"{url}scan/", {"code": checkin_payload(bertil)}, follow=True).status_code == 200
    )
    assert Registration.objects.get(pk=bertil.pk).checked_in_at is None
    # One-click check-in and undo (no JavaScript: POST, redirect).
    response = web_a.post(f"{url}{alva.pk}/", {"q": "alv"})
    assert response.status_code == 302 and "q=alv" in response["Location"]
    assert Registration.objects.get(pk=alva.pk).checked_in_at is not None
    page = web_a.get(response["Location"]).content.decode()
    assert "Alva Andersson är incheckad" in page
    web_a.post(f"{url}{alva.pk}/undo/")
    assert Registration.objects.get(pk=alva.pk).checked_in_at is None
    # htmx: the row comes back with feedback.
    row = web_a.post(
        f"{url}{alva.pk}/", headers={"HX-Request": "true", "HX-Target": f"checkin-{alva.pk}"}
    )
    assert "Ångra" in row.content.decode() and "<html" not in row.content.decode()
    web_a.post(f"{url}{alva.pk}/undo/")
    # The QR payload of the confirmation checks in.
    response = web_a.post(f"{url}scan/", {"code": checkin_payload(alva)}, follow=True)
    assert "Alva Andersson är incheckad" in response.content.decode()
    assert Registration.objects.get(pk=alva.pk).checked_in_at is not None
    # A second scan (the same code again, or passed on to someone else) says when she came.
    arrived = timezone.localtime(Registration.objects.get(pk=alva.pk).checked_in_at)
    response = web_a.post(f"{url}scan/", {"code": checkin_payload(alva)}, follow=True)
    assert (
        f"Alva Andersson är redan incheckad, sedan kl. {arrived:%H:%M}."
        in response.content.decode()
    )
    assert "message-warning" in response.content.decode()
    row = web_a.post(
        f"{url}{alva.pk}/", headers={"HX-Request": "true", "HX-Target": f"checkin-{alva.pk}"}
    ).content.decode()
    assert "redan incheckad" in row and "status-bad" in row
    # Garbage and another event's payload are refused kindly.
    for junk in [
        "",
        "JAMLIK:1:",
        "x" * 600,
        f"JAMLIK:{open_event.pk + 1}:{alva.checkin_code}",
        "'; drop table",
    ]:
        response = web_a.post(f"{url}scan/", {"code": junk}, follow=True)
        assert response.status_code == 200
        assert "Ingen anmälan till evenemanget matchar koden" in response.content.decode()


def test_checkin_htmx_live_results(open_event, personas):
    web = personas.web(personas.city_coordinator)
    response = web.get(
        f"/events/{open_event.pk}/checkin/",
        {"q": "bert"},
        headers={"HX-Request": "true", "HX-Target": "checkin-results"},
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="checkin-results"') and "Bertil" in text


def test_waiting_person_cannot_be_checked_in(personas):
    event = EventFactory(capacity=10, quota_lock_until=None)
    services.event_update(actor=None, event=event, capacity=1)
    register(event, personas.org_a)
    waiting = register(event, personas.org_a, name="Wilma Väntar").registration
    web = personas.web(personas.city_coordinator)
    html = web.get(f"/events/{event.pk}/checkin/", {"q": "wilma"}).content.decode()
    assert "Inte bekräftad" in html
    response = web.post(f"/events/{event.pk}/checkin/{waiting.pk}/", follow=True)
    assert "Bara en bekräftad anmälan kan checkas in" in response.content.decode()
    assert Registration.objects.get(pk=waiting.pk).checked_in_at is None


# ---- Statistics and messages ------------------------------------------------------------------------


def test_statistics_are_scoped_with_chart_and_table(open_event, personas):
    alva = Registration.objects.get(email="alva@a.example")
    services.registration_check_in(registration=alva, actor=None)
    html = (
        personas.web(personas.city_coordinator)
        .get(f"/events/{open_event.pk}/statistics/")
        .content.decode()
    )
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "Förvaltning A" in html and "Förvaltning B" in html and "Enhet A1" in html
    html = (
        personas.web(personas.coordinator_a)
        .get(f"/events/{open_event.pk}/statistics/")
        .content.decode()
    )
    assert "Förvaltning A" in html and "Förvaltning B" not in html
    assert "Närvaro per organisation" in html


def test_message_form_sends_to_scoped_participants(
    open_event, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    web_a = personas.web(personas.coordinator_a)
    url = f"/events/{open_event.pk}/message/"
    bad = web_a.post(url, {"subject": "", "body": "", "statuses": []})
    assert bad.status_code == 400 and 'id="id_subject_error"' in bad.content.decode()
    assert EventMessage.objects.count() == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = web_a.post(
            url, {"subject": "Välkomna", "body": "Hej alla!", "statuses": ["confirmed"]}
        )
    assert response.status_code == 302
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {"alva@a.example", "ada@a.example"}
    assert "Välkomna" in web_a.get(url).content.decode()


def test_registration_statuses_shown_in_swedish(open_event, personas):
    alva = Registration.objects.get(email="alva@a.example")
    services.registration_cancel(registration=alva)
    html = (
        personas.web(personas.city_coordinator)
        .get(f"/events/{open_event.pk}/", {"status": Status.CANCELLED})
        .content.decode()
    )
    assert "Avbokad" in html and "Alva" in html


# ---- The permission matrix: every page × every staff role -------------------------------------------

READ_PAGES = [
    u
    for u in STAFF_URLS
    if u not in ("/events/new/", "/events/{pk}/allocations/new/", "/events/{pk}/sessions/new/")
]
EDIT_PAGES = ["/events/new/", "/events/{pk}/allocations/new/", "/events/{pk}/sessions/new/"]


@pytest.mark.parametrize(
    "role, read, edit",
    [
        (None, 302, 302),
        ("coordinator_a", 200, 403),
        ("coordinator_b", 200, 403),
        ("city_coordinator", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_permission_matrix(open_event, personas, role, read, edit):
    web = personas.web(getattr(personas, role) if role else None)
    for url in READ_PAGES:
        assert web.get(url.format(pk=open_event.pk)).status_code == read, (role, url)
    for url in EDIT_PAGES:
        assert web.get(url.format(pk=open_event.pk)).status_code == edit, (role, url)


def test_registration_of_other_organisation_is_404_by_url_guessing(open_event, personas):
    bertil = Registration.objects.get(email="bertil@b.example")
    web_a = personas.web(personas.coordinator_a)
    for url in [
        f"/events/{open_event.pk}/checkin/{bertil.pk}/",
        f"/events/{open_event.pk}/checkin/{bertil.pk}/undo/",
    ]:
        assert web_a.post(url).status_code == 404
    other = EventFactory()
    alva = Registration.objects.get(email="alva@a.example")
    # The right registration under another event's path is 404 too.
    web = personas.web(personas.city_coordinator)
    assert web.post(f"/events/{other.pk}/checkin/{alva.pk}/").status_code == 404
    assert web.post(f"/events/{open_event.pk}/checkin/99999999999999999999999/").status_code == 404
    assert Registration.objects.get(pk=alva.pk).checked_in_at is None


def test_the_dashboard_lists_the_head_of_a_long_waiting_list(
    personas, django_assert_max_num_queries
):
    """The dashboard lists the first WAITING_SHOWN waiting, says how many wait in all and
    links to the full list; its size and queries do not grow with the list."""
    from jamlik.events.selectors.registrations import WAITING_SHOWN

    event = EventFactory(capacity=1, quota_lock_until=None)
    names = [f"Väntare {n:03}" for n in range(WAITING_SHOWN + 15)]
    register(event, personas.org_a, name="Först")
    for name in names:
        register(event, personas.org_a, name=name)
    web = personas.web(personas.city_coordinator)
    with django_assert_max_num_queries(20):
        html = web.get(f"/events/{event.pk}/").content.decode()
    waiting = html.split('id="waiting-heading"')[1].split('id="registrations-heading"')[0]
    shown = [name for name in names if name in waiting]
    assert shown == names[:WAITING_SHOWN]
    assert f"De första {WAITING_SHOWN} av {len(names)} på väntelistan" in waiting
    assert "?status=waiting" in waiting
    full = web.get(f"/events/{event.pk}/?status=waiting").content.decode()
    assert names[-1] in full
