"""Answers (PUT semantics and validation), submitting, reopening and the kept versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jamlik.assessments import services
from jamlik.assessments.models import Answer, ResponseStatus, ResponseVersion
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.models import AuditEntry
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(personas):
    return f.campaign(organisations=[personas.org_a]).responses.get()


def answers_of(response):
    return {
        a.requirement.key: (a.value, a.comment, a.normalised)
        for a in Answer.objects.filter(response=response).select_related("requirement")
    }


def test_put_replaces_named_answers_and_leaves_the_others(response):
    f.answer(response, {"r1": "yes", "r2": "1"}, {"r1": "Vi har en plan."})
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    f.answer(response, {"r2": "2"})
    assert answers_of(response) == {
        "r1": ("yes", "Vi har en plan.", 100.0),
        "r2": ("2", "", pytest.approx(200 / 3)),
    }
    # Naming r1 again without a comment replaces its comment too.
    f.answer(response, {"r1": "na"})
    assert answers_of(response)["r1"] == ("na", "", None)


def test_item_without_value_keeps_a_comment_and_empty_item_removes(response):
    services.answers_save(
        actor=None, response=response, answers=[{"requirement": "r3", "comment": "Utkast"}]
    )
    assert answers_of(response)["r3"] == ("", "Utkast", None)
    services.answers_save(
        actor=None, response=response, answers=[{"requirement": "r3", "value": None, "comment": ""}]
    )
    assert "r3" not in answers_of(response)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"requirement": "okänt", "value": "yes"}, "1.requirement"),
        ({"requirement": "r2", "value": "yes"}, "1.value"),  # r2 uses the maturity scale
        ({"requirement": "r3", "value": "3"}, "1.value"),
        ({"requirement": "r3", "value": "yes", "comment": "x" * 5001}, "1.comment"),
        ({"requirement": "r3", "value": "yes", "comment": "nul\x00tecken"}, "1.comment"),
        ({"requirement": "r1", "value": "no"}, "1.requirement"),  # given twice
        ({"requirement": 17, "value": "yes"}, "1.requirement"),
    ],
)
def test_bad_items_change_nothing(response, item, field):
    f.answer(response, {"r1": "partly"})
    before = answers_of(response)
    with pytest.raises(Invalid) as info:
        services.answers_save(
            actor=None, response=response, answers=[{"requirement": "r1", "value": "yes"}, item]
        )
    assert info.value.errors[0]["field"] == field
    assert answers_of(response) == before


def test_submit_requires_every_requirement(response):
    f.answer(response, {"r1": "yes", "r2": "1"})
    with pytest.raises(services.Incomplete) as info:
        services.response_submit(actor=None, response=response)
    assert [e["field"] for e in info.value.errors] == ["r3"]
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    assert not ResponseVersion.objects.exists()


def test_comment_only_is_not_an_answer(response):
    f.answer(response, {"r1": "yes", "r2": "1"})
    services.answers_save(
        actor=None, response=response, answers=[{"requirement": "r3", "comment": "Oklart"}]
    )
    with pytest.raises(services.Incomplete):
        services.response_submit(actor=None, response=response)


def test_submit_locks_and_keeps_a_version(personas, response):
    f.answer(response, {"r1": "yes", "r2": "1", "r3": "dont_know"}, {"r3": "Frågar HR."})
    version = services.response_submit(actor=personas.coordinator_a, response=response)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_at is not None
    assert response.submitted_by == personas.coordinator_a.display_name
    assert version.number == 1
    assert version.submitted_by_user == personas.coordinator_a
    assert version.answers == [
        {"requirement": "r1", "value": "yes", "label": "Uppfyllt", "score": 100.0, "comment": ""},
        {
            "requirement": "r2",
            "value": "1",
            "label": "1 – påbörjat",
            "score": pytest.approx(100 / 3),
            "comment": "",
        },
        {
            "requirement": "r3",
            "value": "dont_know",
            "label": "Vet ej",
            "score": None,
            "comment": "Frågar HR.",
        },
    ]
    assert AuditEntry.objects.filter(action="assessments.response.submitted").count() == 1
    # Locked for everybody until reopened.
    with pytest.raises(services.ResponseLocked):
        f.answer(response, {"r1": "no"})
    with pytest.raises(services.ResponseLocked):
        services.answers_save(
            actor=None,
            response=response,
            answers=[{"requirement": "r1", "value": "no"}],
            by_respondent=True,
        )
    with pytest.raises(services.ResponseLocked):
        services.response_submit(actor=None, response=response)
    assert answers_of(response)["r1"][0] == "yes"


def test_reopen_keeps_the_earlier_version(personas, response):
    f.submit(response, {"r1": "no", "r2": "0", "r3": "no"})
    with pytest.raises(NotFound):
        services.response_reopen(actor=personas.coordinator_b, response=response)
    services.response_reopen(actor=personas.coordinator_a, response=response, reason="Fel svar")
    response.refresh_from_db()
    assert response.status == ResponseStatus.REOPENED
    f.answer(response, {"r1": "yes"})
    response.refresh_from_db()
    assert response.status == ResponseStatus.REOPENED  # until submitted again
    services.response_submit(
        actor=None, response=response, by_respondent=True, submitted_by="Kim Chef"
    )
    versions = list(response.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].answers[0]["value"] == "no"
    assert versions[1].answers[0]["value"] == "yes"
    assert versions[1].submitted_by.startswith("Kim Chef")
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


def test_reopen_only_a_submitted_response(personas, response):
    with pytest.raises(services.NotSubmitted):
        services.response_reopen(actor=personas.coordinator_a, response=response)


def test_respondent_only_while_open_unless_reopened(personas):
    now = timezone.now()
    future = f.campaign(
        organisations=[personas.org_a],
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=5),
    ).responses.get()
    past = f.campaign(
        organisations=[personas.org_a],
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(days=1),
    ).responses.get()
    item = [{"requirement": "r1", "value": "yes"}]
    for response in (future, past):
        with pytest.raises(services.NotOpen):
            services.answers_save(actor=None, response=response, answers=item, by_respondent=True)
    # Staff may enter answers after the close, e.g. from paper.
    f.submit(past)
    services.response_reopen(actor=personas.city_coordinator, response=past)
    services.answers_save(actor=None, response=past, answers=item, by_respondent=True)


def test_staff_outside_scope_cannot_change(personas, response):
    with pytest.raises(NotFound):
        services.answers_save(
            actor=personas.coordinator_b,
            response=response,
            answers=[{"requirement": "r1", "value": "yes"}],
        )
    services.answers_save(
        actor=personas.coordinator_a,
        response=response,
        answers=[{"requirement": "r1", "value": "yes"}],
    )
