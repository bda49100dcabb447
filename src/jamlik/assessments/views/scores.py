"""The results page's comparison files (docs/framework-keys.md): the campaign's scores per
organisation and requirement key, ``jamlik-scores/1``. The CSV here is for Swedish Excel
(``;``-separated UTF-8 with BOM, column names in the active language, decimal comma); the
JSON is the API's. Scoped as the results page: an org coordinator's rows are their
subtree's only, whatever the filter says."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jamlik.assessments import policies, scorefiles, selectors
from jamlik.assessments.selectors.scores import campaign_scores
from jamlik.core.errors import Invalid


def _organisation_id(raw: str | None) -> int | None:
    """The ``?organisation=`` filter as an id; anything but a whole number is a 400."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit():
        raise Invalid.field("organisation", _("Unknown organisation: %(id)s.") % {"id": raw[:20]})
    return int(raw)


def _scores(request: HttpRequest, pk: int) -> Any:
    policies.require(policies.may_see_results, request.user)
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    organisation = selectors.organisation_filter(
        _organisation_id(request.GET.get("organisation")), user=request.user
    )
    return campaign_scores(user=request.user, campaign=campaign, organisation=organisation)


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
