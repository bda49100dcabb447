"""Permission matrix of the assessment pages: every page × every role. Coordinator B never
sees anything of A's campaign, units, answers, comments, actions or figures — not by list,
URL guessing, export or report; the respondent link opens its own response only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from jamlik.assessments import services
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db

SECRET = "A:s kommentar om rutinen"


@pytest.fixture
def world(personas):
    campaign = f.campaign(organisations=[personas.org_a], title="Kampanj för A")
    response = campaign.responses.get()
    f.submit(response, {"r1": "no", "r2": "0", "r3": "no"}, r1=SECRET)
    action = services.action_create(
        actor=None,
        organisation=personas.unit_a,
        requirement="r1",
        title="A:s åtgärd",
        owner="HR",
        due=timezone.localdate(),
    )
    return campaign, response, action


def pages(campaign, response, action):
    c, r = campaign.pk, response.pk
    return {
        "campaign": f"/assessments/campaigns/{c}/",
        "results": f"/assessments/campaigns/{c}/results/",
        "xlsx": f"/assessments/campaigns/{c}/export.xlsx",
        "pdf": f"/assessments/campaigns/{c}/report.pdf",
        "response": f"/assessments/responses/{r}/",
        "submit": f"/assessments/responses/{r}/submit/",
        "version": f"/assessments/responses/{r}/versions/1/",
        "action": f"/assessments/actions/{action.pk}/edit/",
    }


ROLES = ["admin", "city_coordinator", "coordinator_a", "coordinator_b"]
SEES_A = {"admin", "city_coordinator", "coordinator_a"}


@pytest.mark.parametrize("role", ROLES)
def test_matrix_of_get_pages(personas, world, role):
    campaign, response, action = world
    web = personas.web(getattr(personas, role))
    for name, url in pages(campaign, response, action).items():
        reply = web.get(url)
        expected = 200 if role in SEES_A else 404
        if name == "submit" and role in SEES_A:
            expected = 409  # already submitted: a clear refusal, not a form
        if name == "pdf" and role in SEES_A:
            expected = 303  # the report takes seconds: to its file job's progress page
        assert reply.status_code == expected, (role, name, reply.status_code)
        if role not in SEES_A:
            body = reply.content.decode(errors="ignore")
            assert SECRET not in body and "Enhet A1" not in body, (role, name)


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_nothing_of_other_organisations(personas, world, role):
    _campaign, _response, _action = world
    web = personas.web(getattr(personas, role))
    campaigns = web.get("/assessments/").content.decode()
    actions = web.get("/assessments/actions/").content.decode()
    if role in SEES_A:
        assert "Kampanj för A" in campaigns and "A:s åtgärd" in actions
    else:
        assert "Kampanj för A" not in campaigns and "A:s åtgärd" not in actions


@pytest.mark.parametrize("role", ROLES)
def test_create_campaign_is_for_the_city_only(personas, role):
    reply = personas.web(getattr(personas, role)).get("/assessments/campaigns/new/")
    assert reply.status_code == (200 if role in {"admin", "city_coordinator"} else 403)


def test_posts_by_coordinator_b_change_nothing(personas, world):
    campaign, response, action = world
    web = personas.web(personas.coordinator_b)
    for url in (
        f"/assessments/responses/{response.pk}/reopen/",
        f"/assessments/responses/{response.pk}/save/",
        f"/assessments/responses/{response.pk}/",
        f"/assessments/campaigns/{campaign.pk}/invite/",
        f"/assessments/campaigns/{campaign.pk}/remind/",
        f"/assessments/campaigns/{campaign.pk}/edit/",
        f"/assessments/actions/{action.pk}/edit/",
    ):
        reply = web.post(url, {"title": "Ändrad", "reason": "x"})
        assert reply.status_code in (403, 404), url
    response.refresh_from_db()
    action.refresh_from_db()
    assert response.status == "submitted" and action.title == "A:s åtgärd"


def test_anonymous_and_respondent_link(personas, world):
    campaign, response, action = world
    client = Client()
    for url in pages(campaign, response, action).values():
        reply = client.get(url)
        assert reply.status_code == 302 and reply["Location"].startswith("/login/"), url
    # The link opens its own response (read-only now) and nothing else.
    assert client.get(f"/s/{response.token}").status_code == 200
    assert client.get(f"/s/{response.token}/versions/1").status_code == 200
    assert client.get("/assessments/").status_code == 302
    other = f.campaign(organisations=[personas.org_b]).responses.get()
    html = client.get(f"/s/{other.token}").content.decode()
    assert SECRET not in html and "Enhet A1" not in html


def test_nul_and_odd_characters_in_queries_never_give_a_500(personas, world):
    campaign, response, _action = world
    web = personas.web(personas.city_coordinator)
    odd = "a\x00b"
    for url, query in (
        (
            f"/assessments/campaigns/{campaign.pk}/",
            {"status": odd, "organisation": odd, "page": odd},
        ),
        (
            f"/assessments/campaigns/{campaign.pk}/results/",
            {"organisation": odd, "compare_to": odd},
        ),
        (f"/assessments/campaigns/{campaign.pk}/results/", {"comments": odd}),
        (f"/assessments/campaigns/{campaign.pk}/export.xlsx", {"organisation": odd}),
        (f"/assessments/campaigns/{campaign.pk}/report.pdf", {"committee": odd}),
        ("/assessments/actions/", {"organisation": odd, "status": odd, "overdue": odd}),
        ("/assessments/actions/new/", {"requirement": odd, "campaign": odd}),
    ):
        assert web.get(url, query).status_code in (200, 400), (url, query)
    client = Client()
    assert client.get(f"/s/{response.token[:-1]}\x00").status_code == 404
    reply = web.post(
        f"/assessments/responses/{response.pk}/save/", {"v-r1": odd}, headers={"HX-Request": "true"}
    )
    assert reply.status_code in (400, 409)
    assert (
        web.post("/assessments/actions/new/", {"requirement": odd, "title": odd}).status_code == 400
    )
