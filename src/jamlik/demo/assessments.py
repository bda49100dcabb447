"""The demo self-assessments: the built-in framework, the city's 2019 self-assessment of the
work environment (the seed's "självskattning ... år 2019") answered by the units of every
administration and company, the 2021 follow-up on the same framework for comparison, an open
campaign on the 2025 version that units can answer through their links now, and a few
actions (some overdue).

The answers are drawn with a fixed seed, so every run gives the same data; each campaign is
created only when no campaign of its title exists, so ``jamlik demo`` stays idempotent.
Comments are plausible and hold no personal data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from jamlik.assessments import services
from jamlik.assessments.models import Action, ActionStatus, Campaign, Framework, Response
from jamlik.assessments.services.evidence import evidence_add
from jamlik.orgs.models import Kind, Organisation

TITLE_2019 = "Självskattning arbetsmiljö 2019"
TITLE_2021 = "Uppföljning självskattning 2021"
TITLE_NOW = "Självskattning aktiva åtgärder och kränkande särbehandling 2026"

# How hard each area is for a unit (added to the unit's own level): pay surveys are run by
# HR centrally, so units often don't know; harassment routines are well established.
AREA_TENDENCY = {
    "grunder": 0.02,
    "fyrstegsmodellen": -0.08,
    "omraden": -0.02,
    "trakasserier": 0.10,
    "lonekartlaggning": -0.12,
    "samverkan-dokumentation": -0.05,
    "krankande-sarbehandling": 0.06,
}
DONT_KNOW = {"lonekartlaggning": 0.22}
NOT_APPLICABLE = {"dl-3-14-dokumentation-10-24": 0.9}

COMMENTS = {
    "yes": [
        "Finns i förvaltningens plan för aktiva åtgärder och följs upp i samverkansgruppen.",
        "Rutinen gicks igenom på APT i våras och finns på intranätet.",
        "Ingår i årshjulet för det systematiska arbetsmiljöarbetet.",
        "Dokumenterat i årets handlingsplan med ansvarig och tidsplan.",
    ],
    "partly": [
        "Påbörjat men inte klart; fortsätter under hösten.",
        "Rutinen finns men är inte känd av alla medarbetare, särskilt inte timavlönade.",
        "Undersökningen har bara tagit upp kön, inte övriga diskrimineringsgrunder.",
        "Görs på förvaltningsnivå; enheten har inte varit delaktig i analysen.",
    ],
    "no": [
        "Har inte hunnits med under året på grund av omorganisationen.",
        "Saknas i dag; behöver stöd från HR för att komma igång.",
        "Ingen uppföljning har gjorts sedan planen togs fram.",
    ],
    "dont_know": [
        "Lönekartläggningen görs centralt av HR; enheten känner inte till resultatet.",
        "Oklart vem som ansvarar; frågan är skickad till förvaltningens HR.",
    ],
    "na": ["Arbetsgivaren har fler än 24 anställda, så kravet gäller inte."],
}

ACTIONS = [
    # (organisation code, requirement key, title, owner, due offset in days from today, status)
    ("SDF-ANG", "dl-3-2-analysera", "Analysera orsakerna bakom resultatet i medarbetarenkäten",
     "HR-specialist och enhetschefer", -120, ActionStatus.IN_PROGRESS),
    ("SDF-ANG-E1", "ks-rutiner-hjalp", "Informera om vart man vänder sig vid kränkande särbehandling",
     "Enhetschef", -30, ActionStatus.PLANNED),
    ("SDF-ANG-E3", "dl-3-4-arbete-foraldraskap", "Se över mötestider med hänsyn till föräldraskap",
     "Enhetschef", 45, ActionStatus.PLANNED),
    ("SDF-LUN", "dl-3-10-kvinnodominerade-grupper", "Jämför kvinnodominerade grupper i lönekartläggningen",
     "HR-avdelningen", -200, ActionStatus.DONE),
    ("SDF-LUN-E2", "ks-chefers-kunskaper", "Utbildning för nya chefer om kränkande särbehandling",
     "HR-specialist", 60, ActionStatus.IN_PROGRESS),
    ("TK", "dl-3-6-uppfoljning-riktlinjer", "Årlig uppföljning av rutinen mot trakasserier",
     "HR-specialist", -10, ActionStatus.PLANNED),
    ("TK-E1", "dl-3-7-jamn-konsfordelning", "Breddad rekrytering till tekniska tjänster",
     "Rekryteringsansvarig", 120, ActionStatus.PLANNED),
    ("GSF", "dl-3-13-utvardering-samverkan", "Beskriv hur samverkan gått till i årets dokumentation",
     "Förvaltningens HR", 90, ActionStatus.PLANNED),
    ("FSF-E1", "sam-risker-osa", "Riskbedömning av arbetsbelastning inför omorganisation",
     "Verksamhetschef och skyddsombud", -60, ActionStatus.IN_PROGRESS),
    ("GE", "dl-3-4-rekrytering-befordran", "Granska kravprofiler utifrån diskrimineringsgrunderna",
     "HR", 30, ActionStatus.PLANNED),
    ("SLK", "dl-3-1-diskrimineringsgrunder", "Stödmaterial om alla sju diskrimineringsgrunder",
     "Avdelning Social hållbarhet", -365, ActionStatus.DONE),
    ("SDF-NH", "ks-motverka-forhallanden", "Tydligare arbetsfördelning i hemtjänstgrupperna",
     "Enhetschefer", -5, ActionStatus.CANCELLED),
]  # fmt: skip


def _stockholm(year: int, month: int, day: int, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def _named_organisations() -> list[Organisation]:
    """Every administration and company that has units (the seed: "samtliga verksamheter")."""
    candidates = Organisation.objects.filter(kind__in=[Kind.ADMINISTRATION, Kind.COMPANY]).order_by(
        "code"
    )
    unit_paths = list(Organisation.objects.filter(kind=Kind.UNIT).values_list("path", flat=True))
    return [org for org in candidates if any(p.startswith(org.path) for p in unit_paths)]


def _value(rng: random.Random, options: list[dict[str, Any]], level: float, area: str,
           key: str) -> str:  # fmt: skip
    values = [o["value"] for o in options]
    if key in NOT_APPLICABLE and "na" in values and rng.random() < NOT_APPLICABLE[key]:
        return "na"
    if "dont_know" in values and rng.random() < DONT_KNOW.get(area, 0.04):
        return "dont_know"
    x = rng.gauss(level + AREA_TENDENCY.get(area, 0.0), 0.22)
    scored = [o["value"] for o in options if o["score"] is not None]
    scored.sort(key=lambda v: next(o["score"] for o in options if o["value"] == v))
    index = min(len(scored) - 1, max(0, int(x * len(scored))))
    return scored[index]


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF that says ``title`` (ASCII): small, valid, made here rather than kept
    as a file."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    return out + b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"


def _add_evidence(response: Response, requirements: list[Any], at: dt.datetime, n: int) -> None:
    """A few evidence files of a submitted 2019 response: the administration's policy (PDF)
    on the first requirement, and a routine (text) on the second with a revision, as units
    keep them. No personal data."""
    year = at.year
    evidence_add(
        actor=None,
        response=response,
        requirement_key=requirements[0].key,
        file=(
            f"Policy aktiva åtgärder {year}.pdf",
            _demo_pdf(f"Policy for aktiva atgarder {year}"),
        ),
        data={"diary_number": f"KS {year}/{100 + n}", "effective_date": f"{year}-01-01"},
        at=at - dt.timedelta(days=3),
    )
    first = evidence_add(
        actor=None,
        response=response,
        requirement_key=requirements[1].key,
        file=("Rutin samverkan.txt", "Rutin för samverkan med arbetstagarna.\n".encode()),
        data={"effective_date": f"{year - 1}-09-01"},
        at=at - dt.timedelta(days=2),
    )
    evidence_add(
        actor=None,
        response=response,
        requirement_key=requirements[1].key,
        file=(
            "Rutin samverkan rev 2.txt",
            "Rutin för samverkan med arbetstagarna, reviderad efter samverkansmötet.\n".encode(),
        ),
        data={"effective_date": f"{year}-03-01", "replaces": first.pk},
        at=at - dt.timedelta(days=1),
    )


def _answer_campaign(campaign: Campaign, *, seed: str, improvement: float, submitted_share: float,
                     draft_share: float, start: dt.datetime, end: dt.datetime,
                     evidence: int = 0) -> tuple[int, int]:  # fmt: skip
    rng = random.Random(seed)
    framework = campaign.framework
    requirements = list(framework.requirements.select_related("area").order_by("order"))
    submitted = drafts = 0
    responses = (
        Response.objects.filter(campaign=campaign).select_related("unit").order_by("unit__code")
    )
    span = (end - start).total_seconds()
    for response in responses:
        unit_rng = random.Random(f"{seed}:{response.unit.code}")
        level = unit_rng.uniform(0.35, 0.8) + improvement
        roll = rng.random()
        if roll >= submitted_share + draft_share:
            continue  # not started
        answers = []
        for requirement in requirements:
            options = framework.scale(requirement.scale_name)
            value = _value(unit_rng, options, level, requirement.area.key, requirement.key)
            comment = ""
            pool = COMMENTS.get(value) or (
                COMMENTS["yes"] if value in ("2", "3") else COMMENTS["partly"]
            )
            if unit_rng.random() < 0.14:
                comment = unit_rng.choice(pool)
            answers.append({"requirement": requirement.key, "value": value, "comment": comment})
        if roll >= submitted_share:
            # A draft: about half of the requirements answered so far.
            answers = answers[: len(answers) // 2 + unit_rng.randint(-3, 3)]
            services.answers_save(actor=None, response=response, answers=answers)
            drafts += 1
            continue
        services.answers_save(actor=None, response=response, answers=answers)
        at = start + dt.timedelta(seconds=span * unit_rng.uniform(0.2, 0.98))
        if submitted < evidence:  # the first units to submit kept their evidence files
            _add_evidence(response, requirements, at, submitted)
        services.response_submit(
            actor=None,
            response=response,
            at=at,
            submitted_by=unit_rng.choice(["Enhetschef", "Verksamhetschef", "HR-specialist"]),
        )
        submitted += 1
    return submitted, drafts


def _add_assignments(campaign: Campaign) -> None:
    """Delegation inside a unit: the first submitted 2019 response handed requirements to two
    colleagues before it was submitted; one answered hers. Made directly (the campaign closed
    long ago, which the service refuses), dated within the campaign."""
    from jamlik.assessments.models import Answer, Assignment

    response = (
        campaign.responses.filter(status="submitted").select_related("unit").order_by("unit__code")
    ).first()
    if response is None or response.assignments.exists():
        return
    keys = list(campaign.framework.requirements.order_by("order").values_list("key", flat=True)[:4])
    sent = campaign.opens_at + dt.timedelta(days=3)
    answered = Assignment.objects.create(
        response=response, email="lena.berg@example.se", name="Lena Berg",
        requirement_keys=keys[:2], created_at=sent, sent_at=sent,
        last_answered_at=sent + dt.timedelta(days=2),
    )  # fmt: skip
    Assignment.objects.create(
        response=response, email="omar.haddad@example.se", name="Omar Haddad",
        requirement_keys=keys[2:4], created_at=sent, sent_at=sent,
    )  # fmt: skip
    Answer.objects.filter(response=response, requirement__key__in=keys[:2]).update(
        assignment=answered, updated_at=answered.last_answered_at
    )


def _add_signoffs(campaign: Campaign, *, share: float, send_back: int = 0) -> None:
    """The heads' sign-offs (docs/rules.md#assessments-sign-off): the first ``share`` of the
    submitted responses accepted by their head, and ``send_back`` of the rest sent back with
    a comment (reopened; the mail to the invented unit addresses is removed again)."""
    from jamlik.assessments.services.signoff import response_sign_off
    from jamlik.notifications.models import OutboxMessage

    submitted = list(
        campaign.responses.filter(status="submitted").select_related("unit").order_by("unit__code")
    )
    accepted = round(len(submitted) * share)
    for index, response in enumerate(submitted[: accepted + send_back]):
        company = response.unit.kind == "company"
        response_sign_off(
            actor=None,
            response=response,
            data={
                "decision": "accepted" if index < accepted else "changes_requested",
                "signed_by_name": ["Karin Lind", "Anders Berg", "Maria Holm"][index % 3],
                "signed_by_title": "VD" if company else "Förvaltningschef",
                "comment": ""
                if index < accepted
                else "Beskriv hur rutinerna mot kränkande särbehandling görs kända för alla.",
            },
        )
    OutboxMessage.objects.filter(kind__startswith="assessments.changes_requested").delete()


def _campaign(title: str, framework: Framework, organisations: list[Organisation],
              opens_at: dt.datetime, closes_at: dt.datetime) -> tuple[Campaign, bool]:  # fmt: skip
    existing = Campaign.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    campaign = services.campaign_create(
        actor=None,
        title=title,
        framework=framework,
        organisations=organisations,
        opens_at=opens_at,
        closes_at=closes_at,
        reminder_interval_days=7,
    )
    return campaign, True


def _actions(campaign: Campaign, organisations: dict[str, Organisation]) -> int:
    created = 0
    today = timezone.localdate()
    for code, key, title, owner, days, status in ACTIONS:
        organisation = organisations.get(code)
        if (
            organisation is None
            or Action.objects.filter(organisation=organisation, title=title).exists()
        ):
            continue
        services.action_create(
            actor=None,
            organisation=organisation,
            requirement=key,
            campaign=campaign,
            title=title,
            description=(
                "Åtgärden kommer från självskattningen och följs upp i samverkansgruppen."
            ),
            owner=owner,
            due=today + dt.timedelta(days=days),
            status=status,
        )
        created += 1
    return created


def load(result: Any) -> None:
    """Add the demo assessments to ``result`` (a loader.DemoResult)."""
    loaded = {r.framework.version: r.framework for r in services.frameworks_load_builtin()}
    named = _named_organisations()
    if not named:
        return
    lines = []
    c2019, new = _campaign(
        TITLE_2019, loaded["2019"], named, _stockholm(2019, 9, 2), _stockholm(2019, 10, 31, 23)
    )
    if new:
        _answer_campaign(
            c2019,
            seed="jamlik-2019",
            improvement=0.0,
            submitted_share=0.86,
            draft_share=0.07,
            start=c2019.opens_at,
            end=c2019.closes_at,
            evidence=5,
        )
        _add_assignments(c2019)
        _add_signoffs(c2019, share=0.75)
    c2021, new = _campaign(
        TITLE_2021, loaded["2019"], named, _stockholm(2021, 2, 1), _stockholm(2021, 3, 19, 23)
    )
    if new:
        _answer_campaign(
            c2021,
            seed="jamlik-2021",
            improvement=0.07,
            submitted_share=0.9,
            draft_share=0.05,
            start=c2021.opens_at,
            end=c2021.closes_at,
        )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    current, new = _campaign(
        TITLE_NOW, loaded["2025"], named, now - dt.timedelta(days=7), now + dt.timedelta(days=30)
    )
    if new:
        _answer_campaign(
            current,
            seed="jamlik-now",
            improvement=0.1,
            submitted_share=0.2,
            draft_share=0.2,
            start=current.opens_at,
            end=timezone.now(),
        )
        _add_signoffs(current, share=0.5, send_back=1)
    created = _actions(c2019, result.organisations or {o.code: o for o in named})
    for campaign in (c2019, c2021, current):
        total = campaign.responses.count()
        submitted = campaign.responses.filter(status="submitted").count()
        lines.append(f"{campaign.title}: {submitted} av {total} enheter har lämnat in")
    result.summary.extend(lines)
    result.summary.append(f"{Action.objects.count()} åtgärder ({created} nya)")
    open_response = (
        current.responses.exclude(status="submitted").select_related("unit").order_by("unit__code")
    ).first()
    if open_response is not None:
        result.links.append(
            f"Svarslänk för {open_response.unit.name}: {open_response.respondent_url}"
        )
