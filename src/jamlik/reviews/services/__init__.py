"""Every state change of the reviews app (one module per part, re-exported here)."""

from jamlik.reviews.services.breakouts import (
    breakout_move_member,
    breakout_notes_save,
    breakouts_form,
    participants_of,
)
from jamlik.reviews.services.common import NotAWorkshop, NotesRecorded
from jamlik.reviews.services.examples import (
    example_create,
    example_delete,
    example_update,
    require_example_editor,
)
from jamlik.reviews.services.exports import (
    BOARD_REPORT_DOCX,
    BOARD_REPORT_PDF,
    board_report_docx_build,
    board_report_pdf_build,
    board_report_start,
)
from jamlik.reviews.services.reports import board_report_initial, board_report_save
from jamlik.reviews.services.reviews import (
    milestone_create,
    milestone_delete,
    milestone_reminders_send,
    milestone_set_done,
    milestone_update,
    review_create,
    review_update,
)

__all__ = [
    "BOARD_REPORT_DOCX",
    "BOARD_REPORT_PDF",
    "NotAWorkshop",
    "NotesRecorded",
    "board_report_docx_build",
    "board_report_initial",
    "board_report_pdf_build",
    "board_report_save",
    "board_report_start",
    "breakout_move_member",
    "breakout_notes_save",
    "breakouts_form",
    "example_create",
    "example_delete",
    "example_update",
    "milestone_create",
    "milestone_delete",
    "milestone_reminders_send",
    "milestone_set_done",
    "milestone_update",
    "participants_of",
    "require_example_editor",
    "review_create",
    "review_update",
]
