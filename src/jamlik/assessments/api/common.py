"""What the Assessments endpoints share: the router, limits, the field types of their own
(dates, requirement keys; times and ids come from ``core.schemas``), naive times made
Stockholm time, organisations named by id in a body, and JSON answers built by hand."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router
from pydantic import BeforeValidator

from jamlik.assessments import services
from jamlik.core.errors import Invalid
from jamlik.core.lookups import valid_id
from jamlik.core.schemas import (
    MAX_IDS,
    DateTimeIn,
    DateTimeOut,
    Ids,
)
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

__all__ = ["MAX_IDS", "DateTimeIn", "DateTimeOut", "Ids"]

router = Router(tags=["assessments"])

MAX_ANSWERS = services.common.MAX_ANSWERS_PER_REQUEST
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- Field types -------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    if isinstance(value, (str, dt.date)):
        return value
    raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))


DateIn = Annotated[dt.date, BeforeValidator(_iso_date)]
Key = Annotated[str, Field(max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


_MaybeTime = TypeVar("_MaybeTime", dt.datetime, None)


def _aware(value: _MaybeTime) -> _MaybeTime:
    """A time without an offset is Stockholm time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _organisations(ids: list[int], *, field: str, user: Any) -> list[Organisation]:
    """Organisations named by id in a body: unknown or out-of-scope → 400."""
    unique = list(dict.fromkeys(ids))
    found = {
        o.pk: o for o in Organisation.objects.filter(pk__in=[i for i in unique if valid_id(i)])
    }
    scope = scope_for(user)
    for pk in unique:
        organisation = found.get(pk)
        if organisation is None or not scope.covers(organisation):
            raise Invalid.field(field, _("Unknown organisation: %(id)s.") % {"id": pk})
    return [found[pk] for pk in unique]


def _json(data: Any, response: HttpResponse | None = None) -> JsonResponse:
    """Answer exactly this JSON (optional keys left out rather than null), keeping the
    X-Total-Count header that ``paginate`` set."""
    answer = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    if response is not None and response.has_header("X-Total-Count"):
        answer["X-Total-Count"] = response["X-Total-Count"]
    return answer
