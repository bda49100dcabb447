"""The yearly documentation of active measures (Diskrimineringslagen 3 kap. 13 §): reading
the year's facts for the prefill, saving a new immutable version, the overview of who has
produced theirs, and the document as PDF (WeasyPrint) and DOCX (python-docx).

Scoping: an organisation outside the user's scope does not exist for them (404), as for
answers (``core.scoping``); the facts are the submitted answers of the organisation's own
units and its subtree's, and the actions of that subtree. A single organisation's document
is small (seven sections of text), so both files are built within the request.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext

from jamlik.assessments.models import Action, Answer, Requirement, ResponseStatus
from jamlik.assessments.texts import localized
from jamlik.core import display
from jamlik.core.audit import audit_log
from jamlik.core.errors import NotFound
from jamlik.core.lookups import get_or_404
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Kind, Organisation
from jamlik.reviews import policies
from jamlik.reviews.documentation import (
    SECTION_KEYS,
    SECTIONS,
    ActionFact,
    AnswerFact,
    merged,
    prefill,
)
from jamlik.reviews.inputs import DocumentationIn
from jamlik.reviews.models import Documentation, DocumentationVersion

# The organisations that are employers of their own and so document (the overview's rows).
EMPLOYER_KINDS = (Kind.COMMITTEE, Kind.COMPANY)


def this_year() -> int:
    return timezone.localdate().year


# ---- Reads -------------------------------------------------------------------------------------


def documentation_organisation(*, user: Any, pk: Any) -> Organisation:
    """The organisation, if the user may document it; 404 otherwise (also for a wrong id)."""
    if user is not None:
        policies.require(policies.may_write_documentation, user)
    organisation = get_or_404(Organisation.objects.all(), pk)
    if user is not None and not scope_for(user).covers(organisation):
        raise NotFound()
    return organisation


def _subtree(organisation: Organisation, via: str) -> Q:
    return Q(**{f"{via}__path__startswith": organisation.path})


def facts(organisation: Organisation, year: int) -> tuple[list[AnswerFact], list[ActionFact]]:
    """The submitted answers of the organisation's subtree in the campaigns that opened in
    ``year`` (Stockholm time), and the subtree's actions of those campaigns or, without a
    campaign, due in ``year``."""
    answers = list(
        Answer.objects.filter(
            _subtree(organisation, "response__unit"),
            response__campaign__opens_at__year=year,
            response__status=ResponseStatus.SUBMITTED,
        )
        .select_related("requirement__area", "response__unit", "response__campaign__framework")
        .order_by("response__unit__name", "requirement__area__order", "requirement__order")
    )
    frameworks = {a.response.campaign.framework_id: a.response.campaign.framework for a in answers}
    numbers = _numbers(frameworks)
    answer_facts = []
    for answer in answers:
        framework = frameworks[answer.response.campaign.framework_id]
        option = next(
            (
                o
                for o in framework.scale(answer.requirement.scale_name)
                if o["value"] == answer.value
            ),
            None,
        )
        answer_facts.append(
            AnswerFact(
                requirement_key=answer.requirement.key,
                number=numbers.get(answer.requirement_id, ""),
                requirement=localized(answer.requirement, "text"),
                area_key=answer.requirement.area.key,
                unit=answer.response.unit.name,
                answer=localized(option, "label") if option else answer.value,
                value=answer.value,
                score=answer.normalised,
                comment=answer.comment,
            )
        )
    actions = (
        Action.objects.filter(_subtree(organisation, "organisation"))
        .filter(Q(campaign__opens_at__year=year) | Q(campaign__isnull=True, due__year=year))
        .select_related("organisation")
        .order_by("due", "id")
    )
    action_facts = [
        ActionFact(
            title=a.title,
            owner=a.owner,
            due=a.due,
            status=a.status,
            status_label=str(a.get_status_display()),
            requirement_key=a.requirement_key,
            organisation=a.organisation.name,
            description=a.description,
        )
        for a in actions
    ]
    return answer_facts, action_facts


def _numbers(frameworks: Mapping[int, Any]) -> dict[int, str]:
    """Requirement id → "area.requirement" in framework order, as the summary numbers them."""
    numbers: dict[int, str] = {}
    area_index: dict[int, int] = {}
    areas_per_framework: dict[int, int] = {}
    seen: dict[int, int] = {}
    for requirement in Requirement.objects.filter(framework_id__in=list(frameworks)).order_by(
        "framework_id", "area__order", "area_id", "order", "id"
    ):
        area = requirement.area_id
        if area not in area_index:
            count = areas_per_framework.get(requirement.framework_id, 0) + 1
            areas_per_framework[requirement.framework_id] = count
            area_index[area] = count
        seen[area] = seen.get(area, 0) + 1
        numbers[requirement.pk] = f"{area_index[area]}.{seen[area]}"
    return numbers


def documentation_prefill(organisation: Organisation, year: int) -> dict[str, str]:
    answers, actions = facts(organisation, year)
    return prefill(answers, actions, today=timezone.localdate())


def documentation_of(organisation: Organisation, year: int) -> Documentation | None:
    return Documentation.objects.filter(organisation=organisation, year=year).first()


def versions_of(documentation: Documentation | None) -> list[DocumentationVersion]:
    if documentation is None:
        return []
    return list(documentation.versions.select_related("created_by").order_by("-number"))


def version_get(
    organisation: Organisation, year: int, number: int | None = None
) -> DocumentationVersion:
    """The version ``number`` of the year's documentation (the latest when None); 404 when
    there is none."""
    versions = DocumentationVersion.objects.filter(
        documentation__organisation=organisation, documentation__year=year
    ).select_related("documentation__organisation", "created_by")
    version = (
        versions.filter(number=number).first()
        if number is not None
        else versions.order_by("-number").first()
    )
    if version is None:
        raise NotFound()
    return version


def current_sections(organisation: Organisation, year: int) -> tuple[dict[str, str], bool]:
    """The text to edit: the latest version's, or the prefill (second value True) when the
    year has no version yet."""
    latest = (
        DocumentationVersion.objects.filter(
            documentation__organisation=organisation, documentation__year=year
        )
        .order_by("-number")
        .first()
    )
    if latest is not None:
        return merged(latest.sections, {}), False
    return documentation_prefill(organisation, year), True


def years_of(organisation: Organisation) -> list[tuple[Documentation, list[DocumentationVersion]]]:
    """Every year the organisation has documented, newest first, with its versions."""
    documents = list(
        Documentation.objects.filter(organisation=organisation)
        .prefetch_related("versions__created_by")
        .order_by("-year")
    )
    return [(d, sorted(d.versions.all(), key=lambda v: -v.number)) for d in documents]


@dataclass
class OverviewRow:
    organisation: Organisation
    latest: DocumentationVersion | None

    @property
    def produced(self) -> bool:
        return self.latest is not None


def overview(*, user: Any, year: int) -> list[OverviewRow]:
    """The employers (committees and companies) in the user's scope, each with the latest
    version of its documentation for ``year`` (None: not produced yet). Two queries."""
    if user is not None:
        policies.require(policies.may_write_documentation, user)
    organisations: QuerySet[Organisation] = Organisation.objects.filter(kind__in=EMPLOYER_KINDS)
    if user is not None:
        organisations = scope_for(user).filter(organisations, via="")
    rows = list(organisations.order_by("name", "id"))
    # Each documentation's latest version, in one query whatever the number of employers.
    last_number = (
        DocumentationVersion.objects.filter(documentation_id=OuterRef("documentation_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest = {
        v.documentation.organisation_id: v
        for v in DocumentationVersion.objects.filter(
            documentation__year=year,
            documentation__organisation__in=[o.pk for o in rows],
            number=Subquery(last_number),
        ).select_related("documentation")
    }
    return [OverviewRow(organisation=o, latest=latest.get(o.pk)) for o in rows]


# ---- The write ---------------------------------------------------------------------------------


@transaction.atomic
def documentation_save(
    *,
    actor: Any,
    organisation: Organisation,
    data: DocumentationIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> DocumentationVersion:
    """A new version of the organisation's documentation for the year given: the sections
    sent, the others as the latest version (or the prefill) has them. Earlier versions are
    never changed."""
    if actor is not None:
        policies.require(policies.may_write_documentation, actor)
        if not scope_for(actor).covers(organisation):
            raise NotFound()
    payload = DocumentationIn.take(data, **fields)
    documentation, _created = Documentation.objects.get_or_create(
        organisation=organisation, year=payload.year
    )
    # Locked so two saves at once get numbers one after the other.
    documentation = Documentation.objects.select_for_update().get(pk=documentation.pk)
    base, _prefilled = current_sections(organisation, payload.year)
    sections = merged(base, {key: getattr(payload, key) for key in SECTION_KEYS})
    last = documentation.versions.aggregate(last=Max("number"))["last"] or 0
    version = DocumentationVersion.objects.create(
        documentation=documentation,
        number=last + 1,
        sections=sections,
        author=payload.author,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="reviews.documentation.saved",
        obj=documentation,
        new={"year": payload.year, "version": version.number, "author": version.author},
    )
    return version


# ---- The document ------------------------------------------------------------------------------


@dataclass
class DocumentData:
    organisation: Organisation
    year: int
    version: DocumentationVersion

    @property
    def title(self) -> str:
        return pgettext("documentation", "Active measures %(year)s: %(organisation)s") % {
            "year": self.year,
            "organisation": self.organisation.name,
        }

    @property
    def type_label(self) -> str:
        return pgettext("documentation", "Yearly documentation of active measures")

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) in the law's order."""
        stored = self.version.sections or {}
        return [(str(s.heading), str(stored.get(s.key, "") or "")) for s in SECTIONS]

    @property
    def facts_rows(self) -> list[tuple[str, str]]:
        return [
            (pgettext("documentation", "Organisation"), self.organisation.name),
            (pgettext("documentation", "Year"), str(self.year)),
            (pgettext("documentation", "Author"), self.version.author),
            (
                pgettext("documentation", "Version"),
                pgettext("documentation", "%(number)s of %(date)s")
                % {
                    "number": self.version.number,
                    "date": display.fmt_local_datetime(self.version.created_at),
                },
            ),
            (
                pgettext("documentation", "Legal basis"),
                pgettext("documentation", "Discrimination Act (2008:567) 3 kap. 13 §"),
            ),
        ]


