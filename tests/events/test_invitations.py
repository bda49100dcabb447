"""Named invitations: bound to the invited address (a forwarded link registers nobody else),
register and decline through the link by the seat rules of every registration, reminders once
per point and only to those who have not answered, the all-or-nothing import with line
numbers, scoping, counts per organisation, invitation-only events, the list's query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.core.errors import Forbidden
from jamlik.events import invitations as rules
from jamlik.events import policies
from jamlik.events.errors import AlreadyInvited, InvitationAnswered, InvitationOnly
from jamlik.events.models import Invitation, Registration, Status
from jamlik.events.selectors import invitations as found
from jamlik.events.services import invitations as service
from jamlik.events.services.invitations import InvitationsRefused
from tests.events.conftest import assert_counters_match_rows
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

HEADER = "Namn;E-post;Organisationskod"


def csv_file(*rows: str) -> SimpleUploadedFile:
    text = "\ufeff" + "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("lista.csv", text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def workshop(personas, clock):
    """A workshop: two seats per administration (A and B), registration open, closing in
    ten days, starting in twelve."""
    event = EventFactory(
        kind="workshop",
        capacity=4,
        categories=["employee"],
        starts_at=clock() + timedelta(days=12),
        quota_lock_until=clock() + timedelta(days=5),
        closes_at=clock() + timedelta(days=10),
    )
    AllocationFactory(event=event, name="A", quota=2, organisations=[personas.org_a])
    AllocationFactory(event=event, name="B", quota=2, organisations=[personas.org_b])
    return event


def invite(actor, event, organisation, email, name="Hanna HR"):
    return service.invitations_create(
        actor=actor,
        event=event,
        data={"email": email, "name": name, "organisation": organisation.pk},
    )[0]


def answer(invitation, **fields):
    data = {"name": fields.pop("name", "Hanna HR"), "category": "employee", "consent": True}
    data.update(fields)
    return service.invitation_register(invitation=invitation, data=data)


# ---- Inviting ----------------------------------------------------------------------------------


def test_invitation_is_mailed_with_its_personal_link(
    personas, workshop, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(personas.city_coordinator, workshop, personas.org_a, "hanna@a.example")
    assert invitation.status == "invited" and len(invitation.token) >= 40
    assert invitation.invited_by == personas.city_coordinator
    [message] = mail.outbox
    assert message.to == ["hanna@a.example"]
    assert f"/i/{invitation.token}" in message.body
    assert workshop.title in message.subject


def test_one_address_once_per_event(personas, workshop):
    invite(None, workshop, personas.org_a, "hanna@a.example")
    with pytest.raises(AlreadyInvited):
        invite(None, workshop, personas.org_a, "HANNA@a.example")


def test_a_list_is_all_or_nothing(personas, workshop):
    data = {
        "invitations": [
            {"email": "one@a.example", "organisation": personas.org_a.pk},
            {"email": "two@b.example", "organisation": personas.org_b.pk},
            {"email": "ONE@a.example", "organisation": personas.org_a.pk},
        ]
    }
    with pytest.raises(InvitationsRefused) as refused:
        service.invitations_create(actor=None, event=workshop, data=data)
    assert [e["field"] for e in refused.value.errors] == ["invitations.2"]
    assert "1" in str(refused.value.errors[0]["message"])
    assert not Invitation.objects.exists()


def test_import_all_or_nothing_with_line_numbers(personas, workshop):
    file = csv_file(
        "Anna;anna@a.example;A",
        "Bo;not-an-address;A",
        ";;",
        "Cia;cia@b.example;NOPE",
        "Dan;anna@a.example;A",
        "Eva;;B",
    )
    with pytest.raises(InvitationsRefused) as refused:
        service.invitations_import(actor=personas.city_coordinator, event=workshop, file=file)
    fields = [e["field"] for e in refused.value.errors]
    assert fields == ["rows.3", "rows.5", "rows.6", "rows.7"]  # row 4 is empty: skipped
    messages = [str(e["message"]) for e in refused.value.errors]
    assert messages[0].startswith("Rad 3:")
    assert "NOPE" in messages[1]
    assert "rad 2" in messages[2]
    assert messages[3].startswith("Rad 7:")
    assert not Invitation.objects.exists()
    made = service.invitations_import(
        actor=personas.city_coordinator,
        event=workshop,
        file=csv_file("Anna;anna@a.example;A", "Bo;bo@b.example;b"),
    )
    assert [(i.email, i.organisation) for i in made] == [
        ("anna@a.example", personas.org_a),
        ("bo@b.example", personas.org_b),
    ]


def test_import_refuses_an_address_already_invited_by_line(personas, workshop):
    invite(None, workshop, personas.org_a, "anna@a.example")
    with pytest.raises(InvitationsRefused) as refused:
        service.invitations_import(
            actor=None, event=workshop, file=csv_file("Bo;bo@a.example;A", "Anna;anna@a.example;A")
        )
    assert [e["field"] for e in refused.value.errors] == ["rows.3"]
    assert Invitation.objects.count() == 1


def test_an_org_coordinator_invites_within_their_subtree_only(personas, workshop):
    invite(personas.coordinator_a, workshop, personas.unit_a, "u@a.example")
    with pytest.raises(Forbidden):
        invite(personas.coordinator_a, workshop, personas.org_b, "x@b.example")
    with pytest.raises(InvitationsRefused) as refused:
        service.invitations_import(
            actor=personas.coordinator_a, event=workshop, file=csv_file("X;x@b.example;B")
        )
    assert "Förvaltning B" in str(refused.value.errors[0]["message"])


# ---- The invitee answers -------------------------------------------------------------------------


def test_a_forwarded_link_registers_the_invited_address_only(personas, workshop):
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    # Whoever opened the link, and whatever they type as their name, the registration is
    # the invited address's; an e-mail in the data is not a field of the form.
    with pytest.raises(Exception) as extra:
        answer(invitation, email="someone.else@b.example")
    assert "email" in str(getattr(extra.value, "errors", extra.value))
    outcome = answer(invitation, name="Someone Else")
    registration = outcome.registration
    assert registration.email == "hanna@a.example"
    assert registration.organisation == personas.org_a
    assert registration.status == Status.CONFIRMED
    assert registration.allocation.name == "A"  # the invitation's organisation's seats
    invitation.refresh_from_db()
    assert invitation.status == "registered" and invitation.registration == registration
    assert invitation.answered_at is not None
    # The link cannot register a second person.
    with pytest.raises(InvitationAnswered):
        answer(invitation, name="Third Person")
    assert Registration.objects.filter(event=workshop).count() == 1
    assert_counters_match_rows(workshop)


def test_the_page_has_no_email_field_and_ignores_one_posted(personas, workshop):
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example", name="Hanna HR")
    client = personas.web()
    page = client.get(f"/i/{invitation.token}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="email"' not in body
    assert "hanna@a.example" in body
    response = client.post(
        f"/i/{invitation.token}",
        {
            "name": "Forwarded To",
            "email": "forwarded@b.example",
            "category": "employee",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get(event=workshop)
    assert registration.email == "hanna@a.example"
    assert not Registration.objects.filter(email="forwarded@b.example").exists()


def test_api_register_and_refuse_an_email_field(personas, workshop):
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    api = personas.api()
    got = api.get(f"/api/v1/public/invitations/{invitation.token}")
    assert got.status_code == 200
    assert got.json()["email"] == "hanna@a.example" and got.json()["can_register"] is True
    refused = api.post(
        f"/api/v1/public/invitations/{invitation.token}/registrations",
        {"name": "X", "email": "x@b.example", "category": "employee", "consent": True},
    )
    assert refused.status_code == 400
    made = api.post(
        f"/api/v1/public/invitations/{invitation.token}/registrations",
        {"name": "Hanna HR", "category": "employee", "consent": True},
    )
    assert made.status_code == 201, made.json()
    assert Registration.objects.get(pk=made.json()["id"]).email == "hanna@a.example"
    again = api.post(
        f"/api/v1/public/invitations/{invitation.token}/registrations",
        {"name": "Hanna HR", "category": "employee", "consent": True},
    )
    assert again.status_code == 409 and again.json()["code"] == "invitation_answered"
    assert api.get("/api/v1/public/invitations/not-a-token").status_code == 404


def test_the_seat_rules_apply_through_the_invitation(personas, workshop):
    """The quota of the invitation's organisation binds: the third of A waits."""
    outcomes = []
    for i in range(3):
        invitation = invite(None, workshop, personas.org_a, f"p{i}@a.example")
        outcomes.append(answer(invitation).registration.status)
    assert outcomes == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
    assert_counters_match_rows(workshop)


