"""Organiser pages: the dashboard (registrations, filtered and paginated), statistics and
messages to participants."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jamlik.core.errors import JamlikError
from jamlik.core.http_types import HtmxRequest
from jamlik.events import charts, clock, policies, selectors, services
from jamlik.events.forms import (
    MessageForm,
    RegistrationFilterForm,
)
from jamlik.events.selectors.registrations import RegistrationSort
from jamlik.events.views.staff._common import _base, _event, _fragment

# ---- Dashboard -----------------------------------------------------------------------------------------


def _filters(
    request: HttpRequest, event: Any
) -> tuple[RegistrationFilterForm, selectors.RegistrationFilter]:
    choices = selectors.registration_organisations(user=request.user, event=event)
    organisations = {o.pk: o for o in choices}
    form = RegistrationFilterForm(request.GET or None, organisations=choices)
    filters = selectors.RegistrationFilter()
    if form.is_valid():
        filters = selectors.RegistrationFilter(
            status=form.cleaned_data["status"] or "",
            organisation=organisations.get(form.cleaned_data["organisation"]),
            q=form.cleaned_data["q"] or "",
        )
    return form, filters


def _query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string without the parameters ``names``: the links of the list
    keep the filters (and the order) they do not change."""
    params = [(k, value) for k, values in request.GET.lists() if k not in names for value in values]
    return urlencode(params)


@login_required
def dashboard(request: HtmxRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_dashboard, request.user)
    event = _event(request, pk)
    form, filters = _filters(request, event)
    sort = RegistrationSort.parse(request.GET.get("sort"), request.GET.get("dir"))
    filter_query = _query_without(request, "page", "sort", "dir")
    page = selectors.registrations_page(
        user=request.user,
        event=event,
        filters=filters,
        page=request.GET.get("page") or 1,
        sort=sort,
    )
    context = _base(
        request,
        event,
        "dashboard",
        filter_form=form,
        page=page,
        page_numbers=list(page.paginator.get_elided_page_range(page.number, on_ends=1)),
        sort=sort,
        sort_headers=sort.headers(),
        # Header links keep the filters; page links keep the filters and the order.
        filter_query=filter_query,
        query="&".join(part for part in (filter_query, sort.query) if part),
    )
    if request.htmx and request.htmx.target == "registrations":
        return _fragment(request, "events/partials/_registrations.html", context)
    context.update(
        quota=selectors.quota_use(user=request.user, event=event),
        totals=selectors.totals(user=request.user, event=event),
        waiting=selectors.waiting_head(user=request.user, event=event),
        phase=services.event_phase(event),
    )
    response = render(request, "events/staff/dashboard.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# ---- Statistics and messages -----------------------------------------------------------------------------


@login_required
def statistics(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_dashboard, request.user)
    event = _event(request, pk)
    rows = selectors.statistics_by_organisation(user=request.user, event=event)
    confirmed = sum(r.confirmed for r in rows)
    attended = sum(r.checked_in for r in rows)
    return render(
        request,
        "events/staff/statistics.html",
        _base(
            request,
            event,
            "statistics",
            rows=rows,
            chart=charts.attendance_chart(rows),
            total_confirmed=confirmed,
            total_attended=attended,
            total_no_shows=confirmed - attended,
            total_cancelled=sum(r.cancelled for r in rows),
            total_online=sum(r.online for r in rows),  # hybrid
            # The no-show rate means something only once the event is over.
            ended=clock.now() >= event.ends_at,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = services.event_message_send(
                    actor=request.user,
                    event=event,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    statuses=form.cleaned_data["statuses"],
                )
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("The message was queued for %(n)s recipients.") % {"n": sent.recipients},
                )
                return redirect("events:message", pk=event.pk)
        else:
            status = 400
    history = list(selectors.message_list(user=request.user, event=event)[:20])
    return render(
        request,
        "events/staff/message.html",
        _base(request, event, "message", form=form, history=history),
        status=status,
    )