def document_data(version: DocumentationVersion) -> DocumentData:
    documentation = version.documentation
    return DocumentData(
        organisation=documentation.organisation, year=documentation.year, version=version
    )


def document_filename(data: DocumentData, extension: str) -> str:
    slug = slugify(data.organisation.name)[:60] or "organisation"
    return f"aktiva-atgarder-{data.year}-{slug}-v{data.version.number}.{extension}"


def document_pdf(data: DocumentData) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reviews/documentation_pdf.html", {"data": data, "LANGUAGE_CODE": get_language()}
    )
    return bytes(HTML(string=html).write_pdf())


def document_docx(data: DocumentData) -> bytes:
    """The document in Word format, as the board report's: A4, the language set, the type
    and year in the header and "Sida X av Y" in the footer."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from jamlik.reviews.reports import _field, _paragraphs, _set_language

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _set_language(document, get_language() or "sv")
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = data.title
    document.core_properties.author = data.version.author
    document.core_properties.subject = data.type_label

    header = section.header.paragraphs[0]
    header.add_run(f"{data.type_label} {data.year} – {data.organisation.name}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for part in re.split(r"(%\(pages?\)s)", pgettext("board report", "Page %(page)s of %(pages)s")):
        if part == "%(page)s":
            _field(footer, "PAGE", "1")
        elif part == "%(pages)s":
            _field(footer, "NUMPAGES", "1")
        elif part:
            footer.add_run(part)

    document.add_paragraph(data.type_label, style="Subtitle")
    document.add_heading(data.title, level=0)
    document.add_paragraph(pgettext("documentation", "About the document"), style="Caption")
    facts_table = document.add_table(rows=0, cols=2)
    facts_table.style = "Table Grid"
    for label, value in data.facts_rows:
        cells = facts_table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value
    for heading, text in data.sections:
        document.add_heading(heading, level=1)
        _paragraphs(document, text, empty=pgettext("documentation", "Not described."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_file(
    *, user: Any, organisation: Organisation, year: int, number: int | None, docx: bool
) -> tuple[str, str, bytes]:
    """The version's document (the latest when ``number`` is None) as ``(filename,
    content_type, content)``, for ``core.filejobs.attachment``; 404 without a version."""
    if user is not None:
        policies.require(policies.may_write_documentation, user)
        if not scope_for(user).covers(organisation):
            raise NotFound()
    data = document_data(version_get(organisation, year, number))
    if docx:
        from jamlik.reviews.reports import DOCX_TYPE

        return document_filename(data, "docx"), DOCX_TYPE, document_docx(data)
    return document_filename(data, "pdf"), "application/pdf", document_pdf(data)
