"""The rule failures of the events app, each with a stable code (docs/api.md#errors)."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jamlik.core.errors import Conflict, Forbidden, Invalid


def local_datetime(value: Any) -> str:
    """A time as people in Gothenburg read it, in the active language."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


# ---- 409: valid, but the rules refuse it now ------------------------------------------------


class QuotaFull(Conflict):
    code = "quota_full"

    def __init__(self, release_at: Any) -> None:
        if release_at is None:
            message = _("Your organisation's seats are all taken.")
        else:
            message = _(
                "Your organisation's seats are all taken. The remaining seats are released "
                "to everyone on %(date)s."
            ) % {"date": local_datetime(release_at)}
        super().__init__(message)


class EventFull(Conflict):
    code = "event_full"
    default_message = gettext_lazy("The event is full.")


class SessionFull(Conflict):
    code = "session_full"

    def __init__(self, title: str) -> None:
        super().__init__(_("The session “%(title)s” is full.") % {"title": title})


class QuotaPhase(Conflict):
    code = "quota_phase"

    def __init__(self, release_at: Any) -> None:
        super().__init__(
            _(
                "Until %(date)s seats are allocated per organisation: register through your "
                "organisation's link."
            )
            % {"date": local_datetime(release_at)}
        )


class NotOpen(Conflict):
    code = "not_open"

    def __init__(self, opens_at: Any) -> None:
        super().__init__(_("Registration opens on %(date)s.") % {"date": local_datetime(opens_at)})


class Closed(Conflict):
    code = "closed"
    default_message = gettext_lazy("Registration for this event is closed.")


class AlreadyDecided(Conflict):
    code = "already_decided"
    default_message = gettext_lazy("This registration has already been decided.")


class NoOffer(Conflict):
    code = "no_offer"
    default_message = gettext_lazy(
        "No seat is offered to this registration now: the offer has been claimed, or its time "
        "has run out and the seat has passed on."
    )


class NotActive(Conflict):
    code = "not_active"
    default_message = gettext_lazy("This registration is no longer active.")


class AlreadyRegistered(Conflict):
    code = "already_registered"
    default_message = gettext_lazy("That address already holds a registration for this event.")


class CapacityBelowTaken(Conflict):
    code = "capacity_below_taken"

    def __init__(self, taken: int) -> None:
        super().__init__(
            _("%(n)s seats are already taken; the capacity cannot be lower.") % {"n": taken},
            errors=[{"field": "capacity", "message": _("At least %(n)s.") % {"n": taken}}],
        )


class OnlineFull(Conflict):
    """Hybrid: the online seats are taken and the event has no waiting list."""

    code = "online_full"
    default_message = gettext_lazy("The online seats are all taken.")


class OnlineCapacityBelowTaken(Conflict):
    """Hybrid: fewer online seats than the online registrations hold (or none while any
    online registration is active)."""

    code = "online_capacity_below_taken"

    def __init__(self, taken: int) -> None:
        super().__init__(
            _("%(n)s online registrations are active; the online seats cannot be fewer.")
            % {"n": taken},
            errors=[{"field": "online_capacity", "message": _("At least %(n)s.") % {"n": taken}}],
        )


class QuotaBelowTaken(Conflict):
    code = "quota_below_taken"

    def __init__(self, taken: int) -> None:
        super().__init__(
            _("%(n)s seats of this allocation are already taken; the quota cannot be lower.")
            % {"n": taken},
            errors=[{"field": "quota", "message": _("At least %(n)s.") % {"n": taken}}],
        )


class AllocationInUse(Conflict):
    code = "allocation_in_use"
    default_message = gettext_lazy(
        "People are registered through this allocation; it cannot be deleted."
    )


class NotConfirmed(Conflict):
    code = "not_confirmed"
    default_message = gettext_lazy("Only a confirmed registration can be checked in.")


# ---- 403: not this person's link -----------------------------------------------------------


class OtherOrganisation(Forbidden):
    """A signed-in employee on the link of an organisation that is neither theirs nor one
    of its ancestors (whose link the lost-link service would send them)."""

    code = "other_organisation"

    def __init__(self, own: str, link: str) -> None:
        super().__init__(
            _(
                "You are signed in as an employee of %(own)s, but this link is for %(link)s. "
                "Register through the link of %(own)s."
            )
            % {"own": own, "link": link}
        )


# ---- 400: invalid in itself -----------------------------------------------------------------


def invalid(field: str, message: Any, code: str) -> Invalid:
    return Invalid.field(field, message, code=code)


# ---- Named invitations (services.invitations) ------------------------------------------------


class InvitationOnly(Forbidden):
    """A registration not made through a named invitation, for an invitation-only event."""

    code = "invitation_only"
    default_message = gettext_lazy(
        "This event is by invitation only: register through the personal link in your invitation."
    )


class InvitationAnswered(Conflict):
    code = "invitation_answered"
    default_message = gettext_lazy(
        "You are already registered through this invitation. To withdraw, cancel the "
        "registration through the link in your confirmation."
    )


class AlreadyInvited(Conflict):
    code = "already_invited"
    default_message = gettext_lazy("That address is already invited to this event.")
