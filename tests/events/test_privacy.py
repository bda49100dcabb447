"""Privacy for a public employer's attendee data (issue 15 item 6): protected identities
("skyddade personuppgifter") are left out of every list, badge and export that names people
for everyone but the city, who see them marked; counts still include them. Dietary and
accessibility needs live apart from the registration, are shown as counts per need, and are
erased a set number of days after the event."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from jamlik.core.errors import NotFound
from jamlik.core.models import AuditEntry
from jamlik.events import policies, privacy, selectors, services
from jamlik.events.links import checkin_payload
from jamlik.events.models import Registration, RegistrationNeeds
from jamlik.events.services.privacy import needs_erase_due, registration_set_protected
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

HIDDEN = "Hemlig Hansson"


@pytest.fixture
def event(personas):
    """An open event with three people of A (one protected) and one of B."""
    event = EventFactory(title="Jämlikhetsdagen", capacity=100, quota_lock_until=None)
    AllocationFactory(event=event, name="Grupp A", quota=50, organisations=[personas.org_a])
    AllocationFactory(event=event, name="Grupp B", quota=50, organisations=[personas.org_b])
    register(
        event, personas.org_a, name="Alva Andersson", email="alva@a.example", dietary="Vegetarisk"
    )
    hidden = register(
        event,
        personas.org_a,
        name=HIDDEN,
        email="hemlig@a.example",
        dietary="vegetarisk",
        accessibility="Hörslinga; Ledsagare",
    ).registration
    registration_set_protected(actor=personas.city_coordinator, registration=hidden, protected=True)
    register(event, personas.unit_a, name="Ada Enhetsson", email="ada@a.example")
    register(event, personas.org_b, name="Bertil Bengtsson", email="bertil@b.example")
    return event


def hidden_registration() -> Registration:
    return Registration.objects.get(email="hemlig@a.example")


# ---- Pure rules ----------------------------------------------------------------------------------


def test_count_needs_groups_case_and_splits_accessibility():
    counts = privacy.count_needs(
        [("Vegetarisk", ""), (" vegetarisk ", "Hörslinga; Ledsagare"), ("", "hörslinga"), ("", "")]
    )
    as_tuples = [(c.kind, c.need, c.count) for c in counts]
    assert as_tuples == [
        ("accessibility", "Hörslinga", 2),
        ("accessibility", "Ledsagare", 1),
        ("dietary", "Vegetarisk", 2),
    ]
    # The name does not depend on the order the rows came in (PostgreSQL gives no order).
    backwards = privacy.count_needs(
        [("", ""), ("", "hörslinga"), (" vegetarisk ", "Hörslinga; Ledsagare"), ("Vegetarisk", "")]
    )
    assert [(c.kind, c.need, c.count) for c in backwards] == as_tuples


def test_needs_erase_due_after_the_days():
    from django.utils import timezone

    end = timezone.now()
    assert not privacy.needs_erase_due(end, 14, end + timedelta(days=13, hours=23))
    assert privacy.needs_erase_due(end, 14, end + timedelta(days=14))
    assert privacy.shows_person(protected=True, sees_protected=True)
    assert not privacy.shows_person(protected=True, sees_protected=False)
    assert privacy.shows_person(protected=False, sees_protected=False)


# ---- The mark: who sets it ------------------------------------------------------------------------


def test_only_the_city_marks_and_it_is_audited(event, personas):
    from jamlik.core.errors import Forbidden

    alva = Registration.objects.get(email="alva@a.example")
    with pytest.raises(Forbidden):
        registration_set_protected(actor=personas.coordinator_a, registration=alva, protected=True)
    entry = AuditEntry.objects.filter(action="events.registration.protected_identity").get()
    assert entry.object_id == str(hidden_registration().pk) and "hemlig" not in str(entry.new)
    # The page: an org coordinator is refused (403), the city marks.
    url = f"/events/{event.pk}/registrations/{alva.pk}/protected/"
    assert (
        personas.web(personas.coordinator_a).post(url, {"protected_identity": "1"}).status_code
        == 403
    )
    assert (
        personas.web(personas.city_coordinator).post(url, {"protected_identity": "1"}).status_code
        == 302
    )
    alva.refresh_from_db()
    assert alva.protected_identity


def test_the_person_marks_their_own_registration_on_the_manage_page(event, personas):
    alva = Registration.objects.get(email="alva@a.example")
    client = personas.web()
    page = client.get(f"/m/{alva.manage_token}").content.decode()
    assert "protected_identity" in page
    response = client.post(f"/m/{alva.manage_token}/protected", {"protected_identity": "1"})
    assert response.status_code == 302
    alva.refresh_from_db()
    assert alva.protected_identity
    client.post(f"/m/{alva.manage_token}/protected", {})
    alva.refresh_from_db()
    assert not alva.protected_identity
    assert client.post("/m/not-a-token/protected", {"protected_identity": "1"}).status_code == 404


def test_the_api_sets_the_mark_for_the_city_only(event, personas):
    alva = Registration.objects.get(email="alva@a.example")
    url = f"/api/v1/events/{event.pk}/registrations/{alva.pk}/protected"
    refused = personas.api(personas.coordinator_a).put(url, {"protected_identity": True})
    assert refused.status_code == 403
    done = personas.api(personas.city_coordinator).put(url, {"protected_identity": True})
    assert done.status_code == 200 and done.json()["protected_identity"] is True
    bad = personas.api(personas.city_coordinator).put(url, {"protected_identity": "maybe"})
    assert bad.status_code in (400, 422)


# ---- Every list leaves the protected person out (org) and marks them (city) -------------------------


def test_selector_lists_leave_the_protected_person_out(event, personas):
    org, city = personas.coordinator_a, personas.city_coordinator
    for user, shown in ((org, False), (city, True)):
        names = [r.name for r in selectors.registration_list(user=user, event=event)]
        assert (HIDDEN in names) is shown
        page = selectors.registrations_page(
            user=user, event=event, filters=selectors.RegistrationFilter(q="Hemlig")
        )
        assert (HIDDEN in [r.name for r in page.object_list]) is shown
        assert (
            HIDDEN in [r.name for r in selectors.badge_registrations(user=user, event=event)]
        ) is shown
        assert (
            HIDDEN in [r.name for r in selectors.checkin_search(user=user, event=event, q="Hem")]
        ) is shown
        rows = selectors.export_rows(user=user, event=event)
        assert (HIDDEN in [row[1] for row in rows]) is shown
    # Guessing the id: 404 for the org coordinator, the page for the city.
    hidden = hidden_registration()
    url = f"/events/{event.pk}/registrations/{hidden.pk}/"
    assert personas.web(org).get(url).status_code == 404
    page = personas.web(city).get(url).content.decode()
    assert HIDDEN in page and "protected-identity" in page


def test_counts_still_include_the_protected_person(event, personas):
    totals = selectors.totals(user=personas.coordinator_a, event=event)
    assert totals.confirmed_in_scope == 3  # Alva, Ada and the protected person
    stats = selectors.statistics_by_organisation(user=personas.coordinator_a, event=event)
    assert sum(row.confirmed for row in stats) == 3


def test_dashboard_and_checkin_pages(event, personas):
    org, city = personas.web(personas.coordinator_a), personas.web(personas.city_coordinator)
    dashboard = f"/events/{event.pk}/"
    assert HIDDEN not in org.get(dashboard).content.decode()
    html = city.get(dashboard).content.decode()
    assert HIDDEN in html and "protected-identity" in html
    checkin = f"/events/{event.pk}/checkin/"
    assert HIDDEN not in org.get(checkin, {"q": "Hemlig"}).content.decode()
    html = city.get(checkin, {"q": "Hemlig"}).content.decode()
    assert HIDDEN in html and "protected-identity" in html
    # The QR code of the protected person finds nobody for the org coordinator.
    hidden = hidden_registration()
    with pytest.raises(NotFound):
        selectors.checkin_find_by_code(
            user=personas.coordinator_a, event=event, payload=checkin_payload(hidden)
        )
    found = selectors.checkin_find_by_code(
        user=personas.city_coordinator, event=event, payload=checkin_payload(hidden)
    )
    assert found.pk == hidden.pk


def test_exports_csv_xlsx_and_api(event, personas):
    org, city = personas.web(personas.coordinator_a), personas.web(personas.city_coordinator)
    text = org.get(f"/events/{event.pk}/export.csv").content.decode("utf-8-sig")
    assert HIDDEN not in text and "Alva Andersson" in text
    rows = list(
        csv.reader(
            io.StringIO(city.get(f"/events/{event.pk}/export.csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    hidden_row = next(row for row in rows if HIDDEN in row)
    marked = rows[0].index("Skyddade personuppgifter")
    assert hidden_row[marked] == "Ja"  # marked, in the Swedish export
    book = load_workbook(io.BytesIO(org.get(f"/events/{event.pk}/export.xlsx").content))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert HIDDEN not in cells and "Alva Andersson" in cells
    book = load_workbook(io.BytesIO(city.get(f"/events/{event.pk}/export.xlsx").content))
    assert HIDDEN in [c.value for row in book.active.iter_rows() for c in row]
    api_org = personas.api(personas.coordinator_a)
    names = [r["name"] for r in api_org.get(f"/api/v1/events/{event.pk}/registrations").json()]
    assert HIDDEN not in names and "Alva Andersson" in names
    assert HIDDEN not in api_org.get(f"/api/v1/events/{event.pk}/export.csv").content.decode(
        "utf-8-sig"
    )
    api_city = personas.api(personas.city_coordinator)
    listed = api_city.get(f"/api/v1/events/{event.pk}/registrations").json()
    assert [r["protected_identity"] for r in listed if r["name"] == HIDDEN] == [True]


def test_badges_leave_the_protected_person_out(event, personas, monkeypatch):
    from jamlik.events import badges

    seen: list[list[str]] = []
    original = badges.badges_html

    def capture(event, people, *args, **kwargs):
        people = list(people)
        seen.append([p.name for p in people])
        return original(event, people, *args, **kwargs)

    monkeypatch.setattr(badges, "badges_html", capture)
    response = personas.web(personas.coordinator_a).get(f"/events/{event.pk}/badges.pdf")
    assert response.status_code == 200
    assert seen and HIDDEN not in seen[-1] and "Alva Andersson" in seen[-1]
    personas.web(personas.city_coordinator).get(f"/events/{event.pk}/badges.pdf")
    assert HIDDEN in seen[-1]


def test_waiting_list_head_counts_the_protected_but_hides_them(personas):
    event = EventFactory(capacity=1, quota_lock_until=None, waitlist_enabled=True)
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    register(event, personas.org_a)
    waiting = register(event, personas.org_a, name=HIDDEN).registration
    assert waiting.status == "waiting"
    registration_set_protected(actor=None, registration=waiting, protected=True)
    head = selectors.waiting_head(user=personas.coordinator_a, event=event)
    assert head.rows == [] and head.total == 1
    head = selectors.waiting_head(user=personas.city_coordinator, event=event)
    assert [r.name for r in head.rows] == [HIDDEN] and head.total == 1


# ---- Needs: apart, counted, erased -------------------------------------------------------------------


def test_needs_are_stored_apart_from_the_registration(event):
    hidden = hidden_registration()
    needs = RegistrationNeeds.objects.get(registration=hidden)
    assert (needs.dietary, needs.accessibility) == ("vegetarisk", "Hörslinga; Ledsagare")
    assert "dietary" not in {f.name for f in Registration._meta.concrete_fields}
    ada = Registration.objects.get(email="ada@a.example")
    assert not RegistrationNeeds.objects.filter(registration=ada).exists()  # none stated
    assert ada.dietary == ""


def test_needs_counts_per_need_and_only_the_city_sees_who(event, personas):
    counts = selectors.needs_counts(user=personas.coordinator_a, event=event)
    assert [(c.kind, c.need, c.count) for c in counts] == [
        ("accessibility", "Hörslinga", 1),
        ("accessibility", "Ledsagare", 1),
        ("dietary", "Vegetarisk", 2),  # the protected person counted too
    ]
    assert selectors.needs_counts(user=personas.coordinator_b, event=event) == []
    org = personas.web(personas.coordinator_a).get(f"/events/{event.pk}/needs/").content.decode()
    assert "Vegetarisk" in org and "Alva Andersson" not in org and HIDDEN not in org
    city = (
        personas.web(personas.city_coordinator).get(f"/events/{event.pk}/needs/").content.decode()
    )
    assert "Alva Andersson" in city and HIDDEN in city
    # The API: counts for all staff; who, for the city only.
    body = personas.api(personas.coordinator_a).get(f"/api/v1/events/{event.pk}/needs").json()
    assert (
        body["people"] == []
        and {"kind": "dietary", "need": "Vegetarisk", "count": 2} in body["counts"]
    )
    body = personas.api(personas.city_coordinator).get(f"/api/v1/events/{event.pk}/needs").json()
    assert {p["name"] for p in body["people"]} == {"Alva Andersson", HIDDEN}
    # Whose needs: the org coordinator's export and registration page leave them out.
    alva = Registration.objects.get(email="alva@a.example")
    rows = selectors.export_rows(user=personas.coordinator_a, event=event)
    assert all("Vegetarisk" not in row for row in rows)
    detail = personas.web(personas.coordinator_a).get(
        f"/events/{event.pk}/registrations/{alva.pk}/"
    )
    assert "Vegetarisk" not in detail.content.decode()
    assert policies.may_see_needs_of_people(personas.city_coordinator)


def test_needs_are_erased_after_the_events_days_by_the_housekeeping(event, personas, clock):
    from jamlik.events import tasks

    event.needs_erase_after_days = 3
    event.save(update_fields=["needs_erase_after_days"])
    other = EventFactory(capacity=10, quota_lock_until=None)
    kept = register(other, None, dietary="Glutenfri").registration
    clock.set(event.ends_at + timedelta(days=2, hours=23))
    assert needs_erase_due() == 0
    clock.set(max(event.ends_at, other.ends_at) + timedelta(days=3, minutes=1))
    other.needs_erase_after_days = 30
    other.save(update_fields=["needs_erase_after_days"])
    # The worker's tick does it.
    result = tasks.tick_work()
    assert result["needs_erased"] == 2
    assert not RegistrationNeeds.objects.filter(registration__event=event).exists()
    assert RegistrationNeeds.objects.filter(registration=kept).exists()
    hidden = hidden_registration()
    assert hidden.name == HIDDEN and hidden.dietary == ""  # the registration stays
    entry = AuditEntry.objects.get(action="events.needs.erased")
    assert entry.new == {"registrations": 2, "days": 3}


def test_anonymising_erases_the_needs_too(event, personas):
    hidden = hidden_registration()
    services.registration_anonymise(actor=personas.city_coordinator, registration=hidden)
    assert not RegistrationNeeds.objects.filter(registration=hidden).exists()


def test_changing_needs_through_the_registration_updates_the_row(event):
    alva = Registration.objects.get(email="alva@a.example")
    alva.accessibility = "Rullstol"
    alva.save()
    fresh = Registration.objects.get(pk=alva.pk)
    assert (fresh.dietary, fresh.accessibility) == ("Vegetarisk", "Rullstol")
    fresh.dietary = ""
    fresh.accessibility = ""
    fresh.save()
    assert not RegistrationNeeds.objects.filter(registration=alva).exists()


def test_the_reviews_workshop_group_lists_leave_the_protected_person_out(event, personas):
    from jamlik.reviews import selectors as reviews

    for user, shown in ((personas.coordinator_a, False), (personas.city_coordinator, True)):
        names = [r.name for r in reviews.participants_without_group(user=user, event=event)]
        assert (HIDDEN in names) is shown and "Alva Andersson" in names


def test_the_days_before_needs_are_erased_are_set_per_event(event, personas):
    api = personas.api(personas.city_coordinator)
    assert api.get(f"/api/v1/events/{event.pk}").json()["needs_erase_after_days"] == 14
    changed = api.patch(f"/api/v1/events/{event.pk}", {"needs_erase_after_days": 7})
    assert changed.status_code == 200 and changed.json()["needs_erase_after_days"] == 7
    assert api.patch(f"/api/v1/events/{event.pk}", {"needs_erase_after_days": -1}).status_code in (
        400,
        422,
    )
    page = personas.web(personas.city_coordinator).get(f"/events/{event.pk}/edit/")
    assert 'name="needs_erase_after_days"' in page.content.decode()
