"""The demo events: Jämlikhetskonferensen 2020 as in the seed (seed 000), replayed through the
events services as of spring 2020, and an upcoming conference in its quota phase.

2020: Wednesday 27 May 2020 at Burgården konferens, 500 seats, registration from 1 April with
the seed's allocation table (13 groups, 499 allocated seats) binding until 27 April 08:00,
the seed's programme as sessions in parallel tracks, each organisation's link sent to its
functional mailbox, a few hundred registrations (some waiting, some promoted at the release,
some cancelled, most checked in), archived afterwards.

Upcoming: the next conference, two months from now, registration open, quotas binding for
three more weeks, a manager's approval required, links sent, some registrations held,
confirmed and waiting — so the organiser pages and public pages show something real.

The demo sends no mail to its invented addresses: the outbox messages the replay makes are
removed again. Idempotent: each event is made only when missing, found by its title.

Modules: ``seed`` (the data), ``replay`` (the clock and the helpers that make people,
sessions and registrations), ``conferences`` (the two events); ``load`` here.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jamlik.demo.events import evaluation as evaluation_demo
from jamlik.demo.events.conferences import _conference_2020, _upcoming
from jamlik.demo.events.hybrid import make_hybrid
from jamlik.demo.events.offers import offers_seminar
from jamlik.demo.events.seed import ALLOCATIONS, TITLE_2020, UPCOMING_PREFIX
from jamlik.events import links
from jamlik.events.models import Event, Status
from jamlik.notifications.models import OutboxMessage
from jamlik.orgs.models import Organisation

# ---- Entry point -----------------------------------------------------------------------------------------


def load(result: Any) -> None:
    """Add the demo events to ``result`` (a loader.DemoResult)."""
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in=[code for _n, _q, codes in ALLOCATIONS for code in codes]
        )
    }
    if not organisations:
        result.summary.append("Events: the demo organisations are missing; no events made.")
        return
    first_outbox = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    conference = Event.objects.filter(title=TITLE_2020).first()
    if conference is None:
        conference = _conference_2020(organisations)
    # After the conference: its evaluation, sent to those who came and answered by many.
    evaluation_demo.load(conference)
    upcoming = (
        Event.objects.filter(title__startswith=UPCOMING_PREFIX, starts_at__gt=timezone.now())
        .exclude(pk=conference.pk)
        .order_by("starts_at")
        .first()
    )
    if upcoming is None:
        upcoming = _upcoming(organisations)
    # Hybrid: online seats, the meeting links and a few online participants.
    make_hybrid(upcoming, organisations)
    seminar = offers_seminar(organisations)
    # The mails of the replay would go to invented addresses and mailboxes: none leaves.
    OutboxMessage.objects.filter(pk__gt=first_outbox, kind__startswith="events.").delete()
    _failed_mail(upcoming)

    for event in (conference, upcoming, seminar):
        event.refresh_from_db()
        checked_in = event.registrations.filter(checked_in_at__isnull=False).count()
        result.summary.append(
            f"{event.title}: {event.capacity} platser, {event.confirmed_count} bekräftade, "
            f"{event.held_count} väntar på chefens godkännande, {event.waiting_count} på "
            f"väntelistan, {checked_in} incheckade"
        )
    result.links.append(f"Evenemangssida för {upcoming.title}: {links.event_public_url(upcoming)}")
    for link in upcoming.links.filter(revoked_at__isnull=True).select_related("organisation"):
        result.links.append(
            f"Anmälningslänk för {link.organisation.name}: {links.organisation_link_url(link)}"
        )


def _failed_mail(event: Event) -> None:
    """Two confirmations the relay refused (a mistyped address), so that the start page's
    failed-mail panel has something to show; once only."""
    if OutboxMessage.objects.filter(kind="events.confirmation", status="failed").exists():
        return
    for registration in event.registrations.filter(status=Status.CONFIRMED).order_by("pk")[:2]:
        OutboxMessage.objects.create(
            kind="events.confirmation",
            to=registration.email,
            subject=f"Bekräftelse: {event.title}",
            body_text="(demo)",
            about=f"events.registration:{registration.pk}",
            status="failed",
            attempts=5,
            last_error="SMTPRecipientsRefused: 550 5.1.1 User unknown",
        )
