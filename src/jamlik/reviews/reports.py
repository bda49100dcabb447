"""The board report (tjänsteutlåtande) as PDF and DOCX.

Both files are laid out as a committee matter: committee, date, diary number and case
officer at the top; then the proposed decision, the summary, the description of the matter
(purpose, timeline, method, results with the campaign's figures, lessons and themes of the
workshop, proposed joint efforts, good examples), the assessment (economic, ecological and
social dimensions), cooperation with the unions (samverkan) and the appendices.

The campaign's figures come from the assessments summary selector
(``assessments.selectors.campaign_summary``) and its figures module (charts and tables);
nothing is counted here. The PDF is rendered by WeasyPrint from a template with the SVG
charts; the DOCX is written with python-docx with the same figures as tables, so a case
officer can keep editing it in Word or LibreOffice.

The report's type (an official report, or information to the committee) is the document's
type heading; the case officer's phone and e-mail stand with the matter on the first page;
the signature block (up to three names with titles) ends the document, as the notice to the
committee is signed. The DOCX also carries the diary number and the type in its header,
"Sida X av Y" in its footer (PAGE and NUMPAGES fields, so Word and LibreOffice count the
pages) and the score-per-area chart as a PNG (``chartpng``, drawn with Pillow) before its
data table, as the PDF shows the SVG.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext

from jamlik.assessments.figures import Figures, build_figures
from jamlik.assessments.models import Campaign
from jamlik.assessments.selectors import campaign_summary
from jamlik.assessments.texts import localized
from jamlik.core import display
from jamlik.events.models import Event, Status
from jamlik.reviews import chartpng, policies, selectors
from jamlik.reviews.models import BoardReport, BreakoutNotes, GoodExample, Milestone, Review
from jamlik.reviews.services import board_report_initial

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WEAKEST_SHOWN = 5


@dataclass
class CampaignFigures:
    title: str
    figures: Figures

    @property
    def summary(self) -> Any:
        return self.figures.summary

    @property
    def response_rate(self) -> str:
        return display.fmt_percent(self.summary.response_rate)

    @property
    def area_rows(self) -> list[tuple[str, str, str]]:
        """(area, score, scored answers) in framework order."""
        return [
            (f"{i}. {localized(a, 'title')}", display.fmt_score(a.score), str(a.scored))
            for i, a in enumerate(self.summary.areas, start=1)
        ]

    @property
    def weakest_rows(self) -> list[tuple[str, str, str]]:
        return [
            (self.figures.numbers.get(r.key, ""), localized(r, "text"), display.fmt_score(r.score))
            for r in self.figures.weakest[:WEAKEST_SHOWN]
        ]


@dataclass
class WorkshopThemes:
    event: Event
    participants: int
    organisations: int
    groups: int
    notes: list[BreakoutNotes] = field(default_factory=list)

    @property
    def facts(self) -> str:
        return _workshop_facts(self)


@dataclass
class ReportData:
    review: Review
    report: BoardReport
    milestones: list[Milestone]
    campaigns: list[CampaignFigures]
    workshops: list[WorkshopThemes]
    examples: list[GoodExample]
    generated_at: Any

    @property
    def title(self) -> str:
        return self.review.title

    @property
    def date_text(self) -> str:
        day = self.report.date or timezone.localdate(self.generated_at)
        return display.fmt_date(day)

    @property
    def type_label(self) -> str:
        """The document's type heading: "Tjänsteutlåtande" or "Information till nämnden"."""
        return str(self.report.get_report_type_display())

    @property
    def matter_rows(self) -> list[tuple[str, str]]:
        """The matter on the first page; the case officer's phone and e-mail when given."""
        rows = [
            (pgettext("board report", "Committee"), self.report.committee or "–"),
            (pgettext("board report", "Date"), self.date_text),
            (pgettext("board report", "Diary number"), self.report.diary_number or "–"),
            (pgettext("board report", "Case officer"), self.report.case_officer or "–"),
        ]
        if self.report.case_officer_phone:
            rows.append((pgettext("board report", "Phone"), self.report.case_officer_phone))
        if self.report.case_officer_email:
            rows.append((pgettext("board report", "E-mail"), self.report.case_officer_email))
        return rows

    @property
    def signatories(self) -> list[tuple[str, str]]:
        """(name, title) of those who sign, in order."""
        return [
            (str(s.get("name", "")), str(s.get("title", "")))
            for s in self.report.signatories or []
            if isinstance(s, dict)
        ]

    @property
    def assessment_rows(self) -> list[tuple[str, str]]:
        return [
            (pgettext("board report", "Economic dimension"), self.report.economic_assessment),
            (pgettext("board report", "Ecological dimension"), self.report.ecological_assessment),
            (pgettext("board report", "Social dimension"), self.report.social_assessment),
        ]


