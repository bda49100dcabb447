"""Who may manage whom: the one rule for user management, as pure functions.

Every ``may_*`` function answers a yes/no question from the actor and the target alone (no
database access), so services, selectors, pages, the Django admin and tests ask the same
question. ``require(rule, *args)`` raises ``Forbidden`` with the rule's message when the
answer is no. The rule in short:

- Administrators (``Role.ADMIN`` or ``is_superuser``) may do anything to anyone, except
  change their own role or active flag (no one locks themselves, or the last admin, out).
- City coordinators list, create and change city and organisation coordinators; they never
  create, promote to, change or deactivate an administrator.
- Organisation coordinators manage nobody.
- Everyone mints, lists and revokes their own API tokens; only administrators those of
  others. Everyone changes their own password (others' are set in the Django admin).
- Nobody changes their own role or active flag. Inactive and anonymous users may do nothing.
- A file job (``core.filejobs``) is its owner's alone: nobody else sees or downloads it,
  administrators included; to others it does not exist (404, so ids do not leak).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core.errors import Forbidden
from jamlik.core.models import Role

# The fields of a user that the user-management services change.
CHANGEABLE_FIELDS = ("name", "email", "role", "organisation", "is_active")
# Of those, the ones nobody changes on their own account.
NOT_ON_ONESELF = ("role", "is_active")


def is_active_user(actor: Any) -> bool:
    return (
        actor is not None
        and bool(getattr(actor, "is_authenticated", False))
        and bool(getattr(actor, "is_active", False))
    )


def is_admin(user: Any) -> bool:
    """An administrator by role or by the superuser flag (the Django admin grants either)."""
    return user is not None and (
        bool(getattr(user, "is_superuser", False)) or getattr(user, "role", None) == Role.ADMIN
    )


def is_city_or_admin(actor: Any) -> bool:
    """An active administrator or city coordinator: the role every app's "the city decides"
    rules ask for (``User.sees_everything`` of an active user)."""
    return is_active_user(actor) and bool(getattr(actor, "sees_everything", False))


def _same(actor: Any, target: Any) -> bool:
    return actor.pk is not None and actor.pk == target.pk


def may_view_users(actor: Any) -> bool:
    """List and read users: administrators and city coordinators."""
    return is_active_user(actor) and (is_admin(actor) or actor.role == Role.CITY_COORDINATOR)


def may_create_user(actor: Any, role: str) -> bool:
    """Only an administrator creates an administrator."""
    if not may_view_users(actor):
        return False
    return is_admin(actor) or role != Role.ADMIN


def may_change_user(actor: Any, target: Any, changes: Mapping[str, Any]) -> bool:
    """``changes`` maps the fields that would change to their new values (role as its value).

    An empty mapping asks whether the actor may change ``target`` at all."""
    if not may_view_users(actor):
        return False
    if _same(actor, target) and any(field in changes for field in NOT_ON_ONESELF):
        return False
    if is_admin(actor):
        return True
    return not is_admin(target) and changes.get("role") != Role.ADMIN


def may_manage_tokens(actor: Any, owner: Any) -> bool:
    """List, mint and revoke the API tokens of ``owner``: one's own, or anyone's as admin."""
    return is_active_user(actor) and (_same(actor, owner) or is_admin(actor))


def may_mint_token(actor: Any, target: Any) -> bool:
    return may_manage_tokens(actor, target)


def may_revoke_token(actor: Any, token: Any) -> bool:
    return may_manage_tokens(actor, token.user)


def may_change_password(actor: Any, target: Any) -> bool:
    """Here only one's own; an administrator sets others' in the Django admin."""
    return is_active_user(actor) and _same(actor, target)


def may_use_admin_site(actor: Any) -> bool:
    """The Django admin is the administrators' tool."""
    return is_active_user(actor) and is_admin(actor)


def may_log_in_with_password(user: Any) -> bool:
    """Passwords are on (``LOCAL_LOGIN``), or this is the break-glass administrator
    (``BREAK_GLASS_USERNAME``), who can still log in while the directory is away."""
    from django.conf import settings

    if getattr(settings, "LOCAL_LOGIN", True):
        return True
    break_glass = getattr(settings, "BREAK_GLASS_USERNAME", "")
    return bool(break_glass) and user.username == break_glass and is_admin(user)


def may_start_file_job(actor: Any) -> bool:
    """Ask the worker for a file; the builder asks the rule of the file itself."""
    return is_active_user(actor)


def may_see_file_job(actor: Any, job: Any) -> bool:
    """See a file job's progress and download its file: its owner only. Selectors answer
    NotFound (not Forbidden) for a no, so another user's job ids do not leak."""
    return is_active_user(actor) and actor.pk is not None and job.owner_id == actor.pk


_DENIED: dict[Callable[..., bool], Any] = {
    may_view_users: _("Only administrators and city coordinators manage users."),
    may_create_user: _(
        "Only administrators and city coordinators create users, and only administrators "
        "create administrators."
    ),
    may_change_user: _(
        "You may not make this change: only administrators change administrators or make "
        "someone an administrator, and nobody changes their own role or active status."
    ),
    may_manage_tokens: _("You may only manage your own API tokens."),
    may_mint_token: _("You may only manage your own API tokens."),
    may_revoke_token: _("You may only manage your own API tokens."),
    may_change_password: _("You can only change your own password."),
    may_use_admin_site: _("Only administrators use the administration site."),
    may_start_file_job: _("You are not allowed to do this."),
    may_see_file_job: _("Not found."),
    may_log_in_with_password: _("Passwords are turned off: log in with your work account."),
}


def denied_message(rule: Callable[..., bool]) -> Any:
    """The message of a refusal: each policy module (this one, ``<app>/policies.py``) keeps
    its own ``_DENIED`` mapping of rule → message, found through the rule's module."""
    registry = getattr(sys.modules.get(rule.__module__), "_DENIED", None) or {}
    return registry.get(rule)


def require(rule: Callable[..., bool], *args: Any) -> None:
    """Ask ``rule(*args)``; raise Forbidden with the rule's message when the answer is no.

    The one ``require`` of the project: every app's policies are asked through it."""
    if not rule(*args):
        raise Forbidden(denied_message(rule))
