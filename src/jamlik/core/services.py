"""State changes of core: users, API tokens, passwords and the failed-login limit.

Every user-management write asks ``jamlik.core.policies`` first, whoever calls it (page, API,
Django admin); ``actor=None`` means the command line, which is trusted."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jamlik.core import policies, selectors
from jamlik.core.audit import audit_log
from jamlik.core.audit import changes as audit_changes
from jamlik.core.errors import Invalid, RateLimited
from jamlik.core.models import ApiToken, Role, User, hash_token
from jamlik.core.ratelimit import rate_limit_hit, window_remaining
from jamlik.core.schemas import organisation_ref
from jamlik.core.user_inputs import UserIn, UserPatch

logger = logging.getLogger(__name__)

# ---- Users -------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    data: UserIn | Mapping[str, Any] | None = None,
    password: str | None = None,
    **fields: Any,
) -> User:
    """Create a staff user. ``actor`` None means the command line (trusted). The password
    is no part of the input model: the API never takes one."""
    payload = UserIn.take(data, **fields)
    role = Role(payload.role).value
    if actor is not None:
        policies.require(policies.may_create_user, actor, role)
    if User.objects.filter(username__iexact=payload.username).exists():
        raise Invalid.field("username", _("That username is already taken."))
    user = User(
        username=payload.username,
        email=payload.email,
        name=payload.name,
        role=role,
        organisation=organisation_ref(payload.organisation, field="organisation"),
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_log(
        actor=actor,
        action="core.user.created",
        obj=user,
        new={"username": user.username, "role": role, "organisation": user.organisation_id},
    )
    return user


def _current(user: User, field: str) -> Any:
    return user.organisation_id if field == "organisation" else getattr(user, field)


def _new(field: str, value: Any) -> Any:
    return getattr(value, "pk", value) if field == "organisation" else value


def user_changes(user: User, values: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that differ from ``user`` (organisation as an instance or
    None, role as its value): what a change would really change, for the policy."""
    return {f: v for f, v in values.items() if _new(f, v) != _current(user, f)}


@transaction.atomic
def user_update(
    *, actor: User | None, user: User, values: UserPatch | Mapping[str, Any] | None = None
) -> User:
    """Change some of a user's name, email, role, organisation and active flag.

    The role decides the staff and superuser flags, so only administrators reach the Django
    admin. A deactivated user can neither log in nor use their API tokens."""
    given = UserPatch.take(values).given()
    if "role" in given:
        given["role"] = Role(given["role"]).value
    if "organisation" in given:
        given["organisation"] = organisation_ref(given["organisation"], field="organisation")
    changed = user_changes(user, given)
    if actor is not None:
        policies.require(policies.may_change_user, actor, user, changed)
    if not changed:
        return user
    before = {f: _current(user, f) for f in changed}
    for field, value in changed.items():
        setattr(user, field, value)
    fields = list(changed)
    if "role" in changed:
        user.is_staff = user.is_superuser = user.role == Role.ADMIN
        fields += ["is_staff", "is_superuser"]
    # The model sees only what was sent; the stored role or organisation may be the other half.
    if user.role == Role.ORG_COORDINATOR and user.organisation_id is None:
        raise Invalid.field(
            "organisation", _("An organisation coordinator must belong to an organisation.")
        )
    user.save(update_fields=fields)
    old, new = audit_changes(before, {f: _new(f, v) for f, v in changed.items()})
    audit_log(actor=actor, action="core.user.changed", obj=user, old=old, new=new)
    return user


@transaction.atomic
def user_password_change(*, actor: User, user: User, password: str) -> None:
    """Set one's own password (already validated by the form); the audit entry says only
    that it changed."""
    policies.require(policies.may_change_password, actor, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(actor=actor, action="core.user.password_changed", obj=user)


# ---- API tokens ----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str = "") -> str:
    """Make a token for ``user`` and return the raw value; only its hash is kept.

    Everyone makes tokens for themselves; administrators for anyone."""
    if actor is not None:
        policies.require(policies.may_mint_token, actor, user)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name[:200], key_hash=hash_token(raw), prefix=raw[:8]
    )
    audit_log(actor=actor, action="core.token.created", obj=token, new={"user": user.pk})
    return raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    policies.require(policies.may_revoke_token, actor, token)
    audit_log(actor=actor, action="core.token.revoked", obj=token, old={"user": token.user_id})
    token.delete()


# ---- The failed-login limit ----------------------------------------------------------------

# Failed logins allowed per window, per account (username, case-insensitive) and per client
# address (core/clientip.py). Once either is used up, every login to that account or from
# that client is refused until the window ends, even with the right password. The client
# limit is higher because colleagues behind one NAT address share it.
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_CLIENT = 20
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _login_keys(username: str, client: str) -> dict[str, int]:
    keys = {f"core.login.client:{_digest(client)}": LOGIN_FAILURES_PER_CLIENT}
    if username:
        keys[f"core.login.account:{_digest(username.casefold())}"] = LOGIN_FAILURES_PER_ACCOUNT
    return keys


def _login_subject(username: str) -> User:
    """The account a login named, for the audit entry; an unsaved stand-in when none has that
    name (the entry then carries only the name that was tried)."""
    return User.objects.filter(username__iexact=username).first() or User(username=username)


def _login_refused(username: str, client: str) -> RateLimited:
    with transaction.atomic():
        audit_log(
            actor=None,
            action="core.login.limited",
            obj=_login_subject(username),
            new={"username": username, "client": client},
        )
    # No name or address here: the audit log is the place for those.
    logger.warning("Login refused: too many failed logins")
    return RateLimited(
        _("Too many failed logins. Try again in a while."),
        retry_after=window_remaining(LOGIN_FAILURE_WINDOW),
    )


def login_attempt(
    *, request: HttpRequest | None, username: str, password: str, client: str
) -> User | None:
    """Authenticate one login under the failed-login limit: the user, or None for wrong
    credentials (counted and audited). Raises RateLimited while the account or the client has
    used up its failures, whatever the password."""
    username = username[:150]
    keys = _login_keys(username, client)
    if selectors.rate_limits_reached(limits=keys, window=LOGIN_FAILURE_WINDOW):
        raise _login_refused(username, client)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        # Right password, but passwords are off for this user (LOCAL_LOGIN): refused with
        # the reason, not counted as a failure.
        policies.require(policies.may_log_in_with_password, user)
        return user
    with transaction.atomic():
        within = [
            rate_limit_hit(key=key, limit=limit, window=LOGIN_FAILURE_WINDOW)
            for key, limit in keys.items()
        ]
        audit_log(
            actor=None,
            action="core.login.failed",
            obj=_login_subject(username),
            new={"username": username, "client": client},
        )
    if not all(within):
        # Concurrent failures overtook the check above.
        raise _login_refused(username, client)
    return None