def test_an_address_registered_before_keeps_its_registration(personas, workshop):
    earlier = register(workshop, personas.org_a, email="hanna@a.example").registration
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    outcome = answer(invitation)
    assert not outcome.created and outcome.registration == earlier
    invitation.refresh_from_db()
    assert invitation.status == "registered" and invitation.registration == earlier


def test_decline(personas, workshop):
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    api = personas.api()
    response = api.post(f"/api/v1/public/invitations/{invitation.token}/decline")
    assert response.status_code == 200
    assert response.json()["answer"] == "declined" and response.json()["can_decline"] is False
    invitation.refresh_from_db()
    assert invitation.status == "declined" and invitation.answered_at is not None
    # Twice changes nothing; a change of mind registers.
    service.invitation_decline(invitation=invitation)
    assert answer(invitation).registration.email == "hanna@a.example"
    invitation.refresh_from_db()
    assert invitation.status == "registered"
    with pytest.raises(InvitationAnswered):
        service.invitation_decline(invitation=invitation)


def test_decline_page(personas, workshop):
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    client = personas.web()
    assert client.get(f"/i/{invitation.token}/decline").status_code == 200
    response = client.post(f"/i/{invitation.token}/decline")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert client.get("/i/nope").status_code == 404


def test_a_cancelled_registration_counts_as_declined(personas, workshop):
    from jamlik.events import services

    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    registration = answer(invitation).registration
    services.registration_cancel(registration=registration)
    [row] = found.invitation_list(user=personas.admin, event=workshop)
    assert found.answer(row) == rules.DECLINED


