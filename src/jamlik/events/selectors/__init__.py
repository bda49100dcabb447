"""Read queries of the events app, already scoped and with their joins (docs/architecture.md#code-conventions).

Events, their allocations and programme are visible to all staff; registrations, link tokens,
exports and check-in go through ``scope_for(user).filter`` so an org coordinator sees their
organisation's subtree only (docs/api.md#scoping). Selectors never write: the release and
expired holds are served by the worker at their time and by every seat service before it
decides (``services.seats.open_seats``). Query counts do not grow with the number of
registrations.

A package by topic; ``from jamlik.events import selectors; selectors.x`` names every
function of its modules (re-exported here).
"""

from __future__ import annotations

from jamlik.events.selectors._common import MAX_TOKEN, PUBLIC_STATUSES, TOKEN_RE
from jamlik.events.selectors.events import (
    QuotaUse,
    TimeSlot,
    VisitorSeats,
    allocation_get,
    allocation_list,
    event_get,
    event_list,
    event_public_get,
    events_by_time,
    programme,
    public_organisations,
    quota_use,
    seats_for_visitor,
    session_get,
    session_list,
    time_slots,
)
from jamlik.events.selectors.figures import (
    EXPORT_HEADER,
    OrganisationStatistics,
    Totals,
    export_rows,
    message_list,
    seat_counts_from_counters,
    seat_counts_from_rows,
    statistics_by_organisation,
    totals,
)
from jamlik.events.selectors.links import (
    PublicLink,
    link_by_token,
    link_get,
    link_list,
    organisation_in_allocation,
    organisations_without_link,
)
from jamlik.events.selectors.registration_page import (
    HISTORY_WORDS,
    HistoryRow,
    RegistrationPage,
    TimelineItem,
    registration_page,
)
from jamlik.events.selectors.registrations import (
    CHECKIN_RESULTS,
    HISTORY_LIMIT,
    PAGE_SIZE,
    RegistrationFilter,
    badge_registrations,
    checkin_code_from_payload,
    checkin_find_by_code,
    checkin_recent,
    checkin_search,
    registration_by_approval_token,
    registration_by_manage_token,
    registration_get,
    registration_history,
    registration_list,
    registration_organisations,
    registration_transfers,
    registrations_page,
    waiting_list,
    waiting_positions,
    with_positions,
)

__all__ = [
    "CHECKIN_RESULTS",
    "EXPORT_HEADER",
    "HISTORY_LIMIT",
    "HISTORY_WORDS",
    "MAX_TOKEN",
    "PAGE_SIZE",
    "PUBLIC_STATUSES",
    "TOKEN_RE",
    "HistoryRow",
    "OrganisationStatistics",
    "PublicLink",
    "QuotaUse",
    "RegistrationFilter",
    "RegistrationPage",
    "TimeSlot",
    "TimelineItem",
    "Totals",
    "VisitorSeats",
    "allocation_get",
    "allocation_list",
    "badge_registrations",
    "checkin_code_from_payload",
    "checkin_find_by_code",
    "checkin_recent",
    "checkin_search",
    "event_get",
    "event_list",
    "event_public_get",
    "events_by_time",
    "export_rows",
    "link_by_token",
    "link_get",
    "link_list",
    "message_list",
    "organisation_in_allocation",
    "organisations_without_link",
    "programme",
    "public_organisations",
    "quota_use",
    "registration_by_approval_token",
    "registration_by_manage_token",
    "registration_get",
    "registration_history",
    "registration_list",
    "registration_organisations",
    "registration_page",
    "registration_transfers",
    "registrations_page",
    "seat_counts_from_counters",
    "seat_counts_from_rows",
    "seats_for_visitor",
    "session_get",
    "session_list",
    "statistics_by_organisation",
    "time_slots",
    "totals",
    "waiting_list",
    "waiting_positions",
    "with_positions",
]
