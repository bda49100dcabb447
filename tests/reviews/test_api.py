"""The Reviews endpoints (docs/api.md#endpoints-reviews): shapes, status codes, scoping, bad input, query counts."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from docx import Document

from jamlik.events.models import Status
from jamlik.reviews import services
from jamlik.reviews.models import Breakout, GoodExample, Milestone, Review
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.events import EventFactory
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(personas):
    return personas.api(personas.city_coordinator)


@pytest.fixture
def coordinator_a(personas):
    return personas.api(personas.coordinator_a)


@pytest.fixture
def workshop(personas):
    event = rf.workshop()
    others = [OrganisationFactory(parent=personas.city) for _ in range(3)]
    rf.participants(event, {personas.org_a: 2, personas.org_b: 2, **{o: 2 for o in others}})
    return event


# ---- Reviews ---------------------------------------------------------------------------------


def test_create_and_list_reviews(city, personas):
    campaign = af.campaign(organisations=[personas.org_a])
    body = {
        "title": "Strategisk fördjupning",
        "campaigns": [campaign.pk],
        "milestones": [
            {"title": "Workshop", "due": "2021-03-26", "done": True},
            {"title": "Rapportutkast", "due": "2021-06-15", "done": False},
            {"title": "Till kommunstyrelsen", "due": "2021-10-20"},
        ],
    }
    response = city.post("/api/v1/reviews", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["title"] == "Strategisk fördjupning"
    assert created["campaigns"] == [campaign.pk]
    assert [m["due"] for m in created["milestones"]] == ["2021-03-26", "2021-06-15", "2021-10-20"]
    assert [m["status"] for m in created["milestones"]] == ["done", "overdue", "overdue"]
    assert created["owner"] == personas.city_coordinator.pk

    listed = city.get("/api/v1/reviews")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()] == [created["id"]]
    assert city.get(f"/api/v1/reviews/{created['id']}").json() == created


def test_org_coordinators_read_but_do_not_create(coordinator_a, personas):
    review = rf.review()
    assert coordinator_a.get("/api/v1/reviews").status_code == 200
    assert coordinator_a.get(f"/api/v1/reviews/{review.pk}").status_code == 200
    response = coordinator_a.post("/api/v1/reviews", {"title": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Review.objects.count() == 1


def test_no_token_is_401(personas):
    assert personas.api().get("/api/v1/reviews").status_code == 401
    assert personas.api().post("/api/v1/events/1/breakouts", {"size": 4}).status_code == 401


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "x", "campaigns": [999999]}, "campaigns"),
        ({"title": "x", "campaigns": ["a"]}, "campaigns.0"),
        ({"title": "x", "campaigns": [2**70]}, "campaigns"),
        ({"title": "x", "workshops": [999999]}, "workshops"),
        ({"title": "x", "milestones": [{"title": "x"}]}, "milestones.0.due"),
        ({"title": "x", "milestones": [{"title": "x", "due": "2021-02-30"}]}, "milestones.0.due"),
        ({"title": "x", "milestones": [{"title": "", "due": "2021-02-03"}]}, "milestones.0.title"),
        ({"title": "x", "milestones": [{"title": "x", "due": "0001-01-01"}]}, "milestones.0.due"),
        ({"title": "x", "milestones": "nope"}, "milestones"),
    ],
)
def test_bad_review_bodies_are_400_and_store_nothing(city, body, field):
    response = city.post("/api/v1/reviews", body)
    assert response.status_code == 400, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Review.objects.exists() and not Milestone.objects.exists()


def test_a_conference_as_workshop_is_400(city):
    response = city.post("/api/v1/reviews", {"title": "x", "workshops": [EventFactory().pk]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "workshops"


def test_errors_speak_english_when_asked(personas):
    client = personas.api(personas.city_coordinator, language="en")
    response = client.post("/api/v1/reviews", {"title": "x", "campaigns": [424242]})
    assert response.json()["detail"] == "Unknown campaign: 424242."
    swedish = personas.api(personas.city_coordinator).post(
        "/api/v1/reviews", {"title": "x", "campaigns": [424242]}
    )
    assert swedish.json()["detail"] == "Okänd självskattning: 424242."


def test_unknown_review_is_404(city):
    assert city.get("/api/v1/reviews/999999").status_code == 404
    assert city.get(f"/api/v1/reviews/{2**70}").status_code in (404, 400)


def test_patch_review_and_milestone(city, personas):
    review = rf.review()
    response = city.patch(f"/api/v1/reviews/{review.pk}", {"title": "Ny", "diary_number": "1/21"})
    assert response.status_code == 200 and response.json()["title"] == "Ny"
    milestone = review.milestones.get(title="Rapportutkast")
    response = city.patch(
        f"/api/v1/reviews/{review.pk}/milestones/{milestone.pk}", {"done": True, "note": "Klart"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "done" and response.json()["done_at"]
    other = rf.review()
    wrong = city.patch(f"/api/v1/reviews/{other.pk}/milestones/{milestone.pk}", {"done": False})
    assert wrong.status_code == 404
    added = city.post(
        f"/api/v1/reviews/{review.pk}/milestones", {"title": "Uppföljning", "due": "2030-01-01"}
    )
    assert added.status_code == 201 and added.json()["status"] == "upcoming"


def test_review_list_query_count(city, django_assert_max_num_queries, personas):
    campaign = af.campaign(organisations=[personas.org_a])
    for _i in range(30):
        rf.review(
            campaigns=[campaign],
            milestones=[{"title": f"M{j}", "due": dt.date(2021, j + 1, 1)} for j in range(8)],
        )
    # token, user, reviews, milestones, campaigns, workshops (+ count for X-Total-Count)
    with django_assert_max_num_queries(8):
        response = city.get("/api/v1/reviews")
    assert len(response.json()) == 30 and len(response.json()[0]["milestones"]) == 8


# ---- Breakout groups -------------------------------------------------------------------------


def test_form_and_list_breakouts(city, workshop):
    response = city.post(f"/api/v1/events/{workshop.pk}/breakouts", {"size": 4, "seed": 2021})
    assert response.status_code == 201, response.content
    groups = response.json()
    confirmed = sorted(
        workshop.registrations.filter(status=Status.CONFIRMED).values_list("pk", flat=True)
    )
    assert len(groups) == math.ceil(len(confirmed) / 4) == 3
    assert [g["number"] for g in groups] == [1, 2, 3]
    assert sorted(m for g in groups for m in g["members"]) == confirmed
    sizes = [len(g["members"]) for g in groups]
    assert max(sizes) - min(sizes) <= 1
    assert all(set(g) >= {"number", "members"} for g in groups)
    assert city.get(f"/api/v1/events/{workshop.pk}/breakouts").json() == groups
    # Same inputs, same groups.
    again = city.post(f"/api/v1/events/{workshop.pk}/breakouts", {"size": 4, "seed": 2021})
    assert [g["members"] for g in again.json()] == [g["members"] for g in groups]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"size": 0}, "size"),
        ({"size": 1}, "size"),
        ({"size": 100}, "size"),
        ({"size": -4}, "size"),
        ({"size": 4, "seed": -1}, "seed"),
        ({"size": 4, "seed": 2**64}, "seed"),
        ({"size": "fyra"}, "size"),
        ({}, "size"),
        ({"size": 4, "seed": "x"}, "seed"),
    ],
)
def test_bad_breakout_bodies_are_400(city, workshop, body, field):
    response = city.post(f"/api/v1/events/{workshop.pk}/breakouts", body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not Breakout.objects.exists()


def test_unknown_event_is_404_and_a_conference_409(city):
    assert city.post("/api/v1/events/999999/breakouts", {"size": 4}).status_code == 404
    assert city.get("/api/v1/events/999999/breakouts").status_code == 404
    conference = EventFactory(kind="conference")
    response = city.post(f"/api/v1/events/{conference.pk}/breakouts", {"size": 4})
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_workshop"


def test_notes_block_forming_anew_with_409(city, workshop):
    city.post(f"/api/v1/events/{workshop.pk}/breakouts", {"size": 4})
    notes = city.put(
        f"/api/v1/events/{workshop.pk}/breakouts/1/notes",
        {"shared": "Vi delade", "questions": "", "wishes": "Gemensam metod"},
    )
    assert notes.status_code == 200 and notes.json()["wishes"] == "Gemensam metod"
    assert city.get(f"/api/v1/events/{workshop.pk}/breakouts/1/notes").json()["shared"] == (
        "Vi delade"
    )
    response = city.post(f"/api/v1/events/{workshop.pk}/breakouts", {"size": 5})
    assert response.status_code == 409
    assert response.json()["code"] == "breakout_notes_recorded"
    too_long = city.put(f"/api/v1/events/{workshop.pk}/breakouts/1/notes", {"shared": "x" * 10_001})
    assert too_long.status_code == 400
    assert city.get(f"/api/v1/events/{workshop.pk}/breakouts/9/notes").status_code == 404


def test_move_a_member_by_hand(city, workshop):
    groups = city.post(f"/api/v1/events/{workshop.pk}/breakouts", {"size": 4}).json()
    person = groups[0]["members"][0]
    response = city.post(
        f"/api/v1/events/{workshop.pk}/breakouts/3/members", {"registration": person}
    )
    assert response.status_code == 200 and person in response.json()["members"]
    listed = city.get(f"/api/v1/events/{workshop.pk}/breakouts").json()
    members = [m for g in listed for m in g["members"]]
    assert members.count(person) == 1 and len(members) == len(set(members)) == 10
    stranger = city.post(
        f"/api/v1/events/{workshop.pk}/breakouts/3/members", {"registration": 999999}
    )
    assert stranger.status_code == 400
    assert (
        city.post(
            f"/api/v1/events/{workshop.pk}/breakouts/7/members", {"registration": person}
        ).status_code
        == 404
    )


class TestBreakoutScoping:
    """Org coordinators see every group and its size, but as members only their own
    subtree's people; they cannot form groups, move people or write notes."""

    @pytest.fixture
    def groups(self, city, workshop):
        return city.post(f"/api/v1/events/{workshop.pk}/breakouts", {"size": 4}).json()

    def test_coordinator_a_sees_only_a_people(self, groups, workshop, personas, coordinator_a):
        mine = set(
            workshop.registrations.filter(organisation=personas.org_a).values_list("pk", flat=True)
        )
        theirs = set(
            workshop.registrations.filter(organisation=personas.org_b).values_list("pk", flat=True)
        )
        listed = coordinator_a.get(f"/api/v1/events/{workshop.pk}/breakouts").json()
        seen = {m for g in listed for m in g["members"]}
        assert seen == mine
        assert not seen & theirs
        assert [g["size"] for g in listed] == [len(g["members"]) for g in groups]
        b_listed = personas.api(personas.coordinator_b).get(
            f"/api/v1/events/{workshop.pk}/breakouts"
        )
        assert {m for g in b_listed.json() for m in g["members"]} == theirs

    def test_coordinators_do_not_change_groups(self, groups, workshop, personas, coordinator_a):
        url = f"/api/v1/events/{workshop.pk}/breakouts"
        assert coordinator_a.post(url, {"size": 4}).status_code == 403
        person = next(r.pk for r in workshop.registrations.filter(organisation=personas.org_a))
        assert coordinator_a.post(f"{url}/1/members", {"registration": person}).status_code == 403
        assert coordinator_a.put(f"{url}/1/notes", {"shared": "x"}).status_code == 403
        # Another organisation's person is not even named back: unknown to A.
        b_person = workshop.registrations.filter(organisation=personas.org_b).first().pk
        response = personas.api(personas.admin).post(f"{url}/1/members", {"registration": b_person})
        assert response.status_code == 200


