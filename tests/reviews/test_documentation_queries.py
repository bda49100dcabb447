"""Query counts of the yearly documentation's pages do not grow with the data
(docs/quality.md#query-discipline): the overview with more employers and versions, the editor
with more versions and with more answers and actions to prefill from, and an old version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jamlik.assessments import services as assessment_services
from jamlik.assessments.models import ActionStatus
from jamlik.orgs.models import Kind
from jamlik.reviews.services import documentation as service
from tests.factories import assessments as af
from tests.factories.orgs import OrganisationFactory
from tests.reviews.test_documentation import FRAMEWORK, YEAR

pytestmark = pytest.mark.django_db


def count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def companies(personas, n: int, versions: int) -> list:
    """``n`` companies under administration A, each with ``versions`` versions for YEAR."""
    made = []
    for _ in range(n):
        company = OrganisationFactory(kind=Kind.COMPANY, parent=personas.org_a)
        for v in range(versions):
            service.documentation_save(
                actor=None, organisation=company, year=YEAR, author=f"Författare {v}"
            )
        made.append(company)
    return made


def test_overview_does_not_grow_with_employers_and_versions(personas):
    web = personas.web(personas.city_coordinator)
    url = reverse("reviews:documentation")
    companies(personas, 3, 1)
    few = count(web, url, {"year": YEAR})
    companies(personas, 27, 3)
    many = count(web, url, {"year": YEAR})
    page = web.get(url, {"year": YEAR}).content.decode()
    assert page.count("Författare 2") >= 27  # the latest versions are shown
    print("queries of the overview (3 employers, 30 employers):", (few, many))
    assert many == few, (few, many)


def test_editor_and_version_page_do_not_grow_with_versions(personas):
    small, large = companies(personas, 1, 2)[0], companies(personas, 1, 20)[0]
    web = personas.web(personas.city_coordinator)
    figures = {}
    for name in ("documentation_edit", "documentation_version"):
        args = [YEAR, 1] if name == "documentation_version" else [YEAR]
        figures[name] = (
            count(web, reverse(f"reviews:{name}", args=[small.pk, *args])),
            count(web, reverse(f"reviews:{name}", args=[large.pk, *args])),
        )
    print("queries with versions (2 versions, 20 versions):", figures)
    grown = {name: f for name, f in figures.items() if f[1] != f[0]}
    assert not grown, grown


def answered_company(personas, framework, units: int, actions: int):
    """A company with ``units`` units whose answers to the YEAR campaign are submitted, and
    ``actions`` actions of that campaign; no version yet, so the editor prefills."""
    company = OrganisationFactory(kind=Kind.COMPANY, parent=personas.org_a)
    af.many_units(company, units)
    opens = timezone.make_aware(dt.datetime(YEAR, 9, 2, 8))
    campaign = af.campaign(
        organisations=[company], fw=framework, opens_at=opens, closes_at=opens + dt.timedelta(50)
    )
    af.answer_in_bulk(campaign)
    keys = list(framework.requirements.values_list("key", flat=True))
    for n in range(actions):
        assessment_services.action_create(
            actor=None,
            organisation=company,
            campaign=campaign,
            requirement=keys[n % len(keys)],
            title=f"Åtgärd {n}",
            owner="HR-chef",
            due=dt.date(2099, 6, 30),
            status=ActionStatus.DONE if n % 2 else ActionStatus.PLANNED,
        )
    return company


def test_editor_prefill_does_not_grow_with_answers_and_actions(personas):
    framework = assessment_services.framework_load(source=FRAMEWORK, name="d.yaml").framework
    small = answered_company(personas, framework, units=1, actions=2)
    large = answered_company(personas, framework, units=15, actions=30)
    web = personas.web(personas.city_coordinator)
    page = web.get(reverse("reviews:documentation_edit", args=[large.pk, YEAR])).content.decode()
    assert "Åtgärd 29" in page  # prefilled from the actions
    figures = (
        count(web, reverse("reviews:documentation_edit", args=[small.pk, YEAR])),
        count(web, reverse("reviews:documentation_edit", args=[large.pk, YEAR])),
    )
    print("queries of the prefilled editor (1 unit 2 actions, 15 units 30 actions):", figures)
    assert figures[1] == figures[0], figures
