"""The input models of assessments (docs/decisions/0022-input-models.md): one test per rule,
and the API and the page giving the same field error for the same bad value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from jamlik.assessments.inputs import (
    MAX_ANSWERS_PER_REQUEST,
    MAX_REMINDER_DAYS,
    MAX_RESPONDENTS,
    VALUE_MAX,
    ActionChanges,
    ActionInput,
    CampaignIn,
    CampaignInput,
    CampaignPatch,
    ReopenIn,
    RespondentsIn,
    SubmitIn,
    answers_take,
)
from jamlik.core.errors import Invalid
from jamlik.core.inputs import Input
from jamlik.core.validation import COMMENT_MAX, NAME_MAX, TEXT_MAX
from tests.factories import assessments as f

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def campaign(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Självskattning",
        "opens_at": NOW,
        "closes_at": NOW + dt.timedelta(days=30),
        **overrides,
    }


def action(**overrides: Any) -> dict[str, Any]:
    return {
        "requirement": "r1",
        "title": "Ta fram rutin",
        "owner": "HR-chef",
        "due": "2025-06-30",
        **overrides,
    }


def errors_of(model: type[Input], data: dict[str, Any]) -> dict[str, str]:
    with override("en"), pytest.raises(Invalid) as info:
        model.take(data)
    return {e["field"]: str(e["message"]) for e in info.value.errors}


# ---- Campaigns ---------------------------------------------------------------------------


def test_campaign_title_is_required_and_not_blank():
    assert errors_of(CampaignInput, campaign(title="   ")) == {
        "title": "This field cannot be blank."
    }
    missing = campaign()
    del missing["title"]
    assert errors_of(CampaignInput, missing) == {"title": "This field is required."}


def test_campaign_title_has_at_most_name_max_characters():
    assert CampaignInput.take(campaign(title="x" * NAME_MAX)).title == "x" * NAME_MAX
    assert errors_of(CampaignInput, campaign(title="x" * (NAME_MAX + 1))) == {
        "title": f"At most {NAME_MAX} characters."
    }


def test_campaign_times_are_iso_text_and_naive_ones_stockholm_time():
    assert "opens_at" in errors_of(CampaignInput, campaign(opens_at=1_700_000_000))
    payload = CampaignInput.take(
        campaign(opens_at="2025-03-01T09:00", closes_at="2025-04-01T09:00")
    )
    assert timezone.is_aware(payload.opens_at)
    assert timezone.localtime(payload.opens_at).hour == 9


def test_campaign_closes_after_it_opens():
    assert errors_of(CampaignInput, campaign(closes_at=NOW)) == {
        "closes_at": "The campaign must close after it opens."
    }


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "Must be at least 0."),
        (MAX_REMINDER_DAYS + 1, f"Must be at most {MAX_REMINDER_DAYS}."),
        ("7", "Enter a whole number."),
        (True, "Enter a whole number."),
    ],
)
def test_reminder_interval_is_a_whole_number_of_days_in_range(days, message):
    assert errors_of(CampaignInput, campaign(reminder_interval_days=days)) == {
        "reminder_interval_days": message
    }
    assert CampaignInput.take(campaign(reminder_interval_days=MAX_REMINDER_DAYS))


def test_the_api_body_names_at_least_one_organisation():
    assert "organisations" in errors_of(CampaignIn, campaign(framework=1, organisations=[]))


def test_a_campaign_change_checks_the_dates_it_sends_and_ignores_nulls():
    assert errors_of(CampaignPatch, {"opens_at": NOW, "closes_at": NOW}) == {
        "closes_at": "The campaign must close after it opens."
    }
    patch = CampaignPatch.take({"title": None, "reminder_interval_days": 3})
    assert patch.changes() == {"reminder_interval_days": 3}


def test_respondents_are_valid_addresses_and_few():
    assert errors_of(RespondentsIn, {"respondents": ["ok@a.example", "inte en"]}) == {
        "respondents.1": "Enter a valid e-mail address."
    }
    many = [f"p{i}@a.example" for i in range(MAX_RESPONDENTS + 1)]
    assert errors_of(RespondentsIn, {"respondents": many}) == {"respondents": "Too many items."}


# ---- Responses ---------------------------------------------------------------------------


def test_answer_items_are_named_by_their_index():
    with override("en"), pytest.raises(Invalid) as info:
        answers_take(
            [
                {"requirement": "r1", "value": "yes"},
                {"requirement": "okänt"},
                {"requirement": "r3", "value": "x" * (VALUE_MAX + 1)},
                {"requirement": "r2", "comment": "x" * (COMMENT_MAX + 1)},
            ]
        )
    assert [e["field"] for e in info.value.errors] == ["1.requirement", "2.value", "3.comment"]


def test_at_most_max_answers_per_request():
    items = [{"requirement": "r1"}] * (MAX_ANSWERS_PER_REQUEST + 1)
    with pytest.raises(Invalid):
        answers_take(items)
    assert len(answers_take(items[:MAX_ANSWERS_PER_REQUEST])) == MAX_ANSWERS_PER_REQUEST


def test_submitted_by_is_an_optional_name():
    assert SubmitIn.take({}).submitted_by == ""
    assert "submitted_by" in errors_of(SubmitIn, {"submitted_by": "x" * (NAME_MAX + 1)})


def test_reopen_reason_is_an_optional_comment():
    assert ReopenIn.take({"reason": "  Fel svar "}).reason == "Fel svar"
    assert errors_of(ReopenIn, {"reason": "x" * (COMMENT_MAX + 1)}) == {
        "reason": f"At most {COMMENT_MAX} characters."
    }


# ---- Actions -----------------------------------------------------------------------------


def test_action_fields_are_required():
    assert set(errors_of(ActionInput, {})) == {"requirement", "title", "owner", "due"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "x" * (NAME_MAX + 1)),
        ("owner", "a\x00b"),
        ("description", "x" * (TEXT_MAX + 1)),
        ("due", "2021-02-30"),
        ("due", 20210101),
        ("status", "klar"),
        ("requirement", "r1 och r2"),
    ],
)
def test_action_field_rules(field, value):
    assert field in errors_of(ActionInput, action(**{field: value}))


def test_an_action_change_empties_the_description_on_null_but_keeps_the_rest():
    change = ActionChanges.take({"title": None, "description": None, "status": "done"})
    assert change.changes() == {"description": "", "status": "done"}


# ---- The API and the page say the same -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "x" * (NAME_MAX + 1)), ("title", "   "), ("reminder_interval_days", -1)],
)
def test_api_and_page_give_the_same_field_error(personas, field, value):
    framework = f.framework()
    now = timezone.now()
    body = {
        "title": "Självskattning",
        "framework": framework.pk,
        "organisations": [personas.org_a.pk],
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        field: value,
    }
    answer = personas.api(personas.city_coordinator, language="sv").post("/api/v1/campaigns", body)
    assert answer.status_code == 400
    api_error = answer.json()["errors"][0]
    assert api_error["field"] == field

    form = {
        **body,
        "opens_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "reminder_interval_days": "7",
        field: str(value),
    }
    page = personas.web(personas.city_coordinator).post("/assessments/campaigns/new/", form)
    assert page.status_code == 400
    assert page.context["form"].errors[field] == [api_error["message"]]
