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
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from jamlik.core.errors import Conflict
from jamlik.events import clock, links, services
from jamlik.events.models import Event, EventKind, Registration, Session, Status
from jamlik.notifications.models import OutboxMessage
from jamlik.orgs.models import Organisation

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TITLE_2020 = "Jämlikhetskonferensen 2020"
UPCOMING_PREFIX = "Jämlikhetskonferensen"
CONTACT = "jamlikt@goteborg.se"

DESCRIPTION_2020 = (
    "I vår är det dags igen för flera hundra medarbetare och politiker från nämnder, "
    "styrelser, förvaltningar och bolag att mötas kring målet att Göteborg ska vara en jämlik "
    "stad. Årets konferens äger rum onsdagen den 27 maj på Burgården konferens och är en del "
    "av ESF-projektet ”Socialt innovationslabb – för jämlik stad och hållbart arbetsliv”.\n\n"
    "I maj kommer konferensen att kretsa kring vårt grunduppdrag och vår allra viktigaste "
    "investering: stadens främjande och förebyggande arbete, inom organisationen och för "
    "göteborgarna.\n\n"
    "För att säkra en så rättvis fördelning av platserna som möjligt gäller en platsfördelning "
    "(med anmälningsspärr) fram till den 27 april, därefter släpps platserna fria för alla "
    "medarbetare, förtroendevalda och samverkansparter oavsett verksamhet. Ta kontakt med din "
    "närmaste chef om du vill anmäla dig."
)

# The seed's allocation table: (group, quota, organisation codes of the demo registry).
ALLOCATIONS = [
    ("Stadsdelsförvaltningarna (totalt)", 200,
     ["SDF-ANG", "SDF-OG", "SDF-OH", "SDF-CEN", "SDF-ML", "SDF-AFH", "SDF-VG", "SDF-VH",
      "SDF-LUN", "SDF-NH"]),
    ("Social resursförvaltning", 30, ["SRF"]),
    ("Grundskoleförvaltning", 25, ["GSF"]),
    ("Förskoleförvaltning", 25, ["FSF"]),
    ("Utbildningsförvaltning", 20, ["UBF"]),
    ("Arbetsmarknad och vuxenutbildning", 15, ["AVUX"]),
    ("Stadsbyggnadskontoret", 12, ["SBK"]),
    ("Konsument och medborgarservice", 12, ["KOM"]),
    ("Kulturförvaltningen", 30, ["KUF"]),
    ("Övriga fackförvaltningar", 40, ["TK", "PN", "FK", "MF", "IOF", "LF"]),
    ("Kommunstyrelsen och Stadsledningskontoret", 20, ["KS", "SLK"]),
    ("Bolag inom Stadshus AB", 30,
     ["STADSHUS", "GE", "FRA", "HAMN", "GOTEV", "HIGAB", "RENOVA"]),
    ("Externa/Övriga", 40, ["EXT-FACK", "EXT-VGR", "EXT-CIV"]),
]  # fmt: skip

# People registering per group before the release in 2020 (above the quota: waiting).
DEMAND_2020 = [212, 27, 28, 22, 17, 11, 12, 9, 33, 31, 20, 19, 16]

