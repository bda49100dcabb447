"""The name badges PDF of an event as a file job (``core.filejobs``): the dashboard's button
and the API start it, the worker builds it with a progress bar (about 5 s per 500 badges).

``badges_start`` asks the same policy as the synchronous download; the caller has resolved
the event through the selectors (404 at once). ``badges_build``, the registered builder, runs
on the worker with the owner fetched afresh and resolves the event and the registrations
again through the same selectors, so the file holds the people the owner may see when it is
built (an org coordinator: their subtree's), exactly as ``GET …/badges.pdf`` would."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core import filejobs
from jamlik.core.models import FileJob
from jamlik.events import badges, policies, selectors
from jamlik.events.models import Event

BADGES_PDF = "events.badges_pdf"
BADGES_PDF_LABEL = _("Name badges (PDF)")
PDF = "application/pdf"


def badges_start(*, actor: Any, event: Event, language: str | None = None) -> FileJob:
    """Queue the event's name badges for ``actor``; the job to follow."""
    policies.require(policies.may_export_registrations, actor)
    return filejobs.file_job_start(
        actor=actor, kind=BADGES_PDF, params={"event": event.pk}, language=language
    )


def badges_build(
    user: Any, params: dict[str, Any], progress: filejobs.Progress
) -> tuple[str, str, bytes]:
    """The builder of ``BADGES_PDF`` (registered in ``EventsConfig.ready``)."""
    policies.require(policies.may_export_registrations, user)
    event = selectors.event_get(user=user, pk=params.get("event"))
    registrations = selectors.badge_registrations(user=user, event=event)
    content = badges.badges_pdf(event, registrations, progress)
    return badges_filename(event), PDF, content


def badges_filename(event: Event) -> str:
    return f"namnbrickor-{event.pk}.pdf"
