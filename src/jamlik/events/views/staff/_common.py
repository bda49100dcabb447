"""What the organiser pages share: the event looked up (scoped), the page context, the
confirmation page, the htmx fragment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from jamlik.core.errors import JamlikError
from jamlik.events import policies, selectors


def _event(request: HttpRequest, pk: int) -> Any:
    return selectors.event_get(user=request.user, pk=pk)


def _base(request: HttpRequest, event: Any, tab: str, **extra: Any) -> dict[str, Any]:
    can_edit = policies.may_edit_event(request.user)
    return {"event": event, "tab": tab, "can_edit": can_edit, **extra}


def _confirm(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    action: Callable[[], object],
    done: str,
    done_url: str,
) -> HttpResponse:
    """A confirmation page (GET); on POST, run the action through its service and go to
    ``done_url``, or show the rule that refused it on the same page."""
    error, status = None, 200
    if request.method == "POST":
        try:
            action()
        except JamlikError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, done)
            return redirect(done_url)
    return render(request, template, {**context, "error": error}, status=status)


def _fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The htmx fragment of a page; one URL serves both, so caches must tell them apart."""
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
