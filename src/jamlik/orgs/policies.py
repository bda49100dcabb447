"""Who may do what in the organisation registry, as pure ``may_*`` functions (no database
access).

Services ask them first (``require(policies.may_x, actor)``; ``actor=None`` is the command
line or the demo and is not asked); pages ask the same functions to decide what to show.
*Which* organisations a user reads, changes, or places a new one under is scoping
(``core.scoping``): an org coordinator works inside their subtree only (404 outside it, 400
for a parent outside it; docs/rules.md#organisation-registry).

- Every staff user reads the registry and exports the organisations they see.
- Administrators and city coordinators create, change and import anywhere; an org
  coordinator (who always has an organisation) inside their subtree.
- Inactive and anonymous users may do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core.policies import is_active_user, is_city_or_admin, require

__all__ = [
    "may_create_organisation",
    "may_edit_organisation",
    "may_export_organisations",
    "may_import_organisations",
    "require",
]


def _has_a_place(actor: Any) -> bool:
    """The city, or a coordinator with an organisation to work under."""
    return is_city_or_admin(actor) or (
        is_active_user(actor) and getattr(actor, "organisation_id", None) is not None
    )


def may_create_organisation(actor: Any) -> bool:
    """Create an organisation (an org coordinator: below their own)."""
    return _has_a_place(actor)


def may_edit_organisation(actor: Any) -> bool:
    """Change an organisation (an org coordinator: in their subtree; others answer 404)."""
    return _has_a_place(actor)


def may_import_organisations(actor: Any) -> bool:
    """Import a CSV or XLSX file (each row checked against the actor's scope)."""
    return _has_a_place(actor)


def may_export_organisations(actor: Any) -> bool:
    """Export the organisations one sees as CSV or XLSX."""
    return is_active_user(actor)


_NOT_ALLOWED = _("You are not allowed to do this.")

_DENIED: dict[Callable[..., bool], Any] = {
    may_create_organisation: _NOT_ALLOWED,
    may_edit_organisation: _NOT_ALLOWED,
    may_import_organisations: _NOT_ALLOWED,
    may_export_organisations: _NOT_ALLOWED,
}
