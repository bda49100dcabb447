"""The campaign's XLSX export and its PDF report as file jobs (``core.filejobs``): the
results page and the API start them, the worker builds them with a progress bar.

``campaign_export_start`` asks the same policy as the synchronous export; the caller has
resolved the campaign and the filters through the selectors (404 / 400 at once).
``campaign_xlsx_build``, the registered builder, runs on the worker with the owner fetched
afresh and resolves the ids again through the same selectors, so the file covers what the
owner may see when it is built, exactly as ``GET …/export.xlsx`` would.
``campaign_report_start`` and ``campaign_report_build`` do the same for the PDF report
(``GET …/report.pdf``), with the cover page's fields (``reports.Matter``) in the params."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from jamlik.assessments import policies, reports, selectors
from jamlik.assessments.models import Campaign
from jamlik.core import filejobs
from jamlik.core.models import FileJob
from jamlik.orgs.models import Organisation

CAMPAIGN_XLSX = "assessments.campaign_xlsx"
CAMPAIGN_XLSX_LABEL = _("Excel file of the results")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CAMPAIGN_REPORT = "assessments.campaign_report"
CAMPAIGN_REPORT_LABEL = _("PDF report of the results")
PDF = "application/pdf"
# The most units ``GET …/export.xlsx`` exports in the request (about 0.3 ms each): a larger
# scope goes to the worker (core.filejobs.fits_in_request). The PDF report takes seconds
# even for a few units, so ``GET …/report.pdf`` always starts a job.
CAMPAIGN_XLSX_IN_REQUEST = 1500


def campaign_export_start(
    *,
    actor: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    language: str | None = None,
) -> FileJob:
    """Queue the campaign's XLSX export for ``actor``; the job to follow."""
    policies.require(policies.may_see_results, actor)
    return filejobs.file_job_start(
        actor=actor,
        kind=CAMPAIGN_XLSX,
        params=_results_params(campaign, organisation, compare_to),
        language=language,
    )


def campaign_export_now_or_job(
    *,
    actor: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    language: str | None = None,
) -> filejobs.File | FileJob:
    """The answer to the direct download ``GET …/export.xlsx``: the file itself when the
    scope is small, otherwise the job that builds it (the page then shows its progress, the
    API answers 202)."""
    policies.require(policies.may_see_results, actor)
    units = selectors.response_list(user=actor, campaign=campaign, organisation=organisation)
    if filejobs.fits_in_request(CAMPAIGN_XLSX, units.count()):
        content = reports.campaign_xlsx(
            user=actor, campaign=campaign, organisation=organisation, compare_to=compare_to
        )
        return campaign_xlsx_filename(campaign), XLSX, content
    return campaign_export_start(
        actor=actor,
        campaign=campaign,
        organisation=organisation,
        compare_to=compare_to,
        language=language,
    )


def _results_params(
    campaign: Campaign, organisation: Organisation | None, compare_to: Campaign | None
) -> dict[str, Any]:
    """What a results file is of, as a job's parameters (ids)."""
    return {
        "campaign": campaign.pk,
        "organisation": organisation.pk if organisation is not None else None,
        "compare_to": compare_to.pk if compare_to is not None else None,
    }


def _results_of(
    user: Any, params: dict[str, Any]
) -> tuple[Campaign, Organisation | None, Campaign | None]:
    """The campaign, organisation and comparison a job names, looked up again as ``user``
    may see them now (rights may have changed since the job was asked for)."""
    policies.require(policies.may_see_results, user)
    campaign = selectors.campaign_get(user=user, pk=params.get("campaign"))
    organisation = selectors.organisation_filter(params.get("organisation"), user=user)
    compare_to = None
    if params.get("compare_to") is not None:
        compare_to = selectors.campaign_ref(params["compare_to"], user=user, field="compare_to")
    return campaign, organisation, compare_to


def campaign_xlsx_build(
    user: Any, params: dict[str, Any], progress: filejobs.Progress
) -> tuple[str, str, bytes]:
    """The builder of ``CAMPAIGN_XLSX`` (registered in ``AssessmentsConfig.ready``)."""
    campaign, organisation, compare_to = _results_of(user, params)
    content = reports.campaign_xlsx(
        user=user,
        campaign=campaign,
        organisation=organisation,
        compare_to=compare_to,
        progress=progress,
    )
    return campaign_xlsx_filename(campaign), XLSX, content


def campaign_xlsx_filename(campaign: Campaign) -> str:
    return f"{slugify(campaign.title) or 'sjalvskattning'}-{campaign.pk}.xlsx"


def campaign_report_start(
    *,
    actor: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    matter: reports.Matter | None = None,
    language: str | None = None,
) -> FileJob:
    """Queue the campaign's PDF report for ``actor``; the job to follow."""
    policies.require(policies.may_see_results, actor)
    cover = asdict(matter or reports.Matter())
    cover["date"] = cover["date"].isoformat() if cover["date"] is not None else None
    return filejobs.file_job_start(
        actor=actor,
        kind=CAMPAIGN_REPORT,
        params={**_results_params(campaign, organisation, compare_to), "matter": cover},
        language=language,
    )


def campaign_report_build(
    user: Any, params: dict[str, Any], progress: filejobs.Progress
) -> tuple[str, str, bytes]:
    """The builder of ``CAMPAIGN_REPORT`` (registered in ``AssessmentsConfig.ready``)."""
    campaign, organisation, compare_to = _results_of(user, params)
    cover = dict(params.get("matter") or {})
    date = cover.get("date")
    content = reports.campaign_report_pdf(
        user=user,
        campaign=campaign,
        organisation=organisation,
        compare_to=compare_to,
        matter=reports.Matter(
            committee=str(cover.get("committee") or ""),
            date=dt.date.fromisoformat(date) if date else None,
            diary_number=str(cover.get("diary_number") or ""),
            case_officer=str(cover.get("case_officer") or ""),
            summary=str(cover.get("summary") or ""),
        ),
        progress=progress,
    )
    return campaign_report_filename(campaign), PDF, content


def campaign_report_filename(campaign: Campaign) -> str:
    return f"{slugify(campaign.title) or 'sjalvskattning'}-{campaign.pk}.pdf"
