"""Who may do what in the events app, as pure ``may_*`` functions (no database access).

Services ask them first (``require(policies.may_x, actor)``; ``actor=None`` is the trusted
system and is not asked); pages and API endpoints ask the same functions, to refuse before
a service runs or to decide what to show. *Which* registrations, links and people a user
reaches is scoping (``core.scoping``), not a policy: an org coordinator allowed to check
people in reaches only those of their subtree, and anything else answers 404.

- Events, allocations and the programme: administrators and city coordinators change them;
  every staff user reads them.
- Links: on the pages, creating, revoking, sending and regenerating are the editors' (city,
  admin). Through the API, any staff user sends and regenerates the links of the
  organisations in their scope (docs/rules.md#events-links).
- The dashboard, registrations (cancel, sessions, check-in, manage link again), exports,
  badges, statistics and messages to participants: every staff user, within their scope.
- Erasing a person's data on request: administrators and city coordinators.
- Inactive and anonymous users may do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core.models import Role
from jamlik.core.policies import is_active_user, is_city_or_admin, require
from jamlik.core.scoping import scope_for

__all__ = [
    "may_cancel_registration",
    "may_change_registration_sessions",
    "may_check_in",
    "may_edit_event",
    "may_erase_registration",
    "may_export_registrations",
    "may_manage_allocations",
    "may_manage_links",
    "may_manage_programme",
    "may_message_participants",
    "may_register_others",
    "may_resend_manage_link",
    "may_see_dashboard",
    "may_send_links",
    "require",
]


def may_edit_event(actor: Any) -> bool:
    """Create, change, publish, close or archive an event."""
    return is_city_or_admin(actor)


def may_manage_allocations(actor: Any) -> bool:
    """Create, change and delete allocations (quotas and their organisations)."""
    return is_city_or_admin(actor)


def may_manage_programme(actor: Any) -> bool:
    """Create, change and delete sessions."""
    return is_city_or_admin(actor)


def may_manage_links(actor: Any) -> bool:
    """The links tab's actions on the pages: create, revoke, send all, regenerate."""
    return is_city_or_admin(actor)


def may_send_links(actor: Any) -> bool:
    """Send and regenerate (revoking the old) links: any staff user, for the organisations in
    their scope (the API's rule; the pages ask ``may_manage_links``)."""
    return is_active_user(actor)


def may_see_dashboard(actor: Any) -> bool:
    """The dashboard, registrations list, check-in page and statistics (scoped)."""
    return is_active_user(actor)


def may_cancel_registration(actor: Any) -> bool:
    """An organiser cancels a registration in their scope."""
    return is_active_user(actor)


def may_change_registration_sessions(actor: Any) -> bool:
    return is_active_user(actor)


def may_check_in(actor: Any) -> bool:
    """Check a person in, or undo it."""
    return is_active_user(actor)


def may_resend_manage_link(actor: Any) -> bool:
    return is_active_user(actor)


def may_erase_registration(actor: Any) -> bool:
    """Erase a person's data on request: the data controller's office (city, admin)."""
    return is_city_or_admin(actor)


def may_export_registrations(actor: Any) -> bool:
    """CSV/XLSX exports and name badges (scoped)."""
    return is_active_user(actor)


def may_message_participants(actor: Any) -> bool:
    """Mail a message to the participants in one's scope."""
    return is_active_user(actor)


def may_register_others(actor: Any, organisation: Any = None) -> bool:
    """Register another person for an event, one by one or from a list: city coordinators
    and administrators for any organisation, an org coordinator for their own organisation
    and those below it (``core.scoping``). Without ``organisation``: whether the actor may
    register anybody at all (the pages and endpoints ask this first)."""
    if not is_active_user(actor):
        return False
    if is_city_or_admin(actor):
        return True
    if getattr(actor, "role", None) != Role.ORG_COORDINATOR:
        return False
    scope = scope_for(actor)
    if organisation is None:
        return bool(scope.path)
    return scope.covers(organisation)


_STAFF_ONLY = _("You are not allowed to do this.")
_EDITORS_ONLY = _("Only administrators and city coordinators change events.")

