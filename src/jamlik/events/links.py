"""The public addresses that e-mails and pages carry (docs/api.md#public-token-endpoints: the token is the last path
segment). Built from settings.BASE_URL so mails sent by the worker point to the site."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def organisation_link_url(link: Any) -> str:
    return f"{settings.BASE_URL}/r/{link.token}"


def registration_manage_url(registration: Any) -> str:
    return f"{settings.BASE_URL}/m/{registration.manage_token}"


def approval_url(registration: Any) -> str:
    return f"{settings.BASE_URL}/a/{registration.approval_token}"


def event_public_url(event: Any) -> str:
    return f"{settings.BASE_URL}/e/{event.pk}"


def calendar_url(registration: Any) -> str:
    return (
        f"{settings.BASE_URL}/api/v1/public/registrations/{registration.manage_token}/calendar.ics"
    )


def checkin_payload(registration: Any) -> str:
    """What the QR image of the confirmation holds: the event and the check-in code."""
    return f"JAMLIK:{registration.event_id}:{registration.checkin_code}"


def bounce_address(event: Any) -> str:
    """The envelope sender of the event's mail (settings.EVENT_BOUNCE_ADDRESS with the
    event's id), so that asynchronous bounces say which event's addresses bounce; "" when
    not configured."""
    template = settings.EVENT_BOUNCE_ADDRESS
    return template.replace("{event}", str(event.pk)) if template else ""
