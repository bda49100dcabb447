"""Pages of actions: list with filters (overdue marked in words), create and edit with the
requirement picked by key, scoped, bad input refused, flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jamlik.assessments import services
from jamlik.assessments.models import Action
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(personas):
    f.framework("1")
    today = timezone.localdate()
    late = services.action_create(
        actor=None,
        organisation=personas.unit_a,
        requirement="r1",
        title="Ta fram rutin",
        owner="HR-chef",
        due=today - dt.timedelta(days=10),
    )
    other = services.action_create(
        actor=None,
        organisation=personas.org_b,
        requirement="r2",
        title="B:s åtgärd",
        owner="Förvaltningsdirektör",
        due=today + dt.timedelta(days=10),
        status="in_progress",
    )
    return late, other


def data(personas, **overrides):
    values = {
        "title": "Utbilda chefer",
        "requirement": "r3",
        "organisation": personas.org_a.pk,
        "campaign": "",
        "description": "Halvdag om kränkande särbehandling.",
        "owner": "HR-specialist",
        "due": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "status": "planned",
    }
    values.update(overrides)
    return values


def test_list_marks_overdue_in_words_and_is_scoped(personas, actions):
    page = personas.web(personas.coordinator_a).get("/assessments/actions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ta fram rutin" in html and "Försenad" in html and "r1" in html
    assert "B:s åtgärd" not in html
    city = personas.web(personas.city_coordinator).get("/assessments/actions/").content.decode()
    assert "Ta fram rutin" in city and "B:s åtgärd" in city and "Pågår" in city


def test_filters(personas, actions):
    web = personas.web(personas.city_coordinator)
    overdue = web.get("/assessments/actions/", {"overdue": "on"}).content.decode()
    assert "Ta fram rutin" in overdue and "B:s åtgärd" not in overdue
    by_status = web.get("/assessments/actions/", {"status": "in_progress"}).content.decode()
    assert "B:s åtgärd" in by_status and "Ta fram rutin" not in by_status
    by_org = web.get("/assessments/actions/", {"organisation": personas.org_a.pk}).content.decode()
    assert "Ta fram rutin" in by_org and "B:s åtgärd" not in by_org
    for bad in ({"status": "x"}, {"organisation": "x"}, {"organisation": "999999999999999999999"}):
        assert web.get("/assessments/actions/", bad).status_code == 400
    # A's coordinator cannot filter on B.
    mine = personas.web(personas.coordinator_a)
    reply = mine.get("/assessments/actions/", {"organisation": personas.org_b.pk})
    assert reply.status_code == 400 and "B:s åtgärd" not in reply.content.decode()


def test_create_with_requirement_picked_by_key(personas, actions):
    web = personas.web(personas.coordinator_a)
    form = web.get("/assessments/actions/new/?requirement=r2")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Krav tre (r3)" in html and "<optgroup" in html
    assert "Enhet A1" in html and "Förvaltning B" not in html
    reply = web.post("/assessments/actions/new/", data(personas))
    assert reply.status_code == 302
    action = Action.objects.get(title="Utbilda chefer")
    assert action.requirement_key == "r3" and action.organisation == personas.org_a


def test_create_tied_to_a_campaign(personas, actions):
    campaign = f.campaign(organisations=[personas.org_a])
    web = personas.web(personas.coordinator_a)
    reply = web.post("/assessments/actions/new/", data(personas, campaign=campaign.pk))
    assert reply.status_code == 302
    assert Action.objects.get(title="Utbilda chefer").campaign == campaign


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"title": ""}, "får inte vara tomt"),
        ({"title": "x" * 201}, "200"),
        ({"owner": "a\x00b"}, "styrtecken"),
        ({"requirement": "okänt"}, "giltigt alternativ"),
        ({"requirement": ""}, "obligatoriskt"),
        ({"due": "2021-02-30"}, "giltigt datum"),
        ({"due": ""}, "obligatoriskt"),
        ({"status": "finished"}, "giltigt alternativ"),
        ({"description": "x" * 10_001}, "10000"),
        ({"campaign": "999999"}, "giltigt alternativ"),
    ],
)
def test_bad_input_changes_nothing(personas, actions, overrides, text):
    web = personas.web(personas.coordinator_a)
    before = Action.objects.count()
    reply = web.post("/assessments/actions/new/", data(personas, **overrides))
    assert reply.status_code == 400
    html = reply.content.decode().replace("\u00a0", "")
    assert 'role="alert"' in html and text in html
    assert Action.objects.count() == before


def test_other_organisations_ids_are_refused(personas, actions):
    _late, other = actions
    web = personas.web(personas.coordinator_a)
    reply = web.post("/assessments/actions/new/", data(personas, organisation=personas.org_b.pk))
    assert reply.status_code == 400
    assert not Action.objects.filter(title="Utbilda chefer").exists()
    only_b = f.campaign(organisations=[personas.org_b], title="Bara B")
    reply = web.post("/assessments/actions/new/", data(personas, campaign=only_b.pk))
    assert reply.status_code == 400
    # Editing B's action by URL guessing: 404, nothing changed.
    assert web.get(f"/assessments/actions/{other.pk}/edit/").status_code == 404
    assert web.post(f"/assessments/actions/{other.pk}/edit/", data(personas)).status_code == 404
    other.refresh_from_db()
    assert other.title == "B:s åtgärd"


def test_edit(personas, actions):
    late, _other = actions
    web = personas.web(personas.coordinator_a)
    page = web.get(f"/assessments/actions/{late.pk}/edit/")
    assert page.status_code == 200 and "Ta fram rutin" in page.content.decode()
    reply = web.post(
        f"/assessments/actions/{late.pk}/edit/",
        data(
            personas,
            title="Ta fram rutin",
            requirement="r1",
            status="done",
            organisation=personas.unit_a.pk,
        ),
    )
    assert reply.status_code == 302
    late.refresh_from_db()
    assert late.status == "done"
    bad = web.post(f"/assessments/actions/{late.pk}/edit/", data(personas, due="nonsense"))
    assert bad.status_code == 400
    late.refresh_from_db()
    assert late.status == "done"


def test_query_counts(personas, django_assert_max_num_queries):
    f.framework("1")
    f.many_units(personas.org_a, 120)
    campaign = f.campaign(organisations=[personas.org_a])
    Action.objects.bulk_create(
        [
            Action(
                organisation=personas.unit_a,
                requirement_key="r1",
                campaign=campaign,
                title=f"Åtgärd {i}",
                owner="HR",
                due=timezone.localdate() - dt.timedelta(days=i % 5),
            )
            for i in range(300)
        ]
    )
    for user in (personas.city_coordinator, personas.coordinator_a):
        web = personas.web(user)
        with django_assert_max_num_queries(10):
            assert web.get("/assessments/actions/").status_code == 200
        with django_assert_max_num_queries(10):
            assert (
                web.get("/assessments/actions/", {"overdue": "on", "page": "2"}).status_code == 200
            )
        with django_assert_max_num_queries(12):
            assert web.get("/assessments/actions/new/").status_code == 200
