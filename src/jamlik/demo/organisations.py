"""The demo organisations: the City of Gothenburg in 2020 as named in the allocation table
of the Jämlikhetskonferensen seed, with mailboxes, domains and a few units each."""

from __future__ import annotations

import datetime as dt

from jamlik.orgs import services
from jamlik.orgs.models import Kind, Organisation

CITY = ("GBG", "Göteborgs Stad", Kind.COMMITTEE, None, "goteborg.se")

# Code, name, domain and the short name the heat map of results shows.
DISTRICTS = [
    ("SDF-ANG", "Stadsdelsförvaltningen Angered", "angered.goteborg.se", "Angered"),
    ("SDF-OG", "Stadsdelsförvaltningen Östra Göteborg", "ostra.goteborg.se", "Östra Göteborg"),
    ("SDF-OH", "Stadsdelsförvaltningen Örgryte-Härlanda", "orgryte-harlanda.goteborg.se", "Örgryte-Härlanda"),
    ("SDF-CEN", "Stadsdelsförvaltningen Centrum", "centrum.goteborg.se", "Centrum"),
    ("SDF-ML", "Stadsdelsförvaltningen Majorna-Linné", "majorna-linne.goteborg.se", "Majorna-Linné"),
    ("SDF-AFH", "Stadsdelsförvaltningen Askim-Frölunda-Högsbo", "askim-frolunda-hogsbo.goteborg.se", "Askim-Frölunda-Högsbo"),
    ("SDF-VG", "Stadsdelsförvaltningen Västra Göteborg", "vastra.goteborg.se", "Västra Göteborg"),
    ("SDF-VH", "Stadsdelsförvaltningen Västra Hisingen", "vastrahisingen.goteborg.se", "Västra Hisingen"),
    ("SDF-LUN", "Stadsdelsförvaltningen Lundby", "lundby.goteborg.se", "Lundby"),
    ("SDF-NH", "Stadsdelsförvaltningen Norra Hisingen", "norrahisingen.goteborg.se", "Norra Hisingen"),
]  # fmt: skip

SPECIALIST = [
    ("SRF", "Social resursförvaltning", "socialresurs.goteborg.se"),
    ("GSF", "Grundskoleförvaltningen", "grundskola.goteborg.se"),
    ("FSF", "Förskoleförvaltningen", "forskola.goteborg.se"),
    ("UBF", "Utbildningsförvaltningen", "educ.goteborg.se"),
    ("AVUX", "Arbetsmarknad och vuxenutbildning", "arbetsmarknad.goteborg.se"),
    ("SBK", "Stadsbyggnadskontoret", "sbk.goteborg.se"),
    ("KOM", "Konsument- och medborgarservice", "konsument.goteborg.se"),
    ("KUF", "Kulturförvaltningen", "kultur.goteborg.se"),
]  # fmt: skip

# "Övriga fackförvaltningar" in the allocation table.
OTHER_SPECIALIST = [
    ("TK", "Trafikkontoret", "trafikkontoret.goteborg.se"),
    ("PN", "Park- och naturförvaltningen", "park.goteborg.se"),
    ("FK", "Fastighetskontoret", "fastighet.goteborg.se"),
    ("MF", "Miljöförvaltningen", "miljo.goteborg.se"),
    ("IOF", "Idrotts- och föreningsförvaltningen", "idrott.goteborg.se"),
    ("LF", "Lokalförvaltningen", "lokal.goteborg.se"),
]  # fmt: skip

COMPANIES = [
    ("GE", "Göteborg Energi AB", "goteborgenergi.se"),
    ("FRA", "Förvaltnings AB Framtiden", "framtiden.se"),
    ("HAMN", "Göteborgs Hamn AB", "gothenburgport.se"),
    ("GOTEV", "Got Event AB", "gotevent.se"),
    ("HIGAB", "Higab AB", "higab.se"),
    ("RENOVA", "Renova AB", "renova.se"),
]  # fmt: skip

EXTERNAL = [
    ("EXT-FACK", "Fackliga organisationer (samverkansparter)", "facket.example"),
    ("EXT-VGR", "Västra Götalandsregionen", "vgregion.example"),
    ("EXT-CIV", "Civilsamhällets organisationer", "civilsamhalle.example"),
]  # fmt: skip

