"""The Assessments endpoints (docs/api.md#endpoints-assessments), thin: parse, one service
or selector, answer.

Staff endpoints use the bearer token of core.api and are scoped by the selectors; the
respondent's endpoints (``/public/responses/{token}/…``) have ``auth=None`` and take the
respondent link's token as their credential. Added beside the contract: campaign detail and
PATCH, invitations and reminders, comments, response detail, respondents and versions, and
the public response's context (framework, answers, actions).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema, Status
from pydantic import BeforeValidator, PlainSerializer, StrictInt

from jamlik.assessments import policies, report, reports, selectors, services
from jamlik.assessments.models import (
    Action,
    ActionStatus,
    Campaign,
    Framework,
    Response,
    ResponseStatus,
)
from jamlik.core.api import errors, paginate
from jamlik.core.errors import Invalid
from jamlik.core.lookups import valid_id
from jamlik.core.schemas import Comment, InputSchema, Name, OptionalName, OptionalText
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

router = Router(tags=["assessments"])

MAX_IDS = 1000
MAX_ANSWERS = services.common.MAX_ANSWERS_PER_REQUEST
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- Field types -------------------------------------------------------------------------


def _iso_text(value: Any) -> Any:
    """Times come as ISO 8601 text (numbers would be read as Unix seconds)."""
    if isinstance(value, (str, dt.datetime)):
        return value
    raise ValueError(_("Enter a valid date and time (ISO 8601)."))


def _iso_date(value: Any) -> Any:
    if isinstance(value, (str, dt.date)):
        return value
    raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))


def _local_iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


DateTimeIn = Annotated[dt.datetime, BeforeValidator(_iso_text)]
DateTimeOut = Annotated[dt.datetime, PlainSerializer(_local_iso, return_type=str)]
DateIn = Annotated[dt.date, BeforeValidator(_iso_date)]
Ids = Annotated[list[StrictInt], Field(max_length=MAX_IDS)]
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


# ---- Schemas -----------------------------------------------------------------------------


class ScaleOptionOut(Schema):
    value: str
    label: str
    score: float | None


class RequirementOut(Schema):
    key: str
    text: str
    reference: str
    guidance: str
    scale: list[ScaleOptionOut] | None = None
    check: bool = False


class AreaOut(Schema):
    key: str
    title: str
    description: str = ""
    requirements: list[RequirementOut]


class FrameworkOut(Schema):
    id: int
    key: str
    version: str
    title: str
    description: str
    areas: list[AreaOut]
    scale: list[ScaleOptionOut]
    locked: bool


def _requirement_out(framework: Framework, requirement: Any) -> dict[str, Any]:
    """A requirement; ``scale`` only when it has its own (it overrides the framework's,
    docs/rules.md#assessments-frameworks)."""
    out = {
        "key": requirement.key,
        "text": requirement.text,
        "reference": requirement.reference,
        "guidance": requirement.guidance,
        "check": requirement.needs_check,
    }
    if requirement.own_scale:
        out["scale"] = framework.scale(requirement.scale_name)
    return out


def _json(data: Any, response: HttpResponse | None = None) -> JsonResponse:
    """Answer exactly this JSON (optional keys left out rather than null), keeping the
    X-Total-Count header that ``paginate`` set."""
    answer = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    if response is not None and response.has_header("X-Total-Count"):
        answer["X-Total-Count"] = response["X-Total-Count"]
    return answer


def _framework_out(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.pk,
        "key": framework.key,
        "version": framework.version,
        "title": framework.title,
        "description": framework.description,
        "scale": framework.scale(),
        "locked": framework.locked,
        "areas": [
            {
                "key": area.key,
                "title": area.title,
                "description": area.description,
                "requirements": [_requirement_out(framework, r) for r in requirements],
            }
            for area, requirements in selectors.framework_structure(framework)
        ],
    }


class CampaignIn(InputSchema):
    title: Name
    framework: StrictInt
    organisations: Ids = Field(..., min_length=1)
    opens_at: DateTimeIn
    closes_at: DateTimeIn
    reminder_interval_days: StrictInt = Field(7, ge=0, le=services.common.MAX_REMINDER_DAYS)


class CampaignPatch(InputSchema):
    title: Name | None = None
    opens_at: DateTimeIn | None = None
    closes_at: DateTimeIn | None = None
    reminder_interval_days: StrictInt | None = Field(
        None, ge=0, le=services.common.MAX_REMINDER_DAYS
    )


class CampaignOut(Schema):
    id: int
    title: str
    framework: int = Field(..., validation_alias="framework_id")
    organisations: list[int]
    opens_at: DateTimeOut
    closes_at: DateTimeOut
    status: str
    reminder_interval_days: int
    created_at: DateTimeOut

    @staticmethod
    def resolve_organisations(campaign: Campaign) -> list[int]:
        return sorted(o.pk for o in campaign.organisations.all())


class ProgressOut(Schema):
    organisation: int
    name: str
    units: int
    not_started: int
    draft: int
    submitted: int
    reopened: int


class ResponseOut(Schema):
    id: int
    unit: int = Field(..., validation_alias="unit_id")
    organisation: int = Field(..., validation_alias="organisation_id")
    status: str
    submitted_at: DateTimeOut | None
    submitted_by: str
    respondent_url: str


class ResponseDetailOut(ResponseOut):
    campaign: int = Field(..., validation_alias="campaign_id")
    unit_name: str
    respondents: list[str]
    invited_at: DateTimeOut | None
    reminded_at: DateTimeOut | None

    @staticmethod
    def resolve_unit_name(response: Response) -> str:
        return response.unit.name


class ResponseFilter(Schema):
    organisation: int | None = None
    status: ResponseStatus | None = None


class AnswerIn(InputSchema):
    requirement: Key
    value: Annotated[str, Field(max_length=50)] | None = None
    comment: Comment = ""


class AnswerOut(Schema):
    requirement: str
    value: str
    label: str
    score: float | None
    comment: str
    updated_at: DateTimeOut


def _answers_out(response: Response) -> list[dict[str, Any]]:
    framework = response.campaign.framework
    answers = []
    for answer in selectors.answer_list(response=response):
        options = framework.scale(answer.requirement.scale_name)
        answers.append(
            {
                "requirement": answer.requirement.key,
                "value": answer.value,
                "label": next((o["label"] for o in options if o["value"] == answer.value), ""),
                "score": answer.normalised,
                "comment": answer.comment,
                "updated_at": answer.updated_at,
            }
        )
    return answers


class VersionOut(Schema):
    number: int
    submitted_at: DateTimeOut
    submitted_by: str
    answers: list[dict[str, Any]]


class SubmitIn(InputSchema):
    submitted_by: OptionalName = ""


class ReopenIn(InputSchema):
    reason: Comment = ""


# The bodies of reopen and submit are optional: without one these defaults apply, while a
# body that is there must be an object (a default of None would let ``null`` through).
_NO_NAME = SubmitIn()
_NO_REASON = ReopenIn()


class RespondentsIn(InputSchema):
    respondents: Annotated[list[str], Field(max_length=services.common.MAX_RESPONDENTS)]


class InviteIn(InputSchema):
    organisations: Ids = Field(default_factory=list)


class SentOut(Schema):
    messages: int


class SummaryFilter(Schema):
    organisation: int | None = None
    compare_to: int | None = None


class ReportFilter(SummaryFilter):
    """The first page of the committee's matter, all optional."""

    committee: OptionalName = ""
    date: dt.date | None = None
    diary_number: OptionalName = ""
    case_officer: OptionalName = ""
    summary: Comment = ""


class AreaScoreOut(Schema):
    key: str
    title: str
    score: float | None
    answered: int
    scored: int


class RequirementScoreOut(Schema):
    key: str
    area: str
    counts: dict[str, int]
    score: float | None
    answered: int
    scored: int


class OrganisationScoreOut(Schema):
    id: int
    name: str
    responses: int
    submitted: int
    areas: dict[str, float | None]


class ChangeOut(Schema):
    key: str
    score: float | None
    previous: float | None
    change: float | None


class ComparisonOut(Schema):
    campaign: int
    title: str
    areas: list[ChangeOut]
    requirements: list[ChangeOut]


class SummaryOut(Schema):
    response_rate: float
    responses: int
    submitted: int
    areas: list[AreaScoreOut]
    requirements: list[RequirementScoreOut]
    organisations: list[OrganisationScoreOut]
    weakest: list[str]
    comparison: ComparisonOut | None = None


class CommentOut(Schema):
    unit: str
    organisation: str
    value: str
    label: str
    comment: str


class CommentGroupOut(Schema):
    key: str
    text: str
    comments: list[CommentOut]


class CommentFilter(Schema):
    organisation: int | None = None
    requirement: Key | None = None


class ActionIn(InputSchema):
    organisation: StrictInt
    requirement: Key
    campaign: StrictInt | None = None
    title: Name
    description: OptionalText = ""
    owner: Name
    due: DateIn
    status: ActionStatus = ActionStatus.PLANNED


class ActionPatch(InputSchema):
    organisation: StrictInt | None = None
    requirement: Key | None = None
    campaign: StrictInt | None = None
    title: Name | None = None
    description: OptionalText | None = None
    owner: Name | None = None
    due: DateIn | None = None
    status: ActionStatus | None = None


class ActionOut(Schema):
    id: int
    organisation: int = Field(..., validation_alias="organisation_id")
    requirement: str = Field(..., validation_alias="requirement_key")
    campaign: int | None = Field(None, validation_alias="campaign_id")
    title: str
    description: str
    owner: str
    due: dt.date
    status: str
    overdue: bool
    created_at: DateTimeOut
    updated_at: DateTimeOut

    @staticmethod
    def resolve_overdue(action: Action) -> bool:
        return action.is_overdue()


class ActionFilter(Schema):
    organisation: int | None = None
    status: ActionStatus | None = None
    overdue: bool = False
    campaign: int | None = None
    requirement: Key | None = None


class PublicCampaignOut(Schema):
    id: int
    title: str
    opens_at: DateTimeOut
    closes_at: DateTimeOut
    status: str


class PublicUnitOut(Schema):
    id: int
    name: str


class PublicActionOut(Schema):
    requirement: str = Field(..., validation_alias="requirement_key")
    title: str
    owner: str
    due: dt.date
    status: str
    overdue: bool

    @staticmethod
    def resolve_overdue(action: Action) -> bool:
        return action.is_overdue()


class PublicResponseOut(Schema):
    campaign: PublicCampaignOut
    unit: PublicUnitOut
    status: str
    submitted_at: DateTimeOut | None
    framework: FrameworkOut
    answers: list[AnswerOut]
    actions: list[PublicActionOut]


# ---- Frameworks --------------------------------------------------------------------------


@router.get("/frameworks", response=list[FrameworkOut])
def list_frameworks(request: HttpRequest, response: HttpResponse) -> Any:
    frameworks = paginate(request, response, selectors.framework_list(user=request.user))
    return _json([_framework_out(framework) for framework in frameworks], response)


@router.get("/frameworks/{framework_id}", response=FrameworkOut)
def get_framework(request: HttpRequest, framework_id: int) -> Any:
    return _json(_framework_out(selectors.framework_get(user=request.user, pk=framework_id)))


# ---- Campaigns ---------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.campaign_list(user=request.user))


@router.post("/campaigns", response={201: CampaignOut, **errors(403)})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Any:
    policies.require(policies.may_manage_campaigns, request.user)
    campaign = services.campaign_create(
        actor=request.user,
        title=payload.title,
        framework=selectors.framework_ref(payload.framework),
        organisations=_organisations(
            payload.organisations, field="organisations", user=request.user
        ),
        opens_at=_aware(payload.opens_at),
        closes_at=_aware(payload.closes_at),
        reminder_interval_days=payload.reminder_interval_days,
    )
    return Status(201, selectors.campaign_get(user=request.user, pk=campaign.pk))


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return selectors.campaign_get(user=request.user, pk=campaign_id)


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **errors(403)})
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    for name in ("opens_at", "closes_at"):
        if name in data:
            data[name] = _aware(data[name])
    services.campaign_update(actor=request.user, campaign=campaign, **data)
    return selectors.campaign_get(user=request.user, pk=campaign_id)


