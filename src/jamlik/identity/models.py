"""Staff accounts provisioned by the municipality's directory (Microsoft Entra ID) over
SCIM 2.0, the directory's groups, and the bearer tokens the directory authenticates with.

A ``DirectoryAccount`` links a ``core.User`` to its SCIM identity; the user row stays the
one Jamlik works with. ``attributes`` keeps the SCIM attributes that Jamlik publishes in its
User schema (name, emails, app roles, department/organisation, manager) as the directory
last wrote them, so a GET answers what was written (``identity.scim``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jamlik.core.models import secret_token


class DirectoryAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="directory_account",
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # For OpenID Connect sign-in (not used by SCIM): the token's ``sub`` and ``iss``. NULL,
    # not "", while unknown: the pair is unique, and NULLs never collide.
    oidc_subject = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    oidc_issuer = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    # What the directory says (SCIM ``active``; None when it said nothing, which counts as
    # active); the user is active only when this is not false *and* the mapping grants a role.
    directory_active = models.BooleanField(null=True, blank=True, default=True)
    attributes = models.JSONField(default=dict, blank=True)
    # The manager's email, when the enterprise extension's manager resolves to a known
    # account (its SCIM id); the raw manager reference stays in ``attributes``.
    manager_email = models.EmailField(max_length=254, blank=True)
    # Why the mapping gave the last decision (mapping.Decision.reason): no personal data.
    role_reason = models.CharField(max_length=40, blank=True)
    # Set when the directory deleted the resource: the SCIM resource is gone (404), the
    # user stays, inactive, for the audit log; a new POST with the same userName revives it.
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("directory account")
        verbose_name_plural = _("directory accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"], name="directory_account_oidc_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scim_id}"


class DirectoryGroup(models.Model):
    """A group the directory provisions; its displayName, externalId or SCIM id may be a
    value of DIRECTORY_ROLE_MAP (``identity.mapping``)."""

    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    members = models.ManyToManyField(DirectoryAccount, related_name="groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")

    def __str__(self) -> str:
        return self.display_name

    def mapping_values(self) -> list[str]:
        return [v for v in (self.display_name, self.external_id, str(self.scim_id)) if v]


class ScimToken(models.Model):
    """The bearer token the directory sends. Only its SHA-256 is stored
    (``core.models.hash_token``, docs/decisions/0006); the raw value is shown once, to the
    administrator who created it."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def generate() -> str:
        return secret_token()