# A few units per administration, so campaigns have respondents.
DISTRICT_UNITS = ["Äldreomsorg", "Individ- och familjeomsorg", "Förskola", "Stadsdelskansli"]
SPECIALIST_UNITS = ["Verksamhet", "Stab och HR"]
COMPANY_UNITS = ["Verksamhet", "HR"]


def _upsert(code: str, **fields) -> Organisation:
    current = Organisation.objects.filter(code__iexact=code).first()
    if current is None:
        return services.organisation_create(actor=None, code=code, **fields)
    return services.organisation_update(actor=None, organisation=current, **fields)


def _mailbox(domain: str) -> str:
    return f"forvaltningsbrevlada@{domain}"


def _units(parent: Organisation, names: list[str], domain: str) -> None:
    for index, unit in enumerate(names, start=1):
        _upsert(
            f"{parent.code}-E{index}",
            name=f"{parent.name.replace('Stadsdelsförvaltningen ', '')} – {unit}",
            kind=Kind.UNIT,
            parent=parent,
            domains=[],
            mailbox="",
        )


def load() -> dict[str, Organisation]:
    """Create or update the demo organisations; returns them by code."""
    code, name, kind, _parent, domain = CITY
    city = _upsert(
        code,
        name=name,
        kind=kind,
        parent=None,
        domains=[domain],
        mailbox=f"stadsledningskontoret@{domain}",
    )
    ks = _upsert(
        "KS", name="Kommunstyrelsen", kind=Kind.COMMITTEE, parent=city, domains=[], mailbox=""
    )
    slk = _upsert(
        "SLK", name="Stadsledningskontoret", kind=Kind.ADMINISTRATION, parent=ks,
        domains=["stadshuset.goteborg.se"], mailbox=_mailbox("stadshuset.goteborg.se"),
    )  # fmt: skip
    _units(slk, ["Avdelning HR", "Avdelning Social hållbarhet"], "stadshuset.goteborg.se")
    for code, name, domain, short_name in DISTRICTS:
        org = _upsert(
            code, name=name, kind=Kind.ADMINISTRATION, parent=city, domains=[domain],
            mailbox=_mailbox(domain), valid_from=dt.date(2011, 1, 1), short_name=short_name,
        )  # fmt: skip
        _units(org, DISTRICT_UNITS, domain)
    for code, name, domain in SPECIALIST + OTHER_SPECIALIST:
        org = _upsert(
            code,
            name=name,
            kind=Kind.ADMINISTRATION,
            parent=city,
            domains=[domain],
            mailbox=_mailbox(domain),
        )
        _units(org, SPECIALIST_UNITS, domain)
    stadshus = _upsert(
        "STADSHUS", name="Göteborgs Stadshus AB", kind=Kind.COMPANY, parent=city,
        domains=["stadshus.goteborg.se"], mailbox=_mailbox("stadshus.goteborg.se"),
    )  # fmt: skip
    for code, name, domain in COMPANIES:
        org = _upsert(
            code,
            name=name,
            kind=Kind.COMPANY,
            parent=stadshus,
            domains=[domain],
            mailbox=f"hr@{domain}",
        )
        _units(org, COMPANY_UNITS, domain)
    for code, name, domain in EXTERNAL:
        _upsert(
            code,
            name=name,
            kind=Kind.EXTERNAL,
            parent=None,
            domains=[domain],
            mailbox=f"kontakt@{domain}",
        )
    _split_network()
    return {org.code: org for org in Organisation.objects.all()}


def _split_network() -> None:
    """A split in the registry (docs/rules.md, "Organisation registry"): an external network
    with no campaign or event data that ended in 2022 and was taken over by two."""
    west, east = (
        _upsert(
            code,
            name=name,
            kind=Kind.EXTERNAL,
            parent=None,
            domains=[],
            mailbox="",
            valid_from=dt.date(2023, 1, 1),
        )
        for code, name in (
            ("EXT-NAT-V", "Jämlikhetsnätverket Väst"),
            ("EXT-NAT-O", "Jämlikhetsnätverket Öst"),
        )
    )
    _upsert(
        "EXT-NAT", name="Jämlikhetsnätverket (till 2022)", kind=Kind.EXTERNAL, parent=None,
        domains=[], mailbox="", valid_to=dt.date(2022, 12, 31), successor=west,
        other_successors=[east],
    )  # fmt: skip