# The seed's programme: (start, end, title, room, capacity, speakers, description).
PROGRAMME_2020 = [
    ("09:00", "10:00", "Socialt innovationslabb – för jämlik stad och hållbart arbetsliv",
     "Stora salen", None, "Projektledningen, Stadsledningskontoret",
     "Förändringsresan mot en jämlik stad utan diskriminering kräver uthållighet, men ibland "
     "även nya sätt att angripa samhällets svårlösta och komplexa utmaningar. Ett nystartat "
     "ESF-projekt där vi under två år testar innovationslabb som metod i fyra "
     "pilotförvaltningar för att aktivera jämlikhet i ledning, uppföljning och HR-arbete."),
    ("10:30", "11:30", "Närområden som bryr sig", "Sal A", 150, "Malmö stad",
     "Malmö stad har infört ett styrsystem för det förebyggande arbetet som kallas "
     "Communities That Care (CTC). Skola, socialtjänst, polis, civilsamhälle, boende och "
     "näringsliv i ett närområde arbetar tillsammans och systematiskt för en positiv social "
     "utveckling."),
    ("10:30", "11:30", "Barn bygger Göteborg – inflytande i stadens utveckling", "Sal B", 150,
     "Stadsbyggnadskontoret",
     "Den 1 januari blev barnkonventionen lag i Sverige och det ska prägla "
     "samhällsplaneringsprocessen. Hur kan lagen stötta arbetet med att låta barn och unga "
     "göra avtryck i stadsutveckling och arkitektur?"),
    ("10:30", "11:30", "Nudging som verktyg för Agenda 2030", "Sal C", 200, "",
     "Att puffa lite lätt mot en viss riktning genom att göra vissa val enklare än andra. "
     "Lär dig att använda nudging i praktiken och som verktyg i arbetet för ett mer hållbart "
     "samhälle. Och när är det egentligen okej att påverka människors beteende?"),
    ("13:00", "14:00",
     "Kan den nya socialtjänstlagen bana väg för ett långsiktigt hållbart arbete?",
     "Stora salen", None, "Margareta Winberg, särskild utredare",
     "Margareta Winberg är särskild utredare för översynen av socialtjänstlagen, som bland "
     "annat ska ge förslag på en hållbar socialtjänst som främjar ett långsiktigt "
     "förebyggande arbete."),
    ("14:30", "15:30", "Utökade hembesök hos förstagångsföräldrar", "Sal A", 125, "",
     "Två hembesök utökades till sex hos alla förstagångsföräldrar i utvalda områden. Vilka "
     "effekter kan vi se så här långt?"),
    ("14:30", "15:30", "Skola som arena", "Sal B", 125, "",
     "Skolor öppnas för att bli mötesplatser för både barn och vuxna efter skoltid. "
     "Näringsliv, civilsamhälle och det offentliga samverkar."),
    ("14:30", "15:30", "Tidiga, främjande och förebyggande insatser", "Sal C", 125,
     "Social resursförvaltning",
     "Vilka förutsättningar finns i Göteborgs Stad att arbeta med tidiga, främjande och "
     "förebyggande insatser? En rapport undersöker frågan."),
    ("14:30", "15:30", "Jämlik tillgång till konst och kultur", "Sal D", 125,
     "Kulturförvaltningen",
     "Alla barn har rätt till konst och kultur, men i Göteborg finns barn och unga som knappt "
     "tar del av stadens kulturliv alls. Hur kan vi arbeta för en mer jämlik tillgång?"),
]  # fmt: skip

