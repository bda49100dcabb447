"""Staff pages of reviews, one module per topic: ``reviews`` (list, detail with the timeline,
milestones, the board report editor), ``breakouts`` (breakout groups of a workshop and their
notes), ``examples`` (good examples). The URL conf reaches every view through this package.

Everyone on the staff reads; changes are for the city (``reviews/policies.py``: the services
ask them and raise Forbidden, shown as the 403 page; pages ask the same functions). Views
only parse, call one service or selector (form POSTs through ``core.formpost.handle_form``),
render.
"""

from jamlik.reviews.views.breakouts import breakout_move, breakout_notes, breakouts, breakouts_print
from jamlik.reviews.views.examples import (
    EXAMPLES_PER_PAGE,
    example_create,
    example_detail,
    example_edit,
    example_list,
)
from jamlik.reviews.views.reviews import (
    milestone_create,
    milestone_edit,
    milestone_toggle,
    report_docx,
    report_docx_job,
    report_edit,
    report_pdf,
    report_pdf_job,
    review_create,
    review_detail,
    review_edit,
    review_list,
)

__all__ = [
    "EXAMPLES_PER_PAGE",
    "breakout_move",
    "breakout_notes",
    "breakouts",
    "breakouts_print",
    "example_create",
    "example_detail",
    "example_edit",
    "example_list",
    "milestone_create",
    "milestone_edit",
    "milestone_toggle",
    "report_docx",
    "report_docx_job",
    "report_edit",
    "report_pdf",
    "report_pdf_job",
    "review_create",
    "review_detail",
    "review_edit",
    "review_list",
]