_DENIED: dict[Callable[..., bool], Any] = {
    may_edit_event: _EDITORS_ONLY,
    may_manage_allocations: _EDITORS_ONLY,
    may_manage_programme: _EDITORS_ONLY,
    may_manage_links: _("Only city coordinators and administrators can change events."),
    may_send_links: _STAFF_ONLY,
    may_see_dashboard: _STAFF_ONLY,
    may_cancel_registration: _STAFF_ONLY,
    may_change_registration_sessions: _STAFF_ONLY,
    may_check_in: _STAFF_ONLY,
    may_resend_manage_link: _STAFF_ONLY,
    may_erase_registration: _("Only the city's coordinators can erase a person's data."),
    may_export_registrations: _STAFF_ONLY,
    may_message_participants: _STAFF_ONLY,
    may_register_others: _(
        "You may register people of your own organisation and the units below it only."
    ),
}


# ---- Unused seats before the release (the radar and its reminders) -----------------------------


def may_see_radar(actor: Any) -> bool:
    """The radar of unused seats per allocation before the release (scoped: an org
    coordinator sees the allocations that hold an organisation of their subtree)."""
    return is_active_user(actor)


def may_send_unused_seat_reminders(actor: Any) -> bool:
    """Send the reminders of unused seats that are due now (the worker's tick sends them as
    the system; a person who runs it: administrators and city coordinators)."""
    return is_city_or_admin(actor)


__all__ += ["may_see_radar", "may_send_unused_seat_reminders"]
_DENIED[may_see_radar] = _STAFF_ONLY
_DENIED[may_send_unused_seat_reminders] = _EDITORS_ONLY


# ---- Privacy: protected identities, needs, a person's data (docs/rules.md#privacy) ----------


def may_see_protected_identity(actor: Any) -> bool:
    """See (and set or clear) the registrations marked "skyddade personuppgifter": the
    city's coordinators and administrators; everyone else's lists leave them out."""
    return is_city_or_admin(actor)


def may_see_needs_of_people(actor: Any) -> bool:
    """See whose dietary and accessibility needs are whose; others see counts per need."""
    return is_city_or_admin(actor)


def may_export_person_data(actor: Any) -> bool:
    """Export everything held about one e-mail address (GDPR art. 15)."""
    return is_city_or_admin(actor)


__all__ += ["may_export_person_data", "may_see_needs_of_people", "may_see_protected_identity"]
_DENIED[may_see_protected_identity] = _(
    "Only the city's coordinators handle protected personal data."
)
_DENIED[may_see_needs_of_people] = _("Only the city's coordinators see whose needs these are.")
_DENIED[may_export_person_data] = _("Only the city's coordinators can export a person's data.")


# ---- After the event: evaluation and next year's allocation (docs/rules.md#events-evaluation) ----


def may_manage_evaluation(actor: Any) -> bool:
    """Define the evaluation's questions and send it now: administrators and city
    coordinators, who organise the event."""
    return is_city_or_admin(actor)


def may_see_evaluation(actor: Any) -> bool:
    """The evaluation's results: event-level only, so administrators and city coordinators
    (split by organisation, a small organisation's few answers would point at its people)."""
    return is_city_or_admin(actor)


def may_see_allocation_proposal(actor: Any) -> bool:
    """The proposal for next year's quotas from this year's use (every organisation's
    figures): administrators and city coordinators; copying it into a draft event asks
    ``may_manage_allocations`` as well."""
    return is_city_or_admin(actor)


__all__ += ["may_manage_evaluation", "may_see_allocation_proposal", "may_see_evaluation"]
_DENIED[may_manage_evaluation] = _EDITORS_ONLY
_DENIED[may_see_evaluation] = _("Only city coordinators and administrators see the evaluation.")
_DENIED[may_see_allocation_proposal] = _EDITORS_ONLY


# ---- Named invitations (services.invitations) ----------------------------------------------------


def may_invite(actor: Any, organisation: Any = None) -> bool:
    """Invite people by name and address, and remind those who have not answered: city
    coordinators and administrators for any organisation, an org coordinator for their own
    organisation and those below it (as ``may_register_others``). Without ``organisation``:
    whether the actor may invite anybody at all."""
    return may_register_others(actor, organisation)


def may_see_invitations(actor: Any) -> bool:
    """The invitations of an event and their answers (scoped: an org coordinator sees the
    invitations of their subtree)."""
    return is_active_user(actor)


__all__ += ["may_invite", "may_see_invitations"]
_DENIED[may_invite] = _(
    "You may invite people of your own organisation and the units below it only."
)
_DENIED[may_see_invitations] = _STAFF_ONLY
