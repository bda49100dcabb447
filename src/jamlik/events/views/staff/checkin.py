"""Organiser pages: check-in (search, check in or undo, scan)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamlik.core.errors import JamlikError
from jamlik.core.http_types import HtmxRequest
from jamlik.events import clock, decisions, policies, selectors, services
from jamlik.events.errors import local_datetime
from jamlik.events.forms import (
    CheckinSearchForm,
)
from jamlik.events.views.staff._common import _base, _event, _fragment

# ---- Check-in ------------------------------------------------------------------------------------------


@login_required
def checkin(request: HtmxRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_dashboard, request.user)
    event = _event(request, pk)
    form = CheckinSearchForm(request.GET or None)
    q = form.data.get("q", "") if form.is_bound and form.is_valid() else ""
    results = selectors.checkin_search(user=request.user, event=event, q=q)
    context = _base(
        request,
        event,
        "checkin",
        form=form,
        q=q,
        results=results,
        searched=len(q.strip()) >= 2,
    )
    if request.htmx and request.htmx.target == "checkin-results":
        return _fragment(request, "events/partials/_checkin_results.html", context)
    context.update(
        totals=selectors.totals(user=request.user, event=event),
        recent=selectors.checkin_recent(user=request.user, event=event),
        timing=_timing(event),
    )
    response = render(request, "events/staff/checkin.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _back_to_checkin(request: HttpRequest, event: Any) -> HttpResponse:
    url = reverse("events:checkin", kwargs={"pk": event.pk})
    q = (request.POST.get("q") or "").strip()[:200]
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


def _timing(event: Any) -> str | None:
    """``decisions.checkin_timing`` now: ``early``, ``late`` or None."""
    return decisions.checkin_timing(event.starts_at, event.ends_at, clock.now())


def _timing_words(event: Any) -> str:
    """What the door is told of a check-in outside the event's day (made all the same)."""
    timing = _timing(event)
    if timing == decisions.EARLY:
        return _("Note: the event has not begun; it starts on %(date)s.") % {
            "date": local_datetime(event.starts_at)
        }
    if timing == decisions.LATE:
        return _("Note: the event ended on %(date)s.") % {"date": local_datetime(event.ends_at)}
    return ""


def _checkin_answer(
    request: HtmxRequest, event: Any, registration: Any, message: str, ok: bool
) -> HttpResponse:
    if request.htmx:
        # The row, and the counter of arrivals swapped in out of band.
        return render(
            request,
            "events/partials/_checkin_answer.html",
            {
                "event": event,
                "r": registration,
                "feedback": message,
                "ok": ok,
                "q": request.POST.get("q", ""),
                "totals": selectors.totals(user=request.user, event=event),
                "oob": True,
            },
        )
    (messages.success if ok else messages.error)(request, message)
    return _back_to_checkin(request, event)


def _checked_in(registration: Any, event: Any, *, before: Any) -> tuple[str, bool]:
    """What the door is told after a check-in: done, or — when the person had arrived
    already (a second scan, or a code passed on to someone else) — when that was."""
    if before is not None:
        arrived = timezone.localtime(before).strftime("%H:%M")
        return _("%(name)s was checked in already, at %(time)s.") % {
            "name": registration.name,
            "time": arrived,
        }, False
    done = _("%(name)s is checked in.") % {"name": registration.name}
    note = _timing_words(event)
    return (f"{done} {note}" if note else done), True


@login_required
@require_POST
def checkin_do(request: HtmxRequest, pk: int, rid: int) -> HttpResponse:
    event = _event(request, pk)
    registration = selectors.registration_get(user=request.user, event=event, pk=rid)
    before = registration.checked_in_at
    try:
        registration = services.registration_check_in(registration=registration, actor=request.user)
    except JamlikError as exc:
        return _checkin_answer(request, event, registration, str(exc.message), ok=False)
    message, ok = _checked_in(registration, event, before=before)
    return _checkin_answer(request, event, registration, message, ok=ok)


@login_required
@require_POST
def checkin_undo(request: HtmxRequest, pk: int, rid: int) -> HttpResponse:
    event = _event(request, pk)
    registration = selectors.registration_get(user=request.user, event=event, pk=rid)
    registration = services.registration_check_in_undo(
        registration=registration, actor=request.user
    )
    return _checkin_answer(
        request,
        event,
        registration,
        _("The check-in of %(name)s was undone.") % {"name": registration.name},
        ok=True,
    )


@login_required
@require_POST
def checkin_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scanner's input: the QR code's payload (or the bare code) checks the person in."""
    event = _event(request, pk)
    payload = (request.POST.get("code") or "")[:500]
    try:
        registration = selectors.checkin_find_by_code(
            user=request.user, event=event, payload=payload
        )
    except JamlikError:
        messages.error(request, _("No registration for this event matches the code."))
        return redirect("events:checkin", pk=event.pk)
    before = registration.checked_in_at
    try:
        registration = services.registration_check_in(registration=registration, actor=request.user)
    except JamlikError as exc:
        messages.error(request, f"{registration.name}: {exc.message}")
        return redirect("events:checkin", pk=event.pk)
    message, ok = _checked_in(registration, event, before=before)
    (messages.success if ok else messages.warning)(request, message)
    return redirect("events:checkin", pk=event.pk)
