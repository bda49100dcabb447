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
