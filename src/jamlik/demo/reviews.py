"""The demo review: the seed's "Strategisk fördjupning inom området Mänskliga
rättigheter/Jämställdhet" of 2021 (seed 003).

It deepens the 2019 self-assessment (made by the assessments demo), has the seed's timeline
(workshop 2021-03-26, report draft 2021-06-15, to the city board 2021-10-20) and a follow-up,
the workshop for HR specialists of the administrations and companies (invited through one
link per organisation with two seats each, registered through the events services as of
March 2021), its breakout groups (size 5, seed 2021) with notes in the seed's spirit, a few
good examples and a draft of the report with the seed's matter data (TN-information,
diarienummer 01326/21, handläggare Eva Jansson, utfärdat 2021-05-06).

Idempotent: each part is made only when missing, found by its title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.utils import timezone

from jamlik.assessments.models import Campaign
from jamlik.core.models import User
from jamlik.events import clock
from jamlik.events import services as event_services
from jamlik.events.models import Event, EventKind, Status
from jamlik.notifications.models import OutboxMessage
from jamlik.orgs.models import Organisation
from jamlik.reviews import services
from jamlik.reviews.models import BoardReport, Breakout, GoodExample, Review

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REVIEW_TITLE = "Strategisk fördjupning inom området Mänskliga rättigheter/Jämställdhet"
WORKSHOP_TITLE = "Workshop för HR-specialister: aktiva åtgärder och kränkande särbehandling"
CAMPAIGN_2019 = "Självskattning arbetsmiljö 2019"  # the assessments demo's title

PURPOSE = (
    "Samtliga verksamheter i staden gjorde en självskattning gällande arbetsmiljöarbetet år "
    "2019. I den självskattningen ingick bland annat område Mänskliga rättigheter/"
    "Jämställdhet. Stadsledningskontoret gör nu en strategisk fördjupning inom området.\n\n"
    "Fördjupningen 2021 ska resultera i en sammanfattande bild av hur staden, inom ramen för "
    "det systematiska arbetsmiljöarbetet, efterlever diskrimineringslagens krav på aktiva "
    "åtgärder och kraven på hantering av kränkande särbehandling i föreskriften om "
    "organisatorisk och social arbetsmiljö. Resultatet ska användas för fortsatt lärande i "
    "förvaltningar och bolag och för planering och prioritering av övergripande arbete."
)

# (organisation code, people registering); the quota is two seats per organisation.
INVITED = [
    ("TK", 3),  # the third waits until the release, when seats are left over
    ("SDF-ANG", 2),
    ("SDF-OG", 2),
    ("SDF-LUN", 2),
    ("SDF-VH", 1),
    ("SDF-ML", 2),
    ("GSF", 2),
    ("FSF", 1),
    ("SRF", 2),
    ("KUF", 1),
    ("PN", 1),
    ("FK", 2),
    ("GE", 2),
    ("FRA", 2),
    ("HIGAB", 1),
    ("RENOVA", 1),
]
FIRST = ["Anna", "Erik", "Maria", "Johan", "Karin", "Lars", "Sara", "Mikael", "Eva", "Anders",
         "Elin", "Peter", "Emma", "Fredrik", "Sofia", "Daniel", "Linnea", "Ahmed", "Fatima",
         "Jonas", "Ida", "Mats", "Hanna", "Oskar", "Amira", "Nils", "Lena", "Kristoffer"]  # fmt: skip
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
        "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Hussein",
        "Lindqvist", "Berg", "Axelsson", "Holm", "Ali", "Sandberg", "Forsberg", "Lund",
        "Engström", "Hassan", "Ek", "Björk", "Nyström", "Sjöberg"]  # fmt: skip

NOTES = [
    (
        "Trafikkontorets HR-specialist berättade hur förvaltningen gör sin årliga undersökning "
        "av risker och hinder i samverkan med skyddsombuden, och hur resultatet blir åtgärder "
        "i verksamhetsplanen. Stadsdelsförvaltningen delade sin mall för handlingsplan.",
        "Hur följer vi upp att åtgärderna har effekt, inte bara att de är genomförda? Hur "
        "når vi alla sju diskrimineringsgrunderna när underlaget mest handlar om kön?",
        "En gemensam metod för uppföljning och utvärdering av aktiva åtgärder över staden, och "
        "ett ställe där goda exempel samlas.",
    ),
    (
        "Gruppen jämförde rutinerna för kränkande särbehandling. Bolagen har ofta en extern "
        "mottagare av anmälningar; förvaltningarna låter närmaste chefens chef ta emot dem.",
        "Vem utreder när anmälan gäller den högsta chefen? Hur länge ska en utredning få ta?",
        "Stadsövergripande stöd för utredningar och en gemensam utbildning för chefer om "
        "rutinerna.",
    ),
    (
        "Erfarenheter av lönekartläggningen: analysen av likvärdigt arbete och av "
        "kvinnodominerade grupper. Ett bolag berättade om sin modell för arbetsvärdering.",
        "Hur dokumenterar vi analysen så att facket kan ta del av den? Hur planerar vi "
        "lönejusteringar över tre år?",
        "Gemensam arbetsvärdering för jämförbara yrken i staden och bättre samarbete mellan "
        "förvaltningar och bolag i lönefrågor.",
    ),
    (
        "Hur aktiva åtgärder byggs in i det systematiska arbetsmiljöarbetet: årshjul, "
        "arbetsplatsträffar och medarbetarsamtal. Samverkan med skyddsombud och fack lyftes "
        "som avgörande.",
        "Hur gör mindre enheter med få anställda? Hur följer vi upp riktlinjerna mot "
        "trakasserier och repressalier?",
        "Bättre samverkan och samarbete i staden, till exempel ett nätverk för HR-specialister "
        "som träffas två gånger om året.",
    ),
    (
        "Rekrytering och befordran: anonymiserade ansökningar, kompetensbaserad intervju och "
        "jämn könsfördelning bland chefer. Förskoleförvaltningen delade sitt arbete med att "
        "locka fler män.",
        "Hur mäter vi effekterna av insatserna? Vilka uppgifter får vi samla in?",
        "Gemensamma mallar för undersökning och analys, och att dra nytta av goda exempel "
        "över staden.",
    ),
    (
        "Att förena arbete och föräldraskap: schemaläggning, möten på dagtid och stöd vid "
        "föräldraledighet. Värdet var själva utbytet mellan olika perspektiv.",
        "Hur når informationen ut till medarbetare utan dator i arbetet?",
        "Stadsövergripande insatser i metoder för att utveckla arbetet, och en gemensam "
        "introduktion för nya HR-specialister.",
    ),
]

EXAMPLES = [
    (
        "TK",
        "Trafikkontoret: undersökning av risker och hinder tillsammans med skyddsombuden",
        "Varje höst går HR-specialisten igenom medarbetarenkäten, sjukfrånvaron och "
        "personalomsättningen per diskrimineringsgrund tillsammans med skyddsombuden. Risker "
        "och hinder förs in i verksamhetsplanen med ansvarig och tidpunkt. Under workshoppen "
        "delade HR-specialisten arbetssättet med fyra andra verksamheter i sin grupp.",
        ["dl-3-2-undersoka", "dl-3-2-analysera", "dl-3-11-samverkan"],
    ),
    (
        "GE",
        "Göteborg Energi: extern mottagare av anmälningar om kränkande särbehandling",
        "Bolaget har en extern funktion som tar emot anmälningar, så att den som anmäler inte "
        "behöver gå via sin chef. Rutinen säger vem som utreder, hur lång tid det får ta och "
        "vilket stöd den utsatte får.",
        ["ks-rutiner-hantering", "ks-rutiner-hjalp", "dl-3-6-rutinernas-innehall"],
    ),
    (
        "FSF",
        "Förskoleförvaltningen: fler män i förskolan",
        "Förvaltningen har analyserat könsfördelningen per yrke och arbetar med riktade "
        "rekryteringsinsatser och praktikplatser. Uppföljningen sker varje år i samverkan.",
        ["dl-3-7-jamn-konsfordelning", "dl-3-4-rekrytering-befordran"],
    ),
    (
        "FRA",
        "Framtiden: arbetsvärdering i lönekartläggningen",
        "Koncernen använder en gemensam modell för arbetsvärdering så att likvärdigt arbete "
        "jämförs över bolagsgränserna. Analysen av kvinnodominerade grupper dokumenteras och "
        "delas med de fackliga organisationerna.",
        [
            "dl-3-9-lika-likvardigt-arbete",
            "dl-3-10-kvinnodominerade-grupper",
            "dl-3-12-information-facket",
        ],
    ),
    (
        "SDF-ANG",
        "Angered: aktiva åtgärder i årshjulet",
        "Stadsdelsförvaltningen har byggt in de fyra stegen i årshjulet för det systematiska "
        "arbetsmiljöarbetet, med arbetsplatsträffar där varje grund tas upp under året.",
        ["dl-3-3-fortlopande-arbete", "dl-3-1-diskrimineringsgrunder", "dl-3-2-folja-upp"],
    ),
]

REPORT = {
    "committee": "Trafiknämnden",
    "date": dt.date(2021, 5, 6),
    "diary_number": "01326/21",
    "case_officer": "Eva Jansson/Trafikkontoret/GBGStad",
    # As in the seed: information to the committee, signed by two, the case officer's
    # e-mail (the seed leaves the phone number empty).
    "report_type": "information",
    "case_officer_email": "eva.jansson@trafikkontoret.goteborg.se",
    "signatories": [
        {"name": "Eva Jansson", "title": "Avdelningschef HR"},
        {"name": "Kristina Lindfors", "title": "Trafikdirektör"},
    ],
    "proposed_decision": "Trafiknämnden noterar informationen.",
    "summary": (
        "Stadsledningskontoret gör en strategisk fördjupning inom området Mänskliga "
        "rättigheter/Jämställdhet, utifrån stadens självskattning av arbetsmiljöarbetet 2019. "
        "HR i trafikkontoret har deltagit aktivt i fördjupningens workshop den 26 mars 2021. "
        "Nämnden informeras om arbetet och om att rapporten och de gemensamma insatserna ska "
        "användas som stöd och inspiration i förvaltningarnas och bolagens arbete."
    ),
    "method": (
        "Fördjupningen bygger på självskattningen 2019 och på en workshop för "
        "HR-specialister på stadens förvaltningar och bolag under ledning av "
        "stadsledningskontoret. I workshoppen arbetade deltagarna i mindre, blandade grupper "
        "där ingen grupp hade två personer från samma verksamhet."
    ),
    "results": (
        "Självskattningen visar att rutinerna mot kränkande särbehandling finns i de flesta "
        "verksamheter, medan uppföljningen och utvärderingen av aktiva åtgärder är svagare."
    ),
    "workshop_lessons": (
        "Syftet med workshoppen var att utbyta erfarenheter av hur verksamheterna arbetar med "
        "aktiva åtgärder, vilka effekter man kan se och hur man arbetar med uppföljning. "
        "HR-specialisten från trafikkontoret kunde dela erfarenheter med fyra olika "
        "verksamheter. Värdet så långt är själva utbytet av erfarenheter och frågeställningar "
        "utifrån olika perspektiv i förvaltningar och bolag."
    ),
    "joint_efforts": (
        "Ett budskap från workshoppen var efterfrågan på övergripande gemensamma insatser i "
        "metoder för att utveckla arbetet, att förbättra samverkan och samarbete och att dra "
        "nytta av goda exempel över staden."
    ),
    "economic_assessment": "Informationen medför inga ekonomiska konsekvenser för nämnden.",
    "ecological_assessment": "Informationen har ingen ekologisk påverkan.",
    "social_assessment": (
        "Arbetet med aktiva åtgärder och mot kränkande särbehandling främjar lika rättigheter "
        "och möjligheter för stadens medarbetare och bidrar till en god arbetsmiljö."
    ),
    "cooperation": "Informationen har delgivits förvaltningens samverkansgrupp (FSG).",
    "appendices": "Självskattning arbetsmiljö 2019, sammanställning\nAnteckningar från workshoppen 2021-03-26",
}


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@contextmanager
def _events_clock(moment: dt.datetime) -> Iterator[None]:
    """Replay the registrations as of March 2021 through the events app's one clock (the
    seam its services read the time from), then restore it."""
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


def _organisations(codes: list[str]) -> dict[str, Organisation]:
    return {o.code: o for o in Organisation.objects.filter(code__in=codes)}


def _workshop(organisations: dict[str, Organisation]) -> tuple[Event, bool]:
    existing = Event.objects.filter(title=WORKSHOP_TITLE, kind=EventKind.WORKSHOP).first()
    if existing is not None:
        return existing, False
    invited = [(organisations[code], n) for code, n in INVITED if code in organisations]
    capacity = 2 * len(invited)
    with _events_clock(_at(2021, 2, 25)):
        event = event_services.event_create(
            actor=None,
            title=WORKSHOP_TITLE,
            description=(
                "Erfarenhetsutbyte om hur verksamheterna arbetar med aktiva åtgärder, vilka "
                "effekter man ser och hur man följer upp. En eller två HR-specialister per "
                "förvaltning och bolag; arbetet sker i små blandade grupper."
            ),
            venue="Stadsledningskontoret, Köpmansgatan 20 (och digitalt)",
            starts_at=_at(2021, 3, 26, 9),
            ends_at=_at(2021, 3, 26, 12),
            capacity=capacity,
            opens_at=_at(2021, 3, 1, 8),
            quota_lock_until=_at(2021, 3, 22, 8),
            closes_at=_at(2021, 3, 24, 16),
            categories=["employee"],
            waitlist_enabled=True,
            kind=EventKind.WORKSHOP,
            status="published",
            contact_email="hr.stadsledning@goteborg.se",
        )
        for organisation, _n in invited:
            event_services.allocation_create(
                actor=None,
                event=event,
                name=organisation.name,
                quota=2,
                organisations=[organisation],
            )
            event_services.link_ensure(event=event, organisation=organisation)
    first_outbox = (OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
    person = 0
    registrations = []
    for index, (organisation, n) in enumerate(invited):
        for _i in range(n):
            name = f"{FIRST[person % len(FIRST)]} {LAST[(person * 7) % len(LAST)]}"
            domain = organisation.domains[0] if organisation.domains else "goteborg.se"
            local = name.lower().replace(" ", ".")
            for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
                local = local.replace(a, b)
            with _events_clock(_at(2021, 3, 2 + index % 12, 10, person % 60)):
                outcome = event_services.registration_create(
                    event=event,
                    organisation=organisation,
                    name=name,
                    email=f"{local}@{domain}",
                    category="employee",
                    title="HR-specialist",
                    consent=True,
                    via_link=True,
                )
            registrations.append(outcome.registration)
            person += 1
    # One cancels before the workshop; at the release the person waiting from
    # Trafikkontoret gets one of the seats left over.
    cancelling = next(
        r for r in registrations if cast(Organisation, r.organisation).code == "SDF-OG"
    )
    with _events_clock(_at(2021, 3, 18, 15)):
        event_services.registration_cancel(registration=cancelling)
    with _events_clock(_at(2021, 3, 22, 8, 5)):
        event_services.event_release_if_due(event=event)
    with _events_clock(_at(2021, 3, 26, 8, 45)):
        confirmed = list(event.registrations.filter(status=Status.CONFIRMED).order_by("id"))
        for registration in confirmed[:-2]:  # two did not come
            event_services.registration_check_in(registration=registration, actor=None)
    # The confirmations went out in March 2021; the demo must not mail invented addresses.
    OutboxMessage.objects.filter(pk__gt=first_outbox).delete()
    return event, True


def _groups(event: Event) -> int:
    if not Breakout.objects.filter(event=event).exists():
        services.breakouts_form(actor=None, event=event, size=5, seed=2021)
    breakouts = list(Breakout.objects.filter(event=event).order_by("number"))
    for breakout, (shared, questions, wishes) in zip(breakouts, NOTES, strict=False):
        notes = getattr(breakout, "notes", None)
        if notes is None or notes.is_empty:
            services.breakout_notes_save(
                actor=None, breakout=breakout, shared=shared, questions=questions, wishes=wishes
            )
    return len(breakouts)


def _examples(review: Review, organisations: dict[str, Organisation]) -> int:
    from jamlik.assessments.models import Requirement

    known = set(Requirement.objects.values_list("key", flat=True))
    made = 0
    for code, title, text, keys in EXAMPLES:
        organisation = organisations.get(code)
        if organisation is None or GoodExample.objects.filter(title=title).exists():
            continue
        services.example_create(
            actor=None,
            title=title,
            text=text,
            organisation=organisation,
            requirement_keys=[k for k in keys if k in known],
            review=review,
        )
        made += 1
    return made


def load(result: Any) -> None:
    """Add the demo review to ``result`` (a loader.DemoResult)."""
    codes = sorted({code for code, _n in INVITED} | {code for code, *_rest in EXAMPLES})
    organisations = _organisations(codes)
    if not organisations:
        result.summary.append("Reviews: the demo organisations are missing; no review made.")
        return
    event, new_event = _workshop(organisations)
    # Its HR specialists had been invited by name (registered, declined, silent).
    from jamlik.demo.events.invitations import invite_workshop

    invite_workshop(event)
    groups = _groups(event)

    campaign = Campaign.objects.filter(title=CAMPAIGN_2019).first()
    review = Review.objects.filter(title=REVIEW_TITLE).first()
    if review is None:
        owner = User.objects.filter(username="stad").first()
        review = services.review_create(
            actor=None,
            owner=owner,
            title=REVIEW_TITLE,
            purpose=PURPOSE,
            campaigns=[campaign] if campaign else [],
            workshops=[event],
            committee=REPORT["committee"],
            diary_number=REPORT["diary_number"],
            case_officer=REPORT["case_officer"],
            milestones=[
                {
                    "title": "Workshop för HR-specialister på stadens förvaltningar och bolag",
                    "due": dt.date(2021, 3, 26),
                    "done": True,
                },
                {
                    "title": "Rapportutkast klart hos stadsledningskontoret",
                    "due": dt.date(2021, 6, 15),
                    "done": True,
                },
                {
                    "title": "Ärendet överlämnas till kommunstyrelsen",
                    "due": dt.date(2021, 10, 20),
                    "done": True,
                },
                {
                    "title": "Uppföljning av de gemensamma insatserna",
                    "due": timezone.localdate() + dt.timedelta(days=45),
                    "done": False,
                },
            ],
        )
    elif campaign is not None and not review.campaigns.exists():
        services.review_update(actor=None, review=review, campaigns=[campaign])
    made = _examples(review, organisations)
    if not BoardReport.objects.filter(review=review).exists():
        services.board_report_save(actor=None, review=review, data=REPORT)

    confirmed = event.registrations.filter(status=Status.CONFIRMED).count()
    result.summary.append(
        f"Fördjupning ”{REVIEW_TITLE}”: workshop {event.starts_at:%Y-%m-%d} med {confirmed} "
        f"bekräftade HR-specialister i {groups} grupper"
        + (" (ny)" if new_event else "")
        + f", {GoodExample.objects.filter(review=review).count()} goda exempel ({made} nya)"
    )
    if campaign is None:
        result.summary.append(
            f"Reviews: the campaign “{CAMPAIGN_2019}” of the assessments demo was not found, "
            "so the review names no campaign yet; run `jamlik demo` again once it exists."
        )
