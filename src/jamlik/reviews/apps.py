from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "jamlik.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from jamlik.assessments.panels import register_requirement_panel
        from jamlik.core import filejobs
        from jamlik.core.navigation import NavEntry, register
        from jamlik.reviews.panels import good_examples_panel
        from jamlik.reviews.services import exports

        filejobs.register(
            exports.BOARD_REPORT_PDF,
            exports.board_report_pdf_build,
            label=exports.BOARD_REPORT_PDF_LABEL,
        )
        filejobs.register(
            exports.BOARD_REPORT_DOCX,
            exports.board_report_docx_build,
            label=exports.BOARD_REPORT_DOCX_LABEL,
        )

        register(
            NavEntry(
                label=_("Reviews"),
                url_name="reviews:list",
                order=80,
                description=_(
                    "In-depth reviews: timeline, workshop groups, good examples and the "
                    "report for the city board."
                ),
            )
        )
        register(
            NavEntry(
                label=_("Good examples"),
                url_name="reviews:examples",
                order=85,
                description=_("How organisations in the city meet the requirements."),
            )
        )
        register_requirement_panel("reviews.good_examples", good_examples_panel)
        _register_attention()


def _register_attention() -> None:
    """The start page's reviews panel and the milestone reminders' failed mail
    (core.attention)."""
    from jamlik.core import attention
    from jamlik.notifications.attention import FailedSource, register_source
    from jamlik.reviews import attention as panel

    attention.register(
        attention.Panel(
            key="reviews",
            template="reviews/partials/_attention.html",
            context=panel.reviews_panel,
            order=80,
        )
    )
    register_source(FailedSource("reviews.milestone", _("Review"), panel.failed_milestone_mail))
