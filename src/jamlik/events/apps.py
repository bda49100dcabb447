from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "jamlik.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from jamlik.core import filejobs
        from jamlik.core.navigation import NavEntry, register
        from jamlik.events.services import exports, mail
        from jamlik.notifications import notices
        from jamlik.worker.signals import worker_started

        notices.register("events", mail.render)
        filejobs.register(
            exports.BADGES_PDF,
            exports.badges_build,
            label=exports.BADGES_PDF_LABEL,
            in_request_limit=exports.BADGES_IN_REQUEST,
        )
        post_migrate.connect(_queue_first_tick, sender=self)
        worker_started.connect(_queue_first_tick, dispatch_uid="jamlik.events.first_tick")

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
        _register_attention()


def _register_attention() -> None:
    """The start page's events panel and the events' failed mail (core.attention)."""
    from jamlik.core import attention
    from jamlik.events.selectors import attention as panel
    from jamlik.notifications.attention import FailedSource, register_source

    attention.register(
        attention.Panel(
            key="events",
            template="events/partials/_attention.html",
            context=panel.attention_panel,
            order=20,
        )
    )
    register_source(FailedSource("events.registration", _("Event"), panel.failed_registration_mail))
    register_source(FailedSource("events.link", _("Event"), panel.failed_link_mail))
    register_source(FailedSource("events.unused_seats", _("Event"), panel.failed_reminder_mail))


def _queue_first_tick(**kwargs: object) -> None:
    """When the worker starts, and after ``migrate``, make sure a periodic run is queued
    (events.tasks): at once, so the work missed while no worker ran is done now."""
    from datetime import timedelta

    from jamlik.events import tasks

    tasks.tick_schedule(delay=timedelta(0))
