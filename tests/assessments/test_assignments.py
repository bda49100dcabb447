"""Delegation inside a unit (docs/rules.md#assessments-assignments): the pure rules, the
service (a colleague's link answers only the requirements handed to it, only while it works
and the response is open; answers record the assignment; version history), the mail in
Swedish and English, scoping for staff, the overview, the pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jamlik.assessments.assignments import (
    MAX_ASSIGNMENTS_PER_RESPONSE,
    AlreadyAssigned,
    AssignmentClosed,
    AssignmentWithdrawn,
    NotAssigned,
    ResponseState,
    TooManyAssignments,
    check_answerable,
    check_new,
    keys_to_assign,
    open_for_links,
    overview,
)
from jamlik.assessments.models import (
    Answer,
    Assignment,
    Campaign,
    CampaignStatus,
    Response,
    ResponseStatus,
)
from jamlik.assessments.selectors.assignments import assignment_for_token, assignment_overview
from jamlik.assessments.services import answers_save, response_reopen, response_submit
from jamlik.assessments.services.assignments import (
    assignment_answers_save,
    assignment_create,
    assignment_resend,
    assignment_withdraw,
)
from jamlik.assessments.services.common import NotOpen, ResponseLocked
from jamlik.core.errors import Forbidden, Invalid, NotFound
from jamlik.core.models import AuditEntry, Role
from jamlik.notifications.models import OutboxMessage
from tests.factories import assessments as f
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

TO_EVA = {"email": "eva@a.example", "name": "Eva Ek", "requirement_keys": ["r3", "r1"]}


@pytest.fixture
def campaign(personas):
    return f.campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning 2021")


@pytest.fixture
def response(campaign, personas) -> Response:
    return campaign.responses.select_related("campaign", "unit").get(unit=personas.unit_a)


@pytest.fixture
def eva(response) -> Assignment:
    return assignment_create(actor=None, response=response, data=TO_EVA, by_respondent=True)


def close(campaign: Campaign) -> None:
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=now - dt.timedelta(days=40), closes_at=now - dt.timedelta(days=1)
    )


def fresh(response: Response) -> Response:
    return Response.objects.select_related("campaign", "campaign__framework", "unit").get(
        pk=response.pk
    )


def inactive_user(personas):
    """An org coordinator of A whose account is switched off: the policy refuses (403)."""
    return UserFactory(
        username="gone_a", role=Role.ORG_COORDINATOR, organisation=personas.org_a, is_active=False
    )


# ---- The pure rules ----------------------------------------------------------------------


def test_rules_open_for_links():
    open_ = ResponseState(status=ResponseStatus.DRAFT, campaign_status=CampaignStatus.OPEN)
    assert open_for_links(open_) is None
    assert open_for_links(ResponseState("not_started", CampaignStatus.SCHEDULED)) is None
    assert isinstance(
        open_for_links(ResponseState(ResponseStatus.SUBMITTED, CampaignStatus.OPEN)),
        AssignmentClosed,
    )
    assert isinstance(
        open_for_links(ResponseState(ResponseStatus.DRAFT, CampaignStatus.CLOSED)),
        AssignmentClosed,
    )
    assert open_for_links(ResponseState(ResponseStatus.REOPENED, CampaignStatus.CLOSED)) is None


def test_rules_keys_in_framework_order_without_repeats():
    assert keys_to_assign(["r3", "r1", "r3"], ["r1", "r2", "r3"]) == ["r1", "r3"]
    with pytest.raises(Invalid) as caught:
        keys_to_assign(["r1", "x9"], ["r1", "r2"])
    assert caught.value.errors[0]["field"] == "requirement_keys"
    assert "x9" in str(caught.value.message)
    with pytest.raises(Invalid):
        keys_to_assign([], ["r1"])


def test_rules_one_active_link_per_address_and_a_maximum():
    state = ResponseState(ResponseStatus.DRAFT, CampaignStatus.OPEN)
    check_new(email="a@x.example", active_emails=["b@x.example"], count=1, state=state)
    with pytest.raises(AlreadyAssigned):
        check_new(email="A@x.example", active_emails=["a@x.example"], count=1, state=state)
    with pytest.raises(TooManyAssignments):
        check_new(
            email="a@x.example", active_emails=[], count=MAX_ASSIGNMENTS_PER_RESPONSE, state=state
        )


def test_rules_answer_only_what_is_assigned():
    check_answerable(["r1", "r3"], ["r1", "r3"])
    with pytest.raises(NotAssigned) as caught:
        check_answerable(["r1"], ["r1", "r2"])
    assert caught.value.status == 403 and caught.value.code == "not_assigned"


def test_rules_overview():
    class A:
        def __init__(self, pk, keys, active=True):
            self.pk, self.requirement_keys, self.active = pk, keys, active

    one, two, gone = A(1, ["r1", "r2"]), A(2, ["r2"]), A(3, ["r1"], active=False)
    at = timezone.now()
    rows = overview([one, two, gone], {"r1": (1, at), "r2": (None, at)}, ["r1", "r2", "r3"])
    assert [(r.key, r.assignment.pk, r.answered, r.answered_by_other) for r in rows] == [
        ("r1", 1, True, False),
        ("r2", 1, False, True),
        ("r2", 2, False, True),
    ]
    assert rows[0].answered_at == at and rows[1].answered_at is None


# ---- The service -------------------------------------------------------------------------


def test_create_keeps_framework_order_and_audits(eva, response):
    assert eva.requirement_keys == ["r1", "r3"]
    assert eva.active and eva.sent_at and eva.created_by is None and len(eva.token) == 43
    entry = AuditEntry.objects.get(action="assessments.assignment.created")
    assert entry.new == {"assignment": eva.pk, "requirements": ["r1", "r3"]}
    assert entry.actor_label == "respondent link"


def test_colleague_answers_only_assigned_keys(eva, response):
    assignment_answers_save(
        assignment=eva, answers=[{"requirement": "r1", "value": "yes", "comment": "Plan finns"}]
    )
    answer = Answer.objects.get(response=response, requirement__key="r1")
    assert (answer.value, answer.comment, answer.assignment_id) == ("yes", "Plan finns", eva.pk)
    eva.refresh_from_db()
    assert eva.last_answered_at is not None
    assert fresh(response).status == ResponseStatus.DRAFT
    # A key not handed to the link: 403 with a Swedish message, and nothing stored, even
    # for the keys of the same request that were handed to it.
    with pytest.raises(Forbidden) as caught:
        assignment_answers_save(
            assignment=eva,
            answers=[
                {"requirement": "r3", "value": "no"},
                {"requirement": "r2", "value": "3"},
            ],
        )
    assert "får bara svara på de krav som lämnats till den, inte: r2" in str(caught.value.message)
    assert set(
        Answer.objects.filter(response=response).values_list("requirement__key", "value")
    ) == {("r1", "yes")}


def test_answers_save_keeps_the_scale_rules(eva):
    with pytest.raises(Invalid):
        assignment_answers_save(assignment=eva, answers=[{"requirement": "r1", "value": "3"}])
    assert Answer.objects.count() == 0


def test_unchanged_answers_leave_last_answered_at(eva):
    assignment_answers_save(assignment=eva, answers=[{"requirement": "r1", "value": "yes"}])
    eva.refresh_from_db()
    first = eva.last_answered_at
    assignment_answers_save(assignment=eva, answers=[{"requirement": "r1", "value": "yes"}])
    eva.refresh_from_db()
    assert eva.last_answered_at == first


def test_withdrawn_link_is_refused(eva, response):
    assignment_withdraw(actor=None, assignment=eva, by_respondent=True)
    eva.refresh_from_db()
    assert not eva.active
    with pytest.raises(NotFound):
        assignment_for_token(eva.token)
    with pytest.raises(NotFound):
        assignment_answers_save(assignment=eva, answers=[{"requirement": "r1", "value": "yes"}])
    with pytest.raises(AssignmentWithdrawn):
        assignment_withdraw(actor=None, assignment=eva, by_respondent=True)
    with pytest.raises(AssignmentWithdrawn):
        assignment_resend(actor=None, assignment=eva, by_respondent=True)
    assert Answer.objects.count() == 0
    # Withdrawn, the address may be given a new link.
    again = assignment_create(actor=None, response=response, data=TO_EVA, by_respondent=True)
    assert again.token != eva.token


def test_closed_response_is_refused(eva, response, campaign):
    close(campaign)
    assignment = assignment_for_token(eva.token)
    with pytest.raises(NotOpen):
        assignment_answers_save(
            assignment=assignment, answers=[{"requirement": "r1", "value": "yes"}]
        )
    with pytest.raises(AssignmentClosed):
        assignment_create(
            actor=None,
            response=fresh(response),
            data={**TO_EVA, "email": "olle@a.example"},
            by_respondent=True,
        )
    with pytest.raises(AssignmentClosed):
        assignment_resend(actor=None, assignment=assignment, by_respondent=True)
    assert Answer.objects.count() == 0
    # Reopened after closing: the colleague may answer again (the respondent's rule).
    f.answer(fresh(response), f.ALL_YES)
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() + dt.timedelta(days=1))
    response_submit(actor=None, response=fresh(response))
    close(campaign)
    response_reopen(actor=None, response=fresh(response), reason="Komplettera")
    assignment = assignment_for_token(eva.token)
    assignment_answers_save(assignment=assignment, answers=[{"requirement": "r3", "value": "no"}])
    assert Answer.objects.get(requirement__key="r3").assignment_id == eva.pk


def test_submitted_response_is_refused(eva, response):
    f.submit(fresh(response))
    with pytest.raises(ResponseLocked):
        assignment_answers_save(
            assignment=assignment_for_token(eva.token),
            answers=[{"requirement": "r1", "value": "no"}],
        )
    with pytest.raises(AssignmentClosed):
        assignment_create(
            actor=None, response=fresh(response), data={**TO_EVA, "email": "o@a.example"}
        )


def test_duplicate_address_and_bad_input(eva, response):
    with pytest.raises(AlreadyAssigned) as caught:
        assignment_create(
            actor=None,
            response=response,
            data={**TO_EVA, "email": "EVA@a.example"},
            by_respondent=True,
        )
    assert caught.value.status == 409
    for data in (
        {**TO_EVA, "email": "inte en adress"},
        {**TO_EVA, "requirement_keys": []},
        {**TO_EVA, "requirement_keys": ["nope"]},
        {**TO_EVA, "language": "de"},
    ):
        with pytest.raises(Invalid):
            assignment_create(actor=None, response=response, data={**data, "email": data["email"]})
    assert Assignment.objects.count() == 1


def test_respondent_changing_an_answer_clears_the_assignment(eva, response):
    assignment_answers_save(assignment=eva, answers=[{"requirement": "r1", "value": "yes"}])
    answers_save(
        actor=None,
        response=fresh(response),
        answers=[{"requirement": "r1", "value": "partly"}],
        by_respondent=True,
    )
    assert Answer.objects.get(requirement__key="r1").assignment_id is None
    rows = assignment_overview(response=fresh(response))
    assert [(r.key, r.answered, r.answered_by_other) for r in rows] == [
        ("r1", False, True),
        ("r3", False, False),
    ]


def test_version_history_keeps_the_colleagues_answers(eva, response):
    assignment_answers_save(
        assignment=eva,
        answers=[{"requirement": "r1", "value": "yes"}, {"requirement": "r3", "value": "no"}],
    )
    answers_save(
        actor=None,
        response=fresh(response),
        answers=[{"requirement": "r2", "value": "2"}],
        by_respondent=True,
    )
    version = response_submit(actor=None, response=fresh(response), by_respondent=True)
    assert [(a["requirement"], a["value"]) for a in version.answers] == [
        ("r1", "yes"),
        ("r2", "2"),
        ("r3", "no"),
    ]
    saved = AuditEntry.objects.filter(action="assessments.response.answers_saved")
    assert [e.new.get("assignment") for e in saved.order_by("id")] == [eva.pk, None]


# ---- Staff: policy and scoping -----------------------------------------------------------


def test_staff_scoping_and_policy(personas, response):
    created = assignment_create(actor=personas.coordinator_a, response=response, data=TO_EVA)
    assert created.created_by == personas.coordinator_a
    with pytest.raises(NotFound):
        assignment_create(
            actor=personas.coordinator_b, response=response, data={**TO_EVA, "email": "b@b.ex"}
        )
    with pytest.raises(Forbidden):
        assignment_create(
            actor=inactive_user(personas), response=response, data={**TO_EVA, "email": "c@a.ex"}
        )
    with pytest.raises(NotFound):
        assignment_withdraw(actor=personas.coordinator_b, assignment=created)
    with pytest.raises(NotFound):
        assignment_resend(actor=personas.coordinator_b, assignment=created)
    assignment_withdraw(actor=personas.city_coordinator, assignment=created)
    assert Assignment.objects.get().withdrawn_at is not None


# ---- The mail ----------------------------------------------------------------------------


def test_mail_in_swedish(eva, response, campaign):
    message = OutboxMessage.objects.get(kind="assessments.assignment")
    assert message.to == "eva@a.example"
    assert message.subject == "Svara på en del av självskattningen Självskattning 2021 (Enhet A1)"
    body = message.body_text
    assert body.startswith("Hej Eva Ek!")
    assert "Den som svarar på självskattningen ”Självskattning 2021” för Enhet A1" in body
    assert "- 1.1 Krav ett" in body and "- 2.1 Krav tre" in body and "Krav två" not in body
    assert eva.url in body and response.token not in body
    closes = timezone.localtime(campaign.closes_at)
    assert f"Svara senast {closes.day} " in body and str(closes.year) in body


def test_mail_in_english_and_resend(personas, response):
    assignment = assignment_create(
        actor=personas.coordinator_a,
        response=response,
        data={**TO_EVA, "language": "en", "name": ""},
    )
    message = OutboxMessage.objects.get(kind="assessments.assignment")
    assert (
        message.subject
        == "Please answer part of the self-assessment Självskattning 2021 (Enhet A1)"
    )
    assert message.body_text.startswith("Hello,")
    assert "asks you to answer some of the requirements" in message.body_text
    assert "Answer by " in message.body_text and assignment.url in message.body_text
    assignment_resend(actor=personas.coordinator_a, assignment=assignment)
    assert OutboxMessage.objects.filter(kind="assessments.assignment").count() == 2


# ---- The pages ---------------------------------------------------------------------------


def test_respondent_page_hands_out_and_shows_the_overview(response):
    web = __import__("django.test", fromlist=["Client"]).Client()
    page = web.get(response.respondent_path).content.decode()
    assert 'id="assignments"' in page and "Be kollegor svara" in page
    answer = web.post(
        f"{response.respondent_path}/assignments",
        {"email": "eva@a.example", "name": "Eva Ek", "requirement_keys": ["r1"], "language": "sv"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assignment = Assignment.objects.get()
    assert assignment.requirement_keys == ["r1"]
    assert OutboxMessage.objects.filter(to="eva@a.example").count() == 1
    assignment_answers_save(assignment=assignment, answers=[{"requirement": "r1", "value": "yes"}])
    page = web.get(response.respondent_path).content.decode()
    assert "Vem svarar på vad" in page and "Eva Ek" in page and ">Ja<" in page
    assert "eva@a.example fick en länk till 1 krav." in page
    bad = web.post(
        f"{response.respondent_path}/assignments",
        {"email": "nej", "requirement_keys": ["r1"], "language": "sv"},
    )
    assert bad.status_code == 400 and "Kraven kunde inte lämnas ut." in bad.content.decode()
    twice = web.post(
        f"{response.respondent_path}/assignments",
        {"email": "eva@a.example", "requirement_keys": ["r2"], "language": "sv"},
    )
    assert twice.status_code == 409 and "har redan en länk" in twice.content.decode()
    withdraw = web.post(f"{response.respondent_path}/assignments/{assignment.pk}/withdraw")
    assert withdraw.status_code == 302
    assert web.get(assignment.path).status_code == 404
    assert "länken fungerar inte längre" in web.get(response.respondent_path).content.decode()


def test_staff_page_scoping(personas, response, eva):
    url = f"/assessments/responses/{response.pk}/assignments/"
    data = {"email": "o@a.example", "requirement_keys": ["r2"], "language": "en"}
    assert personas.web(personas.coordinator_b).post(url, data).status_code == 404
    assert personas.web(personas.coordinator_b).post(f"{url}{eva.pk}/withdraw/").status_code == 404
    anonymous = personas.web().post(url, data)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    web = personas.web(personas.coordinator_a)
    assert "Eva Ek" in web.get(f"/assessments/responses/{response.pk}/").content.decode()
    assert web.post(url, data).status_code == 302
    assert web.post(f"{url}{eva.pk}/resend/").status_code == 302
    assert web.post(f"{url}999999/withdraw/").status_code == 404
    assert Assignment.objects.count() == 2


def test_colleague_page_shows_and_saves_only_assigned(eva, response):
    from django.test import Client

    web = Client()
    page = web.get(eva.path).content.decode()
    assert "Krav ett" in page and "Krav tre" in page and "Krav två" not in page
    assert 'name="v-r1"' in page and 'name="v-r2"' not in page
    saved = web.post(eva.path, {"v-r1": "partly", "c-r1": "Delvis", "v-r3": ""})
    assert saved.status_code == 302
    assert Answer.objects.get(requirement__key="r1").assignment_id == eva.pk
    # A field for a key not handed out is not read at all.
    web.post(eva.path, {"v-r1": "partly", "c-r1": "Delvis", "v-r2": "3"})
    assert not Answer.objects.filter(requirement__key="r2").exists()
    htmx = web.post(f"{eva.path}/save", {"v-r1": "yes"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "Sparat" in htmx.content.decode()
    assert Answer.objects.get(requirement__key="r1").value == "yes"


def test_colleague_page_leaves_blank_fields_answered_by_others(eva, response):
    from django.test import Client

    web = Client()
    web.get(eva.path)  # opened before the respondent answers 2.1
    f.answer(fresh(response), {"r3": "partly"})
    assert web.post(eva.path, {"v-r1": "yes", "v-r3": "", "c-r3": ""}).status_code == 302
    assert dict(Answer.objects.values_list("requirement__key", "value")) == {
        "r1": "yes",
        "r3": "partly",
    }
    # Their own answer they may empty.
    web.post(eva.path, {"v-r1": "", "c-r1": ""})
    assert set(Answer.objects.values_list("requirement__key", flat=True)) == {"r3"}


def test_colleague_page_closed_and_bad_tokens(eva, response, campaign):
    from django.test import Client

    web = Client()
    close(campaign)
    page = web.get(eva.path)
    assert page.status_code == 200 and 'name="v-r1"' not in page.content.decode()
    refused = web.post(eva.path, {"v-r1": "yes"})
    assert refused.status_code == 409 and "Omgången är stängd" in refused.content.decode()
    assert web.get("/s/a/inte-en-token").status_code == 404
    assert web.get("/s/a/" + "x" * 43).status_code == 404
    assert Answer.objects.count() == 0


# ---- The API -----------------------------------------------------------------------------


def test_api_create_list_withdraw_resend(personas, response):
    client = personas.api(personas.coordinator_a)
    url = f"/api/v1/responses/{response.pk}/assignments"
    created = client.post(url, TO_EVA)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["requirement_keys"] == ["r1", "r3"] and body["active"] is True
    assert body["created_by"] == personas.coordinator_a.pk and "token" not in body
    assignment = Assignment.objects.get()
    assignment_answers_save(assignment=assignment, answers=[{"requirement": "r1", "value": "yes"}])
    listed = client.get(url).json()
    assert [(r["key"], r["answered"]) for r in listed[0]["requirements"]] == [
        ("r1", True),
        ("r3", False),
    ]
    assert listed[0]["requirements"][0]["answered_at"] and listed[0]["last_answered_at"]
    assert client.post(f"{url}/{assignment.pk}/resend").status_code == 200
    withdrawn = client.post(f"{url}/{assignment.pk}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    again = client.post(f"{url}/{assignment.pk}/withdraw")
    assert again.status_code == 409 and again.json()["code"] == "assignment_withdrawn"


def test_api_errors_and_scoping(personas, response):
    url = f"/api/v1/responses/{response.pk}/assignments"
    assert personas.api(personas.coordinator_b).get(url).status_code == 404
    assert personas.api(personas.coordinator_b).post(url, TO_EVA).status_code == 404
    assert personas.api(inactive_user(personas)).post(url, TO_EVA).status_code == 401
    assert personas.api().get(url).status_code == 401
    client = personas.api(personas.coordinator_a)
    bad = client.post(url, {**TO_EVA, "requirement_keys": ["nope"]})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "requirement_keys"
    assert client.post(url, {**TO_EVA, "email": "x"}).status_code == 400
    assert client.post(url, TO_EVA).status_code == 201
    assert client.post(url, TO_EVA).json()["code"] == "already_assigned"
    assert Assignment.objects.count() == 1


def test_public_api_for_the_respondent_and_the_colleague(response, api_client, campaign):
    client = api_client()
    created = client.post(f"/api/v1/public/responses/{response.token}/assignments", TO_EVA)
    assert created.status_code == 201 and created.json()["created_by"] is None
    token = Assignment.objects.get().token
    detail = client.get(f"/api/v1/public/assignments/{token}").json()
    assert [r["key"] for r in detail["requirements"]] == ["r1", "r3"]
    assert [r["number"] for r in detail["requirements"]] == ["1.1", "2.1"]
    assert detail["may_answer"] is True and detail["name"] == "Eva Ek"
    put = client.put(
        f"/api/v1/public/assignments/{token}/answers", [{"requirement": "r1", "value": "yes"}]
    )
    assert put.status_code == 200 and [a["requirement"] for a in put.json()] == ["r1"]
    refused = client.put(
        f"/api/v1/public/assignments/{token}/answers",
        [{"requirement": "r3", "value": "yes"}, {"requirement": "r2", "value": "3"}],
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_assigned"
    assert "får bara svara på" in refused.json()["detail"]
    english = api_client(language="en").put(
        f"/api/v1/public/assignments/{token}/answers", [{"requirement": "r2", "value": "3"}]
    )
    assert "may only answer the requirements assigned" in english.json()["detail"]
    assert set(Answer.objects.values_list("requirement__key", flat=True)) == {"r1"}
    # The respondent's own answers stay visible only through the respondent's link.
    answers = client.get(f"/api/v1/public/assignments/{token}/answers").json()
    assert [a["requirement"] for a in answers] == ["r1"]
    listed = client.get(f"/api/v1/public/responses/{response.token}/assignments").json()
    assert listed[0]["requirements"][0]["answered"] is True
    close(campaign)
    closed = client.put(
        f"/api/v1/public/assignments/{token}/answers", [{"requirement": "r1", "value": "no"}]
    )
    assert closed.status_code == 409 and closed.json()["code"] == "campaign_not_open"
    pk = Assignment.objects.get().pk
    gone = client.post(f"/api/v1/public/responses/{response.token}/assignments/{pk}/withdraw")
    assert gone.status_code == 200
    assert client.get(f"/api/v1/public/assignments/{token}").status_code == 404
    assert client.put(f"/api/v1/public/assignments/{token}/answers", []).status_code == 404


# ---- The demo ----------------------------------------------------------------------------


def test_demo_has_a_2019_response_with_two_assignments():
    from jamlik.assessments.models import Campaign as CampaignModel
    from jamlik.demo import assessments as demo_assessments
    from tests.assessments.test_demo import load

    load()
    load()  # idempotent
    c2019 = CampaignModel.objects.get(title=demo_assessments.TITLE_2019)
    assignments = list(Assignment.objects.filter(response__campaign=c2019))
    assert len(assignments) == 2 and len({a.response_id for a in assignments}) == 1
    response = assignments[0].response
    rows = assignment_overview(response=response)
    assert [r.answered for r in rows] == [True, True, False, False]
    assert all(a.created_at.year == 2019 for a in assignments)
