from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "jamlik.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from jamlik.core.navigation import NavEntry, register

        register(
            NavEntry(
                label=_("Events"),
                url_name="events:list",
                order=20,
                description=_(
                    "Conferences and workshops: seat allocation per organisation, "
                    "registrations, waiting lists, check-in and statistics."
                ),
            )
        )
