"""A coordinator registers other people: one person or a list (all or nothing), by the seat
rules and the lock of a self-registration; scoping per persona; the mail with the manage
link; the pages and both API endpoints; bad files answer 4xx, never 500."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jamlik.core.errors import Conflict, Forbidden, Invalid
from jamlik.core.models import AuditEntry, Role
from jamlik.events import policies, services
from jamlik.events.models import Registration, Status
from jamlik.events.services import seats as seats_module
from jamlik.events.services import staff_registrations
from tests.events.conftest import assert_counters_match_rows
from tests.factories.core import UserFactory
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

HEADER = "Namn;E-post;Organisationskod;Befattning;Chefens e-post"


def csv_file(*rows: str, header: str = HEADER, bom: bool = True, name: str = "lista.csv"):
    text = "\n".join([header, *rows]) + "\n"
    content = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "lista.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def people(n: int, code: str = "A", domain: str = "a.example", start: int = 1) -> list[str]:
    return [f"Person {i};person{i}@{domain};{code};;" for i in range(start, start + n)]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block; return its result and the mails that went out after its commit."""

    def run(action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result, list(mail.outbox)

    return run


def staff_register(actor, event, organisation, **fields):
    data = {
        "organisation": organisation.pk,
        "name": fields.pop("name", "Stina Staff"),
        "email": fields.pop("email", "stina@a.example"),
        **fields,
    }
    return services.registration_create_by_staff(actor=actor, event=event, data=data)


# ---- The policy, per persona -------------------------------------------------------------------------


def test_policy_per_persona(personas):
    p = personas
    rule = policies.may_register_others
    for user in (p.admin, p.city_coordinator):
        assert rule(user)
        assert all(rule(user, org) for org in (p.city, p.org_a, p.org_b, p.unit_a, p.unit_b))
    assert rule(p.coordinator_a)
    assert rule(p.coordinator_a, p.org_a) and rule(p.coordinator_a, p.unit_a)
    assert not rule(p.coordinator_a, p.org_b)
    assert not rule(p.coordinator_a, p.unit_b)
    assert not rule(p.coordinator_a, p.city)  # above their own organisation
    assert rule(p.coordinator_b, p.unit_b) and not rule(p.coordinator_b, p.org_a)
    # Not stored (the database requires an org coordinator's organisation): the rule holds
    # without it too.
    lonely = UserFactory.build(role=Role.ORG_COORDINATOR, organisation=None)
    inactive = UserFactory(role=Role.CITY_COORDINATOR, is_active=False)
    for user in (None, lonely, inactive):
        assert not rule(user)
        assert not rule(user, p.org_a)
    from django.contrib.auth.models import AnonymousUser

    assert not rule(AnonymousUser())


# ---- One person: the seat rules of a link registration ---------------------------------------------


def _outcomes(path, event, organisation, n):
    results = []
    for i in range(n):
        try:
            outcome = path(event, organisation, i)
        except Conflict as exc:
            results.append(exc.code)
        else:
            results.append(outcome.registration.status)
    return results


def _by_staff(actor):
    def path(event, organisation, i):
        domain = organisation.domains[0]
        return staff_register(actor, event, organisation, name=f"S {i}", email=f"staff{i}@{domain}")

    return path


def _by_link(event, organisation, i):
    return register(event, organisation)


@pytest.mark.parametrize(
    ("phase", "waitlist", "approval"),
    [
        ("quota", True, False),
        ("quota", False, False),
        ("open", True, False),
        ("open", False, False),
        ("quota", True, True),
    ],
)
def test_same_seat_outcome_as_a_link_registration(personas, clock, phase, waitlist, approval):
    """Two identical events: the same people registered through the link and by a
    coordinator end up in the same places, or are refused with the same rule."""
    events = []
    for _ in range(2):
        event = EventFactory(capacity=4, waitlist_enabled=waitlist, approval_required=approval)
        AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
        events.append(event)
    if phase == "open":
        clock.advance(days=8)
    extra = {"manager_email": "chef@a.example"} if approval else {}
    link = _outcomes(lambda e, o, i: register(e, o, **extra), events[0], personas.unit_a, 6)
    staff = _outcomes(
        lambda e, o, i: staff_register(
            personas.coordinator_a, e, o, name=f"S {i}", email=f"s{i}@a.example", **extra
        ),
        events[1],
        personas.unit_a,
        6,
    )
    assert staff == link
    for event in events:
        assert_counters_match_rows(event)
    staff_rows = Registration.objects.filter(event=events[1])
    assert all(r.allocation_id is not None for r in staff_rows)  # the unit counts against A


def test_a_person_in_no_allocation_waits_in_the_quota_phase(personas, conference):
    """As through a link: an organisation in no allocation takes no seat while the quotas
    bind (the city itself is in none here)."""
    outcome = staff_register(personas.city_coordinator, conference.event, personas.city)
    assert outcome.registration.status == Status.WAITING
    assert outcome.registration.allocation_id is None


def test_the_category_defaults_to_employee_and_follows_the_form(personas, conference):
    first = staff_register(personas.coordinator_a, conference.event, personas.org_a)
    assert first.registration.category == "employee"
    second = staff_register(
        personas.coordinator_a,
        conference.event,
        personas.org_a,
        email="politiker@a.example",
        category="elected",
    )
    assert second.registration.category == "elected"
    event = EventFactory(categories=["partner"])
    third = staff_register(personas.city_coordinator, event, personas.org_a)
    assert third.registration.category == "partner"


def test_refusals_of_one_person(personas, conference):
    event = conference.event
    with pytest.raises(Forbidden):
        staff_register(personas.coordinator_a, event, personas.org_b, email="x@b.example")
    with pytest.raises(Invalid) as exc:
        staff_register(personas.coordinator_a, event, personas.org_a, category="nobody")
    assert exc.value.errors[0]["field"] == "category"
    with pytest.raises(Invalid) as exc:
        services.registration_create_by_staff(
            actor=personas.city_coordinator,
            event=event,
            data={"organisation": 999_999, "name": "N", "email": "n@a.example"},
        )
    assert exc.value.errors[0]["field"] == "organisation"
    staff_register(personas.coordinator_a, event, personas.org_a)
    with pytest.raises(Conflict) as exc:
        staff_register(personas.coordinator_a, event, personas.org_a, email="STINA@a.example")
    assert exc.value.code == "already_registered"
    assert Registration.objects.filter(event=event).count() == 1
    event.status = "closed"
    event.save()
    with pytest.raises(Conflict) as exc:
        staff_register(personas.coordinator_a, event, personas.org_a, email="ny@a.example")
    assert exc.value.code == "closed"


def test_manager_required_when_the_event_asks_for_approval(personas, clock):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    with pytest.raises(Invalid) as exc:
        staff_register(personas.coordinator_a, event, personas.org_a)
    assert exc.value.errors[0]["field"] == "manager_email"
    outcome = staff_register(
        personas.coordinator_a, event, personas.org_a, manager_email="chef@a.example"
    )
    assert outcome.registration.status == Status.PENDING_APPROVAL


def test_confirmation_mail_with_the_manage_link_and_audit(personas, conference, sent):
    outcome, out = sent(
        lambda: staff_register(personas.coordinator_a, conference.event, personas.org_a)
    )
    registration = outcome.registration
    (message,) = out
    assert message.to == ["stina@a.example"]
    assert f"/m/{registration.manage_token}" in message.body
    entry = AuditEntry.objects.get(action="events.registration.registered_by_staff")
    assert entry.actor == personas.coordinator_a
    assert entry.object_id == str(registration.pk)
    created = AuditEntry.objects.get(
        action="events.registration.created", object_id=str(registration.pk)
    )
    assert created.actor == personas.coordinator_a


def test_one_person_is_decided_under_the_event_lock(personas, conference, monkeypatch):
    locked = []
    real = seats_module.lock_event

    def spy(event_id):
        locked.append(event_id)
        return real(event_id)

    monkeypatch.setattr(seats_module, "lock_event", spy)
    staff_register(personas.coordinator_a, conference.event, personas.org_a)
    assert locked == [conference.event.pk]


# ---- A list ---------------------------------------------------------------------------------------


def test_import_registers_everyone_by_the_seat_rules(personas, conference, sent):
    event = conference.event
    upload = csv_file(*people(3), "Bo B;bo@b.example;b1;Handläggare;")
    result, out = sent(
        lambda: services.registrations_import(
            actor=personas.city_coordinator, event=event, file=upload
        )
    )
    assert (result.created, result.confirmed, result.waiting) == (4, 3, 1)
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    # Quota 2 for A: the third person of A waits, as through A's link; B1 counts against B.
    assert statuses["person3@a.example"] == Status.WAITING
    assert statuses["bo@b.example"] == Status.CONFIRMED
    bo = Registration.objects.get(email="bo@b.example")
    assert bo.title == "Handläggare" and bo.organisation == personas.unit_b
    assert len(out) == 4
    by_address = {m.to[0]: m for m in out}
    assert f"/m/{bo.manage_token}" in by_address["bo@b.example"].body
    assert_counters_match_rows(event)
    entry = AuditEntry.objects.get(action="events.registrations.imported")
    assert entry.new["rows"] == 4 and entry.new["waiting"] == 1


def test_import_is_all_or_nothing_with_line_numbers(personas, conference, sent):
    """Without a waiting list the third person of A has no seat: nobody is registered, no
    mail goes out, and the line is named."""
    event = conference.event
    event.waitlist_enabled = False
    event.save()
    upload = csv_file(*people(3))

    def run():
        with pytest.raises(Invalid) as exc:
            services.registrations_import(actor=personas.coordinator_a, event=event, file=upload)
        return exc.value

    error, out = sent(run)
    assert error.code == "import_invalid"
    messages = [str(e["message"]) for e in error.errors]
    assert len(messages) == 1
    assert messages[0].startswith("Rad 4: ")
    assert error.errors[0]["field"] == "rows.4"
    assert Registration.objects.filter(event=event).count() == 0
    assert out == []
    event.refresh_from_db()
    assert (event.confirmed_count, event.waiting_count) == (0, 0)
    assert_counters_match_rows(event)
    assert not AuditEntry.objects.filter(action="events.registrations.imported").exists()


def test_every_row_is_checked_before_anything_is_stored(personas, conference):
    event = conference.event
    register(event, personas.org_a, email="redan@a.example")
    upload = csv_file(
        "Anna A;anna@a.example;A;;",  # row 2: fine
        "Utan Adress;;A;;",  # row 3
        "Fel Kod;fel@a.example;NOPE;;",  # row 4
        "Annan Org;annan@b.example;B;;",  # row 5: outside coordinator A's scope
        "Anna Igen;ANNA@a.example;A1;;",  # row 6: twice in the file
        ";utan-namn@a.example;A;;",  # row 7
        "Trasig;inte-en-adress;A;;",  # row 8
        "Ingen Kod;ingenkod@a.example;;;",  # row 9
        "",  # row 10: empty, skipped
        "Redan Anmäld;redan@a.example;A;;",  # row 11: checked under the lock
    )
    with pytest.raises(Invalid) as exc:
        services.registrations_import(actor=personas.coordinator_a, event=event, file=upload)
    messages = [str(e["message"]) for e in exc.value.errors]
    assert "Rad 3: e-postadressen saknas." in messages
    assert "Rad 4: ingen organisation har koden ”NOPE”." in messages
    assert any(m.startswith("Rad 5: Förvaltning B ligger utanför") for m in messages)
    assert "Rad 6: adressen finns redan på rad 2." in messages
    assert "Rad 7: namnet saknas." in messages
    assert any(m.startswith("Rad 8: e-postadress:") for m in messages)
    assert "Rad 9: organisationskoden saknas." in messages
    assert not any(m.startswith(("Rad 2:", "Rad 10:")) for m in messages)
    assert Registration.objects.filter(event=event).count() == 1
    # With the other rows corrected, the address already registered is named too.
    upload = csv_file("Anna A;anna@a.example;A;;", "Redan;redan@a.example;A;;")
    with pytest.raises(Invalid) as exc:
        services.registrations_import(actor=personas.coordinator_a, event=event, file=upload)
    assert [str(e["message"]) for e in exc.value.errors] == [
        "Rad 3: adressen är redan anmäld till evenemanget."
    ]
    assert Registration.objects.filter(event=event).count() == 1


def test_the_import_locks_the_event_first(personas, conference, monkeypatch):
    order = []
    real_lock = seats_module.lock_event
    real_check = staff_registrations._registered_already

    def lock(event_id):
        order.append("lock")
        return real_lock(event_id)

    def check(event, rows):
        order.append("check")
        return real_check(event, rows)

    monkeypatch.setattr(seats_module, "lock_event", lock)
    monkeypatch.setattr(staff_registrations, "_registered_already", check)
    services.registrations_import(
        actor=personas.city_coordinator, event=conference.event, file=csv_file(*people(2))
    )
    assert order[:2] == ["lock", "check"]


def test_import_xlsx_and_comma_csv_without_bom(personas, conference):
    event = conference.event
    upload = xlsx_file(
        [
            ["Namn", "E-post", "Organisationskod", "Befattning"],
            ["Xena X", "xena@b.example", "B", "Chef"],
            [None, None, None, None],
            ["Yngve Y", "yngve@b.example", "b", 12.0],
        ]
    )
    result = services.registrations_import(actor=personas.coordinator_b, event=event, file=upload)
    assert result.created == 2
    assert Registration.objects.get(email="yngve@b.example").title == "12"
    upload = csv_file(
        "Zelda Z,zelda@a.example,A",
        header="name,email,organisation code",
        bom=False,
    )
    result = services.registrations_import(actor=personas.admin, event=event, file=upload)
    assert result.created == 1


def test_import_category_and_approval(personas, clock):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    upload = csv_file("Utan Chef;utan@a.example;A;;", "Med Chef;med@a.example;A;;chef@a.example")
    with pytest.raises(Invalid) as exc:
        services.registrations_import(actor=personas.coordinator_a, event=event, file=upload)
    assert [str(e["message"]) for e in exc.value.errors] == [
        "Rad 2: chefens e-postadress behövs för godkännandet."
    ]
    upload = csv_file("Med Chef;med@a.example;A;;chef@a.example")
    result = services.registrations_import(
        actor=personas.coordinator_a, event=event, file=upload, category="elected"
    )
    assert result.pending_approval == 1
    assert Registration.objects.get(email="med@a.example").category == "elected"
    with pytest.raises(Invalid) as exc:
        services.registrations_import(
            actor=personas.coordinator_a, event=event, file=upload, category="nobody"
        )
    assert exc.value.errors[0]["field"] == "category"


def test_import_limits(personas, conference):
    event = conference.event
    event.capacity = 5000
    event.save()
    too_many = csv_file(*people(1001, code="CITY", domain="stad.example"))
    with pytest.raises(Invalid) as exc:
        services.registrations_import(actor=personas.admin, event=event, file=too_many)
    assert "Högst 1000 personer" in str(exc.value.errors[0]["message"])
    big = SimpleUploadedFile("stor.csv", b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(Invalid) as exc:
        services.registrations_import(actor=personas.admin, event=event, file=big)
    assert str(exc.value.errors[0]["message"]) == "Filen är större än 2 MB."
    assert Registration.objects.filter(event=event).count() == 0


def test_a_thousand_rows_are_fine(personas, conference):
    """The limit itself: 1,000 people in one transaction (all waiting: the city is in no
    allocation while the quotas bind)."""
    event = conference.event
    upload = csv_file(*people(1000, code="CITY", domain="stad.example"))
    result = services.registrations_import(actor=personas.admin, event=event, file=upload)
    assert result.created == 1000
    assert_counters_match_rows(event)


def test_who_may_not_register_is_refused_before_anything(personas, conference):
    lonely = UserFactory.build(role=Role.ORG_COORDINATOR, organisation=None)
    inactive = UserFactory(role=Role.CITY_COORDINATOR, is_active=False)
    for actor in (lonely, inactive, None):
        with pytest.raises(Forbidden):
            services.registrations_import(
                actor=actor, event=conference.event, file=csv_file(*people(1))
            )
        with pytest.raises(Forbidden):
            staff_register(actor, conference.event, personas.org_a)
    assert Registration.objects.count() == 0


# ---- API -------------------------------------------------------------------------------------------


def api_path(event, suffix=""):
    return f"/api/v1/events/{event.pk}/registrations{suffix}"


def test_api_registers_one_person(personas, conference, sent):
    api = personas.api(personas.coordinator_a)
    body = {"organisation": personas.unit_a.pk, "name": "Åsa Api", "email": "asa@a.example"}
    response, out = sent(lambda: api.post(api_path(conference.event), body))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "confirmed"
    assert data["organisation"] == personas.unit_a.pk
    assert data["allocation"] == conference.a.pk
    assert data["category"] == "employee"
    registration = Registration.objects.get(pk=data["id"])
    assert f"/m/{registration.manage_token}" in out[0].body
    # The address again: 409, nothing more stored.
    again = api.post(api_path(conference.event), body)
    assert again.status_code == 409
    assert again.json()["code"] == "already_registered"
    assert Registration.objects.filter(event=conference.event).count() == 1


def test_api_one_person_errors(personas, conference):
    event = conference.event
    api = personas.api(personas.coordinator_a)
    missing = api.post(api_path(event), {"organisation": personas.org_a.pk, "email": "x@a.example"})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "name"
    assert missing.json()["errors"][0]["message"] == "Fältet måste fyllas i."
    other = api.post(
        api_path(event), {"organisation": personas.org_b.pk, "name": "B", "email": "b@b.example"}
    )
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden"
    nowhere = api.post(
        "/api/v1/events/999999/registrations",
        {"organisation": personas.org_a.pk, "name": "N", "email": "n@a.example"},
    )
    assert nowhere.status_code == 404
    assert personas.api().post(api_path(event), {}).status_code == 401
    assert Registration.objects.count() == 0


def _upload(api, event, upload, **fields):
    return api.client.post(
        api_path(event, "/import"), data={"file": upload, **fields}, headers=api.headers
    )


def test_api_import(personas, conference, sent):
    event = conference.event
    api = personas.api(personas.coordinator_a)
    response, out = sent(lambda: _upload(api, event, csv_file(*people(3)), category="elected"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 3
    assert (body["confirmed"], body["pending_approval"], body["waiting"]) == (2, 0, 1)
    assert len(body["registrations"]) == 3
    assert len(out) == 3
    assert set(Registration.objects.values_list("category", flat=True)) == {"elected"}


def test_api_import_answers_the_lines_and_stores_nothing(personas, conference):
    event = conference.event
    api = personas.api(personas.coordinator_a)
    response = _upload(api, event, csv_file("Anna;anna@a.example;A;;", "Bo;;B;;"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid"
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"rows.3"}
    messages = [e["message"] for e in body["errors"]]
    assert "Rad 3: e-postadressen saknas." in messages
    assert any("Förvaltning B ligger utanför" in m for m in messages)
    assert Registration.objects.count() == 0


def test_api_import_refusals(personas, conference):
    event = conference.event
    api = personas.api(personas.city_coordinator)
    assert _upload(api, EventFactory.build(pk=999_999), csv_file(*people(1))).status_code == 404
    no_file = api.client.post(api_path(event, "/import"), data={}, headers=api.headers)
    assert no_file.status_code == 400
    assert personas.api().client.post(api_path(event, "/import"), data={}).status_code == 401
    event.status = "closed"
    event.save()
    closed = _upload(api, event, csv_file(*people(1)))
    assert closed.status_code == 409
    assert Registration.objects.count() == 0


BAD_FILES = [
    ("tom.csv", b""),
    ("bara-mellanslag.csv", b"   \n  \n"),
    ("binar.csv", b"\x00\x01\x02\x03garbage"),
    ("latin1.csv", "Namn;E-post;Organisationskod\nÅsa;asa@a.example;A\n".encode("latin-1")),
    ("trasig.xlsx", b"PK\x03\x04this is not a workbook at all"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ("bara-rubrik.csv", HEADER.encode()),
    ("fel-kolumner.csv", b"foo;bar\n1;2\n"),
    ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
    ("citat.csv", b'Namn;E-post;Organisationskod\n"Oavslutat;a@a.example;A\n'),
]


@pytest.mark.parametrize(("name", "content"), BAD_FILES, ids=[n for n, _c in BAD_FILES])
def test_bad_files_answer_400_never_500(personas, conference, name, content):
    api = personas.api(personas.city_coordinator)
    response = _upload(api, conference.event, SimpleUploadedFile(name, content))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"] and body["detail"]
    assert Registration.objects.count() == 0


def test_a_real_zip_that_is_no_workbook(personas, conference):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hej")
    api = personas.api(personas.city_coordinator)
    response = _upload(api, conference.event, SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["message"] == "Filen kunde inte läsas som en XLSX-arbetsbok."
    )


# ---- Pages -----------------------------------------------------------------------------------------


def test_dashboard_links_to_both_pages(personas, conference):
    page = personas.web(personas.coordinator_a).get(f"/events/{conference.event.pk}/")
    text = page.content.decode()
    assert f"/events/{conference.event.pk}/register/" in text
    assert "Anmäl en person" in text and "Importera lista" in text


def test_register_page_offers_the_scope_only_and_registers(personas, conference, sent):
    event = conference.event
    web = personas.web(personas.coordinator_a)
    page = web.get(f"/events/{event.pk}/register/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Förvaltning A (A)" in text and "Enhet A1 (A1)" in text
    assert "Förvaltning B" not in text
    data = {
        "organisation": str(personas.unit_a.pk),
        "name": "Sida Sidström",
        "email": "sida@a.example",
        "category": "employee",
    }
    response, out = sent(lambda: web.post(f"/events/{event.pk}/register/", data))
    assert response.status_code == 302
    registration = Registration.objects.get(email="sida@a.example")
    assert response["Location"] == f"/events/{event.pk}/registrations/{registration.pk}/"
    assert len(out) == 1
    # Another organisation's id, sent anyway: not a choice, nothing stored.
    bad = web.post(
        f"/events/{event.pk}/register/",
        {**data, "organisation": str(personas.org_b.pk), "email": "b@b.example"},
    )
    assert bad.status_code == 400
    assert 'id="error-summary"' in bad.content.decode()
    # The same address again: the rule's message on the page.
    again = web.post(f"/events/{event.pk}/register/", data)
    assert again.status_code == 409
    assert "redan en anmälan" in again.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_register_pages_per_persona(personas, conference):
    event = conference.event
    for user in (personas.admin, personas.city_coordinator, personas.coordinator_b):
        web = personas.web(user)
        assert web.get(f"/events/{event.pk}/register/").status_code == 200
        assert web.get(f"/events/{event.pk}/register/import/").status_code == 200
    anonymous = personas.web()
    assert anonymous.get(f"/events/{event.pk}/register/").status_code == 302
    assert personas.web(personas.admin).get("/events/999999/register/").status_code == 404


def test_import_page_lists_the_lines(personas, conference):
    event = conference.event
    web = personas.web(personas.coordinator_a)
    response = web.post(
        f"/events/{event.pk}/register/import/",
        {"file": csv_file("Anna;anna@a.example;A;;", "Bo;;A;;"), "category": "employee"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="error-summary"' in text
    assert "Rad 3: e-postadressen saknas." in text
    assert Registration.objects.count() == 0
    ok = web.post(
        f"/events/{event.pk}/register/import/",
        {"file": csv_file(*people(2)), "category": "employee"},
    )
    assert ok.status_code == 302
    assert Registration.objects.filter(event=event).count() == 2


def test_import_page_bad_file_is_400(personas, conference):
    web = personas.web(personas.city_coordinator)
    response = web.post(
        f"/events/{conference.event.pk}/register/import/",
        {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04junk"), "category": "employee"},
    )
    assert response.status_code == 400
    assert "XLSX-arbetsbok" in response.content.decode()


def test_template_download_is_read_back_by_the_import(personas, conference):
    web = personas.web(personas.coordinator_a)
    response = web.get(f"/events/{conference.event.pk}/register/template.csv")
    assert response.status_code == 200
    content = response.content
    assert content.startswith("\ufeff".encode())
    assert b"Namn;E-post;Organisationskod" in content
    records = staff_registrations.read_list(content)
    assert records == [
        (
            2,
            {
                "name": "Anna Andersson",
                "email": "anna.andersson@example.se",
                "organisation": "ABC",
                "title": "Handläggare",
                "manager_email": "",
            },
        )
    ]


def test_registration_after_the_release_by_staff(personas, conference, clock):
    """In the open phase the staff path also seats people outside every allocation, as a
    link does."""
    clock.advance(days=8)
    outcome = staff_register(personas.city_coordinator, conference.event, personas.city)
    assert outcome.registration.status == Status.CONFIRMED
    assert clock() > conference.event.quota_lock_until - timedelta(seconds=1)


# ---- Protected personal data from the start ------------------------------------------------------


def test_the_city_registers_a_protected_person_kept_out_of_the_lists(personas, conference):
    event = conference.event
    web = personas.web(personas.city_coordinator)
    page = web.get(f"/events/{event.pk}/register/").content.decode()
    assert 'name="protected_identity"' in page
    data = {
        "organisation": personas.org_a.pk,
        "name": "Skyddad Person",
        "email": "skyddad@a.example",
        "category": "employee",
        "protected_identity": "on",
    }
    response = web.post(f"/events/{event.pk}/register/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get(email="skyddad@a.example")
    assert registration.protected_identity
    entry = AuditEntry.objects.get(action="events.registration.registered_by_staff")
    assert entry.new["protected_identity"] is True
    # The organisation's coordinator never sees the person in a list that names people.
    listed = personas.api(personas.coordinator_a).get(f"/api/v1/events/{event.pk}/registrations")
    assert "skyddad@a.example" not in listed.content.decode()


def test_only_those_who_see_protected_people_may_make_one(personas, conference):
    event = conference.event
    page = personas.web(personas.coordinator_a).get(f"/events/{event.pk}/register/")
    assert 'name="protected_identity"' not in page.content.decode()
    with pytest.raises(Forbidden):
        staff_register(personas.coordinator_a, event, personas.org_a, protected_identity=True)
    answer = personas.api(personas.coordinator_a).post(
        f"/api/v1/events/{event.pk}/registrations",
        {"organisation": personas.org_a.pk, "name": "Stina Staff",
         "email": "stina@a.example", "protected_identity": True},
    )  # fmt: skip
    assert answer.status_code == 403
    assert not Registration.objects.filter(email="stina@a.example").exists()
    # Without the box, the same coordinator registers as before.
    assert not staff_register(
        personas.coordinator_a, event, personas.org_a
    ).registration.protected_identity
