"""Query counts of the delegation's pages do not grow with the data
(docs/quality.md#query-discipline): the response pages with their assignments section and
the API's list with more assignments, and the colleague's page with more requirements handed
to it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jamlik.assessments import services
from jamlik.assessments.models import Response
from jamlik.assessments.services.assignments import assignment_answers_save, assignment_create
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db

REQUIREMENTS = 30


def framework():
    """Three areas of ten requirements each."""
    areas = []
    for a in range(3):
        requirements = "".join(
            f"""
      - key: r{a * 10 + r}
        text: Krav {a * 10 + r}
        reference: "Lag {a * 10 + r} §"
"""
            for r in range(10)
        )
        areas.append(f"  - key: a{a}\n    title: Område {a}\n    requirements:{requirements}")
    source = f"""\
key: test-delegering
version: "1"
title: Delegeringsramverk
scales:
  compliance:
    - {{value: "yes", label: Uppfyllt, score: 2}}
    - {{value: "no", label: Ej uppfyllt, score: 0}}
default_scale: compliance
areas:
{"".join(areas)}"""
    return services.framework_load(source=source, name="delegering.yaml").framework


@pytest.fixture
def responses(personas):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], fw=framework())
    found = campaign.responses.select_related("campaign", "unit")
    return found.get(unit=personas.unit_a), found.get(unit=personas.unit_b)


def assign(response: Response, n: int, keys: list[str] | None = None) -> list:
    """``n`` assignments of three requirements each (or ``keys``); each colleague answers
    their first requirement."""
    made = []
    for i in range(n):
        handed = keys or [f"r{(i + k) % REQUIREMENTS}" for k in range(3)]
        assignment = assignment_create(
            actor=None,
            response=response,
            data={
                "email": f"kollega{i}@a.example",
                "name": f"Kollega {i}",
                "requirement_keys": handed,
            },
            by_respondent=True,
        )
        assignment_answers_save(
            assignment=assignment, answers=[{"requirement": handed[0], "value": "yes"}]
        )
        made.append(assignment)
    return made


def count(client, method: str, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def test_response_pages_and_api_do_not_grow_with_assignments(personas, responses):
    small, large = responses
    assign(small, 3)
    assign(large, 30)
    web = personas.web(personas.city_coordinator)
    api = personas.api(personas.city_coordinator)
    api.get("/api/v1/frameworks")  # the token's first use is recorded once: not measured
    listed = api.get(f"/api/v1/responses/{large.pk}/assignments").json()
    assert len(listed) == 30
    staff_page = web.get(f"/assessments/responses/{large.pk}/").content.decode()
    assert "Kollega 29" in staff_page
    assert "Kollega 29" in Client().get(large.respondent_path).content.decode()
    pages = {
        "staff response page": (web, lambda r: f"/assessments/responses/{r.pk}/"),
        "respondent page": (Client(), lambda r: r.respondent_path),
        "assignments api": (api, lambda r: f"/api/v1/responses/{r.pk}/assignments"),
    }
    figures = {
        name: (count(client, "get", url(small)), count(client, "get", url(large)))
        for name, (client, url) in pages.items()
    }
    print("queries (3 assignments, 30 assignments):", figures)
    grown = {name: f for name, f in figures.items() if f[1] != f[0]}
    assert not grown, grown


def test_colleague_page_does_not_grow_with_the_requirements_handed_out(responses):
    small, large = responses
    few = assign(small, 1, keys=["r0", "r1"])[0]
    many = assign(large, 1, keys=[f"r{n}" for n in range(REQUIREMENTS)])[0]
    web = Client()
    page = web.get(many.path).content.decode()
    assert f"Krav {REQUIREMENTS - 1}" in page
    figures = (count(web, "get", few.path), count(web, "get", many.path))
    print("queries of the colleague's page (2 requirements, 30 requirements):", figures)
    assert figures[1] == figures[0], figures
