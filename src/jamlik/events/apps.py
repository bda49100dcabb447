from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "jamlik.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from jamlik.core.navigation import NavEntry, register

        post_migrate.connect(_queue_first_tick, sender=self)

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


def _queue_first_tick(**kwargs: object) -> None:
    """After ``migrate``, make sure the worker's periodic run is queued (events.tasks)."""
    from jamlik.events import tasks

    tasks.tick_schedule()
