"""Organiser pages: one registration's page and its actions; exports and badges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jamlik.core import filejobs
from jamlik.core.errors import JamlikError
from jamlik.core.exports import csv_response, xlsx_response
from jamlik.core.i18n import request_language
from jamlik.core.models import FileJob
from jamlik.events import clock, policies, selectors, services
from jamlik.events.forms import (
    SessionsForm,
)
from jamlik.events.views.staff._common import _base, _confirm, _event

# ---- One registration ------------------------------------------------------------------------------


def _registration(request: HttpRequest, pk: int, rid: int) -> tuple[Any, Any]:
    """The event and one of its registrations within the user's scope (else 404)."""
    event = _event(request, pk)
    return event, selectors.registration_get(user=request.user, event=event, pk=rid)


def _registration_url(event: Any, registration: Any) -> str:
    return reverse("events:registration_detail", kwargs={"pk": event.pk, "rid": registration.pk})


def _registration_page(
    request: HttpRequest,
    event: Any,
    registration: Any,
    *,
    sessions_form: SessionsForm | None = None,
    error: Any = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.registration_page(user=request.user, event=event, registration=registration)
    if sessions_form is None:
        sessions_form = SessionsForm(slots=page.slots, chosen={s.pk for s in page.sessions})
    return render(
        request,
        "events/staff/registration_detail.html",
        _base(
            request,
            event,
            "registration",
            registration=registration,
            page=page,
            sessions_form=sessions_form,
            error=error,
            # Whose needs and the protected mark: the city's (views/staff/privacy.py).
            privacy={
                "needs_named": policies.may_see_needs_of_people(request.user),
                "may_mark": policies.may_see_protected_identity(request.user),
            },
        ),
        status=status,
    )


@login_required
@require_safe
def registration_detail(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    event, registration = _registration(request, pk, rid)
    return _registration_page(request, event, registration)


def _registration_action(
    request: HttpRequest, pk: int, rid: int, action: Callable[[Any], object], done: str
) -> HttpResponse:
    """Run one service on the registration: back to its page with a message, or the page
    again with the rule that refused it (409/400)."""
    event, registration = _registration(request, pk, rid)
    try:
        action(registration)
    except JamlikError as exc:
        return _registration_page(
            request, event, registration, error=exc.message, status=exc.status
        )
    messages.success(request, done)
    return redirect(_registration_url(event, registration))


@login_required
@require_POST
def registration_sessions(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    event, registration = _registration(request, pk, rid)
    slots = selectors.programme(event)
    chosen = {s.pk for s in registration.sessions.all()}
    form = SessionsForm(request.POST, slots=slots, chosen=chosen)
    if not form.is_valid():
        return _registration_page(request, event, registration, sessions_form=form, status=400)
    try:
        services.registration_change_sessions(
            registration=registration, sessions=form.chosen_session_ids(), actor=request.user
        )
    except JamlikError as exc:
        form.add_rule_error(exc)
        return _registration_page(
            request, event, registration, sessions_form=form, status=exc.status
        )
    messages.success(request, _("The session choices were saved."))
    return redirect(_registration_url(event, registration))


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    event, registration = _registration(request, pk, rid)
    return _confirm(
        request,
        template="events/staff/registration_cancel.html",
        context=_base(
            request,
            event,
            "registration",
            registration=registration,
            can_cancel=services.registration_may_cancel(registration, event, clock.now()),
        ),
        action=lambda: services.registration_cancel(registration=registration, actor=request.user),
        done=_("The registration of %(name)s was cancelled.") % {"name": registration.name},
        done_url=_registration_url(event, registration),
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_erase(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """Erase the person's data on request (GDPR art. 17), after a confirmation."""
    event, registration = _registration(request, pk, rid)
    return _confirm(
        request,
        template="events/staff/registration_erase.html",
        context=_base(
            request,
            event,
            "registration",
            registration=registration,
            can_erase=services.registration_may_erase(
                actor=request.user, registration=registration
            ),
        ),
        action=lambda: services.registration_anonymise(
            actor=request.user, registration=registration
        ),
        done=_("The personal data of the registration were erased."),
        done_url=_registration_url(event, registration),
    )


@login_required
@require_POST
def registration_check_in(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    return _registration_action(
        request,
        pk,
        rid,
        lambda r: services.registration_check_in(registration=r, actor=request.user),
        _("The participant is checked in."),
    )


@login_required
@require_POST
def registration_check_in_undo(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    return _registration_action(
        request,
        pk,
        rid,
        lambda r: services.registration_check_in_undo(registration=r, actor=request.user),
        _("The check-in was undone."),
    )


@login_required
@require_POST
def registration_resend_link(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    return _registration_action(
        request,
        pk,
        rid,
        lambda r: services.registration_resend_link(registration=r, actor=request.user),
        _("The personal link was queued for sending to the participant's address."),
    )


# ---- Exports and badges ---------------------------------------------------------------------------------


def _export(request: HttpRequest, event: Any) -> tuple[list[str], list[list[Any]]]:
    # Headings in the page's language (the API's downloads keep the machine names).
    return selectors.export_headings(), selectors.export_rows(user=request.user, event=event)


@login_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    header, rows = _export(request, event)
    return csv_response(f"anmalningar-{event.pk}.csv", header, rows, delimiter=";")


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    header, rows = _export(request, event)
    return xlsx_response(f"anmalningar-{event.pk}.xlsx", [(_("Registrations"), header, rows)])


@login_required
def badges_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Name badges at once when there are few; more are built by the worker and the user is
    sent to the job's progress page."""
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    result = services.badges_now_or_job(
        actor=request.user, event=event, language=request_language(request)
    )
    if isinstance(result, FileJob):
        return filejobs.see_job_page(result)
    return filejobs.attachment(result)


@login_required
@require_POST
def badges_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The dashboard's "Create name badges": the same PDF, built by the worker. Starts the
    job and sends the user to its progress page."""
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    job = services.badges_start(actor=request.user, event=event, language=request_language(request))
    return filejobs.see_job_page(job)
