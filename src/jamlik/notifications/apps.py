from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "jamlik.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from jamlik.core import attention
        from jamlik.notifications.attention import failed_mail_panel

        attention.register(
            attention.Panel(
                key="notifications.failed",
                template="notifications/partials/_attention.html",
                context=failed_mail_panel,
                order=90,
            )
        )
