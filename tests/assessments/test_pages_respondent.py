"""The unit's form through the respondent link (/s/<token>) and for coordinators: drafts saved
with htmx and without JavaScript, submit with confirmation, locked afterwards, reopening."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jamlik.assessments import services
from jamlik.assessments.models import Answer, ResponseStatus, ResponseVersion
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def response(personas):
    return f.campaign(organisations=[personas.org_a]).responses.get()


def form_data(values=None, comments=None, **extra):
    values = values or {}
    comments = comments or {}
    data = {}
    for key in ("r1", "r2", "r3"):
        if key in values:
            data[f"v-{key}"] = values[key]
        data[f"c-{key}"] = comments.get(key, "")
    data.update(extra)
    return data


def answers_of(response):
    return {
        a.requirement.key: (a.value, a.comment)
        for a in Answer.objects.filter(response=response).select_related("requirement")
    }


def test_form_shows_requirements_reference_guidance_and_warning(client, response):
    page = client.get(f"/s/{response.token}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Krav ett" in html and "Lag 1 §" in html and "Vägledning ett" in html
    assert "<details" in html and "<fieldset" in html and "<legend>" in html
    assert "Enhet A1" in html
    # The comment warning, visible and tied to each comment field.
    assert "inte namnge enskilda personer" in html or "Inga namn på enskilda" in html
    assert 'aria-describedby="id_c-r1_help"' in html
    # Radio groups on their own scales.
    assert 'name="v-r1"' in html and 'value="dont_know"' in html
    assert "0 – saknas" in html
    # Autosave with htmx to the save URL, and plain buttons without JavaScript.
    assert f'hx-post="/s/{response.token}/save"' in html
    assert "Spara utkast" in html
    assert "htmx-2.min.js" in html


def test_unknown_token_is_404(client, response):
    assert client.get("/s/" + "x" * 43).status_code == 404
    assert client.get("/s/short").status_code == 404
    assert client.post("/s/" + "x" * 43 + "/save", {}, headers=HTMX).status_code == 404


def test_htmx_save_stores_answers_and_returns_a_status_fragment(client, response):
    reply = client.post(
        f"/s/{response.token}/save",
        form_data({"r1": "yes", "r2": "1"}, {"r1": "Vi har en plan 🙂 <b>fet</b>"}),
        headers=HTMX,
    )
    assert reply.status_code == 200
    text = reply.content.decode()
    assert "Sparat kl." in text and "<html" not in text
    assert answers_of(response) == {"r1": ("yes", "Vi har en plan 🙂 <b>fet</b>"), "r2": ("1", "")}
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    # The comment comes back escaped in the page.
    page = client.get(f"/s/{response.token}").content.decode()
    assert "&lt;b&gt;fet&lt;/b&gt;" in page and "<b>fet</b>" not in page
    assert 'value="yes"' in page and "checked" in page


def test_plain_save_draft_without_javascript(client, response):
    reply = client.post(f"/s/{response.token}", form_data({"r3": "no"}, action="save"), follow=True)
    assert reply.status_code == 200
    assert "Utkastet sparades" in reply.content.decode()
    assert answers_of(response) == {"r3": ("no", "")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form_data({"r1": "maybe"}), "giltigt val"),
        (form_data({"r2": "yes"}), "giltigt val"),  # r2 uses the maturity scale
        (form_data({}, {"r1": "x" * 5001}), "5000"),
        (form_data({}, {"r1": "a\x00b"}), "styrtecken"),
        (form_data({}, {"r1": "x" * 1_000_000}), "5000"),
        (form_data({"r1": "'; DROP TABLE assessments_answer; --"}), "giltigt"),
    ],
)
def test_bad_input_changes_nothing(client, response, data, message):
    f.answer(response, {"r1": "partly"})
    before = answers_of(response)
    fragment = client.post(f"/s/{response.token}/save", data, headers=HTMX)
    assert fragment.status_code == 400
    assert "Inte sparat" in fragment.content.decode()
    page = client.post(f"/s/{response.token}", {**data, "action": "save"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and message.split()[0] in html.replace("\u00a0", " ")
    assert answers_of(response) == before


def test_submit_incomplete_lists_missing_requirements_with_links(client, response):
    f.answer(response, {"r1": "yes"})
    confirm = client.get(f"/s/{response.token}/submit")
    assert confirm.status_code == 200
    assert "2 krav saknar svar" in confirm.content.decode()
    reply = client.post(f"/s/{response.token}/submit", {"submitted_by": "Eva Jansson"})
    assert reply.status_code == 400
    html = reply.content.decode()
    assert 'href="#id_v-r2_0"' in html and 'href="#id_v-r3_0"' in html
    assert "Kravet är inte besvarat" in html
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT


def test_submit_needs_a_name_from_the_respondent(client, response):
    f.answer(response, f.ALL_YES)
    reply = client.post(f"/s/{response.token}/submit", {"submitted_by": "   "})
    assert reply.status_code == 400
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT


def test_submit_with_confirmation_then_read_only_and_409(client, response):
    # "Review and submit" saves first and leads to the confirmation step.
    reply = client.post(f"/s/{response.token}", form_data(f.ALL_YES, action="submit"))
    assert reply.status_code == 302 and reply["Location"] == f"/s/{response.token}/submit"
    confirm = client.get(reply["Location"])
    assert "Skicka in svaret" in confirm.content.decode()
    done = client.post(f"/s/{response.token}/submit", {"submitted_by": "Eva Jansson"}, follow=True)
    assert done.status_code == 200
    html = done.content.decode()
    assert "Inskickat av Eva Jansson" in html
    assert 'name="v-r1"' not in html  # read-only
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert ResponseVersion.objects.filter(response=response).count() == 1
    # Changing afterwards: a clear 409, nothing changed.
    locked = client.post(f"/s/{response.token}/save", form_data({"r1": "no"}), headers=HTMX)
    assert locked.status_code == 409
    assert "kan inte längre ändras" in locked.content.decode()
    page = client.post(f"/s/{response.token}", form_data({"r1": "no"}, action="save"))
    assert page.status_code == 409
    again = client.post(f"/s/{response.token}/submit", {"submitted_by": "Eva"})
    assert again.status_code == 409
    assert answers_of(response)["r1"] == ("yes", "")


def test_reopen_by_coordinator_keeps_version_and_respondent_can_change(client, personas, response):
    f.submit(response)
    web = personas.web(personas.coordinator_a)
    page = web.get(f"/assessments/responses/{response.pk}/")
    assert page.status_code == 200 and "Öppna svaret igen" in page.content.decode()
    reply = web.post(f"/assessments/responses/{response.pk}/reopen/", {"reason": "Fel i 1.1"})
    assert reply.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.REOPENED
    html = client.get(f"/s/{response.token}").content.decode()
    assert "Version 1" in html and 'name="v-r1"' in html
    version = client.get(f"/s/{response.token}/versions/1")
    assert version.status_code == 200 and "Uppfyllt" in version.content.decode()
    assert client.get(f"/s/{response.token}/versions/2").status_code == 404
    saved = client.post(
        f"/s/{response.token}/save", form_data({**f.ALL_YES, "r1": "no"}), headers=HTMX
    )
    assert saved.status_code == 200
    client.post(f"/s/{response.token}/submit", {"submitted_by": "Eva"})
    assert ResponseVersion.objects.filter(response=response).count() == 2


def test_reopen_by_other_coordinator_or_twice(personas, response):
    f.submit(response)
    other = personas.web(personas.coordinator_b)
    assert other.post(f"/assessments/responses/{response.pk}/reopen/").status_code == 404
    mine = personas.web(personas.coordinator_a)
    assert mine.post(f"/assessments/responses/{response.pk}/reopen/").status_code == 302
    twice = mine.post(f"/assessments/responses/{response.pk}/reopen/")
    assert twice.status_code == 409
    bad = mine.post(f"/assessments/responses/{response.pk}/reopen/", {"reason": "a\x00"})
    assert bad.status_code == 400


def test_closed_or_scheduled_campaign_is_read_only_for_the_link(client, personas):
    now = timezone.now()
    later = f.campaign(
        organisations=[personas.org_a],
        opens_at=now + dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=9),
    ).responses.get()
    html = client.get(f"/s/{later.token}").content.decode()
    assert "öppnar" in html and 'name="v-r1"' not in html
    refused = client.post(f"/s/{later.token}/save", form_data({"r1": "yes"}), headers=HTMX)
    assert refused.status_code == 409
    assert answers_of(later) == {}


def test_coordinator_fills_in_and_submits_for_a_unit_in_scope(personas, response):
    web = personas.web(personas.coordinator_a)
    saved = web.post(
        f"/assessments/responses/{response.pk}/save/", form_data(f.ALL_YES), headers=HTMX
    )
    assert saved.status_code == 200
    confirm = web.get(f"/assessments/responses/{response.pk}/submit/")
    assert confirm.status_code == 200 and "submitted_by" not in confirm.content.decode()
    done = web.post(f"/assessments/responses/{response.pk}/submit/")
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_by == personas.coordinator_a.display_name


def test_other_coordinator_cannot_see_or_change_the_response(personas, response):
    web = personas.web(personas.coordinator_b)
    for url in (
        f"/assessments/responses/{response.pk}/",
        f"/assessments/responses/{response.pk}/submit/",
    ):
        assert web.get(url).status_code == 404
    reply = web.post(
        f"/assessments/responses/{response.pk}/save/", form_data(f.ALL_YES), headers=HTMX
    )
    assert reply.status_code == 404
    assert answers_of(response) == {}
    assert personas.web().get(f"/assessments/responses/{response.pk}/").status_code == 302


def test_open_actions_from_earlier_campaigns_are_shown_beside_the_requirement(
    client, personas, response
):
    services.action_create(
        actor=None,
        organisation=personas.org_a,
        requirement="r1",
        title="Ta fram rutin mot trakasserier",
        owner="HR-chef",
        due=timezone.localdate() - dt.timedelta(days=3),
    )
    services.action_create(
        actor=None,
        organisation=personas.org_b,
        requirement="r1",
        title="B:s hemliga åtgärd",
        owner="HR",
        due=timezone.localdate(),
    )
    html = client.get(f"/s/{response.token}").content.decode()
    assert "Ta fram rutin mot trakasserier" in html
    assert "Försenad" in html  # overdue in words, not only colour
    assert "B:s hemliga åtgärd" not in html


def test_respondent_page_query_count_does_not_grow(
    client, personas, response, django_assert_max_num_queries
):
    for i in range(60):
        services.action_create(
            actor=None,
            organisation=personas.unit_a,
            requirement=["r1", "r2", "r3"][i % 3],
            title=f"Åtgärd {i}",
            owner="HR",
            due=timezone.localdate(),
        )
    f.answer(response, f.ALL_YES, {"r1": "Kommentar"})
    with django_assert_max_num_queries(12):
        assert client.get(f"/s/{response.token}").status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            client.post(f"/s/{response.token}/save", form_data(f.ALL_YES), headers=HTMX).status_code
            == 200
        )


def test_coordinator_names_the_respondents(personas, response):
    web = personas.web(personas.coordinator_a)
    url = f"/assessments/responses/{response.pk}/respondents/"
    reply = web.post(url, {"respondents": "chef@a.example\nHR@a.example, chef@A.example"})
    assert reply.status_code == 302
    response.refresh_from_db()
    assert response.respondents == ["chef@a.example", "HR@a.example"]
    page = web.get(f"/assessments/responses/{response.pk}/").content.decode()
    assert "chef@a.example" in page and "Vem får inbjudan och påminnelser" in page
    bad = web.post(url, {"respondents": "inte en adress"})
    assert bad.status_code == 400 and "giltig e-postadress" in bad.content.decode()
    too_many = web.post(url, {"respondents": "\n".join(f"p{i}@a.example" for i in range(21))})
    assert too_many.status_code == 400
    response.refresh_from_db()
    assert response.respondents == ["chef@a.example", "HR@a.example"]
    assert personas.web(personas.coordinator_b).post(url, {"respondents": ""}).status_code == 404
    assert "respondents/" not in personas.web().get(f"/s/{response.token}").content.decode()
