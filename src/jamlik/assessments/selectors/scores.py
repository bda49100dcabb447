"""Scores per organisation and requirement key, and a framework's keys: the data behind the
comparison files of docs/framework-keys.md (``jamlik-scores/1`` and
``jamlik-framework-keys/1``; the files themselves are written by ``assessments.scorefiles``).

The scores reuse the summary's aggregation (``selectors.summary``): the same submitted
answers within the same scope, grouped in the database by the campaign's named
organisation (``Response.organisation``, the rows of the heat map) × requirement × value.
Python only combines the aggregated rows; the number of queries does not grow with the
number of units or answers (docs/decisions/0014-scores-normalised-and-stored.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Sum, prefetch_related_objects

from jamlik.assessments.models import Area, Campaign, Framework, Requirement
from jamlik.assessments.selectors.campaigns import (
    campaign_get,
    framework_structure,
    organisation_filter,
)
from jamlik.assessments.selectors.summary import _response_counts, _submitted_answers
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

SCORES_FORMAT = "jamlik-scores/1"
KEYS_FORMAT = "jamlik-framework-keys/1"


@dataclass
class ScoreRow:
    """One organisation × requirement: the answers of its submitted responses."""

    organisation_id: int
    organisation_code: str
    organisation_name: str
    requirement_key: str
    area_key: str
    values: list[str]  # the values of the requirement's scale, in its order
    counts: dict[str, int] = field(default_factory=dict)  # every value of the scale
    answered: int = 0  # answers with a value (scored or not)
    scored: int = 0  # answers with a score
    score: float | None = None  # mean normalised score 0–100, unrounded


@dataclass
class CampaignScores:
    campaign: Campaign
    framework: Framework
    values: list[str]  # every value of the framework's scales, in order of first appearance
    rows: list[ScoreRow]


def _load_structure(framework: Framework) -> list[tuple[Area, list[Requirement]]]:
    prefetch_related_objects(
        [framework],
        Prefetch("areas", queryset=Area.objects.order_by("order")),
        Prefetch("requirements", queryset=Requirement.objects.order_by("order")),
    )
    return framework_structure(framework)


def scale_values(framework: Framework) -> list[str]:
    """Every answer value of the framework's scales, each once, the default scale first."""
    names = [framework.default_scale, *sorted(set(framework.scales) - {framework.default_scale})]
    values: dict[str, None] = {}
    for name in names:
        for option in framework.scale(name):
            values.setdefault(str(option["value"]), None)
    return list(values)


def campaign_scores(
    *, user: Any, campaign: Campaign, organisation: Organisation | None = None
) -> CampaignScores:
    """Per named organisation of the campaign (those with responses the user may see) and
    per requirement of the framework: answered, scored, the mean score and the answers per
    value, over the submitted responses in the user's scope (within ``organisation`` when
    given). Every requirement has a row for every organisation, zeros when nobody answered.
    Ordered by organisation code, then the framework's order. Five queries whatever the
    size: response counts, the aggregate, organisations, areas, requirements."""
    scope = scope_for(user)
    framework = campaign.framework
    counts = _response_counts(campaign, scope, organisation)
    cells = (
        _submitted_answers(campaign, scope, organisation)
        .values("response__organisation_id", "requirement_id", "value")
        .annotate(n=Count("id"), scored=Count("normalised"), total=Sum("normalised"))
    )
    by_cell: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for cell in cells:
        by_cell[(cell["response__organisation_id"], cell["requirement_id"])].append(cell)
    organisation_ids = {c["organisation_id"] for c in counts} | {o for o, _r in by_cell}
    organisations = sorted(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "code", "name"),
        key=lambda o: (o[1].lower(), o[0]),
    )
    structure = _load_structure(framework)
    rows: list[ScoreRow] = []
    for pk, code, name in organisations:
        for area, requirements in structure:
            for requirement in requirements:
                values = [str(o["value"]) for o in framework.scale(requirement.scale_name)]
                row = ScoreRow(
                    organisation_id=pk,
                    organisation_code=code,
                    organisation_name=name,
                    requirement_key=requirement.key,
                    area_key=area.key,
                    values=values,
                    counts=dict.fromkeys(values, 0),
                )
                total = 0.0
                for cell in by_cell.get((pk, requirement.pk), []):
                    row.counts[cell["value"]] = row.counts.get(cell["value"], 0) + cell["n"]
                    row.answered += cell["n"]
                    row.scored += cell["scored"]
                    total += cell["total"] or 0.0
                if row.scored:
                    row.score = total / row.scored
                rows.append(row)
    return CampaignScores(
        campaign=campaign, framework=framework, values=scale_values(framework), rows=rows
    )


def campaign_scores_of(*, user: Any, campaign_pk: Any, organisation_pk: Any) -> CampaignScores:
    """The scores the page and the API hand out: the campaign and the ``?organisation=``
    filter looked up in the user's scope (404 / 400), then ``campaign_scores``."""
    campaign = campaign_get(user=user, pk=campaign_pk)
    organisation = organisation_filter(organisation_pk, user=user)
    return campaign_scores(user=user, campaign=campaign, organisation=organisation)


def framework_keys(framework: Framework) -> dict[str, Any]:
    """One framework's entry of ``jamlik-framework-keys/1``: its key, version and content
    hash, and every area and requirement key with the Swedish and English texts and the
    law reference, in the framework's order (two queries, none when prefetched)."""
    structure = _load_structure(framework)
    return {
        "key": framework.key,
        "version": framework.version,
        "title": framework.title,
        "title_en": framework.title_en,
        "content_hash": framework.source_hash,
        "areas": [
            {
                "key": area.key,
                "title": area.title,
                "title_en": area.title_en,
                "requirements": [
                    {
                        "key": requirement.key,
                        "text": requirement.text,
                        "text_en": requirement.text_en,
                        "reference": requirement.reference,
                    }
                    for requirement in requirements
                ],
            }
            for area, requirements in structure
        ],
    }
