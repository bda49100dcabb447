"""Every read of assessments, scoped to the caller.

Org coordinators see campaigns that reach into their subtree, and of those only their own
units' responses, answers, figures and actions (through ``core.scoping`` on the response's
unit or the action's organisation). Out of scope is 404.

The summary figures (``campaign_summary``) are aggregate queries: a handful of GROUP BY
statements whatever the number of units, over ``Answer.normalised``, the answer's score on
0–100 stored when the answer was saved. Python only combines the aggregated rows (a few
hundred at most), never the answers themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.assessments.models import (
    OPEN_ACTION_STATUSES,
    Action,
    Answer,
    Area,
    Campaign,
    Framework,
    Requirement,
    Response,
    ResponseStatus,
    ResponseVersion,
)
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.lookups import get_or_404, valid_id
from jamlik.core.scoping import Scope, scope_for
from jamlik.orgs.models import Organisation

WEAKEST = 10
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
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first() if valid_id(pk) else None
    if organisation is None or not scope_for(user).covers(organisation):
        raise Invalid.field(field, _("Unknown organisation: %(id)s.") % {"id": pk})
    return organisation


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


# ---- The summary -------------------------------------------------------------------------


@dataclass
class RequirementResult:
    key: str
    area: str
    text: str
    reference: str
    order: int
    options: list[dict[str, Any]]  # the requirement's scale: value, label, score
    counts: dict[str, int]  # every value of the scale, 0 when nobody chose it
    answered: int = 0  # answers with a value (scored or not)
    scored: int = 0  # answers with a score
    score: float | None = None  # mean normalised score 0–100

    def label(self, value: str) -> str:
        return next((o["label"] for o in self.options if o["value"] == value), value)


@dataclass
class AreaResult:
    key: str
    title: str
    answered: int = 0
    scored: int = 0
    score: float | None = None


@dataclass
class OrganisationResult:
    id: int
    name: str
    responses: int
    submitted: int
    areas: dict[str, float | None]


@dataclass
class Change:
    key: str
    score: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class Comparison:
    campaign: int
    title: str
    areas: list[Change]
    requirements: list[Change]


@dataclass
class Summary:
    campaign: Campaign
    organisation: Organisation | None
    responses: int
    submitted: int
    areas: list[AreaResult]
    requirements: list[RequirementResult]
    organisations: list[OrganisationResult]
    comparison: Comparison | None = None

    @property
    def response_rate(self) -> float:
        return self.submitted / self.responses if self.responses else 0.0

    @property
    def weakest(self) -> list[RequirementResult]:
        scored = [r for r in self.requirements if r.score is not None]
        return sorted(scored, key=lambda r: (r.score, r.order))[:WEAKEST]

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "response_rate": self.response_rate,
            "responses": self.responses,
            "submitted": self.submitted,
            "areas": [
                {
                    "key": a.key,
                    "title": a.title,
                    "score": a.score,
                    "answered": a.answered,
                    "scored": a.scored,
                }
                for a in self.areas
            ],
            "requirements": [
                {
                    "key": r.key,
                    "area": r.area,
                    "counts": r.counts,
                    "score": r.score,
                    "answered": r.answered,
                    "scored": r.scored,
                }
                for r in self.requirements
            ],
            "organisations": [
                {
                    "id": o.id,
                    "name": o.name,
                    "responses": o.responses,
                    "submitted": o.submitted,
                    "areas": o.areas,
                }
                for o in self.organisations
            ],
            "weakest": [r.key for r in self.weakest],
        }
        if self.comparison is not None:
            body["comparison"] = {
                "campaign": self.comparison.campaign,
                "title": self.comparison.title,
                "areas": [_change(c) for c in self.comparison.areas],
                "requirements": [_change(c) for c in self.comparison.requirements],
            }
        return body


def _change(change: Change) -> dict[str, Any]:
    return {
        "key": change.key,
        "score": change.score,
        "previous": change.previous,
        "change": change.change,
    }


def _submitted_answers(
    campaign: Campaign, scope: Scope, organisation: Organisation | None
) -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status=ResponseStatus.SUBMITTED
    )
    answers = scope.filter(answers, via="response__unit")
    if organisation is not None:
        answers = answers.filter(response__unit__path__startswith=organisation.path)
    return answers.exclude(value="").order_by()


def _requirement_results(
    campaign: Campaign, scope: Scope, organisation: Organisation | None
) -> tuple[list[AreaResult], list[RequirementResult], dict[int, str]]:
    """Per requirement and value: count and sum of scores, one GROUP BY; areas pool their
    requirements' sums (the mean of every scored answer in the area). Also returns the
    area keys by id."""
    framework = campaign.framework
    prefetch_related_objects(
        [framework],
        Prefetch("areas", queryset=Area.objects.order_by("order")),
        Prefetch("requirements", queryset=Requirement.objects.order_by("order")),
    )
    structure = framework_structure(framework)
    rows = (
        _submitted_answers(campaign, scope, organisation)
        .values("requirement_id", "value")
        .annotate(n=Count("id"), scored=Count("normalised"), total=Sum("normalised"))
    )
    by_requirement: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_requirement[row["requirement_id"]].append(row)
    areas: list[AreaResult] = []
    requirements: list[RequirementResult] = []
    for area, area_requirements in structure:
        area_result = AreaResult(key=area.key, title=area.title)
        area_total = 0.0
        for requirement in area_requirements:
            options = framework.scale(requirement.scale_name)
            result = RequirementResult(
                key=requirement.key,
                area=area.key,
                text=requirement.text,
                reference=requirement.reference,
                order=requirement.order,
                options=options,
                counts={o["value"]: 0 for o in options},
            )
            total = 0.0
            for row in by_requirement.get(requirement.pk, []):
                result.counts[row["value"]] = result.counts.get(row["value"], 0) + row["n"]
                result.answered += row["n"]
                result.scored += row["scored"]
                total += row["total"] or 0.0
            if result.scored:
                result.score = total / result.scored
            area_result.answered += result.answered
            area_result.scored += result.scored
            area_total += total
            requirements.append(result)
        if area_result.scored:
            area_result.score = area_total / area_result.scored
        areas.append(area_result)
    return areas, requirements, {area.pk: area.key for area, _r in structure}


def _organisation_results(
    campaign: Campaign,
    scope: Scope,
    organisation: Organisation | None,
    area_keys: dict[int, str],
    counts: list[dict[str, Any]],
) -> list[OrganisationResult]:
    """The heat map: mean score per named organisation × area, one GROUP BY."""
    cells = (
        _submitted_answers(campaign, scope, organisation)
        .filter(normalised__isnull=False)
        .values("response__organisation_id", "requirement__area_id")
        .annotate(scored=Count("id"), total=Sum("normalised"))
    )
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    for cell in cells:
        key = area_keys.get(cell["requirement__area_id"])
        if key is not None and cell["scored"]:
            scores[cell["response__organisation_id"]][key] = cell["total"] / cell["scored"]
    names = dict(
        Organisation.objects.filter(pk__in=[c["organisation_id"] for c in counts]).values_list(
            "pk", "name"
        )
    )
    result = [
        OrganisationResult(
            id=c["organisation_id"],
            name=names.get(c["organisation_id"], ""),
            responses=c["responses"],
            submitted=c["submitted"],
            areas={key: scores[c["organisation_id"]].get(key) for key in area_keys.values()},
        )
        for c in counts
    ]
    return sorted(result, key=lambda o: (o.name.lower(), o.id))


def _response_counts(
    campaign: Campaign, scope: Scope, organisation: Organisation | None
) -> list[dict[str, Any]]:
    return list(
        _responses(campaign, scope, organisation)
        .order_by()
        .values("organisation_id")
        .annotate(
            responses=Count("id"),
            submitted=Count("id", filter=Q(status=ResponseStatus.SUBMITTED)),
        )
    )


def campaign_heat_map(
    *, user: Any, campaign: Campaign, organisation: Organisation | None = None
) -> list[OrganisationResult]:
    """The heat map alone: per named organisation of the campaign its units, submitted
    responses and mean score per area (four queries)."""
    scope = scope_for(user)
    area_keys = dict(
        Area.objects.filter(framework_id=campaign.framework_id).values_list("pk", "key")
    )
    counts = _response_counts(campaign, scope, organisation)
    return _organisation_results(campaign, scope, organisation, area_keys, counts)


def campaign_summary(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    heat_map: bool = True,
) -> Summary:
    """The campaign's figures over the submitted responses the user may see (within
    ``organisation`` when given): response rate, per area and requirement the answers and
    the score, the heat map of named organisations × areas, and optionally the comparison
    with an earlier campaign on the same requirement keys (same scope and filter)."""
    scope = scope_for(user)
    counts = _response_counts(campaign, scope, organisation)
    areas, requirements, area_keys = _requirement_results(campaign, scope, organisation)
    organisations: list[OrganisationResult] = []
    if heat_map:
        organisations = _organisation_results(campaign, scope, organisation, area_keys, counts)
    summary = Summary(
        campaign=campaign,
        organisation=organisation,
        responses=sum(c["responses"] for c in counts),
        submitted=sum(c["submitted"] for c in counts),
        areas=areas,
        requirements=requirements,
        organisations=organisations,
    )
    if compare_to is not None:
        previous_areas, previous_requirements, _keys = _requirement_results(
            compare_to, scope, organisation
        )
        before_area = {a.key: a.score for a in previous_areas}
        before_requirement = {r.key: r.score for r in previous_requirements}
        summary.comparison = Comparison(
            campaign=compare_to.pk,
            title=compare_to.title,
            areas=[Change(a.key, a.score, before_area.get(a.key)) for a in areas],
            requirements=[
                Change(r.key, r.score, before_requirement.get(r.key)) for r in requirements
            ],
        )
    return summary


@dataclass
class CommentItem:
    unit: str
    organisation: str
    value: str
    label: str
    comment: str


@dataclass
class CommentGroup:
    key: str
    text: str
    comments: list[CommentItem] = field(default_factory=list)


def campaign_comments(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    requirement: str | None = None,
) -> list[CommentGroup]:
    """The comments of submitted responses, grouped by requirement in framework order."""
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status=ResponseStatus.SUBMITTED
    ).exclude(comment="")
    answers = scope_for(user).filter(answers, via="response__unit")
    if organisation is not None:
        answers = answers.filter(response__unit__path__startswith=organisation.path)
    if requirement:
        answers = answers.filter(requirement__key=requirement)
    rows = answers.order_by("requirement__order", "response__unit__name", "pk").values_list(
        "requirement__key",
        "requirement__text",
        "requirement__scale_name",
        "response__unit__name",
        "response__organisation__name",
        "value",
        "comment",
    )
    framework = campaign.framework
    groups: dict[str, CommentGroup] = {}
    for key, text, scale_name, unit, org_name, value, comment in rows:
        group = groups.setdefault(key, CommentGroup(key=key, text=text))
        label = next(
            (o["label"] for o in framework.scale(scale_name) if o["value"] == value), value
        )
        group.comments.append(CommentItem(unit, org_name, value, label, comment))
    return list(groups.values())


# ---- Actions -----------------------------------------------------------------------------


def action_list(
    *,
    user: Any,
    organisation: Organisation | None = None,
    status: str | None = None,
    overdue: bool = False,
    campaign: Campaign | None = None,
    requirement: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Action]:
    actions = scope_for(user).filter(Action.objects.select_related("organisation"))
    if organisation is not None:
        actions = actions.filter(organisation__path__startswith=organisation.path)
    if status:
        actions = actions.filter(status=status)
    if overdue:
        actions = actions.filter(
            due__lt=today or timezone.localdate(), status__in=OPEN_ACTION_STATUSES
        )
    if campaign is not None:
        actions = actions.filter(campaign=campaign)
    if requirement:
        actions = actions.filter(requirement_key=requirement)
    return actions.order_by("due", "pk")


def action_get(*, user: Any, pk: Any) -> Action:
    return get_or_404(scope_for(user).filter(Action.objects.select_related("organisation")), pk)


def actions_for_requirements(
    *,
    user: Any,
    organisation: Organisation,
    keys: list[str] | None = None,
    include_descendants: bool = False,
    open_only: bool = False,
) -> dict[str, list[Action]]:
    """Actions by requirement key for an organisation: its own and those of the
    organisations above it (an administration's action concerns its units too), and with
    ``include_descendants`` those below it. ``user`` None is a unit's respondent, who sees
    the actions of their own unit and above. One query."""
    scope = scope_for(user) if user is not None else Scope(everything=True)
    ancestor_ids = [int(p) for p in organisation.path.strip("/").split("/") if p]
    where = Q(organisation_id__in=ancestor_ids)
    if include_descendants:
        where |= Q(organisation__path__startswith=organisation.path)
    actions = scope.filter(Action.objects.filter(where).select_related("organisation"))
    if keys is not None:
        actions = actions.filter(requirement_key__in=list(keys))
    if open_only:
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    result: dict[str, list[Action]] = defaultdict(list)
    for action in actions.order_by("due", "pk"):
        result[action.requirement_key].append(action)
    return dict(result)