@router.get("/campaigns/{campaign_id}/progress", response=list[ProgressOut])
def campaign_progress(request: HttpRequest, campaign_id: int) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    return selectors.campaign_progress(user=request.user, campaign=campaign)


@router.get("/campaigns/{campaign_id}/responses", response=list[ResponseOut])
def list_responses(
    request: HttpRequest, response: HttpResponse, campaign_id: int, filters: Query[ResponseFilter]
) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    responses = selectors.response_list(
        user=request.user,
        campaign=campaign,
        organisation=selectors.organisation_filter(filters.organisation, user=request.user),
        status=filters.status.value if filters.status else None,
    )
    return paginate(request, response, responses)


@router.post("/campaigns/{campaign_id}/invitations", response={202: SentOut, **errors(409)})
def send_invitations(request: HttpRequest, campaign_id: int, payload: InviteIn) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    organisations = _organisations(payload.organisations, field="organisations", user=request.user)
    sent = services.campaign_invite(
        actor=request.user, campaign=campaign, organisations=organisations or None
    )
    return Status(202, {"messages": sent})


@router.post("/campaigns/{campaign_id}/reminders", response={202: SentOut})
def send_reminders(request: HttpRequest, campaign_id: int) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    return Status(
        202, {"messages": services.campaign_remind(actor=request.user, campaign=campaign)}
    )


