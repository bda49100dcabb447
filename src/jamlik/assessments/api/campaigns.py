"""The Campaigns endpoints: campaigns, progress, their responses, invitations and
reminders, the summary, comments, the XLSX export and the PDF report (each at once, or as a
file job)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status

from jamlik.assessments import policies, reports, selectors, services
from jamlik.assessments.api.common import (
    DateTimeOut,
    Key,
    _json,
    _organisations,
    router,
)
from jamlik.assessments.inputs import (
    CampaignIn,
    CampaignPatch,
    ExportIn,
    InviteIn,
    ReportExportIn,
)
from jamlik.assessments.models import (
    Campaign,
    ResponseStatus,
)
from jamlik.core import filejobs
from jamlik.core.api import FileJobOut, errors, job_accepted, paginate
from jamlik.core.i18n import request_language
from jamlik.core.models import FileJob
from jamlik.core.schemas import Comment, OptionalName


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
    signed_off: int  # addition: submitted and signed off by the named head


class ResponseOut(Schema):
    id: int
    unit: int = Field(..., validation_alias="unit_id")
    organisation: int = Field(..., validation_alias="organisation_id")
    status: str
    submitted_at: DateTimeOut | None
    submitted_by: str
    respondent_url: str


class ResponseFilter(Schema):
    organisation: int | None = None
    status: ResponseStatus | None = None


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
    title_en: str = ""  # the English title; "" when the framework has none


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


class PredecessorOut(Schema):
    id: int
    name: str


class SuccessionOut(Schema):
    """An organisation compared with its predecessors (merge, renaming, split)."""

    organisation: int
    organisation_name: str
    predecessors: list[PredecessorOut]
    note: str  # "X: compared with predecessor Y", in the request's language


class ComparisonOut(Schema):
    campaign: int
    title: str
    areas: list[ChangeOut]
    requirements: list[ChangeOut]
    successions: list[SuccessionOut] = []


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
    label_en: str = ""  # the English label; "" when the framework has none


class CommentGroupOut(Schema):
    key: str
    text: str
    comments: list[CommentOut]
    text_en: str = ""  # the English text; "" when the framework has none


class CommentFilter(Schema):
    organisation: int | None = None
    requirement: Key | None = None


# ---- Campaigns ---------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.campaign_list(user=request.user))


@router.post("/campaigns", response={201: CampaignOut, **errors(403)})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Any:
    policies.require(policies.may_manage_campaigns, request.user)
    campaign = services.campaign_create(
        actor=request.user,
        framework=selectors.framework_ref(payload.framework),
        organisations=_organisations(
            payload.organisations, field="organisations", user=request.user
        ),
        data=payload,
    )
    return Status(201, selectors.campaign_get(user=request.user, pk=campaign.pk))


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return selectors.campaign_get(user=request.user, pk=campaign_id)


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **errors(403)})
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Any:
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    services.campaign_update(actor=request.user, campaign=campaign, data=payload)
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


@router.get("/campaigns/{campaign_id}/export.xlsx", response={200: None, 202: FileJobOut})
def campaign_export(
    request: HttpRequest, response: HttpResponse, campaign_id: int, filters: Query[SummaryFilter]
) -> Any:
    """The XLSX export. A scope of more units than ``CAMPAIGN_XLSX_IN_REQUEST`` is built by
    the worker: 202 with the job, as ``POST exports/xlsx`` answers."""
    args = _summary_args(request, campaign_id, filters)
    result = services.campaign_export_now_or_job(
        actor=args["user"],
        campaign=args["campaign"],
        organisation=args["organisation"],
        compare_to=args["compare_to"],
        language=request_language(request),
    )
    if isinstance(result, FileJob):
        return job_accepted(result, response)
    return filejobs.attachment(result)


# The body is optional: without one, the whole scope and no comparison.
_NO_FILTERS = ExportIn()


@router.post("/campaigns/{campaign_id}/exports/xlsx", response={202: FileJobOut})
def start_campaign_export(
    request: HttpRequest,
    response: HttpResponse,
    campaign_id: int,
    payload: ExportIn = _NO_FILTERS,
) -> Any:
    """The XLSX export built by the worker: 202 with the job (``Location``: ``/jobs/{id}``);
    its file is at ``/jobs/{id}/file`` once ``status`` is ``done``."""
    args = _summary_args(request, campaign_id, SummaryFilter(**payload.model_dump()))
    job = services.campaign_export_start(
        actor=request.user,
        campaign=args["campaign"],
        organisation=args["organisation"],
        compare_to=args["compare_to"],
        language=request_language(request),
    )
    return job_accepted(job, response)


@router.get("/campaigns/{campaign_id}/report.pdf", response={202: FileJobOut})
def campaign_report(
    request: HttpRequest, response: HttpResponse, campaign_id: int, filters: Query[ReportFilter]
) -> Any:
    """The PDF report takes seconds even for a few units, so it is always built by the
    worker: 202 with the job (``Location``: ``/jobs/{id}``), as ``POST exports/report``
    answers; the file is at ``/jobs/{id}/file`` once ``status`` is ``done``."""
    args = _summary_args(request, campaign_id, filters)
    return _report_job(request, response, args, filters)


# The body is optional: without one, the whole scope, no comparison and an empty cover page.
_NO_COVER = ReportExportIn()


@router.post("/campaigns/{campaign_id}/exports/report", response={202: FileJobOut})
def start_campaign_report(
    request: HttpRequest,
    response: HttpResponse,
    campaign_id: int,
    payload: ReportExportIn = _NO_COVER,
) -> Any:
    """The PDF report built by the worker: 202 with the job (``Location``: ``/jobs/{id}``);
    its file, the same report as ``report.pdf``, is at ``/jobs/{id}/file`` once ``status`` is
    ``done``."""
    args = _summary_args(
        request,
        campaign_id,
        SummaryFilter(organisation=payload.organisation, compare_to=payload.compare_to),
    )
    return _report_job(request, response, args, payload)


def _report_job(request: HttpRequest, response: HttpResponse, args: dict, cover: Any) -> Any:
    """Start the PDF report's job with the cover page's fields of ``cover``."""
    job = services.campaign_report_start(
        actor=request.user,
        matter=reports.Matter(
            committee=cover.committee,
            date=cover.date,
            diary_number=cover.diary_number,
            case_officer=cover.case_officer,
            summary=cover.summary,
        ),
        language=request_language(request),
        campaign=args["campaign"],
        organisation=args["organisation"],
        compare_to=args["compare_to"],
    )
    return job_accepted(job, response)
