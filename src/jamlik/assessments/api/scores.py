"""The comparison files (docs/framework-keys.md): a campaign's scores per organisation and
requirement key (``jamlik-scores/1``, CSV and JSON) and a framework version's keys
(``jamlik-framework-keys/1``). The CSV here is for programs: ``,``-separated UTF-8
without BOM, English column names (the results page offers the Swedish Excel variant)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema

from jamlik.assessments import policies, scorefiles, selectors
from jamlik.assessments.api.common import router
from jamlik.assessments.selectors.scores import SCORES_FORMAT, campaign_scores_of, framework_keys
from jamlik.core.api import errors


class ScoresFilter(Schema):
    organisation: int | None = None


class ScoreRowOut(Schema):
    campaign_id: int
    campaign_title: str
    framework_key: str
    framework_version: str
    organisation_code: str
    organisation_name: str
    requirement_key: str
    area_key: str
    answered: int
    scored: int
    score: float | None
    counts: dict[str, int]


class ScoresCampaignOut(Schema):
    id: int
    title: str


class ScoresFrameworkOut(Schema):
    key: str
    version: str
    content_hash: str


class ScoresOut(Schema):
    format: str
    campaign: ScoresCampaignOut
    framework: ScoresFrameworkOut
    values: list[str]
    rows: list[ScoreRowOut]


class KeyRequirementOut(Schema):
    key: str
    text: str
    text_en: str
    reference: str


class KeyAreaOut(Schema):
    key: str
    title: str
    title_en: str
    requirements: list[KeyRequirementOut]


class KeyFrameworkOut(Schema):
    key: str
    version: str
    title: str
    title_en: str
    content_hash: str
    areas: list[KeyAreaOut]


class FrameworkKeysOut(Schema):
    format: str
    frameworks: list[KeyFrameworkOut]


def _scores(request: HttpRequest, campaign_id: int, filters: ScoresFilter) -> Any:
    policies.require(policies.may_see_results, request.user)
    return campaign_scores_of(
        user=request.user, campaign_pk=campaign_id, organisation_pk=filters.organisation
    )


@router.get("/campaigns/{campaign_id}/scores.csv", response={200: None, **errors(403)})
def campaign_scores_csv(
    request: HttpRequest, campaign_id: int, filters: Query[ScoresFilter]
) -> HttpResponse:
    """``jamlik-scores/1`` as CSV for programs: one row per organisation × requirement."""
    scores = _scores(request, campaign_id, filters)
    response = scorefiles.attachment(
        scorefiles.scores_csv(scores), scorefiles.scores_filename(scores, "csv"), "text/csv"
    )
    response["X-Jamlik-Format"] = SCORES_FORMAT
    return response


@router.get("/campaigns/{campaign_id}/scores.json", response={200: ScoresOut, **errors(403)})
def campaign_scores_json(
    request: HttpRequest, campaign_id: int, filters: Query[ScoresFilter]
) -> HttpResponse:
    """``jamlik-scores/1`` as JSON: the same rows as the CSV."""
    scores = _scores(request, campaign_id, filters)
    return scorefiles.attachment(
        scorefiles.scores_json(scores),
        scorefiles.scores_filename(scores, "json"),
        "application/json",
    )


@router.get("/frameworks/{framework_id}/keys.json", response=FrameworkKeysOut)
def framework_keys_json(request: HttpRequest, framework_id: int) -> HttpResponse:
    """``jamlik-framework-keys/1`` of one framework version."""
    framework = selectors.framework_get(user=request.user, pk=framework_id)
    return scorefiles.attachment(
        scorefiles.keys_json([framework_keys(framework)]),
        f"framework-keys-{framework.pk}.json",
        "application/json",
    )
