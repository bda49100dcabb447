"""Sign-off of a submitted response by a named head (docs/rules.md): the pure rules, the
service (reopen keeps versions, a resubmission needs a new sign-off, audit, the unit's mail
in Swedish and English), the policy for every persona and scoping, the page, the API
(201/400/403/404/409) and the campaign's progress with its query counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.assessments import policies
from jamlik.assessments.models import (
    Response,
    ResponseStatus,
    ResponseVersion,
    SignOff,
    SignOffDecision,
)
from jamlik.assessments.selectors import campaign_progress, progress_total
from jamlik.assessments.services.signoff import response_sign_off
from jamlik.assessments.signoff import (
    AlreadySignedOff,
    NotSignable,
    Outcome,
    SignOffState,
    decide,
    refusal,
)
from jamlik.core.errors import Forbidden, Invalid, NotFound
from jamlik.core.models import AuditEntry
from jamlik.notifications.models import OutboxMessage
from tests.factories import assessments as f
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

ACCEPT = {
    "decision": "accepted",
    "signed_by_name": "Karin Lind",
    "signed_by_title": "Förvaltningschef",
}
SEND_BACK = {
    "decision": "changes_requested",
    "comment": "Krav 1.2 behöver en tydligare plan.",
    "signed_by_name": "Karin Lind",
    "signed_by_title": "Förvaltningschef",
}


@pytest.fixture
def campaign(personas):
    return f.campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning 2021")


@pytest.fixture
def submitted(campaign, personas) -> Response:
    response = campaign.responses.get(unit=personas.unit_a)
    response.respondents = ["chef.a1@a.example"]
    response.save()
    f.submit(response)
    response.refresh_from_db()
    return response


def no_role_user(personas):
    """An active account with an organisation but no coordinator role (a role the city may
    add later): it sees the unit through scoping but may not sign off."""
    user = UserFactory(username="reader", organisation=personas.org_a)
    type(user).objects.filter(pk=user.pk).update(role="reader")
    user.refresh_from_db()
    return user


# ---- The pure rules ----------------------------------------------------------------------


def test_rules_accept_a_submitted_unsigned_version():
    state = SignOffState(status=ResponseStatus.SUBMITTED, version=1, signed=False)
    assert refusal(state) is None
    assert decide(state, SignOffDecision.ACCEPTED) == Outcome(signed_off=True, reopen=False)
    assert decide(state, SignOffDecision.CHANGES_REQUESTED, "Ändra 1.2") == Outcome(
        signed_off=False, reopen=True
    )


@pytest.mark.parametrize(
    "status", [ResponseStatus.NOT_STARTED, ResponseStatus.DRAFT, ResponseStatus.REOPENED]
)
def test_rules_refuse_what_is_not_submitted(status):
    with pytest.raises(NotSignable):
        decide(SignOffState(status=status, version=1, signed=False), SignOffDecision.ACCEPTED)
    with pytest.raises(NotSignable):
        decide(
            SignOffState(status=ResponseStatus.SUBMITTED, version=None, signed=False),
            SignOffDecision.ACCEPTED,
        )


def test_rules_refuse_a_version_signed_off_already():
    state = SignOffState(status=ResponseStatus.SUBMITTED, version=2, signed=True)
    with pytest.raises(AlreadySignedOff) as caught:
        decide(state, SignOffDecision.ACCEPTED)
    assert caught.value.status == 409
    assert "Version 2 är redan signerad" in str(caught.value.message)


@pytest.mark.parametrize("comment", ["", "   "])
def test_rules_changes_requested_needs_a_comment(comment):
    state = SignOffState(status=ResponseStatus.SUBMITTED, version=1, signed=False)
    with pytest.raises(Invalid) as caught:
        decide(state, SignOffDecision.CHANGES_REQUESTED, comment)
    assert caught.value.errors[0]["field"] == "comment"
    with pytest.raises(Invalid):
        decide(state, "maybe")


# ---- The policy, per persona -------------------------------------------------------------


def test_policy_per_persona(personas, campaign):
    response_a = campaign.responses.select_related("unit").get(unit=personas.unit_a)
    response_b = campaign.responses.select_related("unit").get(unit=personas.unit_b)
    for user in (personas.admin, personas.city_coordinator):
        assert policies.may_sign_off(user, response_a)
        assert policies.may_sign_off(user, response_b)
    assert policies.may_sign_off(personas.coordinator_a, response_a)
    assert not policies.may_sign_off(personas.coordinator_a, response_b)
    assert policies.may_sign_off(personas.coordinator_b, response_b)
    assert not policies.may_sign_off(personas.coordinator_b, response_a)
    assert not policies.may_sign_off(None, response_a)
    assert not policies.may_sign_off(no_role_user(personas), response_a)
    personas.city_coordinator.is_active = False
    assert not policies.may_sign_off(personas.city_coordinator, response_a)


def test_policy_covers_the_whole_subtree(personas, campaign):
    from tests.factories.orgs import OrganisationFactory, UnitFactory

    department = OrganisationFactory(name="Avdelning A", code="AA", parent=personas.org_a)
    deep = UnitFactory(name="Enhet AA1", parent=department)
    campaign_deep = f.campaign(organisations=[personas.org_a], title="Djup")
    response = campaign_deep.responses.select_related("unit").get(unit=deep)
    assert policies.may_sign_off(personas.coordinator_a, response)
    assert not policies.may_sign_off(personas.coordinator_b, response)


# ---- The service -------------------------------------------------------------------------


def test_accepting_signs_off_the_current_version(personas, submitted):
    signoff = response_sign_off(actor=personas.coordinator_a, response=submitted, data=ACCEPT)
    submitted.refresh_from_db()
    assert submitted.signed_off and submitted.signed_off_at == signoff.signed_at
    assert submitted.status == ResponseStatus.SUBMITTED
    assert signoff.version.number == 1
    assert (signoff.signed_by_name, signoff.signed_by_title) == ("Karin Lind", "Förvaltningschef")
    assert signoff.signed_by == personas.coordinator_a
    entry = AuditEntry.objects.get(action="assessments.response.signed_off")
    assert entry.new["decision"] == "accepted" and entry.new["version"] == 1
    assert mail.outbox == []
    with pytest.raises(AlreadySignedOff):
        response_sign_off(actor=personas.city_coordinator, response=submitted, data=ACCEPT)
    assert SignOff.objects.count() == 1


def test_changes_requested_reopens_keeping_the_versions(personas, submitted):
    signoff = response_sign_off(actor=personas.city_coordinator, response=submitted, data=SEND_BACK)
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.REOPENED
    assert submitted.signed_off_at is None and not submitted.signed_off
    assert signoff.decision == SignOffDecision.CHANGES_REQUESTED
    assert list(ResponseVersion.objects.filter(response=submitted).values_list("number")) == [(1,)]
    reopened = AuditEntry.objects.get(action="assessments.response.reopened")
    assert reopened.new["reason"] == SEND_BACK["comment"]
    # Nothing more to sign until the unit submits again.
    with pytest.raises(NotSignable):
        response_sign_off(actor=personas.city_coordinator, response=submitted, data=ACCEPT)


def test_a_resubmission_needs_a_new_sign_off(personas, submitted):
    response_sign_off(actor=personas.city_coordinator, response=submitted, data=SEND_BACK)
    f.submit(Response.objects.get(pk=submitted.pk), {"r1": "yes", "r2": "2", "r3": "yes"})
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED and not submitted.signed_off
    second = response_sign_off(actor=personas.coordinator_a, response=submitted, data=ACCEPT)
    assert second.version.number == 2
    submitted.refresh_from_db()
    assert submitted.signed_off
    # Reopened by a coordinator and submitted again: the acceptance no longer holds.
    from jamlik.assessments.services import response_reopen

    response_reopen(actor=personas.coordinator_a, response=submitted, reason="Fel i 2.1")
    submitted.refresh_from_db()
    assert submitted.signed_off_at is None
    f.submit(Response.objects.get(pk=submitted.pk))
    submitted.refresh_from_db()
    assert not submitted.signed_off
    assert [s.version.number for s in submitted.signoffs.order_by("id")] == [1, 2]
    assert submitted.versions.count() == 3


def test_service_refuses_bad_input_and_changes_nothing(personas, submitted):
    for data in (
        {**SEND_BACK, "comment": ""},
        {**ACCEPT, "decision": "kanske"},
        {**ACCEPT, "signed_by_name": ""},
        {**ACCEPT, "signed_by_title": "x" * 201},
    ):
        with pytest.raises(Invalid):
            response_sign_off(actor=personas.coordinator_a, response=submitted, data=data)
    submitted.refresh_from_db()
    assert SignOff.objects.count() == 0 and submitted.status == ResponseStatus.SUBMITTED


def test_service_scoping_and_policy(personas, submitted):
    with pytest.raises(NotFound):
        response_sign_off(actor=personas.coordinator_b, response=submitted, data=ACCEPT)
    with pytest.raises(Forbidden):
        response_sign_off(actor=no_role_user(personas), response=submitted, data=ACCEPT)
    assert SignOff.objects.count() == 0


# ---- The unit's mail -------------------------------------------------------------------


def test_changes_requested_mails_the_unit_in_swedish(personas, submitted):
    response_sign_off(actor=personas.coordinator_a, response=submitted, data=SEND_BACK)
    message = OutboxMessage.objects.get(kind="assessments.changes_requested")
    assert message.to == "chef.a1@a.example"
    assert message.subject == "Ändringar begärs: självskattning Självskattning 2021"
    body = message.body_text
    assert "Karin Lind (Förvaltningschef) vill att självskattningen" in body
    assert SEND_BACK["comment"] in body
    assert submitted.respondent_url in body
    assert "Svaret har öppnats igen" in body


def test_changes_requested_mail_in_english(personas, submitted):
    response_sign_off(
        actor=personas.coordinator_a, response=submitted, data=SEND_BACK, language="en"
    )
    message = OutboxMessage.objects.get(kind="assessments.changes_requested")
    assert message.subject == "Changes requested: self-assessment Självskattning 2021"
    assert "Karin Lind (Förvaltningschef) has asked for changes" in message.body_text
    assert "The response has been reopened." in message.body_text


def test_mail_goes_to_the_mailbox_without_respondents(personas, campaign):
    personas.org_b.mailbox = "brevlada@b.example"
    personas.org_b.save()
    response = campaign.responses.get(unit=personas.unit_b)
    f.submit(response)
    response_sign_off(actor=personas.coordinator_b, response=response, data=SEND_BACK)
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["brevlada@b.example"]


# ---- The page ----------------------------------------------------------------------------


def page_url(response):
    return f"/assessments/responses/{response.pk}/"


def test_page_shows_the_form_and_saves_a_sign_off(personas, submitted):
    web = personas.web(personas.coordinator_a)
    html = web.get(page_url(submitted)).content.decode()
    assert "Signera" in html and 'name="signed_by_name"' in html
    answer = web.post(f"{page_url(submitted)}signoff/", ACCEPT)
    assert answer.status_code == 302 and answer["Location"] == page_url(submitted)
    page = web.get(page_url(submitted)).content.decode()
    assert "Signeringen sparades." in page
    assert "Karin Lind, Förvaltningschef" in page and "Godkänt" in page
    assert 'name="signed_by_name"' not in page  # signed off: no form


def test_page_refuses_bad_input_in_swedish(personas, submitted):
    web = personas.web(personas.coordinator_a)
    answer = web.post(f"{page_url(submitted)}signoff/", {**SEND_BACK, "comment": ""})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Skriv vad som ska ändras." in html and "Signeringen kunde inte sparas." in html
    assert SignOff.objects.count() == 0


def test_page_sends_back_and_conflicts(personas, submitted):
    web = personas.web(personas.city_coordinator)
    assert web.post(f"{page_url(submitted)}signoff/", SEND_BACK).status_code == 302
    html = web.get(page_url(submitted)).content.decode()
    assert "Ändringar begärs" in html and "Krav 1.2 behöver en tydligare plan." in html
    again = web.post(f"{page_url(submitted)}signoff/", ACCEPT)
    assert again.status_code == 409
    assert "Bara ett inskickat svar kan signeras." in again.content.decode()


def test_page_scoping_and_respondent_link(personas, submitted):
    assert (
        personas.web(personas.coordinator_b)
        .post(f"{page_url(submitted)}signoff/", ACCEPT)
        .status_code
        == 404
    )
    assert (
        personas.web(no_role_user(personas))
        .post(f"{page_url(submitted)}signoff/", ACCEPT)
        .status_code
        == 403
    )
    anonymous = personas.web().post(f"{page_url(submitted)}signoff/", ACCEPT)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    # The respondent link shows no sign-off section.
    html = personas.web().get(submitted.respondent_path).content.decode()
    assert 'name="signed_by_name"' not in html and 'id="signoff"' not in html
    assert SignOff.objects.count() == 0


# ---- The API -----------------------------------------------------------------------------


def api_url(response, tail="signoff"):
    return f"/api/v1/responses/{response.pk}/{tail}"


def test_api_sign_off_201_and_history(personas, submitted):
    client = personas.api(personas.coordinator_a)
    answer = client.post(api_url(submitted), ACCEPT)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["decision"] == "accepted" and body["version"] == 1
    assert body["signed_by_name"] == "Karin Lind"
    assert body["recorded_by"] == personas.coordinator_a.pk
    assert set(body) == {
        "id",
        "response",
        "version",
        "decision",
        "comment",
        "signed_by_name",
        "signed_by_title",
        "recorded_by",
        "signed_at",
    }
    detail = client.get(f"/api/v1/responses/{submitted.pk}").json()
    assert detail["signed_off_at"] == body["signed_at"]
    assert detail["status"] == "submitted"  # the existing fields stay
    history = client.get(api_url(submitted, "signoffs"))
    assert history.status_code == 200 and [s["id"] for s in history.json()] == [body["id"]]


def test_api_400_in_swedish_changes_nothing(personas, submitted):
    client = personas.api(personas.coordinator_a)
    for data in (
        {**SEND_BACK, "comment": ""},
        {**ACCEPT, "decision": "kanske"},
        {k: v for k, v in ACCEPT.items() if k != "signed_by_name"},
        {**ACCEPT, "signed_by_title": 3},
        "inte json",
        [],
    ):
        answer = client.post(api_url(submitted), data)
        assert answer.status_code == 400, (data, answer.content)
        assert answer.json()["detail"]
    answer = client.post(api_url(submitted), {**SEND_BACK, "comment": ""})
    assert answer.json()["errors"][0] == {
        "field": "comment",
        "message": "Skriv vad som ska ändras.",
    }
    assert SignOff.objects.count() == 0


def test_api_403_404_409(personas, submitted, campaign):
    assert personas.api(no_role_user(personas)).post(api_url(submitted), ACCEPT).status_code == 403
    assert personas.api(personas.coordinator_b).post(api_url(submitted), ACCEPT).status_code == 404
    assert (
        personas.api(personas.coordinator_b).get(api_url(submitted, "signoffs")).status_code == 404
    )
    assert (
        personas.api(personas.admin).post("/api/v1/responses/999999/signoff", ACCEPT).status_code
        == 404
    )
    assert personas.api().post(api_url(submitted), ACCEPT).status_code == 401
    draft = campaign.responses.get(unit=personas.unit_b)
    conflict = personas.api(personas.coordinator_b).post(api_url(draft), ACCEPT)
    assert conflict.status_code == 409 and conflict.json()["code"] == "not_submitted"
    client = personas.api(personas.city_coordinator)
    assert client.post(api_url(submitted), ACCEPT).status_code == 201
    twice = client.post(api_url(submitted), ACCEPT)
    assert twice.status_code == 409 and twice.json()["code"] == "already_signed_off"
    assert SignOff.objects.count() == 1


def test_api_changes_requested_reopens(personas, submitted):
    client = personas.api(personas.coordinator_a, language="en")
    answer = client.post(api_url(submitted), SEND_BACK)
    assert answer.status_code == 201
    detail = client.get(f"/api/v1/responses/{submitted.pk}").json()
    assert detail["status"] == "reopened" and detail["signed_off_at"] is None
    assert len(client.get(api_url(submitted, "versions")).json()) == 1


# ---- Progress ----------------------------------------------------------------------------


def test_progress_counts_signed_off_units(personas, campaign, submitted):
    f.submit(campaign.responses.get(unit=personas.unit_b))
    response_sign_off(actor=None, response=submitted, data=ACCEPT)
    rows = campaign_progress(user=personas.city_coordinator, campaign=campaign)
    assert {r.name: (r.submitted, r.signed_off) for r in rows} == {
        "Förvaltning A": (1, 1),
        "Förvaltning B": (1, 0),
    }
    assert progress_total(rows).signed_off == 1
    rows_b = campaign_progress(user=personas.coordinator_b, campaign=campaign)
    assert [(r.name, r.signed_off) for r in rows_b] == [("Förvaltning B", 0)]
    html = (
        personas.web(personas.city_coordinator)
        .get(f"/assessments/campaigns/{campaign.pk}/")
        .content.decode()
    )
    assert "Signerade" in html


def test_progress_and_pages_keep_their_query_counts(personas, django_assert_max_num_queries):
    f.many_units(personas.org_a, 120)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign, submitted_every=2)
    drafts = list(campaign.responses.filter(status=ResponseStatus.DRAFT)[:2])
    for response in drafts:
        f.submit(response)
    signed = list(
        campaign.responses.filter(status=ResponseStatus.SUBMITTED).values_list("pk", flat=True)[:6]
    )
    Response.objects.filter(pk__in=signed).update(signed_off_at=campaign.opens_at)
    with CaptureQueriesContext(connection) as counted:
        rows = campaign_progress(user=personas.city_coordinator, campaign=campaign)
    assert len(counted) == 2
    assert progress_total(rows).signed_off == 6
    web = personas.web(personas.city_coordinator)
    with django_assert_max_num_queries(14):
        assert web.get(f"/assessments/campaigns/{campaign.pk}/").status_code == 200
    # The response page: the sign-off section costs the same with a longer history.
    response = drafts[0]

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as page:
            assert web.get(page_url(response)).status_code == 200
        return len(page)

    before = page_queries()
    assert before <= 14
    for _ in range(2):
        response_sign_off(actor=None, response=response, data=SEND_BACK)
        f.submit(Response.objects.get(pk=response.pk))
    assert page_queries() == before
