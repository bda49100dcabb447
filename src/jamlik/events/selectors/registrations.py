"""Registrations, scoped: lists and filters, one registration, its history and transfers, the
personal tokens, waiting positions, badges and the check-in look-up."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, When
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jamlik.core.errors import Invalid, NotFound
from jamlik.core.lookups import get_or_404, valid_id
from jamlik.core.scoping import scope_for
from jamlik.events import clock, policies
from jamlik.events.models import (
    ACTIVE_STATUSES,
    Event,
    Registration,
    Session,
    Status,
)
from jamlik.events.selectors._common import PUBLIC_STATUSES, _is_token, people_visible_to
from jamlik.events.services.seats import quota_binds
from jamlik.orgs.models import Organisation

# ---- Registrations (scoped) ------------------------------------------------------------------------


def _with_joins(registrations: QuerySet) -> QuerySet:
    return registrations.select_related("organisation", "allocation", "needs").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "id"))
    )


def registration_list(
    *,
    user: Any,
    event: Event,
    status: str | None = None,
    organisation: Any = None,
    q: str | None = None,
    code: str | None = None,
    counting: bool = False,
) -> QuerySet[Registration]:
    """The event's registrations the user may see; ``organisation`` narrows to that
    organisation and its descendants, ``q`` searches name and e-mail, ``code`` finds the
    holder of a check-in code. Protected identities are left out for those who may not
    see them (``people_visible_to``) unless ``counting``: a count that names no one still
    includes them."""
    registrations = scope_for(user).filter(
        Registration.objects.filter(event=event), via="organisation"
    )
    if not counting:
        registrations = people_visible_to(user, registrations)
    if status:
        if status not in Status.values:
            raise Invalid.field(
                "status", _("Choose one of: %(values)s.") % {"values": ", ".join(Status.values)}
            )
        registrations = registrations.filter(status=status)
    if organisation is not None:
        org = organisation
        registrations = registrations.filter(organisation__path__startswith=org.path)
    if q:
        q = _search_text(q)
        registrations = registrations.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if code:
        registrations = registrations.filter(checkin_code=code if _is_token(code) else "")
    return _with_joins(registrations).order_by("created_at", "id")


def _search_text(value: str) -> str:
    from django.core.exceptions import ValidationError

    from jamlik.core import validation

    try:
        return validation.clean_text(value, required=False)
    except ValidationError as exc:
        raise Invalid.field("q", exc.messages[0]) from None


def registration_get(*, user: Any, event: Event, pk: Any) -> Registration:
    return get_or_404(registration_list(user=user, event=event), pk)


HISTORY_LIMIT = 200


def registration_history(*, registration: Registration, limit: int = HISTORY_LIMIT) -> list[Any]:
    """The audit entries about one registration (already read through ``registration_get``,
    so within the user's scope), newest first, with their actors; at most ``limit`` + 1, so
    the page can tell that older ones were left out. One query, whatever the history."""
    from jamlik.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            object_type=Registration._meta.label_lower, object_id=str(registration.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")[: limit + 1]
    )


def registration_transfers(*, user: Any, registration: Registration) -> dict[str, Any]:
    """The registrations a seat was handed to (``to``) and from (``from``), when the user may
    see them (None otherwise), from one scoped query."""
    linked = Q(transferred_to=registration)
    if registration.transferred_to_id is not None:
        linked |= Q(pk=registration.transferred_to_id)
    rows = people_visible_to(
        user,
        scope_for(user).filter(
            Registration.objects.filter(event_id=registration.event_id).filter(linked),
            via="organisation",
        ),
    )
    found = {"to": None, "from": None}
    for row in rows.only("id", "name", "status", "created_at", "transferred_to_id"):
        if row.pk == registration.transferred_to_id:
            found["to"] = row
        if row.transferred_to_id == registration.pk:
            found["from"] = row
    return found


def registration_by_manage_token(token: str) -> Registration:
    if not _is_token(token):
        raise NotFound()
    registration = (
        _with_joins(Registration.objects.select_related("event"))
        .filter(manage_token=token, event__status__in=PUBLIC_STATUSES, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound()
    return registration


def registrations_of_person(key: str) -> list[Registration]:
    """ "Mina anmälningar": the registrations a signed-in person made as themselves (by
    ``person_key`` only, never by address: an address is not proof of who typed it), of
    events the public may see, with their event; the soonest event first. One query."""
    if not key:
        return []
    return list(
        Registration.objects.select_related("event")
        .filter(person_key=key, event__status__in=PUBLIC_STATUSES, anonymised_at__isnull=True)
        .order_by("event__starts_at", "event_id", "created_at", "id")
    )


def registration_by_approval_token(token: str) -> Registration:
    if not _is_token(token):
        raise NotFound()
    registration = (
        Registration.objects.select_related("event", "organisation")
        .filter(approval_token=token, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound()
    return registration


def waiting_positions(event: Event, only: set[int] | None = None) -> dict[int, int]:
    """Every waiting registration's position (docs/rules.md#events-waiting-list: the waiting registrations that would be
    served before it under the rules in force, plus one), from one query. With ``only``,
    the queue is read only as far as the last of those registrations."""
    in_quota_phase = quota_binds(event, clock.now())
    ranks: dict[Any, int] = defaultdict(int)
    positions = {}
    queue = (
        Registration.objects.filter(event=event, status=Status.WAITING)
        .order_by("waiting_since", "id")
        .values_list("id", "allocation_id", "participation")
    )
    wanted = set(only) if only is not None else None
    for registration_id, allocation_id, participation in queue.iterator(chunk_size=500):
        if wanted is not None and not wanted:
            break
        if wanted is not None:
            wanted.discard(registration_id)
        if participation == "online":  # hybrid: the online seats' own queue, no quotas
            ranks["online"] += 1
            positions[registration_id] = ranks["online"]
            continue
        key = allocation_id if in_quota_phase and allocation_id is not None else "all"
        if in_quota_phase and allocation_id is None:
            # No allocation: served at the release, after everyone waiting before it.
            ranks["none"] += 1
            positions[registration_id] = ranks["none"]
            continue
        ranks[key] += 1
        ranks["none"] += 1
        positions[registration_id] = ranks[key]
    return positions


def with_positions(registrations: Any, event: Event) -> list[Registration]:
    """The registrations as a list, each with ``position`` (None unless waiting)."""
    rows = list(registrations)
    waiting = {r.pk for r in rows if r.status == Status.WAITING}
    positions = waiting_positions(event, only=waiting) if waiting else {}
    for registration in rows:
        registration.position = positions.get(registration.pk)
    return rows


def waiting_list(*, user: Any, event: Event) -> list[Registration]:
    """The waiting list in queue order, scoped, each with its position."""
    waiting = registration_list(user=user, event=event, status=Status.WAITING).order_by(
        "waiting_since", "id"
    )
    return with_positions(waiting, event)


# How many of the people waiting the organiser's dashboard lists: the head of the queue;
# the registrations list (filtered on "waiting") pages through the rest.
WAITING_SHOWN = 20


@dataclass(frozen=True)
class WaitingHead:
    rows: list[Registration]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def waiting_head(*, user: Any, event: Event, limit: int = WAITING_SHOWN) -> WaitingHead:
    """The first ``limit`` of the waiting list in queue order (scoped, with positions) and
    how many wait in all: two queries and a bounded read, whatever the list's length."""
    waiting = registration_list(user=user, event=event, status=Status.WAITING)
    rows = with_positions(waiting.order_by("waiting_since", "id")[:limit], event)
    # The total counts protected identities too (a count names no one); when the rows left
    # them out, it cannot be read off the rows.
    everyone = registration_list(user=user, event=event, status=Status.WAITING, counting=True)
    sees_all = policies.may_see_protected_identity(user)
    total = len(rows) if len(rows) < limit and sees_all else everyone.count()
    return WaitingHead(rows=rows, total=total)