def _summary_args(request: HttpRequest, campaign_id: int, filters: SummaryFilter) -> dict:
    return {
        "user": request.user,
        "campaign": selectors.campaign_get(user=request.user, pk=campaign_id),
        "organisation": selectors.organisation_filter(filters.organisation, user=request.user),
        "compare_to": (
            selectors.campaign_ref(filters.compare_to, user=request.user, field="compare_to")
            if filters.compare_to is not None
            else None
        ),
    }


@router.get("/campaigns/{campaign_id}/summary", response=SummaryOut)
def campaign_summary(request: HttpRequest, campaign_id: int, filters: Query[SummaryFilter]) -> Any:
    summary = selectors.campaign_summary(**_summary_args(request, campaign_id, filters))
    return _json(summary.as_api())  # "comparison" only when asked for


@router.get("/campaigns/{campaign_id}/comments", response=list[CommentGroupOut])
def campaign_comments(request: HttpRequest, campaign_id: int, filters: Query[CommentFilter]) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    return selectors.campaign_comments(
        user=request.user,
        campaign=campaign,
        organisation=selectors.organisation_filter(filters.organisation, user=request.user),
        requirement=filters.requirement,
    )


def _filename(campaign: Campaign, suffix: str) -> str:
    return f"sjalvskattning-{campaign.pk}.{suffix}"


