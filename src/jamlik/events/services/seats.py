"""Seat decisions: the lock, the counters, the phases, promotion from the waiting list, the
release at ``quota_lock_until`` and the expiry of approval holds.

Every seat decision runs inside ONE transaction that first locks the event row (PostgreSQL:
``SELECT … FOR UPDATE``; SQLite: the transaction is ``BEGIN IMMEDIATE`` and already holds the
database's write lock), then recounts from the counters it just read under that lock, then
writes. All seat decisions of one event therefore run one after the other; decisions for
different events do not wait for each other.

The rules (docs/rules.md#events-allocation):

* quota phase (before ``quota_lock_until``): a registration of allocation *g* takes a seat
  only while confirmed+held of *g* < quota(*g*) and of the event < capacity; a registration
  in no allocation takes no seat;
* open phase (from ``quota_lock_until``, or always when it is empty): a seat while
  confirmed+held of the event < capacity;
* at the release the waiting list is served first, oldest first, while seats remain;
* a freed seat goes to the first waiting registration that may take it under the rules in
  force at that moment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from jamlik.core.audit import audit_entry, insert_statement
from jamlik.core.metrics import SEAT_LOCK_WAIT
from jamlik.core.models import AuditEntry
from jamlik.core.sql import columns, fetch_models, fetch_rows, parameter_marks, row_to_model
from jamlik.events import clock, decisions, hybrid
from jamlik.events.decisions import (
    CLOSED,
    OPEN,
    QUOTA,
    Waiting,
    closed_reason,
    closes_at,
    nearest_allocation,
    promotes,
    quota_binds,
    release_due,
)
from jamlik.events.models import (
    HELD_STATUSES,
    SEAT_STATUSES,
    Allocation,
    Event,
    Registration,
    Session,
    Status,
    new_token,
)
from jamlik.events.services import mail
from jamlik.notifications import notices
from jamlik.notifications.notices import Notice

logger = logging.getLogger(__name__)

__all__ = [
    "CLOSED",
    "OPEN",
    "QUOTA",
    "closed_reason",
    "closes_at",
    "nearest_allocation",
    "promotes",
    "quota_binds",
    "release_due",
]


def event_phase(event: Event, at: datetime | None = None) -> str:
    """``quota``, ``open`` or ``closed`` now (or at ``at``)."""
    return decisions.phase(event, at or clock.now())


# ---- The lock and the counters ------------------------------------------------------------------
#
# The statements of a seat decision are written out in SQL: they run on every registration,
# and building them through the ORM cost more than the database's work for them (profiled
# with benchmarks/storm.py). ``core.sql`` turns the rows into model instances with the ORM's
# conversions but without ``raw()``'s per-statement machinery, so the rest of the code sees
# ordinary objects.


def lock_event(event_id: int) -> Event:
    """Lock the event row for the rest of the transaction and return it freshly read.

    Every seat decision of the event goes through here first; tests of the race replace it
    with a version without the lock to show that the lock is what keeps the rules.

    The counters of allocations are read by a statement of their own after this one: under
    READ COMMITTED a row joined into the locking statement would be the version of that
    statement's snapshot, taken before the wait for the lock, not the one the previous
    holder of the lock wrote (tests/events/test_concurrency.py caught exactly that)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_event must run inside a transaction")
    sql = f"SELECT {columns(Event, 'e')} FROM events_event e WHERE e.id = %s"  # noqa: S608
    if connection.features.has_select_for_update:
        # SQLite has no row locks: its transactions begin IMMEDIATE and hold the write lock.
        sql += " FOR UPDATE"
    # The wait for the lock (metrics: jamlik_seat_lock_wait_seconds). On SQLite the wait was
    # at BEGIN IMMEDIATE and this is the read alone.
    started = time.perf_counter()
    found = fetch_models(Event, sql, [event_id])
    SEAT_LOCK_WAIT.observe(time.perf_counter() - started)
    if not found:
        raise Event.DoesNotExist(f"event {event_id}")
    return found[0]