PAGE_SIZE = 50


# ---- Registrations on the organiser's pages ------------------------------------------------


@dataclass
class RegistrationFilter:
    status: str = ""
    organisation: Organisation | None = None
    q: str = ""


# The columns the registrations list sorts by, in the table's order: the allow-list of
# ``?sort=`` values, each with its header and the field it orders by. Anything else in the
# query string gives the default order.
REGISTRATION_SORTS: dict[str, tuple[Any, str]] = {
    "name": (gettext_lazy("Name"), "name"),
    "organisation": (gettext_lazy("Organisation"), "organisation__name"),
    "status": (gettext_lazy("Status"), "status"),
    "registered": (gettext_lazy("Registered"), "created_at"),
    "checkin": (gettext_lazy("Checked in"), "checked_in_at"),
}
DEFAULT_SORT = "registered"
ASCENDING, DESCENDING = "asc", "desc"


@dataclass(frozen=True)
class SortHeader:
    """One sortable column header: ``aria_sort`` ("ascending", "descending" or "" when the
    list is not sorted by it) and the direction a click on it asks for."""

    key: str
    label: Any
    aria_sort: str
    next_direction: str


@dataclass(frozen=True)
class RegistrationSort:
    """The order of the registrations list, from the query string's ``sort`` and ``dir``."""

    key: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def parse(cls, key: Any, direction: Any) -> RegistrationSort:
        """Unknown or missing values give the default (never an error)."""
        if not isinstance(key, str) or key not in REGISTRATION_SORTS:
            return cls()
        return cls(key=key, descending=direction == DESCENDING)

    @property
    def direction(self) -> str:
        return DESCENDING if self.descending else ASCENDING

    @property
    def query(self) -> str:
        """The order as query parameters; "" for the default order."""
        if self == RegistrationSort():
            return ""
        return urlencode({"sort": self.key, "dir": self.direction})

    def order_by(self) -> list[Any]:
        """Expressions for ``order_by``: the column (names case-insensitively, statuses in
        their lifecycle order, empty values last either way), then registration order, so
        that pages never overlap."""
        field = REGISTRATION_SORTS[self.key][1]
        expression: Any
        if field == "name":
            expression = Lower("name")
        elif field == "status":
            expression = Case(
                *(When(status=value, then=n) for n, value in enumerate(Status.values)),
                default=len(Status.values),
                output_field=IntegerField(),
            )
        else:
            expression = F(field)
        first = (
            expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        )
        return [first, "created_at", "id"]

    def headers(self) -> list[SortHeader]:
        """The sortable column headers in order: a click on the sorted column turns its
        direction round, a click on another sorts by it ascending."""
        headers = []
        for key, (label, _field) in REGISTRATION_SORTS.items():
            current = key == self.key
            headers.append(
                SortHeader(
                    key=key,
                    label=label,
                    aria_sort=("descending" if self.descending else "ascending") if current else "",
                    next_direction=DESCENDING if current and not self.descending else ASCENDING,
                )
            )
        return headers


