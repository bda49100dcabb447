"""Organiser pages under /events/: list, editor (event, allocations, programme, links),
dashboard, one registration's page and its actions, exports, badges, check-in, statistics and
messages.

Events, allocations and the programme are visible to all staff; only city coordinators and
admins change them. People are always read through ``selectors`` (scoped): an org coordinator
sees their organisation's subtree only, and anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jamlik.core.errors import JamlikError
from jamlik.core.exports import csv_response, xlsx_response
from jamlik.core.http_types import HtmxRequest
from jamlik.events import charts, clock, downloads, policies, selectors, services
from jamlik.events.forms import (
    AllocationForm,
    CheckinSearchForm,
    EventForm,
    MessageForm,
    RegistrationFilterForm,
    SessionForm,
    SessionsForm,
)
from jamlik.events.links import organisation_link_url
from jamlik.events.models import OrganisationLink


def _event(request: HttpRequest, pk: int) -> Any:
    return selectors.event_get(user=request.user, pk=pk)


def _base(request: HttpRequest, event: Any, tab: str, **extra: Any) -> dict[str, Any]:
    can_edit = policies.may_edit_event(request.user)
    return {"event": event, "tab": tab, "can_edit": can_edit, **extra}


# ---- List and editor ---------------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/staff/event_list.html",
        {
            "upcoming": selectors.events_by_time(user=request.user, upcoming=True),
            "past": selectors.events_by_time(user=request.user, upcoming=False),
            "can_edit": policies.may_edit_event(request.user),
        },
    )


EVENT_FIELDS = (
    "title",
    "kind",
    "status",
    "description",
    "venue",
    "starts_at",
    "ends_at",
    "capacity",
    "opens_at",
    "quota_lock_until",
    "closes_at",
    "categories",
    "approval_required",
    "approval_hold_hours",
    "waitlist_enabled",
    "contact_email",
)


def _local(value: Any) -> Any:
    return timezone.localtime(value) if value else None


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    policies.require(policies.may_edit_event, request.user)
    form = EventForm(
        request.POST or None,
        initial={"categories": ["employee", "elected", "partner"], "waitlist_enabled": True},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services.event_create(actor=request.user, **form.cleaned_data)
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(request, _("The event was created as a draft."))
                return redirect("events:edit", pk=event.pk)
        else:
            status = 400
    return render(
        request, "events/staff/event_form.html", {"form": form, "event": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    can_edit = policies.may_edit_event(request.user)
    if request.method == "POST":
        policies.require(policies.may_edit_event, request.user)
    initial = {name: getattr(event, name) for name in EVENT_FIELDS}
    for name in ("starts_at", "ends_at", "opens_at", "quota_lock_until", "closes_at"):
        initial[name] = _local(initial[name])
    form = EventForm(request.POST or None, initial=initial)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.event_update(actor=request.user, event=event, **form.cleaned_data)
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("events:edit", pk=event.pk)
        else:
            status = 400
    return render(
        request,
        "events/staff/event_edit.html",
        _base(
            request,
            event,
            "edit",
            form=form,
            allocations=selectors.allocation_list(user=request.user, event=event),
            slots=selectors.programme(event),
        ),
        status=status,
    )


# ---- Allocations -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def allocation_form(request: HttpRequest, pk: int, aid: int | None = None) -> HttpResponse:
    policies.require(policies.may_manage_allocations, request.user)
    event = _event(request, pk)
    allocation = (
        selectors.allocation_get(user=request.user, event=event, pk=aid)
        if aid is not None
        else None
    )
    selected = (
        list(allocation.members.values_list("organisation_id", flat=True)) if allocation else []
    )
    initial = (
        {"name": allocation.name, "quota": allocation.quota, "organisations": selected}
        if allocation
        else {}
    )
    form = AllocationForm(request.POST or None, initial=initial, selected=selected)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if allocation is None:
                    services.allocation_create(
                        actor=request.user,
                        event=event,
                        name=data["name"],
                        quota=data["quota"],
                        organisations=list(data["organisations"]),
                    )
                else:
                    services.allocation_update(
                        actor=request.user,
                        allocation=allocation,
                        name=data["name"],
                        quota=data["quota"],
                        organisations=list(data["organisations"]),
                    )
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(request, _("The allocation was saved."))
                return redirect(reverse("events:edit", kwargs={"pk": event.pk}) + "#allocations")
        else:
            status = 400
    return render(
        request,
        "events/staff/allocation_form.html",
        _base(request, event, "edit", form=form, allocation=allocation),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_delete(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    policies.require(policies.may_manage_allocations, request.user)
    event = _event(request, pk)
    allocation = selectors.allocation_get(user=request.user, event=event, pk=aid)
    return _confirm_delete(
        request,
        event,
        object_name=allocation.name,
        heading=_("Delete the allocation"),
        delete=lambda: services.allocation_delete(actor=request.user, allocation=allocation),
        done=_("The allocation was deleted."),
        anchor="allocations",
    )


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


def _confirm_delete(
    request: HttpRequest,
    event: Any,
    *,
    object_name: str,
    heading: str,
    delete: Callable[[], object],
    done: str,
    anchor: str,
) -> HttpResponse:
    """The confirmation page of a deletion; on POST, delete through the service."""
    return _confirm(
        request,
        template="events/staff/confirm_delete.html",
        context=_base(request, event, "edit", object_name=object_name, heading=heading),
        action=delete,
        done=done,
        done_url=reverse("events:edit", kwargs={"pk": event.pk}) + f"#{anchor}",
    )


# ---- Programme ----------------------------------------------------------------------------------------


SESSION_FIELDS = ("title", "description", "speakers", "room", "starts_at", "ends_at", "capacity")


@login_required
@require_http_methods(["GET", "POST"])
def session_form(request: HttpRequest, pk: int, sid: int | None = None) -> HttpResponse:
    policies.require(policies.may_manage_programme, request.user)
    event = _event(request, pk)
    session = selectors.session_get(event=event, pk=sid) if sid is not None else None
    if session:
        initial = {name: getattr(session, name) for name in SESSION_FIELDS}
        initial["starts_at"] = _local(session.starts_at)
        initial["ends_at"] = _local(session.ends_at)
    else:
        initial = {"starts_at": _local(event.starts_at), "ends_at": _local(event.ends_at)}
    form = SessionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if session is None:
                    services.session_create(actor=request.user, event=event, **form.cleaned_data)
                else:
                    services.session_update(
                        actor=request.user, session=session, **form.cleaned_data
                    )
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(request, _("The session was saved."))
                return redirect(reverse("events:edit", kwargs={"pk": event.pk}) + "#programme")
        else:
            status = 400
    return render(
        request,
        "events/staff/session_form.html",
        _base(request, event, "edit", form=form, session=session),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    policies.require(policies.may_manage_programme, request.user)
    event = _event(request, pk)
    session = selectors.session_get(event=event, pk=sid)
    return _confirm_delete(
        request,
        event,
        object_name=session.title,
        heading=_("Delete the session"),
        delete=lambda: services.session_delete(actor=request.user, session=session),
        done=_("The session was deleted."),
        anchor="programme",
    )


# ---- Links ---------------------------------------------------------------------------------------------


@login_required
def link_list(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    links = selectors.link_list(user=request.user, event=event)
    rows = [(link, organisation_link_url(link)) for link in links]
    missing = selectors.organisations_without_link(user=request.user, event=event)
    return render(
        request,
        "events/staff/links.html",
        _base(
            request,
            event,
            "links",
            can_edit=policies.may_manage_links(request.user),
            rows=rows,
            missing=missing,
            public_url=request.build_absolute_uri(
                reverse("events_public:event", kwargs={"pk": event.pk})
            ),
        ),
    )


@login_required
@require_POST
def links_send(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    sent = services.links_send(actor=request.user, event=event)
    messages.success(
        request,
        _("%(n)s links were queued for sending to the organisations' mailboxes.")
        % {"n": len(sent)},
    )
    return redirect("events:links", pk=event.pk)


def _link(request: HttpRequest, event: Any, organisation_id: int) -> OrganisationLink:
    return selectors.link_get(user=request.user, event=event, organisation_id=organisation_id)


@login_required
@require_POST
def link_regenerate(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    services.link_regenerate(actor=request.user, link=_link(request, event, oid))
    messages.success(request, _("A new link was made; the old one no longer works."))
    return redirect("events:links", pk=event.pk)


@login_required
@require_POST
def link_create(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    organisation = selectors.organisation_in_allocation(user=request.user, event=event, pk=oid)
    services.link_ensure(event=event, organisation=organisation)
    messages.success(request, _("A new link was made."))
    return redirect("events:links", pk=event.pk)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    services.link_revoke(actor=request.user, link=_link(request, event, oid))
    messages.success(request, _("The link was revoked and no longer works."))
    return redirect("events:links", pk=event.pk)


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


def _fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The htmx fragment of a page; one URL serves both, so caches must tell them apart."""
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _query_without_page(request: HttpRequest) -> str:
    params = [(k, value) for k, values in request.GET.lists() if k != "page" for value in values]
    return urlencode(params)


