"""What the Assessments endpoints share: the router, limits, the field types of their own
(dates, requirement keys; times and ids come from ``core.schemas``), naive times made
Stockholm time, organisations named by id in a body, and JSON answers built by hand."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse
from ninja import Router

from jamlik.assessments.inputs import MAX_ANSWERS_PER_REQUEST, DateIn, Key
from jamlik.core.schemas import (
    MAX_IDS,
    DateTimeIn,
    DateTimeOut,
    Ids,
    organisation_refs,
)
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

__all__ = ["MAX_IDS", "DateIn", "DateTimeIn", "DateTimeOut", "Ids", "Key"]

router = Router(tags=["assessments"])

MAX_ANSWERS = MAX_ANSWERS_PER_REQUEST
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisations(ids: list[int], *, field: str, user: Any) -> list[Organisation]:
    """Organisations named by id in a body, within the caller's scope (else 400)."""
    return organisation_refs(ids, field=field, scope=scope_for(user))


def _json(data: Any, response: HttpResponse | None = None) -> JsonResponse:
    """Answer exactly this JSON (optional keys left out rather than null), keeping the
    X-Total-Count header that ``paginate`` set."""
    answer = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    if response is not None and response.has_header("X-Total-Count"):
        answer["X-Total-Count"] = response["X-Total-Count"]
    return answer
