"""Named invitations of the demo's 2021 HR workshop (``demo.reviews``): the HR specialists of
each administration and company had been invited by name on 26 February 2021. Those who
registered answered through their invitation; a few more were invited where an organisation
sent only one — some declined, some never answered and were reminded a week before
registration closed. Made through the invitation services as of 2021 (the events clock);
the mails they queue are removed (invented addresses). Idempotent: nothing when the workshop
has invitations already."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from jamlik.events import clock
from jamlik.events.models import Event, Invitation, InvitationStatus, Registration
from jamlik.events.services import invitations as service
from jamlik.notifications.models import OutboxMessage
from jamlik.orgs.models import Organisation

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# The second HR specialist invited where one registered: (name, declined?).
EXTRA = [
    ("Maria Lindqvist", True),
    ("Johan Berg", False),
    ("Sofia Holm", True),
    ("Erik Sandberg", False),
    ("Lena Ek", False),
]


def _at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2021, month, day, hour, tzinfo=STOCKHOLM)


@contextmanager
def _events_clock(moment: dt.datetime) -> Iterator[None]:
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


def _address(name: str, organisation: object) -> str:
    domains = getattr(organisation, "domains", None) or ["goteborg.se"]
    local = name.lower().replace(" ", ".")
    for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
        local = local.replace(a, b)
    return f"{local}@{domains[0]}"


def invite_workshop(event: Event) -> int:
    """Invite the workshop's people by name (see the module); returns the invitations made."""
    if event.status != "published" or Invitation.objects.filter(event=event).exists():
        return 0
    first_outbox = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    registrations = list(
        event.registrations.select_related("organisation").order_by("created_at", "id")
    )
    by_organisation: dict[int, list[Registration]] = {}
    organisations: dict[int, Organisation] = {}
    for registration in registrations:
        if registration.organisation is not None:
            organisations[registration.organisation.pk] = registration.organisation
            by_organisation.setdefault(registration.organisation.pk, []).append(registration)
    lonely = [organisations[pk] for pk, rows in by_organisation.items() if len(rows) == 1]
    extra = [
        (name, declined, organisation)
        for (name, declined), organisation in zip(EXTRA, lonely, strict=False)
    ]
    entries = [
        {"email": r.email, "name": r.name, "organisation": r.organisation.pk}
        for r in registrations
        if r.organisation is not None
    ] + [
        {"email": _address(name, organisation), "name": name, "organisation": organisation.pk}
        for name, _declined, organisation in extra
    ]
    with _events_clock(_at(2, 26)):
        made = service.invitations_create(
            actor=None, event=event, data={"invitations": entries}, language="sv"
        )
    by_email = {i.email.lower(): i for i in made}
    # Those who registered answered through their invitation (the registrations were
    # replayed through the links before; the invitation takes its registration's time).
    for registration in registrations:
        invitation = by_email.get(registration.email.lower())
        if invitation is not None:
            Invitation.objects.filter(pk=invitation.pk).update(
                status=InvitationStatus.REGISTERED,
                registration=registration,
                answered_at=registration.created_at,
            )
    for index, (name, declined, organisation) in enumerate(extra):
        if declined:
            invitation = by_email[_address(name, organisation).lower()]
            with _events_clock(_at(3, 3 + index)):
                service.invitation_decline(invitation=invitation)
    # A week before registration closed (24 March), the tick reminded those still silent.
    with _events_clock(_at(3, 17, 16)):
        service.invitation_reminders_send()
    OutboxMessage.objects.filter(pk__gt=first_outbox).delete()
    return len(made)