PROGRAMME_UPCOMING = [
    ("09:00", "10:00", "Välkommen: jämlik stad, nästa steg", "Stora salen", None,
     "Stadsledningskontoret", "Vad har hänt sedan förra konferensen, och vart går vi nu?"),
    ("10:30", "11:30", "Aktiva åtgärder i praktiken", "Sal A", 150, "HR-nätverket",
     "Undersöka, analysera, åtgärda, följa upp: så arbetar förvaltningarna med "
     "diskrimineringslagens krav."),
    ("10:30", "11:30", "Kränkande särbehandling – förebygga och hantera", "Sal B", 150,
     "Arbetsmiljöfunktionen", "Rutiner, ansvar och stöd enligt AFS 2023:2."),
    ("10:30", "11:30", "Jämlik hälsa i stadsdelarna", "Sal C", 200, "",
     "Vad säger uppföljningen om skillnaderna i livsvillkor mellan stadens delar?"),
    ("13:00", "14:00", "Tillgänglighet och delaktighet", "Stora salen", None, "",
     "Hur blir stadens möten, lokaler och tjänster tillgängliga för alla?"),
]  # fmt: skip

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sara",
    "Anders",
    "Eva",
    "Per",
    "Emma",
    "Mikael",
    "Lena",
    "Fredrik",
    "Kristina",
    "Jonas",
    "Sofia",
    "Magnus",
    "Elin",
    "Daniel",
    "Ingrid",
    "Ahmed",
    "Fatima",
    "Ali",
    "Leyla",
    "Mohammed",
    "Amina",
    "Hassan",
    "Nora",
    "Oskar",
    "Ida",
    "Viktor",
    "Hanna",
    "David",
    "Julia",
    "Peter",
    "Camilla",
    "Mats",
    "Ulrika",
    "Patrik",
    "Linnea",
    "Tobias",
    "Helena",
    "Andreas",
    "Maja",
    "Stefan",
    "Jenny",
    "Björn",
    "Åsa",
    "Göran",
    "Märta",
    "Jörgen",
    "Birgitta",
    "Ove",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Ali",
    "Mohammed",
    "Hussein",
    "Yilmaz",
    "Ahmadi",
    "Holm",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Danielsson",
    "Håkansson",
    "Ekström",
    "Åberg",
    "Öberg",
]
TITLES = [
    "Enhetschef", "Socialsekreterare", "HR-specialist", "Utvecklingsledare", "Lärare",
    "Förskollärare", "Verksamhetsutvecklare", "Sektorschef", "Kommunikatör", "Planarkitekt",
    "Folkhälsoplanerare", "Biståndshandläggare", "Controller", "Förvaltningschef", "",
]  # fmt: skip


