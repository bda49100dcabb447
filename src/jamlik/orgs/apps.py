from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "jamlik.orgs"
    label = "orgs"
    verbose_name = _("Organisation registry")

    def ready(self) -> None:
        from jamlik.core.navigation import NavEntry, register

        register(
            NavEntry(
                label=_("Organisations"),
                url_name="orgs:list",
                order=50,
                description=_("The city's committees, administrations, companies and units."),
            )
        )