@router.get("/campaigns/{campaign_id}/export.xlsx", response={200: None})
def campaign_export(request: HttpRequest, campaign_id: int, filters: Query[SummaryFilter]) -> Any:
    args = _summary_args(request, campaign_id, filters)
    content = reports.campaign_xlsx(**args)
    answer = HttpResponse(content, content_type=XLSX)
    answer["Content-Disposition"] = f'attachment; filename="{_filename(args["campaign"], "xlsx")}"'
    return answer


@router.get("/campaigns/{campaign_id}/report.pdf", response={200: None})
def campaign_report(request: HttpRequest, campaign_id: int, filters: Query[ReportFilter]) -> Any:
    args = _summary_args(request, campaign_id, filters)
    matter = report.Matter(
        committee=filters.committee,
        date=filters.date,
        diary_number=filters.diary_number,
        case_officer=filters.case_officer,
        summary=filters.summary,
    )
    content = report.campaign_report_pdf(matter=matter, **args)
    answer = HttpResponse(content, content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{_filename(args["campaign"], "pdf")}"'
    return answer


# ---- Responses ---------------------------------------------------------------------------


@router.get("/responses/{response_id}", response=ResponseDetailOut)
def get_response(request: HttpRequest, response_id: int) -> Any:
    return selectors.response_get(user=request.user, pk=response_id)


@router.put("/responses/{response_id}/respondents", response=ResponseDetailOut)
def set_respondents(request: HttpRequest, response_id: int, payload: RespondentsIn) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.response_respondents_set(
        actor=request.user, response=response, emails=payload.respondents
    )
    return selectors.response_get(user=request.user, pk=response_id)


@router.get("/responses/{response_id}/answers", response=list[AnswerOut])
def get_answers(request: HttpRequest, response_id: int) -> Any:
    return _answers_out(selectors.response_get(user=request.user, pk=response_id))


@router.put("/responses/{response_id}/answers", response={200: list[AnswerOut], **errors(409)})
def put_answers(
    request: HttpRequest,
    response_id: int,
    payload: Body[Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS)]],
) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.answers_save(
        actor=request.user, response=response, answers=[a.model_dump() for a in payload]
    )
    return _answers_out(response)


