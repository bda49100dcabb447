"""The JSON error body of docs/api.md#errors for every kind of failure, in Swedish unless asked."""

import pytest

pytestmark = pytest.mark.django_db


def _assert_error_body(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code
    assert body["detail"]
    return body


def test_missing_token_is_401_with_swedish_message(personas):
    body = _assert_error_body(personas.api().get("/api/v1/me"), 401, "unauthenticated")
    assert "API-token" in body["detail"]


def test_bad_token_is_401(api_client, personas):
    _assert_error_body(api_client("not-a-token").get("/api/v1/me"), 401, "unauthenticated")


def test_english_when_asked(personas):
    body = _assert_error_body(personas.api(language="en").get("/api/v1/me"), 401, "unauthenticated")
    assert body["detail"] == "A valid API token is required."


def test_users_endpoint_is_403_for_org_coordinator(personas):
    body = _assert_error_body(
        personas.api(personas.coordinator_a).get("/api/v1/users"), 403, "forbidden"
    )
    assert "samordnare" in body["detail"]


def test_unknown_object_is_404(personas):
    api = personas.api(personas.city_coordinator)
    _assert_error_body(api.get("/api/v1/organisations/999999"), 404, "not_found")
    _assert_error_body(api.get(f"/api/v1/organisations/{2**70}"), 404, "not_found")


def test_schema_error_is_400_with_field_errors(personas):
    api = personas.api(personas.city_coordinator)
    body = _assert_error_body(
        api.post("/api/v1/organisations", {"code": "X", "kind": "nope"}), 400, "invalid"
    )
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "kind"} <= fields


def test_body_that_is_not_json_is_400(personas):
    api = personas.api(personas.city_coordinator)
    _assert_error_body(api.post("/api/v1/organisations", "{not json"), 400, "invalid")


@pytest.mark.parametrize("query", ["limit=-1", "limit=abc", "offset=-5"])
def test_bad_pagination_is_400(personas, query):
    api = personas.api(personas.city_coordinator)
    _assert_error_body(api.get(f"/api/v1/organisations?{query}"), 400, "invalid")