class Seats:
    """The locked event with the counters of its allocations and sessions, changed in memory
    during one decision and written back by ``flush``."""

    def __init__(self, event: Event, at: datetime) -> None:
        self.event = event
        self.at = at
        self._allocations: dict[int, Allocation] = {}
        self._all_allocations = False
        self._sessions: dict[int, Session] | None = None
        self._event_dirty = False
        self._dirty_allocations: set[int] = set()
        self._dirty_sessions: set[int] = set()
        self._notices: list[Notice] = []
        self._audit: list[AuditEntry] = []
        self._writes: list[tuple[str, list[Any]]] = []

    # Lazily loaded (one query each) under the event lock, which guards them too. One row
    # already read (and perhaps changed in memory) stays the one in use.
    @property
    def allocations(self) -> dict[int, Allocation]:
        if not self._all_allocations:
            self._keep(
                fetch_models(
                    Allocation,
                    f"SELECT {columns(Allocation, 'a')} FROM events_allocation a"  # noqa: S608
                    " WHERE a.event_id = %s ORDER BY a.id",
                    [self.event.pk],
                )
            )
            self._all_allocations = True
        return self._allocations

    @property
    def sessions(self) -> dict[int, Session]:
        if self._sessions is None:
            rows = fetch_models(
                Session,
                f"SELECT {columns(Session, 's')} FROM events_session s"  # noqa: S608
                " WHERE s.event_id = %s",
                [self.event.pk],
            )
            self._sessions = {s.pk: s for s in rows}
        return self._sessions

    def allocation(self, allocation_id: int | None) -> Allocation | None:
        """One allocation; a decision about one registration reads only its row."""
        if allocation_id is None:
            return None
        if allocation_id not in self._allocations and not self._all_allocations:
            self._keep(
                fetch_models(
                    Allocation,
                    f"SELECT {columns(Allocation, 'a')} FROM events_allocation a"  # noqa: S608
                    " WHERE a.id = %s AND a.event_id = %s",
                    [allocation_id, self.event.pk],
                )
            )
        return self._allocations.get(allocation_id)

    def allocation_of(self, organisation: Any) -> int | None:
        """The allocation a new registration of the organisation counts against (its own,
        else its nearest ancestor's), read with its counters in one query."""
        if organisation is None:
            return None
        chain = organisation.ancestor_ids
        rows = fetch_rows(
            f"SELECT m.organisation_id, {columns(Allocation, 'a')}"  # noqa: S608 (marks only)
            " FROM events_allocationmember m JOIN events_allocation a ON a.id = m.allocation_id"
            f" WHERE m.event_id = %s AND m.organisation_id IN ({parameter_marks(chain)})",
            [self.event.pk, *chain],
        )
        members = {row[0]: row_to_model(Allocation, row, 1) for row in rows}
        self._keep(members.values())
        return nearest_allocation(chain, {member: a.pk for member, a in members.items()})

    def _keep(self, allocations: Iterable[Allocation]) -> None:
        for allocation in allocations:
            self._allocations.setdefault(allocation.pk, allocation)

    # -- what the rules say, from the counters read under the lock --

    @property
    def quota_binding(self) -> bool:
        return quota_binds(self.event, self.at)

    def event_room(self) -> decisions.Room:
        return decisions.room(self.event, "capacity")

    def allocation_room(self, allocation_id: int | None) -> decisions.Room | None:
        allocation = self.allocation(allocation_id)
        return None if allocation is None else decisions.room(allocation, "quota")

    def allocation_rooms(self) -> dict[int, decisions.Room]:
        """Every allocation's room while the quotas bind (read then); none in the open phase."""
        if not self.quota_binding:
            return {}
        return {pk: decisions.room(a, "quota") for pk, a in self.allocations.items()}

    def placement(self, allocation_id: int | None, participation: str = hybrid.ON_SITE) -> str:
        """Where a new registration of this allocation goes (``decisions.placement``)."""
        if participation == hybrid.ONLINE:  # hybrid: the online room, no quota
            return hybrid.online_placement(
                hybrid.online_room(self.event), waitlist_enabled=self.event.waitlist_enabled
            )
        return decisions.placement(
            self.event_room(),
            # The allocation's row is read only when the quotas bind.
            self.allocation_room(allocation_id) if self.quota_binding else None,
            quota_binding=self.quota_binding,
            waitlist_enabled=self.event.waitlist_enabled,
        )

    # -- notices: the mail of this decision, sent with the counters --

    def tell(self, *notices: Notice) -> None:
        self._notices.extend(notices)

    # -- counters --

    def count(self, registration: Registration, old: str | None, new: str | None) -> None:
        """Move one registration between statuses in the counters (old/new None: not there)."""
        if old == new:
            return
        targets: list[Any] = [self.event]
        # Hybrid: an online registration moves the event's online_* counters and no
        # allocation's (online seats are outside the quotas; docs/rules.md#events-hybrid).
        prefix = hybrid.counter_prefix(registration.participation)
        allocation = None if prefix else self.allocation(registration.allocation_id)
        if allocation is not None:
            targets.append(allocation)
            self._dirty_allocations.add(allocation.pk)
        self._event_dirty = True
        for target in targets:
            for status, delta in ((old, -1), (new, +1)):
                if status == Status.CONFIRMED:
                    field = "confirmed_count"
                elif status in HELD_STATUSES:
                    field = "held_count"
                elif status == Status.WAITING:
                    field = "waiting_count"
                else:
                    continue
                name = prefix + field
                setattr(target, name, getattr(target, name) + delta)

    def take_sessions(self, session_ids: list[int] | set[int], delta: int) -> None:
        for session_id in session_ids:
            session = self.sessions.get(session_id)
            if session is not None:
                session.taken_count = max(0, session.taken_count + delta)
                self._dirty_sessions.add(session_id)

    def add_sessions(self, registration: Registration, session_ids: Iterable[int]) -> None:
        """The chosen sessions of a registration just saved, written by ``flush`` with the
        counters (the rows only: the sessions' counters are ``take_sessions``)."""
        pairs = [(registration.pk, session_id) for session_id in session_ids]
        if pairs:
            self._writes.append(
                (
                    "INSERT INTO events_registration_sessions (registration_id, session_id)"  # noqa: S608 (marks only)
                    f" VALUES {', '.join(['(%s, %s)'] * len(pairs))}",
                    [value for pair in pairs for value in pair],
                )
            )

    def flush(self) -> None:
        """Write the decision's rows and changed counters and its audit entries, and queue its
        notices (the task row among the statements when the queue is in this database)."""
        said, self._notices = self._notices, []
        task = notices.queued_task(said)
        statements = self._writes + self._counter_updates()
        self._writes = []
        if task is not None:
            statements.append((task.sql, task.params))
        if self._audit:
            statements.append(insert_statement(self._audit))
            self._audit = []
        if statements:
            self._execute(statements)
        if task is not None:
            task.sent()
        else:
            # After the writes: a backend that runs the task at once (tests, demo) renders
            # the mail from the rows just written.
            notices.send(said)

    @staticmethod
    def _execute(statements: list[tuple[str, list[Any]]]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(statements) > 1:
                # One statement under the lock instead of one a row: PostgreSQL runs the
                # parts of a data-modifying WITH together (each on rows of its own).
                parts = [f"w{n} AS ({sql})" for n, (sql, _) in enumerate(statements[:-1])]
                cursor.execute(
                    f"WITH {', '.join(parts)} {statements[-1][0]}",
                    [value for _, values in statements for value in values],
                )
            else:
                for sql, values in statements:
                    cursor.execute(sql, values)

    def audit(
        self,
        *,
        actor: Any,
        action: str,
        obj: Any,
        old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None,
    ) -> None:
        """An audit entry of this decision, written by ``flush`` with the counters."""
        self._audit.append(audit_entry(actor=actor, action=action, obj=obj, old=old, new=new))

    def _counter_updates(self) -> list[tuple[str, list[Any]]]:
        event = self.event
        updates: list[tuple[str, list[Any]]] = []
        if self._event_dirty:
            updates.append(
                (
                    "UPDATE events_event SET confirmed_count = %s, held_count = %s,"
                    " waiting_count = %s, online_confirmed_count = %s, online_held_count = %s,"
                    " online_waiting_count = %s, released_at = %s WHERE id = %s",
                    [
                        event.confirmed_count,
                        event.held_count,
                        event.waiting_count,
                        event.online_confirmed_count,
                        event.online_held_count,
                        event.online_waiting_count,
                        connection.ops.adapt_datetimefield_value(event.released_at),
                        event.pk,
                    ],
                )
            )
            self._event_dirty = False
        for allocation_id in sorted(self._dirty_allocations):
            allocation = self._allocations[allocation_id]
            updates.append(
                (
                    "UPDATE events_allocation SET confirmed_count = %s, held_count = %s,"
                    " waiting_count = %s WHERE id = %s",
                    [
                        allocation.confirmed_count,
                        allocation.held_count,
                        allocation.waiting_count,
                        allocation_id,
                    ],
                )
            )
        self._dirty_allocations.clear()
        for session_id in sorted(self._dirty_sessions):
            updates.append(
                (
                    "UPDATE events_session SET taken_count = %s WHERE id = %s",
                    [self.sessions[session_id].taken_count, session_id],
                )
            )
        self._dirty_sessions.clear()
        return updates

    def mark_event_dirty(self) -> None:
        self._event_dirty = True


def open_seats(event_id: int, at: datetime | None = None) -> Seats:
    """Lock the event and bring it up to date (release, expired holds). Inside a transaction."""
    at = at or clock.now()
    seats = Seats(lock_event(event_id), at)
    housekeep(seats)
    return seats


# ---- Moving registrations ------------------------------------------------------------------------


def hold_status(event: Event, registration: Registration) -> str:
    return decisions.seat_status(
        approval_required=event.approval_required, manager_email=registration.manager_email
    )


def give_seat(seats: Seats, registration: Registration, *, promoted: bool) -> None:
    """Give a seat to a registration that has none (new or waiting): confirmed, or held for
    the manager's approval. Sessions that are full by now are dropped when promoted."""
    old = registration.status if registration.pk else None
    new = hold_status(seats.event, registration)
    registration.status = new
    registration.waiting_since = None
    if new == Status.PENDING_APPROVAL:
        registration.hold_expires_at = seats.at + timedelta(hours=seats.event.approval_hold_hours)
        registration.approval_token = new_token()
    if registration.pk is not None:
        chosen = set(registration.sessions.values_list("id", flat=True))
        if promoted and chosen:
            full = {s for s in chosen if s in seats.sessions and seats.sessions[s].is_full}
            if full:
                registration.sessions.remove(*full)
                chosen -= full
        seats.take_sessions(chosen, +1)
        registration.save(
            update_fields=["status", "waiting_since", "hold_expires_at", "approval_token"]
        )
    seats.count(registration, old, new)


def offer_seat(seats: Seats, registration: Registration) -> None:
    """Offer a freed seat to a waiting registration: the seat (and its sessions that still
    have room) is held for it until ``hold_expires_at``; ``claim_offer`` turns it into a
    seat, ``expire_holds`` passes it on (docs/rules.md#waiting-list-offers)."""
    hours = seats.event.waitlist_offer_hours or 0
    old = registration.status
    registration.status = Status.OFFERED
    registration.waiting_since = None
    registration.hold_expires_at = decisions.offer_expires_at(seats.at, hours)
    chosen = set(registration.sessions.values_list("id", flat=True))
    full = {s for s in chosen if s in seats.sessions and seats.sessions[s].is_full}
    if full:
        registration.sessions.remove(*full)
        chosen -= full
    seats.take_sessions(chosen, +1)
    registration.save(update_fields=["status", "waiting_since", "hold_expires_at"])
    seats.count(registration, old, Status.OFFERED)


def claim_offer(seats: Seats, registration: Registration) -> None:
    """Turn an offered seat into the registration's seat: confirmed, or held for the
    manager's approval when the event asks for it. Its sessions were taken with the offer."""
    new = hold_status(seats.event, registration)
    registration.status = new
    registration.hold_expires_at = None
    if new == Status.PENDING_APPROVAL:
        registration.hold_expires_at = seats.at + timedelta(hours=seats.event.approval_hold_hours)
        registration.approval_token = new_token()
    registration.save(update_fields=["status", "hold_expires_at", "approval_token"])
    seats.count(registration, Status.OFFERED, new)


def free_seat(seats: Seats, registration: Registration, new_status: str) -> None:
    """Take a registration out of its seat or off the waiting list (cancelled, declined,
    expired, transferred). The caller saves the registration."""
    old = registration.status
    if old in SEAT_STATUSES:
        seats.take_sessions(list(registration.sessions.values_list("id", flat=True)), -1)
    registration.status = new_status
    seats.count(registration, old, new_status)


def promote(seats: Seats) -> list[Registration]:
    """Hand free seats to the people waiting (``decisions.promotion``); each promoted
    registration gets its seat, an audit entry and a notice."""
    # Hybrid: the online seats are handed on by the same loop, to online registrations
    # only; each pass reads nothing when its counters say nobody waits.
    return _promote(seats, hybrid.ON_SITE) + _promote(seats, hybrid.ONLINE)


def _promote(seats: Seats, participation: str) -> list[Registration]:
    event = seats.event
    prefix = hybrid.counter_prefix(participation)
    if not promotes(event, seats.at) or getattr(event, prefix + "waiting_count") <= 0:
        return []
    # Hybrid: online seats are one room that no quota binds.
    online = participation == hybrid.ONLINE
    binding = seats.quota_binding and not online
    promoted: list[Registration] = []
    while True:
        free = (hybrid.online_room(event) if online else seats.event_room()).free
        rooms = {} if online else seats.allocation_rooms()
        eligible = decisions.eligible_allocations(rooms, quota_binding=binding)
        if free <= 0 or eligible == []:
            break
        # The first part of the list that can fill the free seats; read again only when
        # someone in it could not take a seat after all.
        waiting = Registration.objects.filter(
            event=event, status=Status.WAITING, participation=participation
        )
        if eligible is not None:
            waiting = waiting.filter(allocation_id__in=eligible)
        batch = list(waiting.order_by("waiting_since", "id")[:free])
        if not batch:
            break
        chosen = set(
            decisions.promotion(
                hybrid.online_room(event) if online else seats.event_room(),
                rooms,
                [Waiting(r.pk, r.allocation_id) for r in batch],
                quota_binding=binding,
            )
        )
        offer = decisions.offers_freed_seat(
            offer_hours=event.waitlist_offer_hours, quota_binding=seats.quota_binding
        )
        for registration in batch:
            if registration.pk not in chosen:
                continue
            if offer:
                offer_seat(seats, registration)
            else:
                give_seat(seats, registration, promoted=True)
            seats.audit(
                actor=None,
                action="events.registration.offered" if offer else "events.registration.promoted",
                obj=registration,
                old={"status": Status.WAITING},
                new={"status": registration.status},
            )
            seats.tell(mail.offered(registration) if offer else mail.promoted(registration))
            promoted.append(registration)
        if len(chosen) == len(batch) and len(batch) < free:
            break  # the whole list was read and everyone in it seated
        if not chosen:
            break
    return promoted


def expire_holds(seats: Seats) -> int:
    """Expire the holds whose time has run out — approvals not given and offered seats not
    claimed in time; their seats are freed (not yet handed on)."""
    event = seats.event
    if event.held_count + event.online_held_count <= 0:  # hybrid: online holds too
        return 0
    due = list(
        Registration.objects.filter(
            event=event, status__in=HELD_STATUSES, hold_expires_at__lte=seats.at
        ).order_by("hold_expires_at", "id")
    )
    for registration in due:
        was = registration.status
        free_seat(seats, registration, Status.EXPIRED)
        registration.decided_at = seats.at
        registration.save(update_fields=["status", "decided_at"])
        offered = was == Status.OFFERED
        seats.audit(
            actor=None,
            action="events.registration.offer_expired"
            if offered
            else "events.registration.expired",
            obj=registration,
            old={"status": was},
            new={"status": Status.EXPIRED},
        )
        seats.tell(mail.offer_lapsed(registration) if offered else mail.decided(registration))
    return len(due)


def housekeep(seats: Seats) -> None:
    """Bring a locked event up to date before any seat decision: expire holds that ran out,
    serve the waiting list at the release, and hand freed seats on."""
    changed = expire_holds(seats) > 0
    if release_due(seats.event, seats.at):
        seats.event.released_at = seats.at
        seats.mark_event_dirty()
        changed = True
        logger.info("event %s released", seats.event.pk)
    if changed:
        promote(seats)
        seats.flush()


def housekeeping_due(event: Event, at: datetime) -> bool:
    """Whether ``housekeep`` has work for the event, decided from the row alone when possible."""
    if release_due(event, at):
        return True
    if event.held_count + event.online_held_count > 0:  # hybrid: online holds too
        return Registration.objects.filter(
            event=event, status__in=HELD_STATUSES, hold_expires_at__lte=at
        ).exists()
    return False


def event_release_if_due(*, event: Event) -> Event:
    """Serve the release (and expired holds) of an event if due; idempotent. Called by the
    worker at ``quota_lock_until`` and by its periodic run (every seat service serves what
    is due in ``open_seats`` too). Returns the event, fresh when something changed."""
    at = clock.now()
    if not housekeeping_due(event, at):
        return event
    with transaction.atomic():
        seats = open_seats(event.pk, at)
        seats.flush()
    return seats.event