def report_data(*, user: Any, review: Review) -> ReportData:
    """Everything the report shows, read with a number of queries that does not grow with
    the number of groups, notes or examples (it grows with the campaigns named, usually one)."""
    if user is not None:
        policies.require(policies.may_export_board_report, user)
    report = board_report_initial(review)
    campaigns = []
    for campaign in (
        Campaign.objects.filter(reviews=review)
        .select_related("framework")
        .order_by("opens_at", "id")
    ):
        summary = campaign_summary(user=user, campaign=campaign, heat_map=False)
        campaigns.append(
            CampaignFigures(
                title=campaign.title,
                figures=build_figures(summary, id_prefix=f"c{campaign.pk}-"),
            )
        )
    events = list(
        Event.objects.filter(reviews=review)
        .annotate(
            participants=Count(
                "registrations",
                filter=Q(registrations__status=Status.CONFIRMED),
                distinct=True,
            ),
            organisation_count=Count(
                "registrations__organisation",
                filter=Q(registrations__status=Status.CONFIRMED),
                distinct=True,
            ),
            group_count=Count("breakouts", distinct=True),
        )
        .order_by("starts_at", "id")
    )
    notes_by_event: dict[int, list[BreakoutNotes]] = {}
    for notes in selectors.workshop_notes(events=events):
        notes_by_event.setdefault(notes.breakout.event_id, []).append(notes)
    workshops = [
        WorkshopThemes(
            event=event,
            participants=event.participants,
            organisations=event.organisation_count,
            groups=event.group_count,
            notes=notes_by_event.get(event.pk, []),
        )
        for event in events
    ]
    examples = list(
        GoodExample.objects.filter(review=review)
        .select_related("organisation")
        .order_by("organisation__name", "title", "id")
    )
    return ReportData(
        review=review,
        report=report,
        milestones=list(Milestone.objects.filter(review=review).order_by("due", "order", "id")),
        campaigns=campaigns,
        workshops=workshops,
        examples=examples,
        generated_at=timezone.now(),
    )


def report_filename(review: Review, extension: str) -> str:
    slug = slugify(review.title)[:60] or "fordjupning"
    return f"{slug}-{review.pk}.{extension}"


# ---- PDF ---------------------------------------------------------------------------------------


def report_html(data: ReportData) -> str:
    return render_to_string(
        "reviews/report/board_report.html", {"data": data, "LANGUAGE_CODE": get_language()}
    )


def report_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(data)).write_pdf()


# ---- DOCX --------------------------------------------------------------------------------------


def _paragraphs(document: Any, text: str, *, empty: str | None = None) -> None:
    """Each blank-line-separated block becomes a paragraph; single newlines stay line breaks."""
    text = (text or "").strip()
    if not text:
        if empty:
            document.add_paragraph().add_run(empty).italic = True
        return
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        paragraph = document.add_paragraph()
        for i, line in enumerate(lines):
            run = paragraph.add_run(line)
            if i < len(lines) - 1:
                run.add_break()


