"""Every state change of the events app (docs/architecture.md#code-conventions). Import from here:
``from jamlik.events import services; services.registration_create(...)``."""

from jamlik.events.services._checks import allocation_for
from jamlik.events.services.allocations import (
    allocation_create,
    allocation_delete,
    allocation_update,
)
from jamlik.events.services.events import event_create, event_update
from jamlik.events.services.exports import (
    BADGES_PDF,
    badges_build,
    badges_now_or_job,
    badges_start,
)
from jamlik.events.services.handling import (
    approval_decide,
    offer_claim,
    registration_check_in,
    registration_check_in_undo,
    registration_resend_link,
)
from jamlik.events.services.housekeeping import (
    events_housekeep_due,
    registration_anonymise,
    registration_may_erase,
    registrations_anonymise_due,
    reminders_send,
)
from jamlik.events.services.links import (
    link_ensure,
    link_regenerate,
    link_revoke,
    links_send,
    lost_link_request,
)
from jamlik.events.services.messages import event_message_send
from jamlik.events.services.positions import waiting_position
from jamlik.events.services.programme import session_create, session_delete, session_update
from jamlik.events.services.registrations import (
    RegistrationOutcome,
    active_registration_of_person,
    person_organisation,
    registration_cancel,
    registration_change_sessions,
    registration_create,
    registration_create_as_person,
    registration_may_cancel,
    registration_may_change_sessions,
    registration_transfer,
)
from jamlik.events.services.seats import (
    CLOSED,
    OPEN,
    QUOTA,
    closed_reason,
    event_phase,
    event_release_if_due,
    quota_binds,
)

__all__ = [
    "BADGES_PDF",
    "CLOSED",
    "OPEN",
    "QUOTA",
    "RegistrationOutcome",
    "active_registration_of_person",
    "allocation_create",
    "allocation_delete",
    "allocation_for",
    "allocation_update",
    "approval_decide",
    "badges_build",
    "badges_now_or_job",
    "badges_start",
    "closed_reason",
    "event_create",
    "event_message_send",
    "event_phase",
    "event_release_if_due",
    "event_update",
    "events_housekeep_due",
    "link_ensure",
    "link_regenerate",
    "link_revoke",
    "links_send",
    "lost_link_request",
    "offer_claim",
    "person_organisation",
    "quota_binds",
    "registration_anonymise",
    "registration_cancel",
    "registration_change_sessions",
    "registration_check_in",
    "registration_check_in_undo",
    "registration_create",
    "registration_create_as_person",
    "registration_may_cancel",
    "registration_may_change_sessions",
    "registration_may_erase",
    "registration_resend_link",
    "registration_transfer",
    "registrations_anonymise_due",
    "reminders_send",
    "session_create",
    "session_delete",
    "session_update",
    "waiting_position",
]

# A coordinator registers other people (one by one, or a list: all or nothing).
from jamlik.events.services.staff_registrations import (
    ImportResult,
    registration_create_by_staff,
    registrations_import,
)

__all__ += ["ImportResult", "registration_create_by_staff", "registrations_import"]
