"""Organisation links of an event: list, send by mail, regenerate."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Status

from jamlik.core.api import paginate
from jamlik.events import selectors, services
from jamlik.events.api._common import (
    LinkOut,
    LinksSendIn,
    LinksSent,
    _user,
    router,
)

# ---- Links -------------------------------------------------------------------------------------------------


@router.get("/events/{event_id}/links", response=list[LinkOut])
def list_links(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    event = selectors.event_get(user=_user(request), pk=event_id)
    return paginate(request, response, selectors.link_list(user=_user(request), event=event))


@router.post("/events/{event_id}/links/send", response={202: LinksSent})
def send_links(request: HttpRequest, event_id: int, payload: LinksSendIn) -> Any:
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    sent = services.links_send(actor=user, event=event, data=payload)
    return Status(
        202, {"sent": len(sent), "organisations": [link.organisation_id for link in sent]}
    )


@router.post("/events/{event_id}/links/{organisation_id}/regenerate", response={201: LinkOut})
def regenerate_link(request: HttpRequest, event_id: int, organisation_id: int) -> Any:
    """Revoke an organisation's link and make a new one (the old token stops working)."""
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    link = selectors.link_get(user=user, event=event, organisation_id=organisation_id)
    return Status(201, services.link_regenerate(actor=user, link=link))