def _table(document: Any, header: list[str], rows: Sequence[tuple[str, ...]], caption: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT

    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


def _set_language(document: Any, language: str) -> None:
    """Mark the text as Swedish (or English), so spelling and hyphenation work when the case
    officer keeps editing."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = {"sv": "sv-SE", "en": "en-GB"}.get((language or "sv")[:2], "sv-SE")
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def report_docx(data: ReportData) -> bytes:
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    # A4, as the PDF and Swedish paper (python-docx's template is US Letter).
    document.sections[0].page_width, document.sections[0].page_height = Mm(210), Mm(297)
    _set_language(document, get_language() or "sv")
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = data.title
    document.core_properties.author = data.report.case_officer or ""
    document.core_properties.subject = data.type_label
    report = data.report
    _header_and_footer(document, data)

    document.add_paragraph(data.type_label, style="Subtitle")
    _table(
        document,
        [pgettext("board report", "Matter"), ""],
        data.matter_rows,
        pgettext("board report", "The matter"),
    )
    document.add_heading(data.title, level=0)

    document.add_heading(pgettext("board report", "Proposed decision"), level=1)
    _paragraphs(
        document,
        report.proposed_decision,
        empty=pgettext("board report", "No proposed decision yet."),
    )

    document.add_heading(pgettext("board report", "Summary"), level=1)
    _paragraphs(document, report.summary, empty=pgettext("board report", "No summary yet."))

    document.add_heading(pgettext("board report", "Description of the matter"), level=1)
    if data.review.purpose:
        document.add_heading(pgettext("board report", "Purpose"), level=2)
        _paragraphs(document, data.review.purpose)
    if data.milestones:
        document.add_heading(pgettext("board report", "Timeline"), level=2)
        _table(
            document,
            [
                pgettext("board report", "Date"),
                pgettext("board report", "Milestone"),
                pgettext("board report", "Status"),
            ],
            [(display.fmt_date(m.due), m.title, m.get_status_display()) for m in data.milestones],
            pgettext("board report", "Timeline of the review"),
        )
    if report.method:
        document.add_heading(pgettext("board report", "Method"), level=2)
        _paragraphs(document, report.method)

    document.add_heading(pgettext("board report", "Results"), level=2)
    _paragraphs(document, report.results)
    for campaign in data.campaigns:
        document.add_heading(campaign.title, level=3)
        document.add_paragraph(
            pgettext(
                "board report",
                "Response rate: %(rate)s (%(submitted)s of %(responses)s units have submitted).",
            )
            % {
                "rate": campaign.response_rate,
                "submitted": campaign.summary.submitted,
                "responses": campaign.summary.responses,
            }
        )
        _chart(document, campaign)
        _table(
            document,
            [
                pgettext("board report", "Area"),
                pgettext("board report", "Score (0–100)"),
                pgettext("board report", "Scored answers"),
            ],
            campaign.area_rows,
            pgettext("board report", "Score per area: %(campaign)s") % {"campaign": campaign.title},
        )
        if campaign.weakest_rows:
            _table(
                document,
                [
                    pgettext("board report", "No."),
                    pgettext("board report", "Requirement"),
                    pgettext("board report", "Score (0–100)"),
                ],
                campaign.weakest_rows,
                pgettext("board report", "The weakest requirements: %(campaign)s")
                % {"campaign": campaign.title},
            )

    document.add_heading(pgettext("board report", "Lessons from the workshop"), level=2)
    _paragraphs(document, report.workshop_lessons)
    for workshop in data.workshops:
        document.add_heading(workshop.event.title, level=3)
        document.add_paragraph(_workshop_facts(workshop))
        for notes in workshop.notes:
            document.add_heading(str(notes.breakout), level=4)
            for label, text in _note_parts(notes):
                if text:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(f"{label}: ").bold = True
                    paragraph.add_run(text)

    document.add_heading(pgettext("board report", "Proposed joint efforts"), level=2)
    _paragraphs(document, report.joint_efforts)

    if data.examples:
        document.add_heading(pgettext("board report", "Good examples"), level=2)
        for example in data.examples:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{example.title} ({example.organisation.name}). ").bold = True
            paragraph.add_run(example.text)

    document.add_heading(pgettext("board report", "Assessment"), level=1)
    for label, text in data.assessment_rows:
        document.add_heading(label, level=2)
        _paragraphs(document, text, empty=pgettext("board report", "Not assessed yet."))

    document.add_heading(
        pgettext("board report", "Cooperation with the unions (samverkan)"), level=1
    )
    _paragraphs(document, report.cooperation, empty=pgettext("board report", "Not described yet."))

    document.add_heading(pgettext("board report", "Appendices"), level=1)
    if report.appendix_list:
        for appendix in report.appendix_list:
            document.add_paragraph(appendix, style="List Number")
    else:
        document.add_paragraph(pgettext("board report", "None."))

    if data.signatories:
        _signatures(document, data.signatories)
    elif report.case_officer:
        document.add_paragraph("")
        document.add_paragraph(report.case_officer)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text_width(document: Any) -> Any:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _header_and_footer(document: Any, data: ReportData) -> None:
    """The header: the report's type, and the diary number at the right margin; the footer:
    "Sida X av Y" with PAGE and NUMPAGES fields, which Word and LibreOffice fill in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT

    section = document.sections[0]
    header = section.header.paragraphs[0]
    tabs = header.paragraph_format.tab_stops
    # The Header style's own stops (centre, and right for Letter paper) would catch the tab
    # before the margin: cleared here, so the diary number ends at the right margin.
    margin = _text_width(document)
    for stop in document.styles["Header"].paragraph_format.tab_stops:
        if stop.position != margin:
            tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(margin, WD_TAB_ALIGNMENT.RIGHT)
    header.add_run(data.type_label)
    header.add_run("\t")
    diary = data.report.diary_number or "–"
    header.add_run(f"{pgettext('board report', 'Diary number')}: {diary}")

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    text = pgettext("board report", "Page %(page)s of %(pages)s")
    # The translation's words around the two fields, in the translation's order.
    for part in re.split(r"(%\(pages?\)s)", text):
        if part == "%(page)s":
            _field(footer, "PAGE", "1")
        elif part == "%(pages)s":
            _field(footer, "NUMPAGES", "1")
        elif part:
            footer.add_run(part)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A complex field (``w:fldChar`` begin, ``w:instrText``, separate, the value shown until
    the reader updates it, end) at the end of ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # ask the reader to compute it on opening
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _chart(document: Any, campaign: CampaignFigures) -> None:
    """The score-per-area chart as a PNG (the PDF shows the SVG), with its caption as the
    picture's alternative text; the data table follows."""
    from docx.shared import Cm, Emu

    title = pgettext("board report", "Score per area: %(campaign)s") % {"campaign": campaign.title}
    png = chartpng.score_chart_png(
        [(label, area.score) for (label, _s, _n), area in
         zip(campaign.area_rows, campaign.summary.areas, strict=True)],
        title=title,
        no_score=pgettext("board report", "No score (no scored answers)"),
    )  # fmt: skip
    width = min(Emu(_text_width(document)), Cm(16))
    shape = document.add_picture(io.BytesIO(png), width=width)
    shape._inline.docPr.set("descr", title)
    shape._inline.docPr.set("title", title)


def _signatures(document: Any, signatories: list[tuple[str, str]]) -> None:
    """The signature block: side by side, each name over its title, as the notice is signed."""
    from docx.shared import Pt

    document.add_paragraph("").paragraph_format.space_after = Pt(24)
    table = document.add_table(rows=1, cols=len(signatories))  # no borders (Normal Table)
    for cell, (name, title) in zip(table.rows[0].cells, signatories, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
        cell.add_paragraph(title)


def _workshop_facts(workshop: WorkshopThemes) -> str:
    return pgettext(
        "board report",
        "%(date)s: %(participants)s participants from %(organisations)s organisations "
        "in %(groups)s groups.",
    ) % {
        "date": display.fmt_local_date(workshop.event.starts_at),
        "participants": workshop.participants,
        "organisations": workshop.organisations,
        "groups": workshop.groups,
    }


def _note_parts(notes: BreakoutNotes) -> list[tuple[str, str]]:
    return [
        (pgettext("board report", "Shared"), notes.shared),
        (pgettext("board report", "Questions"), notes.questions),
        (pgettext("board report", "Wishes for joint efforts"), notes.wishes),
    ]
