from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jamlik.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from jamlik.core import checks  # noqa: F401  (registers the deploy checks)
        from jamlik.core.requestid import connect_signals

        connect_signals()