@router.post("/responses/{response_id}/submit", response={200: ResponseDetailOut, **errors(409)})
def submit_response(request: HttpRequest, response_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.response_submit(actor=request.user, response=response)
    return selectors.response_get(user=request.user, pk=response_id)


@router.post("/responses/{response_id}/reopen", response={200: ResponseDetailOut, **errors(409)})
def reopen_response(request: HttpRequest, response_id: int, payload: ReopenIn = _NO_REASON) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.response_reopen(actor=request.user, response=response, reason=payload.reason)
    return selectors.response_get(user=request.user, pk=response_id)


@router.get("/responses/{response_id}/versions", response=list[VersionOut])
def list_versions(request: HttpRequest, response_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    return selectors.response_versions(response=response)


# ---- The respondent's link ---------------------------------------------------------------


@router.get("/public/responses/{token}", response=PublicResponseOut, auth=None)
def public_response(request: HttpRequest, token: str) -> Any:
    response = selectors.response_for_token(token)
    framework = selectors.framework_get(user=None, pk=response.campaign.framework_id)
    actions = selectors.actions_for_requirements(user=None, organisation=response.unit)
    return {
        "campaign": {
            "id": response.campaign.pk,
            "title": response.campaign.title,
            "opens_at": response.campaign.opens_at,
            "closes_at": response.campaign.closes_at,
            "status": response.campaign.status,
        },
        "unit": {"id": response.unit.pk, "name": response.unit.name},
        "status": response.status,
        "submitted_at": response.submitted_at,
        "framework": _framework_out(framework),
        "answers": _answers_out(response),
        "actions": [a for items in actions.values() for a in items],
    }


@router.get("/public/responses/{token}/answers", response=list[AnswerOut], auth=None)
def public_get_answers(request: HttpRequest, token: str) -> Any:
    return _answers_out(selectors.response_for_token(token))


@router.put(
    "/public/responses/{token}/answers",
    response={200: list[AnswerOut], **errors(409)},
    auth=None,
)
def public_put_answers(
    request: HttpRequest,
    token: str,
    payload: Body[Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS)]],
) -> Any:
    response = selectors.response_for_token(token)
    services.answers_save(
        actor=None,
        response=response,
        answers=[a.model_dump() for a in payload],
        by_respondent=True,
    )
    return _answers_out(response)


class PublicSubmittedOut(Schema):
    status: str
    submitted_at: DateTimeOut | None
    version: int


@router.post(
    "/public/responses/{token}/submit",
    response={200: PublicSubmittedOut, **errors(409)},
    auth=None,
)
def public_submit(request: HttpRequest, token: str, payload: SubmitIn = _NO_NAME) -> Any:
    response = selectors.response_for_token(token)
    version = services.response_submit(
        actor=None,
        response=response,
        by_respondent=True,
        submitted_by=payload.submitted_by,
    )
    return {"status": ResponseStatus.SUBMITTED, "submitted_at": version.submitted_at,
            "version": version.number}  # fmt: skip


# ---- Actions -----------------------------------------------------------------------------


def _action_data(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("organisation") is not None:
        (data["organisation"],) = _organisations(
            [data["organisation"]], field="organisation", user=request.user
        )
    if "campaign" in data and data["campaign"] is not None:
        data["campaign"] = selectors.campaign_ref(
            data["campaign"], user=request.user, field="campaign"
        )
    if data.get("status") is not None:
        data["status"] = ActionStatus(data["status"]).value
    return data


@router.get("/actions", response=list[ActionOut])
def list_actions(request: HttpRequest, response: HttpResponse, filters: Query[ActionFilter]) -> Any:
    actions = selectors.action_list(
        user=request.user,
        organisation=selectors.organisation_filter(filters.organisation, user=request.user),
        status=filters.status.value if filters.status else None,
        overdue=filters.overdue,
        campaign=(
            selectors.campaign_ref(filters.campaign, user=request.user, field="campaign")
            if filters.campaign is not None
            else None
        ),
        requirement=filters.requirement,
    )
    return paginate(request, response, actions)


@router.post("/actions", response={201: ActionOut})
def create_action(request: HttpRequest, payload: ActionIn) -> Any:
    data = _action_data(request, payload.model_dump())
    return Status(201, services.action_create(actor=request.user, **data))


@router.get("/actions/{action_id}", response=ActionOut)
def get_action(request: HttpRequest, action_id: int) -> Any:
    return selectors.action_get(user=request.user, pk=action_id)


@router.patch("/actions/{action_id}", response=ActionOut)
def update_action(request: HttpRequest, action_id: int, payload: ActionPatch) -> Any:
    action = selectors.action_get(user=request.user, pk=action_id)
    data = payload.model_dump(exclude_unset=True)
    for required in ("organisation", "requirement", "title", "owner", "due", "status"):
        if required in data and data[required] is None:
            del data[required]
    return services.action_update(actor=request.user, action=action, **_action_data(request, data))
