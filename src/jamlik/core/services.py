"""State changes of core: users and API tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import Forbidden, Invalid
from jamlik.core.models import ApiToken, Role, User, hash_token


def _require_user_manager(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.sees_everything):
        raise Forbidden(_("Only administrators and city coordinators manage users."))


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    email: str = "",
    name: str = "",
    role: str,
    organisation: Any = None,
    password: str | None = None,
) -> User:
    """Create a staff user. ``actor`` None means the command line (trusted)."""
    if actor is not None:
        _require_user_manager(actor)
        if role == Role.ADMIN and not (actor.is_superuser or actor.role == Role.ADMIN):
            raise Forbidden(_("Only administrators can create administrators."))
    if role not in Role.values:
        raise Invalid.field("role", _("Unknown role."))
    if role == Role.ORG_COORDINATOR and organisation is None:
        raise Invalid.field(
            "organisation", _("An organisation coordinator must belong to an organisation.")
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid.field("username", _("That username is already taken."))
    user = User(
        username=username,
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from exc
    user.save()
    audit_log(
        actor=actor,
        action="core.user.created",
        obj=user,
        new={"username": username, "role": role, "organisation": user.organisation_id},
    )
    return user


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str = "") -> str:
    """Make a token for ``user`` and return the raw value; only its hash is kept.

    Users may make tokens for themselves; managers of users for anyone."""
    if actor is not None and actor.pk != user.pk:
        _require_user_manager(actor)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name[:200], key_hash=hash_token(raw), prefix=raw[:8]
    )
    audit_log(actor=actor, action="core.token.created", obj=token, new={"user": user.pk})
    return raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if actor.pk != token.user_id:
        _require_user_manager(actor)
    audit_log(actor=actor, action="core.token.revoked", obj=token, old={"user": token.user_id})
    token.delete()