# ---- Invitation only ------------------------------------------------------------------------------


def test_invitation_only_refuses_the_links_and_the_public_page(personas, workshop, clock):
    from jamlik.events import services

    services.event_update(actor=personas.admin, event=workshop, invitation_only=True)
    workshop.refresh_from_db()
    link = services.link_ensure(event=workshop, organisation=personas.org_a)
    response = personas.api().post(
        f"/api/v1/public/links/{link.token}/registrations",
        {"name": "Ola", "email": "ola@a.example", "category": "employee", "consent": True},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "invitation_only"
    assert "inbjudan" in response.json()["detail"]
    english = personas.api(language="en").post(
        f"/api/v1/public/links/{link.token}/registrations",
        {"name": "Ola", "email": "ola@a.example", "category": "employee", "consent": True},
    )
    assert "invitation" in english.json()["detail"]
    shown = personas.web().get(f"/r/{link.token}").content.decode()
    assert "endast för inbjudna" in shown.lower() or "kräver inbjudan" in shown
    assert 'name="consent"' not in shown
    page = personas.web().post(
        f"/r/{link.token}",
        {"name": "Ola", "email": "ola@a.example", "category": "employee", "consent": "on"},
    )
    assert page.status_code == 403
    with pytest.raises(InvitationOnly):
        register(workshop, personas.org_a)
    # The invitation registers.
    invitation = invite(None, workshop, personas.org_a, "hanna@a.example")
    assert answer(invitation).registration.status == Status.CONFIRMED
    assert Registration.objects.filter(event=workshop).count() == 1
    assert (
        personas.api(personas.admin).get(f"/api/v1/events/{workshop.pk}").json()["invitation_only"]
    )


# ---- Reminders ----------------------------------------------------------------------------------


def _reminded(action, capture):
    mail.outbox.clear()
    with capture(execute=True):
        n = action()
    return n, sorted(m.to[0] for m in mail.outbox)


def test_reminders_once_per_point_and_only_to_non_answerers(
    personas, workshop, clock, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    silent = invite(None, workshop, personas.org_a, "silent@a.example")
    registered = invite(None, workshop, personas.org_a, "reg@a.example")
    declined = invite(None, workshop, personas.org_b, "no@b.example")
    answer(registered)
    service.invitation_decline(invitation=declined)
    # Registration closes in ten days: the first point (7 days before) is three days ahead.
    assert _reminded(service.invitation_reminders_send, capture) == (0, [])
    clock.advance(days=3, minutes=1)
    n, to = _reminded(service.invitation_reminders_send, capture)
    assert (n, to) == (1, ["silent@a.example"])
    assert "/i/" + silent.token in mail.outbox[0].body
    # Once per point: the next tick sends nothing.
    assert _reminded(service.invitation_reminders_send, capture) == (0, [])
    clock.advance(days=2)
    assert _reminded(service.invitation_reminders_send, capture) == (0, [])
    # The second point (2 days before the close).
    clock.advance(days=3)
    assert _reminded(service.invitation_reminders_send, capture) == (1, ["silent@a.example"])
    assert _reminded(service.invitation_reminders_send, capture) == (0, [])
    # After the close nothing more.
    clock.advance(days=3)
    assert _reminded(service.invitation_reminders_send, capture) == (0, [])


def test_the_reminder_button(personas, workshop, clock, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invite(None, workshop, personas.org_a, "a1@a.example")
    invite(None, workshop, personas.org_b, "b1@b.example")
    answer(invite(None, workshop, personas.org_a, "a2@a.example"))

    def remind(user):
        return lambda: service.invitations_remind(actor=user, event=workshop)

    # An org coordinator reminds their own invitees only.
    assert _reminded(remind(personas.coordinator_a), capture) == (1, ["a1@a.example"])
    assert _reminded(remind(personas.admin), capture) == (1, ["b1@b.example"])
    # Pressed again the same day: nobody twice.
    assert _reminded(remind(personas.admin), capture) == (0, [])
    clock.advance(days=1)
    assert _reminded(remind(personas.admin), capture) == (2, ["a1@a.example", "b1@b.example"])
    response = personas.web(personas.admin).post(f"/events/{workshop.pk}/invitations/remind/")
    assert response.status_code == 302


def test_reminder_rules():
    from datetime import UTC, datetime

    starts = datetime(2021, 3, 26, 9, tzinfo=UTC)
    closes = datetime(2021, 3, 24, 16, tzinfo=UTC)
    assert rules.deadline(starts, closes) == closes
    assert rules.deadline(starts, None) == starts
    assert rules.due_reminder_point(starts, closes, closes - timedelta(days=8)) is None
    assert rules.due_reminder_point(
        starts, closes, closes - timedelta(days=3)
    ) == closes - timedelta(days=7)
    assert rules.due_reminder_point(
        starts, closes, closes - timedelta(days=1)
    ) == closes - timedelta(days=2)
    assert rules.due_reminder_point(starts, closes, closes) is None
    point = closes - timedelta(days=7)
    fresh = rules.Reminded(invited_at=point + timedelta(hours=1), reminded_at=None)
    assert not rules.needs_reminder(fresh, point)
    old = rules.Reminded(invited_at=point - timedelta(days=1), reminded_at=None)
    assert rules.needs_reminder(old, point)
    assert not rules.needs_reminder(
        rules.Reminded(invited_at=old.invited_at, reminded_at=point), point
    )


# ---- The organiser's view: scoping, counts, the list ---------------------------------------------


@pytest.fixture
def answered(personas, workshop):
    """A: one registered, one not answered; unit A1: one declined; B: one registered, two
    not answered."""
    answer(invite(None, workshop, personas.org_a, "a-reg@a.example"))
    invite(None, workshop, personas.org_a, "a-wait@a.example")
    service.invitation_decline(invitation=invite(None, workshop, personas.unit_a, "u@a.example"))
    answer(invite(None, workshop, personas.org_b, "b-reg@b.example"))
    invite(None, workshop, personas.org_b, "b1@b.example")
    invite(None, workshop, personas.org_b, "b2@b.example")
    return workshop


def _counts(user, event):
    return {
        c.organisation.code: (c.invited, c.registered, c.declined, c.not_answered)
        for c in found.invitation_counts(user=user, event=event)
    }


def test_counts_per_organisation(personas, answered):
    assert _counts(personas.admin, answered) == {
        "A": (2, 1, 0, 1),
        "A1": (1, 0, 1, 0),
        "B": (3, 1, 0, 2),
    }
    totals = found.invitation_totals(found.invitation_counts(user=personas.admin, event=answered))
    assert (totals.invited, totals.registered, totals.declined, totals.not_answered) == (6, 2, 1, 3)


def test_scoping_an_org_coordinator_sees_their_subtree_only(personas, answered):
    assert _counts(personas.coordinator_a, answered) == {"A": (2, 1, 0, 1), "A1": (1, 0, 1, 0)}
    emails = {i.email for i in found.invitation_list(user=personas.coordinator_a, event=answered)}
    assert emails == {"a-reg@a.example", "a-wait@a.example", "u@a.example"}
    api = personas.api(personas.coordinator_a)
    listed = api.get(f"/api/v1/events/{answered.pk}/invitations")
    assert listed.status_code == 200 and listed["X-Total-Count"] == "3"
    assert all(row["email"].endswith("@a.example") for row in listed.json())
    counts = api.get(f"/api/v1/events/{answered.pk}/invitations/counts").json()
    assert {c["organisation_name"] for c in counts} == {"Förvaltning A", "Enhet A1"}
    page = personas.web(personas.coordinator_a).get(f"/events/{answered.pk}/invitations/")
    assert page.status_code == 200
    assert "b1@b.example" not in page.content.decode()
    assert "a-wait@a.example" in page.content.decode()


def test_api_list_filters(personas, answered):
    api = personas.api(personas.admin)
    url = f"/api/v1/events/{answered.pk}/invitations"
    not_answered = api.get(url, {"answer": "not_answered"}).json()
    assert sorted(r["email"] for r in not_answered) == [
        "a-wait@a.example",
        "b1@b.example",
        "b2@b.example",
    ]
    of_a = api.get(url, {"organisation": personas.org_a.pk}).json()
    assert {r["email"] for r in of_a} == {"a-reg@a.example", "a-wait@a.example", "u@a.example"}
    registered = api.get(url, {"answer": "registered"}).json()
    assert all(r["registration"] for r in registered) and len(registered) == 2
    page = personas.web(personas.admin).get(
        f"/events/{answered.pk}/invitations/", {"answer": "declined"}
    )
    assert "u@a.example" in page.content.decode()
    assert "b1@b.example" not in page.content.decode()


def test_api_create_one_and_a_list(personas, workshop):
    api = personas.api(personas.coordinator_a)
    url = f"/api/v1/events/{workshop.pk}/invitations"
    one = api.post(
        url, {"email": "one@a.example", "name": "Ett", "organisation": personas.org_a.pk}
    )
    assert one.status_code == 201 and one.json()[0]["answer"] == "not_answered"
    again = api.post(url, {"email": "one@a.example", "organisation": personas.org_a.pk})
    assert again.status_code == 409 and again.json()["code"] == "already_invited"
    assert "inbjuden" in again.json()["detail"]
    many = api.post(
        url,
        {
            "invitations": [
                {"email": "two@a.example", "organisation": personas.org_a.pk},
                {"email": "three@a.example", "organisation": personas.unit_a.pk},
            ]
        },
    )
    assert many.status_code == 201 and len(many.json()) == 2
    outside = api.post(url, {"email": "x@b.example", "organisation": personas.org_b.pk})
    assert outside.status_code == 403
    upload = personas.api(personas.admin).client.post(
        f"{url}/import",
        {"file": csv_file("Fyra;four@b.example;B")},
        headers=personas.api(personas.admin).headers,
    )
    assert upload.status_code == 201, upload.content
    bad = personas.api(personas.admin).client.post(
        f"{url}/import",
        {"file": csv_file("Fem;;B")},
        headers=personas.api(personas.admin).headers,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "rows.2"
    reminded = personas.api(personas.admin).post(f"{url}/remind")
    assert reminded.status_code == 200 and reminded.json()["reminded"] == 4


def test_staff_pages(personas, workshop):
    client = personas.web(personas.coordinator_a)
    assert client.get(f"/events/{workshop.pk}/invitations/new/").status_code == 200
    response = client.post(
        f"/events/{workshop.pk}/invitations/new/",
        {"organisation": str(personas.org_a.pk), "name": "Hanna", "email": "hanna@a.example"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="hanna@a.example").exists()
    refused = client.post(
        f"/events/{workshop.pk}/invitations/new/",
        {"organisation": str(personas.org_a.pk), "name": "Hanna", "email": "hanna@a.example"},
    )
    assert refused.status_code == 409
    imported = client.post(
        f"/events/{workshop.pk}/invitations/import/",
        {"file": csv_file("Bo;bo@a.example;A", "Cia;;A")},
    )
    assert imported.status_code == 400
    assert "Rad 3" in imported.content.decode()
    assert Invitation.objects.count() == 1
    assert personas.web().get(f"/events/{workshop.pk}/invitations/").status_code == 302


def test_list_query_count_does_not_grow(personas, workshop):
    for i in range(2):
        answer(invite(None, workshop, personas.org_a, f"few{i}@a.example"))
    api = personas.api(personas.admin)
    client = personas.web(personas.admin)

    def measure():
        with CaptureQueriesContext(connection) as api_queries:
            assert api.get(f"/api/v1/events/{workshop.pk}/invitations").status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(f"/events/{workshop.pk}/invitations/").status_code == 200
        return len(api_queries), len(page_queries)

    measure()  # the token's first use is recorded once
    few = measure()
    for i in range(8):
        invitation = invite(None, workshop, personas.org_b, f"many{i}@b.example")
        if i % 2:
            service.invitation_decline(invitation=invitation)
    assert measure() == few


# ---- Policies ---------------------------------------------------------------------------------


def test_policies(personas):
    p = personas
    assert policies.may_invite(p.coordinator_a, p.unit_a)
    assert not policies.may_invite(p.coordinator_a, p.org_b)
    assert policies.may_invite(p.city_coordinator, p.org_b)
    assert policies.may_see_invitations(p.coordinator_b)
    assert not policies.may_see_invitations(None)


# ---- The demo ------------------------------------------------------------------------------------


def test_the_demo_workshop_has_named_invitations(django_capture_on_commit_callbacks):
    from jamlik.core.models import User
    from jamlik.demo import organisations, users
    from jamlik.demo import reviews as demo_reviews
    from jamlik.demo.events.invitations import invite_workshop
    from jamlik.demo.loader import DemoResult
    from jamlik.events.models import Event
    from jamlik.notifications.models import OutboxMessage

    result = DemoResult()
    result.organisations = organisations.load()
    result.logins = users.load(result.organisations)
    with django_capture_on_commit_callbacks(execute=True):
        demo_reviews.load(result)
    event = Event.objects.get(title=demo_reviews.WORKSHOP_TITLE)
    counts = found.invitation_totals(found.invitation_counts(user=None, event=event))
    admin = User.objects.filter(role="admin").first()
    admin_counts = found.invitation_totals(found.invitation_counts(user=admin, event=event))
    assert counts.invited == 0  # nobody's scope: nothing
    assert admin_counts.registered > 10
    assert admin_counts.declined >= 2  # two declined, one cancelled her registration
    assert admin_counts.not_answered >= 2
    silent = Invitation.objects.filter(event=event, status="invited")
    assert all(i.reminded_at is not None for i in silent)
    assert invite_workshop(event) == 0  # idempotent
    assert OutboxMessage.objects.count() == 0


def test_the_pure_rules_know_every_active_status():
    """invitations.py reads no models; its copy of the active statuses must not drift."""
    from jamlik.events import invitations as invitation_rules
    from jamlik.events.models import ACTIVE_STATUSES

    assert set(invitation_rules._ACTIVE_REGISTRATION) == {str(s) for s in ACTIVE_STATUSES}


def test_the_public_answer_says_invitation_only(client, personas, clock):
    """What a visitor can do (the public API's ``registration``) agrees with the service's
    refusal: nothing, because the event is by invitation only."""
    from tests.factories.events import EventFactory

    event = EventFactory(capacity=10, quota_lock_until=None, invitation_only=True)
    body = client.get(f"/api/v1/public/events/{event.pk}").json()
    assert body["registration"]["can_register"] is False
    assert body["registration"]["reason"] == "invitation_only"
    assert "inbjudan" in body["registration"]["message"]


def test_no_reminders_of_unused_seats_for_an_invitation_only_event(conference, clock):
    from datetime import timedelta

    from jamlik.events import services as event_services
    from jamlik.events.models import UnusedSeatReminder
    from jamlik.events.services.radar import unused_seat_reminders_send

    event = event_services.event_update(
        actor=None, event=conference.event, invitation_only=True, unused_seat_reminder_days=[7]
    )
    clock.set(event.quota_lock_until - timedelta(days=6))
    assert unused_seat_reminders_send() == 0
    assert not UnusedSeatReminder.objects.exists()
