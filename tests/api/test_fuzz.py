"""Schema-driven fuzzing of the whole API (schemathesis): whatever the generated input,
never a 5xx. Scoping is tested per app; this is about robustness.

By default a short run as the administrator (15 examples per operation) over the small world
of tests/api/conftest.py, whose ids stand in for about half of the generated path
parameters so that requests reach real objects; about half of the cases also get one
hostile value (NUL, a lone surrogate, a number beyond bigint, …) in a query parameter or
body field. ``FUZZ_EXAMPLES=N`` makes it the long run
(``make fuzz``): N examples per operation as the administrator and again as an org
coordinator, with the number of calls and of 5xx answers printed at the end::

    DATABASE_URL= FUZZ_EXAMPLES=30 .venv/bin/pytest -q -p no:xdist tests/api/test_fuzz.py
    FUZZ_EXAMPLES=30 .ci/with-postgres .venv/bin/pytest -q -p no:xdist tests/api/test_fuzz.py

``FUZZ_CONFORMANCE=1`` also checks that every status answered is one the document lists.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from jamlik.core import services as core_services
from jamlik.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)
LONG = EXAMPLES > 0
PERSONAS = ["admin", "org_coordinator"] if LONG else ["admin"]
CHECKS = [not_a_server_error]
if os.environ.get("FUZZ_CONFORMANCE"):
    CHECKS.append(status_code_conformance)

# Calls and answers by status class, per persona; printed by tests/api/conftest.py.
STATS: Counter[str] = Counter()
SERVER_ERRORS: list[str] = []

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Schemathesis calls the WSGI app directly, whose request signals would close the test's
    database connection (it is inside the test transaction); the test client avoids the same
    by disconnecting them, as this fixture does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=PERSONAS)
def caller(request, world) -> tuple[str, str]:
    """(persona, bearer token): the administrator reaches everything; an org coordinator
    meets the role rules and the scoping."""
    personas = world.personas
    user = personas.admin if request.param == "admin" else personas.coordinator_a
    return request.param, core_services.api_token_create(actor=None, user=user)


def _aim_at_the_world(case, world) -> None:
    """Replace the generated path parameters by the world's ids for about half of the cases
    (chosen from the generated values, so a failing example replays the same way)."""
    if not case.path_parameters:
        return
    seed = zlib.crc32(json.dumps(case.path_parameters, sort_keys=True, default=str).encode())
    if seed % 2:
        return
    concrete = world.path(case.path)
    names = re.findall(r"\{(\w+)\}", case.path)
    pattern = re.escape(case.path)
    for name in names:
        pattern = pattern.replace(re.escape("{" + name + "}"), "([^/]+)", 1)
    match = re.fullmatch(pattern, concrete)
    if match:
        for name, value in zip(names, match.groups(), strict=True):
            current = case.path_parameters.get(name)
            case.path_parameters[name] = int(value) if isinstance(current, int) else value


# Values that random generation rarely hits and that have broken APIs before: NUL (PostgreSQL
# refuses it in text), lone surrogates (not encodable), huge numbers (beyond bigint), text
# where numbers go. One of them replaces a generated value in about half of the cases.
HOSTILE_TEXT = ["\x00", "a\x00b", "\u202e\U0001f389", "x" * 100_000, "-1", "1e400", "%00", "../"]
HOSTILE_BODY_TEXT = [*HOSTILE_TEXT, "\ud800"]
HOSTILE_NUMBERS = [2**63, -(2**63) - 1, 10**30, -1, 0]


def _add_hostile_value(case) -> None:
    seed = zlib.crc32(
        json.dumps(
            [case.query, case.body, case.path_parameters], sort_keys=True, default=str
        ).encode("utf-8", "surrogatepass")
    )
    if seed % 2:
        return
    pick = seed // 2
    if case.query and (pick % 2 == 0 or not case.body):
        name = sorted(case.query)[pick % len(case.query)]
        case.query[name] = HOSTILE_TEXT[pick % len(HOSTILE_TEXT)]
        return
    body = case.body[0] if isinstance(case.body, list) and case.body else case.body
    if isinstance(body, dict) and body:
        name = sorted(body)[pick % len(body)]
        if isinstance(body[name], bool) or not isinstance(body[name], (int, str)):
            return
        if isinstance(body[name], int):
            body[name] = HOSTILE_NUMBERS[pick % len(HOSTILE_NUMBERS)]
        elif (case.media_type or "").startswith("multipart/"):
            # A multipart body is bytes on the wire: a lone surrogate cannot be sent at all.
            body[name] = HOSTILE_TEXT[pick % len(HOSTILE_TEXT)]
        else:
            body[name] = HOSTILE_BODY_TEXT[pick % len(HOSTILE_BODY_TEXT)]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES or 15,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_errors(case, caller, world):
    persona, token = caller
    _aim_at_the_world(case, world)
    _add_hostile_value(case)
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    STATS[f"{persona} calls"] += 1
    STATS[f"{persona} {response.status_code // 100}xx"] += 1
    if response.status_code >= 500:
        SERVER_ERRORS.append(f"{persona} {case.method} {case.formatted_path}")
    case.validate_response(response, checks=CHECKS)
