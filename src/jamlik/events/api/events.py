"""Events, allocations and the programme: the staff endpoints under ``/events/{event_id}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Status

from jamlik.core.api import errors, paginate
from jamlik.events import policies, selectors, services
from jamlik.events.api._common import (
    AllocationIn,
    AllocationOut,
    AllocationPatch,
    EventIn,
    EventOut,
    EventPatch,
    SessionIn,
    SessionOut,
    SessionPatch,
    _allowed,
    _user,
    router,
)

# ---- Events -----------------------------------------------------------------------------------------


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.event_list(user=_user(request)))


@router.post("/events", response={201: EventOut, **errors(403)})
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    actor = _allowed(request, policies.may_edit_event)
    return Status(201, services.event_create(actor=actor, data=payload))


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: int) -> Any:
    return selectors.event_get(user=_user(request), pk=event_id)


@router.patch("/events/{event_id}", response={200: EventOut, **errors(403, 409)})
def update_event(request: HttpRequest, event_id: int, payload: EventPatch) -> Any:
    actor = _allowed(request, policies.may_edit_event)
    event = selectors.event_get(user=actor, pk=event_id)
    return services.event_update(actor=actor, event=event, data=payload)


# ---- Allocations ---------------------------------------------------------------------------------------


@router.get("/events/{event_id}/allocations", response=list[AllocationOut])
def list_allocations(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    event = selectors.event_get(user=_user(request), pk=event_id)
    return paginate(request, response, selectors.allocation_list(user=_user(request), event=event))


@router.post("/events/{event_id}/allocations", response={201: AllocationOut, **errors(403)})
def create_allocation(request: HttpRequest, event_id: int, payload: AllocationIn) -> Any:
    actor = _allowed(request, policies.may_manage_allocations)
    event = selectors.event_get(user=actor, pk=event_id)
    allocation = services.allocation_create(actor=actor, event=event, data=payload)
    return Status(201, selectors.allocation_get(user=actor, event=event, pk=allocation.pk))


@router.patch(
    "/events/{event_id}/allocations/{allocation_id}",
    response={200: AllocationOut, **errors(403, 409)},
)
def update_allocation(
    request: HttpRequest, event_id: int, allocation_id: int, payload: AllocationPatch
) -> Any:
    actor = _allowed(request, policies.may_manage_allocations)
    event = selectors.event_get(user=actor, pk=event_id)
    allocation = selectors.allocation_get(user=actor, event=event, pk=allocation_id)
    services.allocation_update(actor=actor, allocation=allocation, data=payload)
    return selectors.allocation_get(user=actor, event=event, pk=allocation.pk)


@router.delete(
    "/events/{event_id}/allocations/{allocation_id}", response={204: None, **errors(403, 409)}
)
def delete_allocation(request: HttpRequest, event_id: int, allocation_id: int) -> Any:
    actor = _allowed(request, policies.may_manage_allocations)
    event = selectors.event_get(user=actor, pk=event_id)
    allocation = selectors.allocation_get(user=actor, event=event, pk=allocation_id)
    services.allocation_delete(actor=actor, allocation=allocation)
    return Status(204, None)


# ---- Programme ------------------------------------------------------------------------------------------


@router.get("/events/{event_id}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    event = selectors.event_get(user=_user(request), pk=event_id)
    return paginate(request, response, selectors.session_list(event=event))


@router.post("/events/{event_id}/sessions", response={201: SessionOut, **errors(403)})
def create_session(request: HttpRequest, event_id: int, payload: SessionIn) -> Any:
    actor = _allowed(request, policies.may_manage_programme)
    event = selectors.event_get(user=actor, pk=event_id)
    return Status(201, services.session_create(actor=actor, event=event, data=payload))


@router.patch("/events/{event_id}/sessions/{session_id}", response={200: SessionOut, **errors(403)})
def update_session(
    request: HttpRequest, event_id: int, session_id: int, payload: SessionPatch
) -> Any:
    actor = _allowed(request, policies.may_manage_programme)
    event = selectors.event_get(user=actor, pk=event_id)
    session = selectors.session_get(event=event, pk=session_id)
    return services.session_update(actor=actor, session=session, data=payload)


@router.delete("/events/{event_id}/sessions/{session_id}", response={204: None, **errors(403)})
def delete_session(request: HttpRequest, event_id: int, session_id: int) -> Any:
    actor = _allowed(request, policies.may_manage_programme)
    event = selectors.event_get(user=actor, pk=event_id)
    services.session_delete(actor=actor, session=selectors.session_get(event=event, pk=session_id))
    return Status(204, None)