def _at(day: dt.date, clock_time: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock_time.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


@contextmanager
def _time(moment: dt.datetime) -> Iterator[None]:
    """Run the services as of ``moment`` through the events app's one clock."""
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


class People:
    """Plausible Swedish names, each with a unique address at the organisation's domain."""

    def __init__(self, seed: int) -> None:
        self.counter = itertools.count(seed)
        self.used: set[str] = set()

    def next(self, organisation: Organisation) -> tuple[str, str]:
        n = next(self.counter)
        first = FIRST[(n * 7) % len(FIRST)]
        last = LAST[(n * 11 + n // len(FIRST)) % len(LAST)]
        name = f"{first} {last}"
        local = name.lower().replace(" ", ".")
        for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
            local = local.replace(a, b)
        domain = organisation.domains[0] if organisation.domains else "goteborg.se"
        address = f"{local}@{domain}"
        suffix = 2
        while address.lower() in self.used:
            address = f"{local}{suffix}@{domain}"
            suffix += 1
        self.used.add(address.lower())
        return name, address


def _sessions(event: Event, day: dt.date, programme: list[tuple]) -> list[Session]:
    made = []
    for start, end, title, room, capacity, speakers, description in programme:
        made.append(
            services.session_create(
                actor=None,
                event=event,
                title=title,
                description=description,
                speakers=speakers,
                room=room,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                capacity=capacity,
            )
        )
    return made


def _allocations(event: Event, organisations: dict[str, Organisation]) -> list[list]:
    groups = []
    for name, quota, codes in ALLOCATIONS:
        members = [organisations[c] for c in codes if c in organisations]
        services.allocation_create(
            actor=None, event=event, name=name, quota=quota, organisations=members
        )
        groups.append(members)
    return groups


def _session_choice(sessions: list[Session], n: int) -> list[list[int]]:
    """Choices in order of preference: one session of each parallel slot, spread evenly."""
    slots: dict[tuple, list[Session]] = {}
    for session in sessions:
        slots.setdefault((session.starts_at, session.ends_at), []).append(session)
    parallel = [group for group in slots.values() if len(group) > 1]
    options = []
    for shift in range(4):
        options.append([g[(n + shift) % len(g)].pk for g in parallel])
    options.append([])
    return options


def _register(
    event: Event,
    organisation: Organisation | None,
    people: People,
    sessions: list[Session],
    n: int,
    *,
    via_link: bool = True,
    category: str | None = None,
) -> Registration | None:
    owner = organisation or Organisation(name="", domains=["partner.example"])
    name, address = people.next(owner)
    if category is None:
        external = organisation is None or organisation.kind == "external"
        category = "partner" if external else ("elected" if n % 9 == 0 else "employee")
    for choice in _session_choice(sessions, n):
        try:
            return services.registration_create(
                event=event,
                organisation=organisation,
                name=name,
                email=address,
                category=category,
                title=TITLES[n % len(TITLES)],
                dietary="Vegetarisk" if n % 7 == 0 else ("Laktosfri" if n % 13 == 0 else ""),
                accessibility="Hörslinga" if n % 41 == 0 else "",
                manager_email=f"chef.{n}@{(owner.domains or ['goteborg.se'])[0]}",
                sessions=choice,
                consent=True,
                via_link=via_link,
            ).registration
        except Conflict as exc:
            if exc.code != "session_full":
                return None
    return None


# ---- Jämlikhetskonferensen 2020 ------------------------------------------------------------------


def _conference_2020(organisations: dict[str, Organisation]) -> Event:
    day = dt.date(2020, 5, 27)
    with _time(_at(dt.date(2020, 3, 25), "10:00")):
        event = services.event_create(
            actor=None,
            title=TITLE_2020,
            description=DESCRIPTION_2020,
            venue="Burgården konferens, Skånegatan 20, Göteborg",
            starts_at=_at(day, "08:30"),
            ends_at=_at(day, "16:30"),
            capacity=500,
            opens_at=_at(dt.date(2020, 4, 1), "08:00"),
            quota_lock_until=_at(dt.date(2020, 4, 27), "08:00"),
            closes_at=_at(dt.date(2020, 5, 20), "16:00"),
            categories=["employee", "elected", "partner"],
            approval_required=False,
            waitlist_enabled=True,
            kind=EventKind.CONFERENCE,
            status="published",
            contact_email=CONTACT,
        )
        sessions = _sessions(event, day, PROGRAMME_2020)
        groups = _allocations(event, organisations)
    with _time(_at(dt.date(2020, 3, 30), "09:00")):
        services.links_send(actor=None, event=event)
    people = People(seed=1)
    n = 0
    # The quota phase: 1–26 April, people of every group in turn.
    queue = sorted(
        (
            (index, number, group)
            for number, (group, demand) in enumerate(zip(groups, DEMAND_2020, strict=True))
            for index in range(demand)
            if group
        ),
        key=lambda item: (item[0], item[1]),
    )
    opens = _at(dt.date(2020, 4, 1), "08:05")
    span = dt.timedelta(days=25, hours=8)
    registered: list[Registration] = []
    for position, (index, _number, group) in enumerate(queue):
        organisation = group[(index * 3 + position) % len(group)]
        with _time(opens + span * position / len(queue)):
            registration = _register(event, organisation, people, sessions, n)
        n += 1
        if registration is not None:
            registered.append(registration)
    # Three from the districts cancel before the release; their seats go to the waiting list.
    district_codes = set(ALLOCATIONS[0][2])
    district = [r for r in registered if r.organisation and r.organisation.code in district_codes]
    for registration in district[5:8]:
        with _time(_at(dt.date(2020, 4, 20), "14:00")):
            services.registration_cancel(registration=registration)
    # The release, served by the worker at 08:00 on 27 April.
    with _time(_at(dt.date(2020, 4, 27), "08:00")):
        services.event_release_if_due(event=event)
    # The open phase: anyone, through the links and the public page, until the event is full.
    all_orgs = [org for group in groups for org in group]
    later = _at(dt.date(2020, 4, 27), "08:10")
    for index in range(70):
        organisation = None if index % 5 == 4 else all_orgs[(index * 7) % len(all_orgs)]
        with _time(later + dt.timedelta(hours=index * 5)):
            registration = _register(
                event, organisation, people, sessions, n, via_link=organisation is not None
            )
        n += 1
        if registration is not None:
            registered.append(registration)
    # Ten cancel in May; each freed seat goes to the first person waiting.
    confirmed = [r for r in registered if r.status == Status.CONFIRMED]
    for index, registration in enumerate(confirmed[40:440:40]):
        with _time(_at(dt.date(2020, 5, 4 + index), "11:00")):
            services.registration_cancel(registration=registration)
    # The day: most of them come.
    present = Registration.objects.filter(event=event, status=Status.CONFIRMED).order_by("id")
    for index, registration in enumerate(present):
        if index % 9 == 4:
            continue  # no-show
        with _time(_at(day, "07:50") + dt.timedelta(seconds=index * 6)):
            services.registration_check_in(registration=registration, actor=None)
    with _time(_at(dt.date(2020, 9, 1), "09:00")):
        services.event_update(actor=None, event=event, status="archived")
    return event


# ---- The upcoming conference ---------------------------------------------------------------------


def _upcoming(organisations: dict[str, Organisation]) -> Event:
    now = timezone.localtime(timezone.now())
    day = (now + dt.timedelta(days=61)).date()
    while day.weekday() != 2:  # a Wednesday, like the seed's
        day += dt.timedelta(days=1)
    release_day = (now + dt.timedelta(days=21)).date()
    event = services.event_create(
        actor=None,
        title=f"{UPCOMING_PREFIX} {day.year}",
        description=(
            "Stadens årliga konferens om målet att Göteborg ska vara en jämlik stad: "
            "aktiva åtgärder, arbetsmiljö och jämlik hälsa. Platserna fördelas per "
            "förvaltning och bolag fram till anmälningsspärren; därefter släpps de fria. "
            "Din närmaste chef godkänner anmälan."
        ),
        venue="Burgården konferens, Skånegatan 20, Göteborg",
        starts_at=_at(day, "08:30"),
        ends_at=_at(day, "16:30"),
        capacity=500,
        opens_at=now - dt.timedelta(days=3),
        quota_lock_until=_at(release_day, "08:00"),
        closes_at=_at(day - dt.timedelta(days=7), "16:00"),
        categories=["employee", "elected", "partner"],
        approval_required=True,
        approval_hold_hours=120,
        waitlist_enabled=True,
        kind=EventKind.CONFERENCE,
        status="published",
        contact_email=CONTACT,
    )
    sessions = _sessions(event, day, PROGRAMME_UPCOMING)
    groups = _allocations(event, organisations)
    services.links_send(actor=None, event=event)
    people = People(seed=5000)
    # Stadsbyggnadskontoret (quota 12) is keen: two wait already.
    demand = [30, 6, 5, 4, 3, 2, 14, 2, 6, 5, 4, 3, 3]
    n = 0
    made: list[Registration] = []
    for group, count in zip(groups, demand, strict=True):
        for index in range(count):
            if not group:
                break
            with _time(now - dt.timedelta(days=2, minutes=-n * 30)):
                registration = _register(event, group[index % len(group)], people, sessions, n)
            n += 1
            if registration is not None:
                made.append(registration)
    # Most managers have answered already; one said no.
    held = [r for r in made if r.status == Status.PENDING_APPROVAL]
    for index, registration in enumerate(held):
        if index % 6 == 5:
            continue  # still waiting for the manager
        services.approval_decide(registration=registration, approve=index != 7)
    return event


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
    upcoming = (
        Event.objects.filter(title__startswith=UPCOMING_PREFIX, starts_at__gt=timezone.now())
        .exclude(pk=conference.pk)
        .order_by("starts_at")
        .first()
    )
    if upcoming is None:
        upcoming = _upcoming(organisations)
    # The mails of the replay would go to invented addresses and mailboxes: none leaves.
    OutboxMessage.objects.filter(pk__gt=first_outbox, kind__startswith="events.").delete()

    for event in (conference, upcoming):
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