def registrations_page(
    *,
    user: Any,
    event: Event,
    filters: RegistrationFilter,
    page: Any = 1,
    sort: RegistrationSort | None = None,
) -> Page:
    """One page (``PAGE_SIZE`` rows, a bad page number gives the nearest page) of the
    registrations list in ``sort``'s order: a count and the rows with their organisation,
    whatever the list's length."""
    queryset = registration_list(
        user=user,
        event=event,
        status=filters.status or None,
        organisation=filters.organisation,
        q=filters.q or None,
    )
    ordering = (sort or RegistrationSort()).order_by()
    return Paginator(queryset.prefetch_related(None).order_by(*ordering), PAGE_SIZE).get_page(page)


def registration_organisations(*, user: Any, event: Event) -> list[Organisation]:
    """The organisations in scope that have registrations for the event (filter choices)."""
    ids = (
        registration_list(user=user, event=event)
        .exclude(organisation=None)
        .order_by()
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def badge_registrations(*, user: Any, event: Event) -> list[Registration]:
    """Confirmed participants the user may see, by organisation and name."""
    return list(
        registration_list(user=user, event=event, status=Status.CONFIRMED)
        .prefetch_related(None)
        .order_by("organisation__name", "name", "id")
    )


# ---- Check-in ----------------------------------------------------------------------------------

_PAYLOAD = re.compile(r"JAMLIK:(?P<event>\d{1,18}):(?P<code>[A-Za-z0-9_-]{4,32})")
_CODE = re.compile(r"[A-Za-z0-9_-]{8,32}")
CHECKIN_RESULTS = 25


def checkin_code_from_payload(payload: str, event: Event) -> str | None:
    """The check-in code in what a scanner typed: the QR payload ``JAMLIK:<event>:<code>``
    (also inside a longer text, such as a URL) or the bare code. None when it names another
    event or holds no code at all."""
    text = (payload or "").strip()
    match = _PAYLOAD.search(text)
    if match:
        event_id = int(match.group("event"))
        return match.group("code") if valid_id(event_id) and event_id == event.pk else None
    if _CODE.fullmatch(text):
        return text
    return None


def checkin_find_by_code(*, user: Any, event: Event, payload: str) -> Registration:
    code = checkin_code_from_payload(payload, event)
    found = registration_list(user=user, event=event, code=code).first() if code else None
    if found is None:
        raise NotFound()
    return found


def checkin_search(*, user: Any, event: Event, q: str) -> list[Registration]:
    """Active registrations whose name or e-mail contains ``q`` (at least two characters)."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    return list(
        registration_list(user=user, event=event, q=q[:200])
        .filter(status__in=ACTIVE_STATUSES)
        .prefetch_related(None)
        .order_by("name", "id")[:CHECKIN_RESULTS]
    )


def checkin_recent(*, user: Any, event: Event, limit: int = 10) -> list[Registration]:
    return list(
        registration_list(user=user, event=event)
        .filter(checked_in_at__isnull=False)
        .prefetch_related(None)
        .order_by("-checked_in_at", "-id")[:limit]
    )