@login_required
def dashboard(request: HtmxRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_dashboard, request.user)
    event = _event(request, pk)
    form, filters = _filters(request, event)
    page = selectors.registrations_page(
        user=request.user, event=event, filters=filters, page=request.GET.get("page") or 1
    )
    context = _base(
        request,
        event,
        "dashboard",
        filter_form=form,
        page=page,
        query=_query_without_page(request),
    )
    if request.htmx and request.htmx.target == "registrations":
        return _fragment(request, "events/partials/_registrations.html", context)
    context.update(
        quota=selectors.quota_use(user=request.user, event=event),
        totals=selectors.totals(user=request.user, event=event),
        waiting=selectors.waiting_list(user=request.user, event=event),
        phase=services.event_phase(event),
    )
    response = render(request, "events/staff/dashboard.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


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
    return list(selectors.EXPORT_HEADER), selectors.export_rows(user=request.user, event=event)


@login_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    header, rows = _export(request, event)
    return csv_response(f"anmalningar-{event.pk}.csv", header, rows)


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    header, rows = _export(request, event)
    return xlsx_response(f"anmalningar-{event.pk}.xlsx", [(_("Registrations"), header, rows)])


@login_required
def badges_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_export_registrations, request.user)
    event = _event(request, pk)
    return downloads.badges_response(
        event, selectors.badge_registrations(user=request.user, event=event)
    )


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
    )
    response = render(request, "events/staff/checkin.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _back_to_checkin(request: HttpRequest, event: Any) -> HttpResponse:
    url = reverse("events:checkin", kwargs={"pk": event.pk})
    q = (request.POST.get("q") or "").strip()[:200]
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


def _checkin_answer(
    request: HtmxRequest, event: Any, registration: Any, message: str, ok: bool
) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "events/partials/_checkin_row.html",
            {
                "event": event,
                "r": registration,
                "feedback": message,
                "ok": ok,
                "q": request.POST.get("q", ""),
            },
        )
    (messages.success if ok else messages.error)(request, message)
    return _back_to_checkin(request, event)


def _checked_in(registration: Any, *, before: Any) -> tuple[str, bool]:
    """What the door is told after a check-in: done, or — when the person had arrived
    already (a second scan, or a code passed on to someone else) — when that was."""
    if before is not None:
        arrived = timezone.localtime(before).strftime("%H:%M")
        return _("%(name)s was checked in already, at %(time)s.") % {
            "name": registration.name,
            "time": arrived,
        }, False
    return _("%(name)s is checked in.") % {"name": registration.name}, True


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
    message, ok = _checked_in(registration, before=before)
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
    message, ok = _checked_in(registration, before=before)
    (messages.success if ok else messages.warning)(request, message)
    return redirect("events:checkin", pk=event.pk)


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
