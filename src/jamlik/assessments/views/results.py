"""The campaign's results page (the city-wide summary picture, or an organisation's part of
it) and its files: the XLSX export and the PDF report, each at once or as a file job built by
the worker. Scoped: an org coordinator's figures cover their subtree only, whatever the
filters say."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.assessments import charts, panels, policies, reports, selectors, services
from jamlik.assessments.figures import build_figures
from jamlik.assessments.forms import ReportForm, ResultsFilterForm
from jamlik.assessments.models import OPEN_ACTION_STATUSES, Campaign
from jamlik.assessments.views.common import filter_organisations
from jamlik.core import filejobs
from jamlik.core.errors import Invalid
from jamlik.core.i18n import request_language
from jamlik.core.models import FileJob

COMMENTS_SHOWN = 20


def _filters(
    request: HttpRequest, campaign: Campaign, data: Any
) -> tuple[ResultsFilterForm, Any, Campaign | None, list[Any], list[Any]]:
    organisations = list(filter_organisations(request.user, campaign))
    campaigns = [c for c in selectors.campaign_list(user=request.user) if c.pk != campaign.pk]
    form = ResultsFilterForm(data or None, organisations=organisations, campaigns=campaigns)
    organisation = compare_to = None
    if form.is_bound:
        if not form.is_valid():
            return form, None, None, organisations, campaigns
        organisation = selectors.organisation_filter(
            form.cleaned_data["organisation"], user=request.user
        )
        if form.cleaned_data["compare_to"] is not None:
            compare_to = selectors.campaign_ref(
                form.cleaned_data["compare_to"], user=request.user, field="compare_to"
            )
    return form, organisation, compare_to, organisations, campaigns


@login_required
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_results, request.user)
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form, organisation, compare_to, organisations, campaigns = _filters(
        request, campaign, request.GET
    )
    if form.is_bound and form.errors:
        return render(
            request,
            "assessments/campaign_results.html",
            {"campaign": campaign, "filters": form, "figures": None},
            status=400,
        )
    summary = selectors.campaign_summary(
        user=request.user, campaign=campaign, organisation=organisation, compare_to=compare_to
    )
    figures = build_figures(summary)
    weak_keys = [r.key for r in figures.weakest]
    weak_actions: dict[str, list[Any]] = {}
    if weak_keys:
        actions = selectors.action_list(user=request.user, organisation=organisation).filter(
            requirement_key__in=weak_keys, status__in=OPEN_ACTION_STATUSES
        )
        today = timezone.localdate()
        for action in actions:
            weak_actions.setdefault(action.requirement_key, []).append(
                {"action": action, "overdue": action.is_overdue(today)}
            )
    weakest: list[dict[str, Any]] = [  # template context: values of every kind
        {
            "result": result,
            "number": figures.numbers.get(result.key, ""),
            "score": charts.fmt_score(result.score),
            "actions": weak_actions.get(result.key, []),
            "panels": [],
        }
        for result in figures.weakest
    ]
    contributed = panels.requirement_panels(request=request, campaign=campaign, keys=weak_keys)
    for item in weakest:
        item["panels"] = contributed.get(item["result"].key, [])
    # Many units comment: a few per requirement are shown, all of one on request.
    show_all = request.GET.get("comments", "")
    comments = [
        {
            "group": group,
            "number": figures.numbers.get(group.key, ""),
            "shown": group.comments if group.key == show_all else group.comments[:COMMENTS_SHOWN],
            "more": 0 if group.key == show_all else max(0, len(group.comments) - COMMENTS_SHOWN),
            "open": group.key == show_all,
        }
        for group in selectors.campaign_comments(
            user=request.user, campaign=campaign, organisation=organisation
        )
    ]
    filters_query = request.GET.copy()
    filters_query.pop("comments", None)
    query = filters_query.urlencode()
    return render(
        request,
        "assessments/campaign_results.html",
        {
            "campaign": campaign,
            "filters": form,
            "figures": figures,
            "summary": summary,
            "organisation": organisation,
            "compare_to": compare_to,
            "weakest": weakest,
            "comments": comments,
            "query": query,
            "report_form": ReportForm(
                initial={
                    "organisation": organisation.pk if organisation else None,
                    "compare_to": compare_to.pk if compare_to else None,
                    "date": timezone.localdate(),
                },
                organisations=organisations,
                campaigns=campaigns,
            ),
        },
    )


@login_required
def campaign_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The export at once for a small scope; a larger one is built by the worker and the
    user is sent to the job's progress page."""
    policies.require(policies.may_see_results, request.user)
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form, organisation, compare_to, _o, _c = _filters(request, campaign, request.GET)
    if form.is_bound and form.errors:
        raise Invalid(" ".join(str(e) for errors in form.errors.values() for e in errors))
    result = services.campaign_export_now_or_job(
        actor=request.user,
        campaign=campaign,
        organisation=organisation,
        compare_to=compare_to,
        language=request_language(request),
    )
    if isinstance(result, FileJob):
        return filejobs.see_job_page(result)
    return filejobs.attachment(result)


