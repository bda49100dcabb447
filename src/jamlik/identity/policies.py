"""Who may manage the directory connection (the SCIM token), as pure ``may_*`` functions.

- Administrators create and revoke the SCIM token the directory provisions staff with.
- Nobody else, inactive and anonymous users included.

The SCIM endpoint itself is not asked: the directory authenticates with the token, and
its rules are those of ``identity.services`` and ``identity.mapping``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core.policies import is_active_user, is_admin, require

__all__ = ["may_manage_directory", "require"]


def may_manage_directory(actor: Any) -> bool:
    """Create and revoke SCIM tokens, see the provisioned accounts: administrators only."""
    return is_active_user(actor) and is_admin(actor)


_DENIED: dict[Callable[..., bool], Any] = {
    may_manage_directory: _("Only administrators manage the directory connection."),
}
