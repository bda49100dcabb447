"""Organiser pages: the event list and editor, allocations, the programme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jamlik.core.formpost import handle_form
from jamlik.events import decisions, policies, selectors, services
from jamlik.events.forms import (
    AllocationForm,
    EventForm,
    SessionForm,
)
from jamlik.events.views.staff._common import _base, _confirm, _event

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
    return handle_form(
        request,
        form,
        lambda data: services.event_create(actor=request.user, data=data),
        template="events/staff/event_form.html",
        context={"event": None},
        success_message=_("The event was created as a draft."),
        success_url=lambda event: reverse("events:edit", kwargs={"pk": event.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    can_edit = policies.may_edit_event(request.user)
    if request.method == "POST":
        policies.require(policies.may_edit_event, request.user)
    initial = {name: getattr(event, name) for name in services.events.EVENT_FIELDS}
    for name in ("starts_at", "ends_at", "opens_at", "quota_lock_until", "closes_at"):
        initial[name] = _local(initial[name])
    form = EventForm(request.POST or None, initial=initial)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    allocations = list(selectors.allocation_list(user=request.user, event=event))

    def saved(updated: Any) -> str:
        # On publishing an event nobody can join: said with the confirmation of the save.
        warnings = _nobody_can_join(updated, allocations)
        if updated.status == "published" and warnings:
            return " ".join([_("The changes were saved."), *warnings])
        return _("The changes were saved.")

    return handle_form(
        request,
        form,
        lambda data: services.event_update(actor=request.user, event=event, data=data),
        render_page=lambda status: render(
            request,
            "events/staff/event_edit.html",
            _base(
                request,
                event,
                "edit",
                form=form,
                allocations=allocations,
                slots=selectors.programme(event),
                **_visitor_summary(event, allocations),
            ),
            status=status,
        ),
        success_message=saved,
        success_url=reverse("events:edit", kwargs={"pk": event.pk}),
    )


def _nobody_can_join(event: Any, allocations: list[Any]) -> list[str]:
    """The editor's warnings (``decisions.nobody_can_join``) in words."""
    words = {
        decisions.NO_CAPACITY: _("Nobody can register: the capacity is 0."),
        decisions.NO_ALLOCATED_SEATS: _(
            "Nobody can get a seat before the release date: the seats are allocated per "
            "organisation until then, and no allocation holds a seat. Add an allocation, "
            "or empty the release date."
        ),
    }
    codes = decisions.nobody_can_join(
        event, timezone.now(), capacity=event.capacity, quotas=[a.quota for a in allocations]
    )
    return [str(words[code]) for code in codes]


def _visitor_summary(event: Any, allocations: list[Any]) -> dict[str, Any]:
    """What the editor is told visitors can do now: the public page and a link of an
    organisation outside every allocation, from ``decisions.visitor_options``."""
    public = selectors.options_for_visitor(event, None, via_link=False)
    outside = selectors.options_for_visitor(event, None, via_link=True)
    return {
        "visitor_public": selectors.visitor_message(event, public),
        "visitor_outside": selectors.visitor_message(event, outside),
        "quota_binds": decisions.quota_binds(event, timezone.now()),
        "publish_warnings": _nobody_can_join(event, allocations),
    }


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

    def save(data: dict[str, Any]) -> Any:
        # The form gives the organisations as objects; the service takes them so too.
        fields = {**data, "organisations": list(data["organisations"])}
        if allocation is None:
            return services.allocation_create(actor=request.user, event=event, **fields)
        return services.allocation_update(actor=request.user, allocation=allocation, **fields)

    return handle_form(
        request,
        form,
        save,
        template="events/staff/allocation_form.html",
        context=_base(request, event, "edit", allocation=allocation),
        success_message=_("The allocation was saved."),
        success_url=reverse("events:edit", kwargs={"pk": event.pk}) + "#allocations",
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


@login_required
@require_http_methods(["GET", "POST"])
def session_form(request: HttpRequest, pk: int, sid: int | None = None) -> HttpResponse:
    policies.require(policies.may_manage_programme, request.user)
    event = _event(request, pk)
    session = selectors.session_get(event=event, pk=sid) if sid is not None else None
    if session:
        initial = {name: getattr(session, name) for name in services.programme.SESSION_FIELDS}
        initial["starts_at"] = _local(session.starts_at)
        initial["ends_at"] = _local(session.ends_at)
    else:
        initial = {"starts_at": _local(event.starts_at), "ends_at": _local(event.ends_at)}
    form = SessionForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        if session is None:
            return services.session_create(actor=request.user, event=event, data=data)
        return services.session_update(actor=request.user, session=session, data=data)

    return handle_form(
        request,
        form,
        save,
        template="events/staff/session_form.html",
        context=_base(request, event, "edit", session=session),
        success_message=_("The session was saved."),
        success_url=reverse("events:edit", kwargs={"pk": event.pk}) + "#programme",
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
