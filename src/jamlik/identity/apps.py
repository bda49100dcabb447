from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "jamlik.identity"
    label = "identity"
    verbose_name = _("Directory and provisioning")

    def ready(self) -> None:
        from jamlik.core.navigation import NavEntry, register
        from jamlik.identity.policies import may_manage_directory

        register(
            NavEntry(
                label=_("Directory provisioning"),
                url_name="identity:directory",
                order=90,
                description=_("The SCIM token the municipality's directory provisions staff with."),
                visible=may_manage_directory,
            )
        )
