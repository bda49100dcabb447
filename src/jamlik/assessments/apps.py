from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "jamlik.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from jamlik.assessments.services import exports
        from jamlik.core import filejobs
        from jamlik.core.navigation import NavEntry, register

        filejobs.register(
            exports.CAMPAIGN_XLSX,
            exports.campaign_xlsx_build,
            label=exports.CAMPAIGN_XLSX_LABEL,
            in_request_limit=exports.CAMPAIGN_XLSX_IN_REQUEST,
        )
        filejobs.register(
            exports.CAMPAIGN_REPORT,
            exports.campaign_report_build,
            label=exports.CAMPAIGN_REPORT_LABEL,
        )

        register(
            NavEntry(
                label=_("Self-assessments"),
                url_name="assessments:campaigns",
                order=70,
                description=_(
                    "Self-assessment campaigns on active measures and victimisation: "
                    "responses, results, actions and reports."
                ),
            )
        )
        _register_attention()


def _register_attention() -> None:
    """The start page's campaigns and overdue-actions panels and the campaigns' failed mail
    (core.attention)."""
    from jamlik.assessments.selectors import attention as panels
    from jamlik.core import attention
    from jamlik.notifications.attention import FailedSource, register_source

    attention.register(
        attention.Panel(
            key="assessments.campaigns",
            template="assessments/partials/_attention.html",
            context=panels.campaigns_panel,
            order=70,
        )
    )
    attention.register(
        attention.Panel(
            key="assessments.actions",
            template="assessments/partials/_attention_actions.html",
            context=panels.actions_panel,
            order=75,
        )
    )
    register_source(
        FailedSource("assessments.response", _("Self-assessment"), panels.failed_response_mail)
    )
