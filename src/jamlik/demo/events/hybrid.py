"""The upcoming conference made hybrid (docs/rules.md#events-hybrid): 40 online seats outside
the quotas, a Teams link for the whole day, one session with its own link, and a few people
who take part online (most approved by their manager, one still waiting for the approval).
The confirmed ones see the links on their manage page; the others do not."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jamlik.demo.events.replay import People, _time
from jamlik.events import services
from jamlik.events.models import Event, Status
from jamlik.orgs.models import Organisation

ONLINE_SEATS = 40
EVENT_LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_jamlik-demo%40thread.v2/0"
SESSION_LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_jamlik-pass%40thread.v2/0"
ONLINE_PEOPLE = 6


def make_hybrid(event: Event, organisations: dict[str, Organisation]) -> int:
    """Make ``event`` hybrid once (skipped when it already is); the online registrations made."""
    if event.online_capacity is not None:
        return 0
    now = timezone.localtime(timezone.now())
    services.event_update(
        actor=None, event=event, online_capacity=ONLINE_SEATS, meeting_url=EVENT_LINK
    )
    session = event.sessions.order_by("starts_at", "id").first()
    if session is not None:
        services.session_update(actor=None, session=session, meeting_url=SESSION_LINK)
    people = People(seed=9100)
    chosen = sorted(organisations.values(), key=lambda o: o.code)[:ONLINE_PEOPLE]
    made = []
    for n, organisation in enumerate(chosen):
        name, address = people.next(organisation)
        with _time(now - dt.timedelta(days=1, minutes=-n * 25)):
            made.append(
                services.registration_create(
                    event=event,
                    organisation=organisation,
                    name=name,
                    email=address,
                    category="employee",
                    manager_email=f"chef.online{n}@{(organisation.domains or ['goteborg.se'])[0]}",
                    sessions=[session.pk] if session is not None else [],
                    consent=True,
                    participation="online",
                ).registration
            )
    for index, registration in enumerate(made):
        if registration.status == Status.PENDING_APPROVAL and index != len(made) - 1:
            services.approval_decide(registration=registration, approve=True)
    return len(made)
