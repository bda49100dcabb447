"""System checks of our own, run by ``jamlik check --deploy``: a production environment that
would leak personal data into the server log, serve every page as an error, or send mail
from inside the request fails the check instead of failing later."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Mail backends that never deliver: the console writes each message, addresses and personal
# links included, to the server log; locmem and dummy drop it.
UNDELIVERED_MAIL = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)


@register(Tags.security, deploy=True)
def mail_is_delivered(app_configs, **kwargs) -> list:
    if settings.DEBUG or settings.EMAIL_BACKEND not in UNDELIVERED_MAIL:
        return []
    return [
        Error(
            "Mail is not delivered: without EMAIL_URL it goes to the console, and the server "
            "log would hold every recipient's address and personal link.",
            hint="Set EMAIL_URL, e.g. smtp://user:password@mail.example:587/?tls=True.",
            id="jamlik.E001",
        )
    ]


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs) -> list:
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if settings.DEBUG or "Manifest" not in backend:
        return []
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        return []
    return [
        Error(
            f"The static files have not been collected into {settings.STATIC_ROOT}: with "
            "DEBUG=false every page would answer 500.",
            hint="Run: jamlik collectstatic --no-input",
            id="jamlik.E002",
        )
    ]


@register(deploy=True)
def tasks_run_in_the_worker(app_configs, **kwargs) -> list:
    backend = settings.TASKS["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith("ImmediateBackend"):
        return []
    return [
        Warning(
            "Tasks run inside the request (TASKS_BACKEND=immediate): mail is sent while the "
            "visitor waits and the periodic work (releases, reminders, anonymisation) runs "
            "only from cron.",
            hint="Set TASKS_BACKEND=database and run the worker: jamlik db_worker.",
            id="jamlik.W003",
        )
    ]
