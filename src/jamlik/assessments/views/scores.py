"""The results page's comparison files (docs/framework-keys.md): the campaign's scores per
organisation and requirement key, ``jamlik-scores/1``. The CSV here is for Swedish Excel
(``;``-separated UTF-8 with BOM, column names in the active language, decimal comma); the
JSON is the API's. Scoped as the results page: an org coordinator's rows are their
subtree's only, whatever the filter says."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jamlik.assessments import policies, scorefiles
from jamlik.assessments.selectors.scores import campaign_scores_of


def _scores(request: HttpRequest, pk: int) -> Any:
    policies.require(policies.may_see_results, request.user)
    return campaign_scores_of(
        user=request.user, campaign_pk=pk, organisation_pk=request.GET.get("organisation") or None
    )


@login_required
@require_GET
def campaign_scores_csv(request: HttpRequest, pk: int) -> HttpResponse:
    scores = _scores(request, pk)
    return scorefiles.attachment(
        scorefiles.scores_csv_excel(scores), scorefiles.scores_filename(scores, "csv"), "text/csv"
    )


@login_required
@require_GET
def campaign_scores_json(request: HttpRequest, pk: int) -> HttpResponse:
    scores = _scores(request, pk)
    return scorefiles.attachment(
        scorefiles.scores_json(scores),
        scorefiles.scores_filename(scores, "json"),
        "application/json",
    )
