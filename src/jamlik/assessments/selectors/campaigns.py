"""Scoped reads of frameworks, campaigns (with completion per organisation) and
responses: answers, versions, the response behind a respondent's token. Out of scope is 404."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from jamlik.assessments.models import (
    Answer,
    Area,
    Campaign,
    Framework,
    Requirement,
    Response,
    ResponseStatus,
    ResponseVersion,
    SignOff,
)
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.lookups import get_or_404, valid_id
from jamlik.core.schemas import organisation_ref
from jamlik.core.scoping import Scope, scope_for
from jamlik.orgs.models import Organisation

# Respondent tokens are URL-safe base64; anything else (NUL included) is not looked up.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# ---- Frameworks --------------------------------------------------------------------------


def framework_list(*, user: Any) -> QuerySet[Framework]:
    """Frameworks with their areas and requirements (three queries for any number)."""
    return Framework.objects.prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("order")),
        Prefetch("requirements", queryset=Requirement.objects.order_by("order")),
    ).order_by("key", "version")


def framework_get(*, user: Any, pk: Any) -> Framework:
    return get_or_404(framework_list(user=user), pk)


def framework_ref(pk: Any, *, field: str = "framework") -> Framework:
    """The framework a request body names; unknown ids are a 400."""
    framework = Framework.objects.filter(pk=pk).first() if valid_id(pk) else None
    if framework is None:
        raise Invalid.field(field, _("Unknown framework: %(id)s.") % {"id": pk})
    return framework


def framework_structure(framework: Framework) -> list[tuple[Area, list[Requirement]]]:
    """Areas in order with their requirements, from a framework_list() object or two
    queries."""
    areas = list(framework.areas.all())
    by_area: dict[int, list[Requirement]] = defaultdict(list)
    for requirement in framework.requirements.all():
        by_area[requirement.area_id].append(requirement)
    return [(area, sorted(by_area[area.pk], key=lambda r: r.order)) for area in areas]


# ---- Campaigns ---------------------------------------------------------------------------


def _visible_campaigns(scope: Scope) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.all()
    if scope.everything:
        return campaigns
    if not scope.path:
        return campaigns.none()
    in_scope = Response.objects.filter(campaign=OuterRef("pk"), unit__path__startswith=scope.path)
    return campaigns.filter(Exists(in_scope))


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns the user may see: all for the city, those reaching into their subtree for
    an org coordinator."""
    return (
        _visible_campaigns(scope_for(user))
        .select_related("framework")
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.only("pk")))
        .order_by("-opens_at", "-id")
    )


def campaign_get(*, user: Any, pk: Any) -> Campaign:
    """One campaign the user may see (with its framework); 404 otherwise."""
    return get_or_404(_visible_campaigns(scope_for(user)).select_related("framework"), pk)


def campaign_ref(pk: Any, *, user: Any, field: str) -> Campaign:
    """A campaign named in a body or query: unknown or invisible ids are a 400."""
    campaigns = _visible_campaigns(scope_for(user)).select_related("framework")
    campaign = campaigns.filter(pk=pk).first() if valid_id(pk) else None
    if campaign is None:
        raise Invalid.field(field, _("Unknown campaign: %(id)s.") % {"id": pk})
    return campaign


def organisation_filter(pk: Any, *, user: Any, field: str = "organisation") -> Organisation | None:
    """The organisation a ``?organisation=`` filter names, within the user's scope; else 400."""
    return organisation_ref(pk, field=field, scope=scope_for(user))


def _responses(
    campaign: Campaign, scope: Scope, organisation: Organisation | None = None
) -> QuerySet[Response]:
    responses = scope.filter(Response.objects.filter(campaign=campaign), via="unit")
    if organisation is not None:
        responses = responses.filter(unit__path__startswith=organisation.path)
    return responses


@dataclass
class ProgressRow:
    organisation: int
    name: str
    units: int
    not_started: int
    draft: int
    submitted: int
    reopened: int
    signed_off: int = 0  # submitted and signed off by the named head

    @property
    def rate(self) -> float:
        return self.submitted / self.units if self.units else 0.0


def campaign_progress(
    *, user: Any, campaign: Campaign, organisation: Organisation | None = None
) -> list[ProgressRow]:
    """Status counts per named organisation of the campaign (two queries)."""
    counts = (
        _responses(campaign, scope_for(user), organisation)
        .order_by()
        .values("organisation_id")
        .annotate(
            units=Count("id"),
            not_started=Count("id", filter=Q(status=ResponseStatus.NOT_STARTED)),
            draft=Count("id", filter=Q(status=ResponseStatus.DRAFT)),
            submitted=Count("id", filter=Q(status=ResponseStatus.SUBMITTED)),
            reopened=Count("id", filter=Q(status=ResponseStatus.REOPENED)),
            signed_off_count=Count(
                "id",
                filter=Q(status=ResponseStatus.SUBMITTED, signed_off_at__isnull=False),
            ),
        )
    )
    rows = list(counts)
    names = dict(
        Organisation.objects.filter(pk__in=[r["organisation_id"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    result = [
        ProgressRow(
            organisation=r["organisation_id"],
            name=names.get(r["organisation_id"], ""),
            units=r["units"],
            not_started=r["not_started"],
            draft=r["draft"],
            submitted=r["submitted"],
            reopened=r["reopened"],
            signed_off=r["signed_off_count"],
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (r.name.lower(), r.organisation))


def progress_total(rows: list[ProgressRow]) -> ProgressRow:
    """The city-wide (or scope-wide) row."""
    return ProgressRow(
        organisation=0,
        name=_("Total"),
        units=sum(r.units for r in rows),
        not_started=sum(r.not_started for r in rows),
        draft=sum(r.draft for r in rows),
        submitted=sum(r.submitted for r in rows),
        reopened=sum(r.reopened for r in rows),
        signed_off=sum(r.signed_off for r in rows),
    )


# ---- Responses ---------------------------------------------------------------------------


def response_list(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    status: str | None = None,
) -> QuerySet[Response]:
    responses = _responses(campaign, scope_for(user), organisation).select_related(
        "unit", "organisation"
    )
    if status:
        responses = responses.filter(status=status)
    return responses.order_by("unit__path", "pk")


def response_get(*, user: Any, pk: Any) -> Response:
    """A response the user may see (through its unit); 404 otherwise."""
    responses = scope_for(user).filter(
        Response.objects.select_related("campaign", "campaign__framework", "unit", "organisation"),
        via="unit",
    )
    return get_or_404(responses, pk)


def response_for_token(token: str) -> Response:
    """The response of a respondent link; 404 for an unknown token."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        raise NotFound()
    response = (
        Response.objects.select_related("campaign", "campaign__framework", "unit", "organisation")
        .filter(token=token)
        .first()
    )
    if response is None:
        raise NotFound()
    return response


def answer_list(*, response: Response) -> list[Answer]:
    return list(response.answers.select_related("requirement").order_by("requirement__order"))


def response_versions(*, response: Response) -> QuerySet[ResponseVersion]:
    return response.versions.order_by("number")


def response_signoffs(*, response: Response) -> QuerySet[SignOff]:
    """The sign-offs of a response, oldest first, with the version each judges (one
    query); the caller has already reached the response through its scope."""
    return response.signoffs.select_related("version").order_by("signed_at", "id")
