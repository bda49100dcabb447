"""Pages of actions (åtgärder): the list with filters (overdue ones marked in words, not
only colour) and the create and edit forms. Scoped like responses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jamlik.assessments import selectors, services
from jamlik.assessments.forms import ActionFilterForm, ActionForm
from jamlik.assessments.views.common import filter_organisations, page_of, query_without_page
from jamlik.core.errors import Invalid
from jamlik.core.formpost import handle_form
from jamlik.core.http_types import AuthedRequest
from jamlik.orgs import selectors as org_selectors


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    organisations = list(filter_organisations(request.user))
    filters = ActionFilterForm(request.GET or None, organisations=organisations)
    organisation = status = None
    overdue = False
    if filters.is_bound and filters.is_valid():
        organisation = selectors.organisation_filter(
            filters.cleaned_data["organisation"], user=request.user
        )
        status = filters.cleaned_data["status"] or None
        overdue = filters.cleaned_data["overdue"]
    actions = selectors.action_list(
        user=request.user, organisation=organisation, status=status, overdue=overdue
    ).select_related("campaign")
    page = page_of(request, actions)
    today = timezone.localdate()
    rows = [{"action": a, "overdue": a.is_overdue(today)} for a in page.object_list]
    return render(
        request,
        "assessments/action_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
        },
        status=400 if filters.is_bound and filters.errors else 200,
    )


def _action_form(request: HttpRequest, **kw: Any) -> ActionForm:
    return ActionForm(
        request.POST or None,
        organisations=org_selectors.organisations_in_scope(user=request.user).only(
            "pk", "name", "depth", "path"
        ),
        campaigns=selectors.campaign_list(user=request.user),
        frameworks=selectors.framework_list(user=request.user),
        **kw,
    )


def _references(request: HttpRequest, cleaned: dict[str, Any]) -> dict[str, Any]:
    """The organisation and campaign the form names by id, as objects in the user's scope."""
    organisation = (
        org_selectors.organisations_in_scope(user=request.user)
        .filter(pk=cleaned["organisation"])
        .first()
    )
    if organisation is None:
        raise Invalid.field("organisation", _("Unknown organisation."))
    campaign = cleaned.get("campaign")
    if campaign is not None:
        campaign = selectors.campaign_ref(campaign, user=request.user, field="campaign")
    return {"organisation": organisation, "campaign": campaign}


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {"status": "planned"}
    requirement = request.GET.get("requirement", "")
    if requirement and len(requirement) <= 100:
        initial["requirement"] = requirement
    if request.GET.get("campaign", "").isdigit():
        initial["campaign"] = int(request.GET["campaign"])
    if request.user.organisation_id:
        initial["organisation"] = request.user.organisation_id
    return handle_form(
        request,
        _action_form(request, initial=initial),
        lambda data: services.action_create(
            actor=request.user, data=data, **_references(request, data)
        ),
        template="assessments/action_form.html",
        context={"action": None},
        success_message=_("The action was saved."),
        success_url=reverse("assessments:actions"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(user=request.user, pk=pk)
    form = _action_form(
        request,
        initial={
            "title": action.title,
            "requirement": action.requirement_key,
            "organisation": action.organisation_id,
            "campaign": action.campaign_id,
            "description": action.description,
            "owner": action.owner,
            "due": action.due,
            "status": action.status,
        },
    )
    return handle_form(
        request,
        form,
        lambda data: services.action_update(
            actor=request.user, action=action, data=data, **_references(request, data)
        ),
        template="assessments/action_form.html",
        context={"action": action},
        success_message=_("The changes were saved."),
        success_url=reverse("assessments:actions"),
    )
