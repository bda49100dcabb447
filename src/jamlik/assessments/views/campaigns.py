"""Coordinator pages of campaigns: the list, create and edit (city coordinators), and the
campaign's page with completion per organisation, the units' responses and their respondent
links, invitations and reminders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.assessments import policies, selectors, services
from jamlik.assessments.forms import CampaignForm, InviteForm, ResponseFilterForm
from jamlik.assessments.views.common import filter_organisations, page_of, query_without_page
from jamlik.core.errors import Invalid
from jamlik.core.formpost import handle_form
from jamlik.core.http_types import AuthedRequest
from jamlik.orgs import selectors as org_selectors


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list(user=request.user))
    return render(
        request,
        "assessments/campaign_list.html",
        {"campaigns": campaigns, "can_create": policies.may_manage_campaigns(request.user)},
    )


def _campaign_form(request: HttpRequest, **kw: Any) -> CampaignForm:
    return CampaignForm(
        request.POST or None,
        frameworks=selectors.framework_list(user=request.user),
        organisations=filter_organisations(request.user),
        **kw,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    policies.require(policies.may_manage_campaigns, request.user)

    def create(data: dict[str, Any]) -> Any:
        return services.campaign_create(
            actor=request.user,
            framework=selectors.framework_ref(data["framework"]),
            organisations=list(
                org_selectors.organisations_in_scope(user=request.user).filter(
                    pk__in=data["organisations"]
                )
            ),
            data=data,
        )

    return handle_form(
        request,
        _campaign_form(request),
        create,
        template="assessments/campaign_form.html",
        context={"campaign": None},
        success_message=_("The campaign was created."),
        success_url=lambda campaign: reverse("assessments:campaign", args=[campaign.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_manage_campaigns, request.user)
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = _campaign_form(
        request,
        editing=True,
        initial={
            "title": campaign.title,
            "framework": campaign.framework_id,
            "organisations": [o.pk for o in campaign.organisations.all()],
            "opens_at": campaign.opens_at,
            "closes_at": campaign.closes_at,
            "reminder_interval_days": campaign.reminder_interval_days,
        },
    )
    return handle_form(
        request,
        form,
        # The fixed framework and organisations are not fields of a change: left out.
        lambda data: services.campaign_update(actor=request.user, campaign=campaign, data=data),
        template="assessments/campaign_form.html",
        context={"campaign": campaign},
        success_message=_("The changes were saved."),
        success_url=reverse("assessments:campaign", args=[campaign.pk]),
    )


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    organisations = list(filter_organisations(request.user, campaign))
    filters = ResponseFilterForm(request.GET or None, organisations=organisations)
    organisation = status = None
    if filters.is_bound and filters.is_valid():
        organisation = selectors.organisation_filter(
            filters.cleaned_data["organisation"], user=request.user
        )
        status = filters.cleaned_data["status"] or None
    progress = selectors.campaign_progress(user=request.user, campaign=campaign)
    total = selectors.progress_total(progress)
    responses = selectors.response_list(
        user=request.user, campaign=campaign, organisation=organisation, status=status
    )
    page = page_of(request, responses)
    return render(
        request,
        "assessments/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "total": total,
            "filters": filters,
            "page": page,
            "query": query_without_page(request),
            "invite_form": InviteForm(organisations=organisations),
            "can_manage": policies.may_manage_campaigns(request.user),
        },
        status=400 if filters.is_bound and filters.errors else 200,
    )


@login_required
@require_POST
def campaign_invite(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    organisations = list(filter_organisations(request.user, campaign))
    form = InviteForm(request.POST, organisations=organisations)
    if not form.is_valid():
        raise Invalid(" ".join(str(e) for errors in form.errors.values() for e in errors))
    chosen = [o for o in organisations if o.pk in set(form.cleaned_data["organisations"])]
    sent = services.campaign_invite(
        actor=request.user, campaign=campaign, organisations=chosen or None
    )
    messages.success(
        request,
        ngettext(
            "%(n)s invitation was queued for sending.",
            "%(n)s invitations were queued for sending.",
            sent,
        )
        % {"n": sent},
    )
    return redirect("assessments:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    sent = services.campaign_remind(actor=request.user, campaign=campaign)
    if sent:
        messages.success(
            request,
            ngettext(
                "%(n)s reminder was queued for sending.",
                "%(n)s reminders were queued for sending.",
                sent,
            )
            % {"n": sent},
        )
    else:
        messages.info(
            request,
            _(
                "No reminder was sent: every unit has submitted, was reminded within the "
                "interval, has not been invited yet, or the campaign is not open."
            ),
        )
    return redirect("assessments:campaign", pk=campaign.pk)
