"""The Assessments endpoints (docs/api.md#endpoints-assessments): shapes, status codes, scoping, bad input, query
counts on hundreds of units, and the files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from jamlik.assessments.models import (
    Action,
    Answer,
    Campaign,
    Response,
    ResponseStatus,
    ResponseVersion,
)
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(personas):
    return f.campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning 2021")


def response_of(campaign, unit):
    return campaign.responses.get(unit=unit)


def body_for_campaign(personas, **overrides):
    now = timezone.now()
    body = {
        "title": "Självskattning arbetsmiljö",
        "framework": f.framework().pk,
        "organisations": [personas.org_a.pk, personas.org_b.pk],
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


# ---- Frameworks --------------------------------------------------------------------------


def test_frameworks_list_shape(personas, django_assert_max_num_queries, without_builtin_frameworks):
    f.framework("1")
    f.framework("2")
    client = personas.api(personas.coordinator_a)
    with django_assert_max_num_queries(6):
        answer = client.get("/api/v1/frameworks")
    assert answer.status_code == 200
    first = answer.json()[0]
    assert set(first) >= {"id", "key", "version", "title", "areas", "scale"}
    assert first["scale"][0] == {"value": "yes", "label": "Uppfyllt", "score": 2.0}
    r1, r2 = first["areas"][0]["requirements"]
    assert set(r1) >= {"key", "text", "reference", "guidance"}
    assert "scale" not in r1  # the framework's scale applies
    assert [o["value"] for o in r2["scale"]] == ["0", "1", "2", "3"]
    assert personas.api().get("/api/v1/frameworks").status_code == 401


# ---- Campaigns ---------------------------------------------------------------------------


def test_create_campaign(personas):
    answer = personas.api(personas.city_coordinator).post(
        "/api/v1/campaigns", body_for_campaign(personas)
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert set(body) >= {"id", "title", "framework", "organisations", "opens_at", "closes_at"}
    assert body["organisations"] == sorted([personas.org_a.pk, personas.org_b.pk])
    assert body["status"] == "open"
    assert Response.objects.filter(campaign_id=body["id"]).count() == 2


def test_org_coordinator_cannot_create_campaigns(personas):
    answer = personas.api(personas.coordinator_a).post(
        "/api/v1/campaigns", body_for_campaign(personas, organisations=[personas.org_a.pk])
    )
    assert answer.status_code == 403
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"framework": 999999}, "framework"),
        ({"framework": 2**70}, "framework"),
        ({"organisations": [999999]}, "organisations"),
        ({"organisations": []}, "organisations"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "nul\x00"}, "title"),
        ({"title": "x" * 1_000_000}, "title"),
        ({"opens_at": "igår"}, "opens_at"),
        ({"opens_at": 1700000000}, "opens_at"),
        ({"reminder_interval_days": -1}, "reminder_interval_days"),
        ({"closes_at": "2000-01-01T00:00:00+01:00"}, "closes_at"),
    ],
)
def test_bad_campaign_input_is_400_and_creates_nothing(personas, overrides, field):
    client = personas.api(personas.city_coordinator, language="en")
    answer = client.post("/api/v1/campaigns", body_for_campaign(personas, **overrides))
    assert answer.status_code == 400, answer.json()
    assert answer.json()["errors"][0]["field"].startswith(field)
    assert not Campaign.objects.exists()


def test_campaign_visibility_follows_scope(personas):
    only_a = f.campaign(organisations=[personas.org_a])
    both = f.campaign(organisations=[personas.city])
    client_b = personas.api(personas.coordinator_b)
    ids = [c["id"] for c in client_b.get("/api/v1/campaigns").json()]
    assert ids == [both.pk]
    assert client_b.get(f"/api/v1/campaigns/{only_a.pk}").status_code == 404
    assert client_b.get(f"/api/v1/campaigns/{only_a.pk}/summary").status_code == 404
    assert client_b.get(f"/api/v1/campaigns/{only_a.pk}/export.xlsx").status_code == 404
    assert (
        personas.api(personas.coordinator_a).get(f"/api/v1/campaigns/{only_a.pk}").status_code
        == 200
    )


def test_patch_campaign(personas, campaign):
    client = personas.api(personas.city_coordinator)
    answer = client.patch(
        f"/api/v1/campaigns/{campaign.pk}", {"title": "Ny", "reminder_interval_days": 3}
    )
    assert answer.status_code == 200
    assert (answer.json()["title"], answer.json()["reminder_interval_days"]) == ("Ny", 3)
    bad = client.patch(
        f"/api/v1/campaigns/{campaign.pk}", {"closes_at": campaign.opens_at.isoformat()}
    )
    assert bad.status_code == 400
    assert (
        personas.api(personas.coordinator_a)
        .patch(f"/api/v1/campaigns/{campaign.pk}", {"title": "x"})
        .status_code
        == 403
    )


def test_progress_and_responses_are_scoped(personas, campaign):
    f.submit(response_of(campaign, personas.unit_a))
    city = personas.api(personas.city_coordinator)
    progress = city.get(f"/api/v1/campaigns/{campaign.pk}/progress").json()
    assert [
        {k: row[k] for k in ("organisation", "units", "not_started", "draft", "submitted")}
        for row in progress
    ] == [
        {
            "organisation": personas.org_a.pk,
            "units": 1,
            "not_started": 0,
            "draft": 0,
            "submitted": 1,
        },
        {
            "organisation": personas.org_b.pk,
            "units": 1,
            "not_started": 1,
            "draft": 0,
            "submitted": 0,
        },
    ]
    rows = city.get(f"/api/v1/campaigns/{campaign.pk}/responses").json()
    assert {r["unit"] for r in rows} == {personas.unit_a.pk, personas.unit_b.pk}
    first = rows[0]
    assert set(first) >= {"id", "unit", "status", "submitted_at", "respondent_url"}
    assert "/s/" in first["respondent_url"]
    submitted = city.get(
        f"/api/v1/campaigns/{campaign.pk}/responses", {"status": "submitted"}
    ).json()
    assert [r["unit"] for r in submitted] == [personas.unit_a.pk]
    client_a = personas.api(personas.coordinator_a)
    assert [
        r["unit"] for r in client_a.get(f"/api/v1/campaigns/{campaign.pk}/responses").json()
    ] == [personas.unit_a.pk]
    assert [
        r["organisation"] for r in client_a.get(f"/api/v1/campaigns/{campaign.pk}/progress").json()
    ] == [personas.org_a.pk]
    # Filtering by another organisation is refused, not answered with its data.
    other = client_a.get(
        f"/api/v1/campaigns/{campaign.pk}/responses", {"organisation": personas.org_b.pk}
    )
    assert other.status_code == 400
    assert (
        city.get(f"/api/v1/campaigns/{campaign.pk}/responses", {"status": "x"}).status_code == 400
    )


# ---- Answers -----------------------------------------------------------------------------


def test_answers_get_put(personas, campaign):
    response = response_of(campaign, personas.unit_a)
    client = personas.api(personas.coordinator_a)
    url = f"/api/v1/responses/{response.pk}/answers"
    answer = client.put(url, [{"requirement": "r1", "value": "yes", "comment": "Plan finns."}])
    assert answer.status_code == 200
    answer = client.put(url, [{"requirement": "r2", "value": "2", "comment": ""}])
    body = client.get(url).json()
    assert [(a["requirement"], a["value"], a["comment"]) for a in body] == [
        ("r1", "yes", "Plan finns."),
        ("r2", "2", ""),
    ]
    assert body[0]["score"] == 100
    assert body[0]["label"] == "Uppfyllt"


@pytest.mark.parametrize(
    "item",
    [
        {"requirement": "finns-inte", "value": "yes"},
        {"requirement": "r1", "value": "kanske"},
        {"requirement": "r1", "value": "yes", "comment": "x" * 5001},
        {"requirement": "r1", "value": "yes", "comment": "a\x00b"},
        {"requirement": "r1", "value": 3},
        {"requirement": None, "value": "yes"},
        {"requirement": "r1", "value": "yes", "comment": "x" * 1_000_000},
        "inte ett objekt",
    ],
)
def test_bad_answers_are_400_and_change_nothing(personas, campaign, item):
    response = response_of(campaign, personas.unit_a)
    f.answer(response, {"r1": "partly"})
    client = personas.api(personas.coordinator_a)
    answer = client.put(
        f"/api/v1/responses/{response.pk}/answers", [{"requirement": "r3", "value": "yes"}, item]
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert list(Answer.objects.filter(response=response).values_list("value", flat=True)) == [
        "partly"
    ]


def test_answers_of_other_organisations_are_404(personas, campaign):
    response_b = response_of(campaign, personas.unit_b)
    client_a = personas.api(personas.coordinator_a)
    assert client_a.get(f"/api/v1/responses/{response_b.pk}/answers").status_code == 404
    put = client_a.put(
        f"/api/v1/responses/{response_b.pk}/answers", [{"requirement": "r1", "value": "yes"}]
    )
    assert put.status_code == 404
    assert client_a.post(f"/api/v1/responses/{response_b.pk}/submit").status_code == 404
    assert client_a.post(f"/api/v1/responses/{response_b.pk}/reopen").status_code == 404
    assert client_a.get(f"/api/v1/responses/{response_b.pk}").status_code == 404
    assert client_a.get(f"/api/v1/responses/{response_b.pk}/versions").status_code == 404
    assert client_a.get("/api/v1/responses/99999999999999999999/answers").status_code in (400, 404)
    assert not Answer.objects.filter(response=response_b).exists()


def test_submit_and_reopen_through_the_api(personas, campaign):
    response = response_of(campaign, personas.unit_a)
    client = personas.api(personas.coordinator_a)
    incomplete = client.post(f"/api/v1/responses/{response.pk}/submit")
    assert incomplete.status_code == 400
    assert incomplete.json()["code"] == "incomplete"
    assert {e["field"] for e in incomplete.json()["errors"]} == {"r1", "r2", "r3"}
    f.answer(response, f.ALL_YES)
    submitted = client.post(f"/api/v1/responses/{response.pk}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert client.post(f"/api/v1/responses/{response.pk}/submit").status_code == 409
    locked = client.put(
        f"/api/v1/responses/{response.pk}/answers", [{"requirement": "r1", "value": "no"}]
    )
    assert locked.status_code == 409
    reopened = client.post(f"/api/v1/responses/{response.pk}/reopen", {"reason": "Rättelse"})
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "reopened"
    assert client.post(f"/api/v1/responses/{response.pk}/reopen").status_code == 409
    versions = client.get(f"/api/v1/responses/{response.pk}/versions").json()
    assert [v["number"] for v in versions] == [1]


# ---- The respondent's link ---------------------------------------------------------------


def test_public_respondent_flow(personas, campaign):
    response = response_of(campaign, personas.unit_a)
    public = personas.api()
    base = f"/api/v1/public/responses/{response.token}"
    context = public.get(base)
    assert context.status_code == 200
    assert context.json()["unit"]["name"] == "Enhet A1"
    assert context.json()["framework"]["areas"][0]["requirements"][0]["key"] == "r1"
    put = public.put(
        f"{base}/answers", [{"requirement": k, "value": v} for k, v in f.ALL_YES.items()]
    )
    assert put.status_code == 200
    assert [a["value"] for a in public.get(f"{base}/answers").json()] == ["yes", "3", "yes"]
    submitted = public.post(f"{base}/submit", {"submitted_by": "Enhetschef Kim"})
    assert submitted.status_code == 200
    assert submitted.json()["version"] == 1
    again = public.put(f"{base}/answers", [{"requirement": "r1", "value": "no"}])
    assert again.status_code == 409
    assert again.json()["code"] == "response_submitted"
    version = ResponseVersion.objects.get(response=response)
    assert version.submitted_by.startswith("Enhetschef Kim")


def test_public_unknown_or_odd_tokens_are_404(personas):
    public = personas.api()
    for token in ["x", "a" * 43, "a" * 500, "%00" * 20]:
        assert public.get(f"/api/v1/public/responses/{token}").status_code == 404
        assert public.post(f"/api/v1/public/responses/{token}/submit").status_code == 404


def test_public_closed_campaign_is_409(personas):
    now = timezone.now()
    closed = f.campaign(
        organisations=[personas.org_a],
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(days=1),
    )
    token = closed.responses.get().token
    answer = personas.api().put(
        f"/api/v1/public/responses/{token}/answers", [{"requirement": "r1", "value": "yes"}]
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "campaign_not_open"


# ---- Summary and files -------------------------------------------------------------------


def test_summary_shape_and_comparison(personas, campaign):
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], title="2019")
    f.submit(response_of(earlier, personas.unit_a), {"r1": "no", "r2": "0", "r3": "no"})
    f.submit(response_of(campaign, personas.unit_a), {"r1": "yes", "r2": "1", "r3": "na"})
    client = personas.api(personas.city_coordinator)
    body = client.get(f"/api/v1/campaigns/{campaign.pk}/summary", {"compare_to": earlier.pk}).json()
    assert body.get("response_rate") == 0.5, body
    assert [a["key"] for a in body["areas"]] == ["a1", "a2"]
    assert body["areas"][0]["score"] == pytest.approx((100 + 100 / 3) / 2)
    assert body["areas"][1]["score"] is None
    r1 = body["requirements"][0]
    assert r1 == {
        "key": "r1",
        "area": "a1",
        "counts": {"yes": 1, "partly": 0, "no": 0, "na": 0, "dont_know": 0},
        "score": 100.0,
        "answered": 1,
        "scored": 1,
    }
    assert {o["id"] for o in body["organisations"]} == {personas.org_a.pk, personas.org_b.pk}
    assert body["comparison"]["campaign"] == earlier.pk
    assert body["comparison"]["requirements"][0] == {
        "key": "r1",
        "score": 100.0,
        "previous": 0.0,
        "change": 100.0,
    }
    assert "comparison" not in client.get(f"/api/v1/campaigns/{campaign.pk}/summary").json()
    assert (
        client.get(f"/api/v1/campaigns/{campaign.pk}/summary", {"compare_to": 999999}).status_code
        == 400
    )
    assert (
        client.get(f"/api/v1/campaigns/{campaign.pk}/summary", {"organisation": "x"}).status_code
        == 400
    )


def test_summary_of_coordinator_b_holds_nothing_of_a(personas, campaign):
    f.submit(response_of(campaign, personas.unit_a), {"r1": "no", "r2": "0", "r3": "no"})
    body = (
        personas.api(personas.coordinator_b).get(f"/api/v1/campaigns/{campaign.pk}/summary").json()
    )
    assert body["responses"] == 1 and body["submitted"] == 0
    assert all(r["answered"] == 0 for r in body["requirements"])
    assert [o["id"] for o in body["organisations"]] == [personas.org_b.pk]
    comments = personas.api(personas.coordinator_b).get(f"/api/v1/campaigns/{campaign.pk}/comments")
    assert comments.json() == []


def test_export_xlsx(personas, campaign):
    from openpyxl import load_workbook

    f.submit(response_of(campaign, personas.unit_a), {"r1": "yes", "r2": "1", "r3": "na"}, r1="Bra")
    f.submit(
        response_of(campaign, personas.unit_b), {"r1": "no", "r2": "0", "r3": "no"}, r1="=SUM(A1)"
    )
    answer = personas.api(personas.city_coordinator).get(
        f"/api/v1/campaigns/{campaign.pk}/export.xlsx"
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Svar", "Sammanfattning", "Organisationer", "Enheter"]
    raw = book["Svar"]
    header = [c.value for c in raw[1]]
    assert header[:3] == ["Organisation", "Enhet", "Enhetskod"]
    assert raw.auto_filter.ref.startswith("A1:")
    rows = list(raw.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    assert ("Enhet B1" in {r[1] for r in rows}) and "'=SUM(A1)" in {r[-1] for r in rows}
    summary = [r for r in book["Sammanfattning"].iter_rows(min_row=2, values_only=True)]
    r1 = next(r for r in summary if r[1] == "r1")
    assert r1[7] == pytest.approx(50)  # yes 100 and no 0
    # Coordinator A's export holds A's unit only.
    own = personas.api(personas.coordinator_a).get(f"/api/v1/campaigns/{campaign.pk}/export.xlsx")
    book_a = load_workbook(io.BytesIO(own.content))
    units = {r[1] for r in book_a["Svar"].iter_rows(min_row=2, values_only=True)}
    assert units == {"Enhet A1"}
    assert {r[0] for r in book_a["Organisationer"].iter_rows(min_row=2, values_only=True)} == {
        "Förvaltning A"
    }
    assert {r[1] for r in book_a["Enheter"].iter_rows(min_row=2, values_only=True)} == {"Enhet A1"}


def test_report_pdf(personas, campaign, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    f.submit(response_of(campaign, personas.unit_a), {"r1": "yes", "r2": "1", "r3": "na"})
    f.submit(response_of(campaign, personas.unit_b), {"r1": "no", "r2": "0", "r3": "no"})
    api = personas.api(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.get(
            f"/api/v1/campaigns/{campaign.pk}/report.pdf",
            {"committee": "Kommunstyrelsen", "diary_number": "01326/21", "case_officer": "Eva J"},
        )
    assert started.status_code == 202  # it takes seconds: built by the worker
    answer = api.get(api.get(started["Location"]).json()["file_url"])
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "01326/21" in text and "Kommunstyrelsen" in text
    assert "Förvaltning A" in text
    assert "Förvaltning B" not in text


# ---- Query counts on hundreds of units -----------------------------------------------------


@pytest.fixture
def big(personas):
    f.many_units(personas.org_a, 200)
    f.many_units(personas.org_b, 150)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign, submitted_every=2)
    earlier = f.campaign(organisations=[personas.org_a, personas.org_b], title="Tidigare")
    f.answer_in_bulk(earlier, submitted_every=3)
    return campaign, earlier


def test_query_counts_do_not_grow(personas, big, django_assert_max_num_queries):
    campaign, earlier = big
    assert campaign.responses.count() == 352
    city = personas.api(personas.city_coordinator)
    base = f"/api/v1/campaigns/{campaign.pk}"
    # auth (token, user) + the named queries of each selector
    with django_assert_max_num_queries(8):
        assert city.get(f"{base}/progress").status_code == 200
    with django_assert_max_num_queries(8):
        rows = city.get(f"{base}/responses").json()
    assert len(rows) == 352
    # The comparison reads the registry's successor links in one query (selectors.successors).
    with django_assert_max_num_queries(13):
        body = city.get(f"{base}/summary", {"compare_to": earlier.pk}).json()
    assert body["submitted"] == 176
    with django_assert_max_num_queries(8):
        assert len(city.get("/api/v1/campaigns").json()) == 2
    with django_assert_max_num_queries(8):
        assert len(city.get(f"{base}/comments").json()) == 1
    with django_assert_max_num_queries(20):
        assert city.get(f"{base}/export.xlsx").status_code == 200
    response = campaign.responses.exclude(status=ResponseStatus.SUBMITTED).first()
    with django_assert_max_num_queries(8):
        assert city.get(f"/api/v1/responses/{response.pk}/answers").status_code == 200


def test_summary_agrees_with_the_export(personas, big):
    from openpyxl import load_workbook

    campaign, _earlier = big
    city = personas.api(personas.city_coordinator)
    body = city.get(f"/api/v1/campaigns/{campaign.pk}/summary").json()
    book = load_workbook(
        io.BytesIO(city.get(f"/api/v1/campaigns/{campaign.pk}/export.xlsx").content)
    )
    scores: dict[str, list[float]] = {}
    for row in book["Svar"].iter_rows(min_row=2, values_only=True):
        if row[10] is not None:
            scores.setdefault(row[5], []).append(row[10])
    for requirement in body["requirements"]:
        values = scores.get(requirement["key"], [])
        expected = sum(values) / len(values) if values else None
        assert requirement["score"] == pytest.approx(expected)


# ---- Actions -----------------------------------------------------------------------------


def action_body(personas, **overrides):
    body = {
        "organisation": personas.unit_a.pk,
        "requirement": "r1",
        "title": "Ta fram en plan",
        "description": "Enheten tar fram en plan.",
        "owner": "Enhetschef",
        "due": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "status": "planned",
    }
    body.update(overrides)
    return body


def test_actions_crud_and_filters(personas, campaign):
    client = personas.api(personas.coordinator_a)
    created = client.post("/api/v1/actions", action_body(personas, campaign=campaign.pk))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) >= {"id", "organisation", "requirement", "campaign", "title", "description",
                         "owner", "due", "status"}  # fmt: skip
    assert body["overdue"] is False
    late = client.post(
        "/api/v1/actions",
        action_body(personas, due=(timezone.localdate() - dt.timedelta(days=1)).isoformat()),
    ).json()
    assert late["overdue"] is True
    overdue = client.get("/api/v1/actions", {"overdue": "true"}).json()
    assert [a["id"] for a in overdue] == [late["id"]]
    patched = client.patch(f"/api/v1/actions/{late['id']}", {"status": "done"})
    assert patched.status_code == 200 and patched.json()["overdue"] is False
    assert client.get("/api/v1/actions", {"overdue": "true"}).json() == []
    assert len(client.get("/api/v1/actions", {"status": "planned"}).json()) == 1
    assert client.get("/api/v1/actions", {"status": "okänd"}).status_code == 400


def test_actions_are_scoped(personas):
    f.framework()
    own = personas.api(personas.coordinator_a).post("/api/v1/actions", action_body(personas)).json()
    client_b = personas.api(personas.coordinator_b)
    assert client_b.get("/api/v1/actions").json() == []
    assert client_b.get(f"/api/v1/actions/{own['id']}").status_code == 404
    assert client_b.patch(f"/api/v1/actions/{own['id']}", {"status": "done"}).status_code == 404
    refused = client_b.post("/api/v1/actions", action_body(personas))  # A's unit
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "organisation"
    assert client_b.get("/api/v1/actions", {"organisation": personas.unit_a.pk}).status_code == 400
    assert Action.objects.get().status == "planned"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requirement": "finns-inte"}, "requirement"),
        ({"organisation": 999999}, "organisation"),
        ({"due": "2021-02-30"}, "due"),
        ({"status": "klar"}, "status"),
        ({"title": ""}, "title"),
        ({"owner": "x" * 201}, "owner"),
        ({"campaign": 999999}, "campaign"),
        ({"description": "x" * 10_001}, "description"),
    ],
)
def test_bad_actions_are_400(personas, overrides, field):
    f.framework()
    answer = personas.api(personas.city_coordinator).post(
        "/api/v1/actions", action_body(personas, **overrides)
    )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["errors"][0]["field"] == field
    assert not Action.objects.exists()


def test_nul_and_odd_text_in_queries_and_bodies_is_400(personas, campaign):
    f.framework()
    client = personas.api(personas.city_coordinator)
    assert client.get("/api/v1/actions", {"requirement": "a\x00b"}).status_code == 400
    assert (
        client.get(f"/api/v1/campaigns/{campaign.pk}/comments", {"requirement": "\x00"}).status_code
        == 400
    )
    created = client.post("/api/v1/actions", action_body(personas, requirement="r1\x00"))
    assert created.status_code == 400
    put = client.put(
        f"/api/v1/responses/{response_of(campaign, personas.unit_a).pk}/answers",
        [{"requirement": "r1\x00", "value": "yes\x00"}],
    )
    assert put.status_code == 400
    assert not Action.objects.exists() and not Answer.objects.exists()


def test_report_parameters_are_validated(personas, campaign):
    client = personas.api(personas.city_coordinator)
    url = f"/api/v1/campaigns/{campaign.pk}/report.pdf"
    assert client.get(url, {"committee": "nul\x00"}).status_code == 400
    assert client.get(url, {"date": "2021-13-01"}).status_code == 400
    assert client.get(url, {"case_officer": "x" * 201}).status_code == 400