@login_required
@require_POST
def campaign_export_xlsx_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The results page's "Create Excel file": the same export, built by the worker. Starts
    the job (the filters of the page in the form) and sends the user to its progress page."""
    policies.require(policies.may_see_results, request.user)
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form, organisation, compare_to, _o, _c = _filters(request, campaign, request.POST)
    if form.is_bound and form.errors:
        raise Invalid(" ".join(str(e) for errors in form.errors.values() for e in errors))
    job = services.campaign_export_start(
        actor=request.user,
        campaign=campaign,
        organisation=organisation,
        compare_to=compare_to,
        language=request_language(request),
    )
    return filejobs.see_job_page(job)


def _report_args(request: HttpRequest, campaign: Campaign, data: Any) -> dict[str, Any]:
    """The report's filters and cover page from the form (400 when it is not valid)."""
    organisations = list(filter_organisations(request.user, campaign))
    campaigns = [c for c in selectors.campaign_list(user=request.user) if c.pk != campaign.pk]
    form = ReportForm(data, organisations=organisations, campaigns=campaigns)
    if not form.is_valid():
        raise Invalid(
            " ".join(
                f"{form.fields[name].label or name}: {' '.join(map(str, errors))}"
                for name, errors in form.errors.items()
            )
        )
    organisation = selectors.organisation_filter(
        form.cleaned_data["organisation"], user=request.user
    )
    compare_to = None
    if form.cleaned_data["compare_to"] is not None:
        compare_to = selectors.campaign_ref(
            form.cleaned_data["compare_to"], user=request.user, field="compare_to"
        )
    return {
        "campaign": campaign,
        "organisation": organisation,
        "compare_to": compare_to,
        "matter": reports.Matter(
            committee=form.cleaned_data["committee"],
            date=form.cleaned_data["date"],
            diary_number=form.cleaned_data["diary_number"],
            case_officer=form.cleaned_data["case_officer"],
            summary=form.cleaned_data["summary"],
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF report's direct address (bookmarks, links from before the report became a
    file job): it takes seconds, so it starts the job like "Create PDF report" and sends the
    user to its progress page. The cover page's fields come from the form (POST) or the query
    string (GET), all optional."""
    data = request.POST if request.method == "POST" else request.GET
    return _start_report(request, pk, data)


@login_required
@require_POST
def campaign_report_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The results page's "Create PDF report": the report built by the worker. Starts the
    job (the cover page's fields and the page's filters in the form) and sends the user to
    its progress page."""
    return _start_report(request, pk, request.POST)


def _start_report(request: HttpRequest, pk: int, data: Any) -> HttpResponse:
    policies.require(policies.may_see_results, request.user)
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    job = services.campaign_report_start(
        actor=request.user,
        language=request_language(request),
        **_report_args(request, campaign, data),
    )
    return filejobs.see_job_page(job)