def test_breakout_list_query_count(city, personas, django_assert_max_num_queries):
    event = rf.workshop(capacity=1000)
    orgs = [OrganisationFactory(parent=personas.city) for _ in range(20)]
    rf.bulk_participants(event, orgs, 300)
    city.post(f"/api/v1/events/{event.pk}/breakouts", {"size": 5})
    # token, user, event (+ release check), breakouts, memberships
    with django_assert_max_num_queries(8):
        response = city.get(f"/api/v1/events/{event.pk}/breakouts")
    assert len(response.json()) == 60
    coordinator = personas.api(personas.coordinator_a)
    with django_assert_max_num_queries(8):
        assert coordinator.get(f"/api/v1/events/{event.pk}/breakouts").status_code == 200


# ---- Good examples ---------------------------------------------------------------------------


@pytest.fixture
def requirement_keys():
    af.framework()
    return ["r1", "r2", "r3"]


def test_create_list_and_search_examples(city, coordinator_a, personas, requirement_keys):
    body = {
        "title": "Rutin mot kränkande särbehandling",
        "text": "Trafikkontoret har en tydlig rutin för anmälan.",
        "organisation": personas.org_a.pk,
        "requirements": ["r1", "r3"],
    }
    response = coordinator_a.post("/api/v1/examples", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["requirements"] == ["r1", "r3"] and created["organisation"] == personas.org_a.pk
    rf.example(personas.org_b, title="Lönekartläggning i bolaget", text="Så gjorde vi.")
    assert len(city.get("/api/v1/examples").json()) == 2
    found = city.get("/api/v1/examples", {"q": "rutin"}).json()
    assert [e["id"] for e in found] == [created["id"]]
    assert [e["id"] for e in city.get("/api/v1/examples", {"requirement": "r3"}).json()] == [
        created["id"]
    ]
    assert city.get("/api/v1/examples", {"q": "finns inte alls"}).json() == []
    # All staff read examples, also of other organisations.
    assert len(personas.api(personas.coordinator_b).get("/api/v1/examples").json()) == 2


@pytest.mark.parametrize(
    "patch,field",
    [
        ({"title": ""}, "title"),
        ({"text": "x" * 10_001}, "text"),
        ({"organisation": 999999}, "organisation"),
        ({"requirements": ["no-such-key"]}, "requirements"),
        ({"requirements": "r1"}, "requirements"),
        ({"review": 999999}, "review"),
    ],
)
def test_bad_examples_are_400(city, personas, requirement_keys, patch, field):
    body = {"title": "x", "text": "y", "organisation": personas.org_a.pk, **patch}
    response = city.post("/api/v1/examples", body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not GoodExample.objects.exists()


def test_coordinators_write_examples_for_their_own_subtree_only(
    coordinator_a, personas, requirement_keys
):
    body = {"title": "x", "text": "y", "organisation": personas.org_b.pk}
    response = coordinator_a.post("/api/v1/examples", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "organisation"
    body["organisation"] = personas.unit_a.pk
    assert coordinator_a.post("/api/v1/examples", body).status_code == 201
    b_example = rf.example(personas.org_b)
    assert (
        coordinator_a.patch(f"/api/v1/examples/{b_example.pk}", {"title": "z"}).status_code == 404
    )
    assert coordinator_a.delete(f"/api/v1/examples/{b_example.pk}").status_code == 404


def test_unusual_text_comes_back_unchanged(city, personas):
    text = "<script>alert('x')</script> ‮ עברית 🌍 & \"citat\""
    response = city.post(
        "/api/v1/examples", {"title": text[:50], "text": text, "organisation": personas.org_a.pk}
    )
    assert response.status_code == 201
    assert response.json()["text"] == text


def test_example_list_query_count(city, personas, django_assert_max_num_queries):
    for i in range(200):
        GoodExample.objects.create(
            title=f"Exempel {i}", text="Text", organisation=personas.org_a, requirement_keys=["r1"]
        )
    with django_assert_max_num_queries(5):
        response = city.get("/api/v1/examples", {"q": "Exempel"})
    assert len(response.json()) == 200


# ---- The board report ------------------------------------------------------------------------


def test_report_files(city, coordinator_a, personas, django_capture_on_commit_callbacks):
    """The report's direct addresses take seconds, so they answer 202 with a job, as
    ``POST exports/report`` does; the job's file is the report."""
    review = rf.review(title="Fördjupning MR")
    services.board_report_save(actor=None, review=review, diary_number="01326/21")
    files = {}
    for suffix in ("pdf", "docx"):
        with django_capture_on_commit_callbacks(execute=True):
            started = city.get(f"/api/v1/reviews/{review.pk}/report.{suffix}")
        assert started.status_code == 202
        assert started["Location"] == f"/api/v1/jobs/{started.json()['id']}"
        files[suffix] = city.get(city.get(started["Location"]).json()["file_url"])
    pdf, docx = files["pdf"], files["docx"]
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert docx.status_code == 200
    assert "fordjupning-mr" in docx["Content-Disposition"]
    document = Document(io.BytesIO(docx.content))
    assert any(p.text == "Fördjupning MR" for p in document.paragraphs)
    assert coordinator_a.get(f"/api/v1/reviews/{review.pk}/report.pdf").status_code == 403
    assert coordinator_a.get(f"/api/v1/reviews/{review.pk}/report.docx").status_code == 403
    assert city.get("/api/v1/reviews/999999/report.pdf").status_code == 404


def test_report_json_round_trip(city, personas):
    review = rf.review(diary_number="9/21")
    initial = city.get(f"/api/v1/reviews/{review.pk}/report").json()
    assert initial["diary_number"] == "9/21" and initial["summary"] == ""
    body = {**initial, "summary": "Sammanfattning", "date": "2021-05-06"}
    response = city.put(f"/api/v1/reviews/{review.pk}/report", body)
    assert response.status_code == 200 and response.json()["date"] == "2021-05-06"
    bad = city.put(f"/api/v1/reviews/{review.pk}/report", {**body, "date": "6 maj"})
    assert bad.status_code == 400
    forbidden = personas.api(personas.coordinator_a).put(
        f"/api/v1/reviews/{review.pk}/report", body
    )
    assert forbidden.status_code == 403


def test_openapi_lists_the_reviews_paths(city):
    paths = city.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/reviews",
        "/api/v1/events/{event_id}/breakouts",
        "/api/v1/examples",
        "/api/v1/reviews/{review_id}/report.pdf",
        "/api/v1/reviews/{review_id}/report.docx",
    ]:
        assert path in paths


def test_search_finds_inflected_swedish_words(city, personas):
    rf.example(personas.org_a, title="Rutiner", text="Vi har tydliga rutiner för anmälningar.")
    rf.example(personas.org_b, title="Annat", text="Lönekartläggningen görs varje år.")
    # "anmälan" matches "anmälningar" only through PostgreSQL's Swedish stemming; SQLite's
    # fallback matches substrings, so the test asks for what both find.
    found = city.get("/api/v1/examples", {"q": "rutiner anmälningar"}).json()
    assert [e["title"] for e in found] == ["Rutiner"]
    assert city.get("/api/v1/examples", {"q": "inte"}).json() == []


def test_postgresql_search_uses_swedish_stemming(city, personas):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text search with stemming is PostgreSQL's; SQLite has the fallback")
    rf.example(personas.org_a, title="Exempel", text="Vi har tydliga rutiner.")
    found = city.get("/api/v1/examples", {"q": "rutinerna"}).json()
    assert [e["title"] for e in found] == ["Exempel"]
