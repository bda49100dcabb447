"""Organiser page: the radar of unused seats per allocation before the release."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jamlik.events import policies
from jamlik.events.selectors.radar import radar as radar_of
from jamlik.events.views.staff._common import _base, _event


@login_required
@require_GET
def radar(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_radar, request.user)
    event = _event(request, pk)
    return render(
        request,
        "events/staff/radar.html",
        _base(request, event, "radar", radar=radar_of(user=request.user, event=event)),
    )
