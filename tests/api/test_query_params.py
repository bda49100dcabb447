"""Every query parameter of every GET operation, walked from the OpenAPI document, answers
odd values with a 4xx, never a 5xx (issue 9, item 5): NUL (PostgreSQL refuses it in text and
answered 500), a 1 MB value, -1 and text where a number is expected. Lists also get odd
``limit`` and ``offset``. NUL and other control characters are refused by one middleware
(jamlik.core.input_guard) on every path, API or page; in a path they are a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from jamlik.core import services as core_services
from tests.api.conftest import openapi_document, operations

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000


def _is_list(operation: dict) -> bool:
    for status in ("200", 200):
        schema = (
            operation.get("responses", {})
            .get(status, {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
        )
        if schema.get("type") == "array":
            return True
    return False


GETS = [
    (path, operation)
    for method, path, operation in operations()
    if method == "get" and (_is_list(operation) or operation.get("parameters"))
]


def _query_parameters(operation: dict, *, paginated: bool) -> list[tuple[str, dict]]:
    """The declared query parameters; ``limit`` and ``offset`` (read by ``paginate``, not
    declared) as numbers where the list is paginated, as ignored text elsewhere."""
    params = [
        (p["name"], p.get("schema", {}))
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    ]
    if _is_list(operation):
        number = {"type": "integer"} if paginated else {}
        params += [("limit", number), ("offset", number)]
    return params


def _is_number(schema: dict) -> bool:
    kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
    return bool(kinds & {"integer", "number"})


@pytest.fixture
def admin(world) -> Client:
    client = Client()
    token = core_services.api_token_create(actor=None, user=world.personas.admin)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_the_walk_finds_the_filters():
    paths = {path for path, _operation in GETS}
    assert "/api/v1/organisations" in paths
    assert "/api/v1/examples" in paths
    assert "/api/v1/events/{event_id}/registrations" in paths
    assert "/api/v1/campaigns/{campaign_id}/report.pdf" in paths
    assert len(paths) >= 20
    assert "/api/v1/openapi.json" not in paths
    assert openapi_document()["paths"]


@pytest.mark.parametrize(("path", "operation"), GETS, ids=[p for p, _o in GETS])
def test_odd_query_values_are_a_4xx_never_a_5xx(world, admin, path, operation):
    url = world.path(path)
    plain = admin.get(url)
    assert plain.status_code in (200, 202), plain.content[:300]  # 202: a file job
    for name, schema in _query_parameters(operation, paginated=plain.has_header("X-Total-Count")):
        response = admin.get(url, {name: "\0"})
        assert response.status_code == 400, (name, "NUL", response.status_code)
        assert response.json()["code"] == "invalid"
        for value in (MEGABYTE, "-1", "abc", "1e400", "١٢"):
            response = admin.get(url, {name: value})
            assert response.status_code < 500, (name, value[:10], response.status_code)
            if response.status_code >= 400:
                assert set(response.json()) == {"detail", "code", "errors"}
        if _is_number(schema):
            response = admin.get(url, {name: "abc"})
            assert response.status_code == 400, (name, "abc", response.status_code)


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=a%00b", "q=%01", "kind=%1b", "%00=1", "q=%7f"],
)
def test_control_characters_in_a_query_are_refused_with_the_error_body(world, admin, query):
    response = admin.get(f"/api/v1/organisations?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "invalid"


def test_a_typed_tab_or_line_break_in_a_query_value_passes(world, admin):
    assert admin.get("/api/v1/examples", {"q": "a\tb\r\nc"}).status_code == 200


def test_nul_in_the_examples_search_is_a_400_in_swedish(world, admin):
    response = admin.get("/api/v1/examples?q=%00", headers={"Accept-Language": "sv"})
    assert response.status_code == 400
    assert "styrtecken" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/public/links/%00",
        "/api/v1/public/registrations/abc%00def",
        "/api/v1/public/responses/%01/answers",
        "/api/v1/organisations/%00",
    ],
)
def test_control_characters_in_a_path_name_nothing(world, admin, path):
    """Nothing is named with a control character: 404 with the error body, as for any
    unknown token or id, before a lookup could reach the database."""
    response = admin.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_pages_answer_a_control_character_in_the_path_with_the_404_page(world):
    client = Client()
    client.force_login(world.personas.admin)
    response = client.get("/organisations/%00/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_pages_keep_their_own_answers_to_nul_in_fields(world):
    """Pages refuse NUL next to the field (their forms) or ignore it (their filters): the
    guard leaves them to it, and nothing fails."""
    client = Client()
    client.force_login(world.personas.admin)
    assert client.get("/organisations/", {"q": "\0"}).status_code == 200
    response = client.post("/login/", {"username": "admin\0", "password": "x"})
    assert response.status_code < 500


def test_a_form_field_with_nul_is_refused_on_the_api(world, admin):
    response = admin.post(
        "/api/v1/public/lost-link",
        "event=1&email=a%00b",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
