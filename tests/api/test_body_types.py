"""A body of the wrong type is a 400 with the JSON error body and changes nothing, on every
operation that takes a body (issue 9, item 4).

ninja's Schema validates a non-dict as an object whose attributes are the fields: ``"text"``
became a payload whose ``title`` was ``"text".title()``, ``[null, null]`` one with every
field at its default ("send to all"). The input schemas refuse anything but a JSON object
(jamlik.core.schemas.InputSchema); these tests walk the OpenAPI document so that a new
operation is covered the day it is added.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from pydantic import BaseModel

from jamlik.api import api
from jamlik.core.schemas import InputSchema
from jamlik.reviews.models import Review
from tests.api.conftest import operations

pytestmark = pytest.mark.django_db

WRONG_BODIES = ['"text"', "123", "[null, null]", "null", "true"]
WITH_BODY = [(m, p) for m, p, op in operations() if "requestBody" in op]


def _assert_error_body(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    assert body["code"] == "invalid"
    return body


def _send(client, method: str, path: str, body: str):
    return getattr(client, method)(
        path, data=body, content_type="application/json", headers=client.jamlik_headers
    )


@pytest.fixture
def admin_client(world):
    from django.test import Client

    from jamlik.core import services as core_services

    client = Client()
    token = core_services.api_token_create(actor=None, user=world.personas.admin)
    client.jamlik_headers = {"Authorization": f"Bearer {token}", "Accept-Language": "sv"}
    return client


def test_the_walk_finds_the_write_operations():
    found = {(m, p) for m, p in WITH_BODY}
    assert ("patch", "/api/v1/events/{event_id}") in found
    assert ("post", "/api/v1/reviews") in found
    assert ("put", "/api/v1/responses/{response_id}/answers") in found
    assert len(found) >= 35


@pytest.mark.parametrize(("method", "path"), WITH_BODY)
def test_a_body_that_is_not_an_object_is_refused_and_changes_nothing(
    world, admin_client, method, path
):
    url = world.path(path)
    before = world.snapshot()
    for body in WRONG_BODIES:
        _assert_error_body(_send(admin_client, method, url, body))
    assert world.snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/v1/events/{event_id}", "text"),
        ("post", "/api/v1/reviews", "AAA"),
        ("post", "/api/v1/events/{event_id}/links/send", [None, None]),
        ("post", "/api/v1/campaigns/{campaign_id}/invitations", [None, None]),
    ],
)
def test_the_reported_cases_change_nothing(world, admin_client, method, path, body):
    before = world.snapshot()
    _assert_error_body(_send(admin_client, method, world.path(path), json.dumps(body)))
    assert world.snapshot() == before  # title, reviews, queued mail, audit trail
    assert mail.outbox == []


def test_the_same_bodies_as_objects_still_work(world, admin_client):
    """The rule refuses only the wrong type: the reported endpoints take their objects."""
    url = world.path("/api/v1/events/{event_id}")
    response = _send(admin_client, "patch", url, json.dumps({"title": "Ny titel"}))
    assert response.status_code == 200, response.content
    assert world.snapshot()["event_title"] == "Ny titel"
    url = world.path("/api/v1/events/{event_id}/links/send")
    queued = world.snapshot()["outbox"]
    response = _send(admin_client, "post", url, "{}")
    assert response.status_code == 202, response.content
    assert response.json()["organisations"] == [world.personas.org_a.pk]
    assert world.snapshot()["outbox"] > queued or mail.outbox


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/reviews",
            {"title": "Fördjupning", "milestones": ["Workshop"]},
            "milestones.0",
        ),
        (
            "/api/v1/reviews",
            {"title": "Fördjupning", "milestones": [None]},
            "milestones.0",
        ),
    ],
)
def test_a_nested_object_of_the_wrong_type_is_refused(world, admin_client, path, body, field):
    reviews = Review.objects.count()
    error = _assert_error_body(_send(admin_client, "post", path, json.dumps(body)))
    assert field in {e["field"] for e in error["errors"]}
    assert Review.objects.count() == reviews


@pytest.mark.parametrize(
    "body",
    [
        {"title": "a\u0000b", "milestones": []},
        {"title": "Fördjupning", "diary_number": "KS\u00002021"},
        {"title": "Fördjupning", "campaigns": [], "committee": "\ud800"},
    ],
)
def test_nul_and_lone_surrogates_are_refused_in_any_string_of_a_body(world, admin_client, body):
    reviews = Review.objects.count()
    error = _assert_error_body(_send(admin_client, "post", "/api/v1/reviews", json.dumps(body)))
    assert error["errors"][0]["field"] in {"title", "diary_number", "committee"}
    assert Review.objects.count() == reviews


def test_nul_in_a_free_string_field_is_refused(world, admin_client):
    """``speakers`` has no text rule of its own; the input schema's rule still applies."""
    url = world.path("/api/v1/events/{event_id}/sessions/{session_id}")
    error = _assert_error_body(_send(admin_client, "patch", url, json.dumps({"speakers": "\0"})))
    assert error["errors"][0]["field"] == "speakers"


def test_optional_bodies_are_optional_but_not_null(world, admin_client):
    """Reopen and submit take an optional body: none is fine, ``null`` is the wrong type."""
    from jamlik.assessments.models import ResponseStatus
    from tests.factories.assessments import submit

    submit(world.response)
    url = world.path("/api/v1/responses/{response_id}/reopen")
    _assert_error_body(_send(admin_client, "post", url, "null"))
    world.response.refresh_from_db()
    assert world.response.status == ResponseStatus.SUBMITTED
    response = _send(admin_client, "post", url, "")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ResponseStatus.REOPENED


def _models(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation names, at any depth (list[X], X | None, …)."""
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
        for field in annotation.model_fields.values():
            found.extend(_models(field.annotation))
    for argument in getattr(annotation, "__args__", ()) or ():
        found.extend(_models(argument))
    return found


def test_every_body_schema_is_an_input_schema():
    """The rule lives in InputSchema: a body schema (or one nested in it) that is a plain
    ninja Schema would accept "text" again."""
    plain = set()
    for path_view in _path_views():
        for operation in path_view.operations:
            for model in operation.models:
                if model.__ninja_param_source__ != "body":
                    continue
                for field in model.model_fields.values():
                    for schema in _models(field.annotation):
                        if not issubclass(schema, InputSchema):
                            plain.add(f"{operation.view_func.__name__}: {schema.__name__}")
    assert not plain, sorted(plain)


def _path_views():
    for _prefix, router in api._routers:
        yield from router.path_operations.values()
