"""Who may do what in the assessments app, as pure ``may_*`` functions (no database access).

Services ask them first (``require(policies.may_x, actor)``; ``actor=None`` is the trusted
system, and the unit's respondent acts through the token, so neither is asked); pages and API
endpoints ask the same functions to refuse early or to decide what to show. *Which*
campaigns, responses and actions a user reaches is scoping (``core.scoping``): an org
coordinator's are those of their subtree, and anything else answers 404.

- Loading frameworks and creating or changing campaigns: administrators and city
  coordinators (docs/rules.md#assessments-campaigns).
- Inviting and reminding units, naming respondents, changing and reopening responses,
  writing actions and reading results and reports: every staff user, within their scope.
- Signing off a submitted response for its named head: administrators and city coordinators
  anywhere, an org coordinator for the units of their subtree (docs/rules.md).
- Inactive and anonymous users may do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core.models import Role
from jamlik.core.policies import is_active_user, is_city_or_admin, require
from jamlik.core.scoping import scope_for

__all__ = [
    "may_assign_requirements",
    "may_change_response",
    "may_invite",
    "may_load_framework",
    "may_manage_actions",
    "may_manage_campaigns",
    "may_remind",
    "may_reopen_response",
    "may_see_results",
    "may_set_respondents",
    "may_sign_off",
    "may_withdraw_assignment",
    "require",
]


def may_manage_campaigns(actor: Any) -> bool:
    """Create and change campaigns (title, dates, reminders; scope and framework are fixed)."""
    return is_city_or_admin(actor)


def may_load_framework(actor: Any) -> bool:
    """Load a framework version from YAML."""
    return is_city_or_admin(actor)


def may_invite(actor: Any) -> bool:
    """Mail the respondent link to the units in one's scope."""
    return is_active_user(actor)


def may_remind(actor: Any) -> bool:
    """Remind the units in one's scope that have not submitted."""
    return is_active_user(actor)


def may_set_respondents(actor: Any) -> bool:
    """Name a unit's respondents (addresses the invitation goes to)."""
    return is_active_user(actor)


def may_change_response(actor: Any) -> bool:
    """Change or submit a unit's response as staff."""
    return is_active_user(actor)


def may_reopen_response(actor: Any) -> bool:
    """Reopen a submitted response so the unit can change it."""
    return is_active_user(actor)


def may_manage_actions(actor: Any) -> bool:
    """Write and change actions for the organisations in one's scope."""
    return is_active_user(actor)


def may_see_results(actor: Any) -> bool:
    """Results, comments, XLSX and PDF reports (figures of one's scope)."""
    return is_active_user(actor)


def may_assign_requirements(actor: Any) -> bool:
    """Hand requirements of a response to a colleague by e-mail, or send their link again
    (staff who may change the response; the unit's respondent acts through the link)."""
    return is_active_user(actor)


def may_withdraw_assignment(actor: Any) -> bool:
    """Withdraw a colleague's assignment: their link stops working."""
    return is_active_user(actor)


_MANAGERS_ONLY = _("Only administrators and city coordinators manage campaigns.")
_NOT_ALLOWED = _("You are not allowed to do this.")

_DENIED: dict[Callable[..., bool], Any] = {
    may_manage_campaigns: _MANAGERS_ONLY,
    may_load_framework: _MANAGERS_ONLY,
    may_invite: _NOT_ALLOWED,
    may_remind: _NOT_ALLOWED,
    may_set_respondents: _NOT_ALLOWED,
    may_change_response: _NOT_ALLOWED,
    may_reopen_response: _NOT_ALLOWED,
    may_manage_actions: _NOT_ALLOWED,
    may_see_results: _NOT_ALLOWED,
    may_assign_requirements: _NOT_ALLOWED,
    may_withdraw_assignment: _NOT_ALLOWED,
}


def may_sign_off(actor: Any, response: Any) -> bool:
    """Record a named head's sign-off of a submitted response: administrators and city
    coordinators anywhere, an org coordinator for units in their subtree. Needs the
    response's unit and the actor's organisation loaded (no other database access)."""
    if not is_active_user(actor):
        return False
    if is_city_or_admin(actor):
        return True
    if getattr(actor, "role", None) != Role.ORG_COORDINATOR:
        return False
    return scope_for(actor).covers(response.unit)


_DENIED[may_sign_off] = _("Only coordinators of the unit's organisation may record a sign-off.")
