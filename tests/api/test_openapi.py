"""The OpenAPI document lists the error answers of docs/api.md#status-codes (issue 9, item 7)
and is a valid document; the interactive docs load nothing from elsewhere and run no inline
script."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/ErrorBody"
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def document(client: Client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_the_document_is_valid_and_schemathesis_loads_it(document):
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()
    assert len(list(schema.get_all_operations())) == sum(1 for _ in _operations(document))


def test_the_error_body_is_a_component(document):
    components = document["components"]["schemas"]
    assert set(components["ErrorBody"]["properties"]) == {"detail", "code", "errors"}
    assert components["ErrorItem"]["required"] == ["field", "message"]


def test_every_operation_lists_the_errors_it_can_answer(document):
    operations = list(_operations(document))
    assert len(operations) >= 90
    for method, path, operation in operations:
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        expected = {"400", "503"}
        if operation.get("security"):
            expected.add("401")
        if "{" in path:
            expected.add("404")
        assert expected <= set(responses), (where, sorted(responses))
        if not operation.get("security"):
            assert "401" not in responses, where
        for status, answer in responses.items():
            if int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (where, status)
                assert answer["description"], (where, status)
        assert "Retry-After" in responses["503"]["headers"], where


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/v1/users", {"403"}),
        ("post", "/api/v1/users/{user_id}/tokens", {"403", "404"}),
        ("post", "/api/v1/events", {"403"}),
        ("patch", "/api/v1/events/{event_id}", {"403", "404", "409"}),
        ("delete", "/api/v1/events/{event_id}/allocations/{allocation_id}", {"403", "409"}),
        ("post", "/api/v1/public/links/{token}/registrations", {"404", "409"}),
        ("post", "/api/v1/public/approvals/{token}", {"409"}),
        ("post", "/api/v1/public/lost-link", {"404", "429"}),
        ("put", "/api/v1/responses/{response_id}/answers", {"409"}),
        ("put", "/api/v1/public/responses/{token}/answers", {"409"}),
        ("post", "/api/v1/campaigns", {"403"}),
        ("post", "/api/v1/reviews", {"403"}),
        ("get", "/api/v1/reviews/{review_id}/report.pdf", {"403"}),
        ("post", "/api/v1/events/{event_id}/breakouts", {"403", "409"}),
    ],
)
def test_role_rules_conflicts_and_rate_limits_are_listed(document, method, path, statuses):
    assert statuses <= set(document["paths"][path][method]["responses"])


@pytest.mark.parametrize(
    ("method", "path", "absent"),
    [
        ("get", "/api/v1/events", {"403", "404", "409"}),
        ("get", "/api/v1/me", {"403", "404"}),
        ("post", "/api/v1/organisations", {"404", "409"}),
        ("get", "/api/v1/public/links/{token}", {"401", "403"}),
    ],
)
def test_errors_an_operation_cannot_answer_are_not_listed(document, method, path, absent):
    assert not absent & set(document["paths"][path][method]["responses"])


def test_the_public_operations_need_no_token(document):
    for _method, path, operation in _operations(document):
        if path.startswith("/api/v1/public/"):
            assert not operation.get("security"), path
        else:
            assert operation.get("security"), path


# ---- The interactive docs --------------------------------------------------------------------


def test_the_docs_page_loads_only_our_own_files(client: Client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]*)\"", html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources), sources
    assert any(s.endswith("jamlik/api-docs.js") for s in sources), sources
    for source in sources:
        assert not re.match(r"(https?:)?//", source), source
        assert source.startswith("/static/"), source
    assert "cdn" not in html.lower()


def test_the_docs_page_has_no_inline_script(client: Client):
    html = client.get("/api/v1/docs").content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert "src=" in attributes, attributes
        assert body.strip() == "", body[:80]
    assert not re.search(r"\son\w+=", html), "inline event handler"


def test_the_docs_assets_are_our_static_files(client: Client):
    """Found by the static file finders, so collectstatic ships them (ninja is an app)."""
    html = client.get("/api/v1/docs").content.decode()
    for source in re.findall(r"(?:src|href)=\"/static/([^\"]*)\"", html):
        assert finders.find(source), source


def test_the_docs_page_points_at_the_document(client: Client):
    html = client.get("/api/v1/docs").content.decode()
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
