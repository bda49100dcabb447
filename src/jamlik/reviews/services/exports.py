"""The board report of a review (PDF and DOCX) as file jobs (``core.filejobs``): the review's
pages and the API start them, the worker builds them with a progress bar.

``board_report_start`` asks the same policy as the synchronous download (administrators and
city coordinators); the caller has resolved the review through the selectors (404 at once).
``board_report_pdf_build`` and ``board_report_docx_build``, the registered builders, run on
the worker with the owner fetched afresh, look the review up again and read the report's
data as ``GET …/report.pdf`` and ``…/report.docx`` do, checking the policy again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core import filejobs
from jamlik.core.models import FileJob
from jamlik.reviews import policies, selectors
from jamlik.reviews.models import Review

BOARD_REPORT_PDF = "reviews.board_report_pdf"
BOARD_REPORT_DOCX = "reviews.board_report_docx"
BOARD_REPORT_PDF_LABEL = _("Report for the city board (PDF)")
BOARD_REPORT_DOCX_LABEL = _("Report for the city board (DOCX)")
PDF = "application/pdf"


def board_report_start(
    *, actor: Any, review: Review, docx: bool = False, language: str | None = None
) -> FileJob:
    """Queue the review's board report (PDF, or DOCX with ``docx``) for ``actor``; the job to
    follow."""
    policies.require(policies.may_export_board_report, actor)
    return filejobs.file_job_start(
        actor=actor,
        kind=BOARD_REPORT_DOCX if docx else BOARD_REPORT_PDF,
        params={"review": review.pk},
        language=language,
    )


def _data(user: Any, params: dict[str, Any]) -> Any:
    from jamlik.reviews import reports  # reports imports the services: at call time

    policies.require(policies.may_export_board_report, user)
    review = selectors.review_get(user=user, pk=params.get("review"))
    return reports.report_data(user=user, review=review)


def board_report_pdf_build(
    user: Any, params: dict[str, Any], progress: filejobs.Progress
) -> tuple[str, str, bytes]:
    """The builder of ``BOARD_REPORT_PDF`` (registered in ``ReviewsConfig.ready``): the
    report's data read, then the PDF rendered (WeasyPrint does it in one call)."""
    from jamlik.reviews import reports

    progress(0, 2)
    data = _data(user, params)
    progress(1, 2)
    content = reports.report_pdf(data)
    progress(2, 2)
    return reports.report_filename(data.review, "pdf"), PDF, content


def board_report_docx_build(
    user: Any, params: dict[str, Any], progress: filejobs.Progress
) -> tuple[str, str, bytes]:
    """The builder of ``BOARD_REPORT_DOCX``: the report's data read, then the document
    written."""
    from jamlik.reviews import reports

    progress(0, 2)
    data = _data(user, params)
    progress(1, 2)
    content = reports.report_docx(data)
    progress(2, 2)
    return reports.report_filename(data.review, "docx"), reports.DOCX_TYPE, content
