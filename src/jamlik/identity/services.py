"""State changes of the directory connection: accounts and groups provisioned over SCIM,
the role the mapping gives an account, ending a person's access at once, and the SCIM
tokens.

The rules:

- A provisioned user is a staff user (``core.User``: username, email, name, first and last
  name) linked to a ``DirectoryAccount``. Their role is the mapping's decision
  (``identity.mapping``) from their app roles, their groups and their organisation code,
  recomputed whenever one of those changes (a PATCH, a PUT, a group membership change).
- No mapped role means no access: the user is kept *inactive*, with no role (an empty role
  value that no rule grants anything to), not staff, not superuser. Safer than any default
  role, and a later group or app role assignment activates them.
- A user is active exactly when the directory has them ``active`` and the mapping grants a
  role. When a user stops being active, their API tokens are deleted and their sessions
  ended in the same transaction (Django also refuses an inactive user on each request:
  ``ModelBackend.get_user``; and API tokens of inactive users never authenticate:
  ``core.selectors.user_for_token``).
- DELETE of a User deactivates it (as above) and removes the SCIM resource (404 from then
  on); the Jamlik user stays for the audit log. A later POST with the same userName revives
  that account under a new id. A userName held by a Jamlik user that the directory did not
  provision is a 409 (uniqueness): the directory never takes over a local account.
- Administrators create and revoke SCIM tokens (``identity.policies``).

``actor=None`` in the audit log means the directory (or the command line).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import Conflict
from jamlik.core.models import ApiToken, Role, User, hash_token
from jamlik.identity import policies
from jamlik.identity.inputs import ProvisionedGroup, ProvisionedUser, ScimTokenIn
from jamlik.identity.mapping import Decision, DirectoryMapping, organisation_code_exists
from jamlik.identity.models import DirectoryAccount, DirectoryGroup, ScimToken
from jamlik.orgs.models import Organisation

logger = logging.getLogger(__name__)

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# The role of a user the mapping grants nothing: not a core.Role value, so no rule grants
# anything to it, and an administrator reactivating the user by hand must pick a role.
NO_ROLE = ""


class UsernameTaken(Conflict):
    """409 with SCIM's ``uniqueness``."""

    code = "uniqueness"


# ---- Access ------------------------------------------------------------------------------


def end_access(user: User) -> None:
    """Delete the user's API tokens and end their sessions now (inside the caller's
    transaction). With database sessions (the default) the session rows go; with another
    engine, Django's per-request check of ``is_active`` ends them on the next request."""
    ApiToken.objects.filter(user=user).delete()
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    from django.contrib.sessions.models import Session

    user_id = str(user.pk)
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    Session.objects.filter(pk__in=doomed).delete()


def _app_roles(attributes: Mapping[str, Any]) -> list[str]:
    return [
        str(entry["value"])
        for entry in attributes.get("roles") or []
        if isinstance(entry, dict) and entry.get("value")
    ]


def organisation_code_of(account: DirectoryAccount, mapping: DirectoryMapping) -> str | None:
    extension = account.attributes.get(ENTERPRISE) or {}
    code = extension.get(mapping.scim_organisation_attribute)
    return code if isinstance(code, str) else None


def decide_for(account: DirectoryAccount, mapping: DirectoryMapping) -> Decision:
    groups = [value for group in account.groups.all() for value in group.mapping_values()]
    return mapping.decide(
        _app_roles(account.attributes),
        groups,
        organisation_code_of(account, mapping),
        organisation_exists=organisation_code_exists,
    )


def apply_role(account: DirectoryAccount, mapping: DirectoryMapping | None = None) -> Decision:
    """Give the account's user the role the mapping decides, and the active flag that goes
    with it; end their access if they stop being active. Inside the caller's transaction."""
    mapping = mapping or DirectoryMapping.from_settings()
    decision = decide_for(account, mapping)
    user = account.user
    before = {"role": user.role, "organisation": user.organisation_id, "active": user.is_active}
    organisation = (
        Organisation.objects.filter(code__iexact=decision.organisation_code).first()
        if decision.organisation_code
        else None
    )
    user.role = decision.role or NO_ROLE
    user.organisation = organisation
    user.is_staff = user.is_superuser = decision.role == Role.ADMIN
    user.is_active = (
        account.directory_active is not False
        and decision.grants_access
        and account.removed_at is None
    )
    user.save(update_fields=["role", "organisation", "is_staff", "is_superuser", "is_active"])
    if account.role_reason != decision.reason:
        account.role_reason = decision.reason
        DirectoryAccount.objects.filter(pk=account.pk).update(role_reason=decision.reason)
    after = {"role": user.role, "organisation": user.organisation_id, "active": user.is_active}
    if before != after:
        audit_log(
            actor=None,
            action="identity.account.access",
            obj=user,
            old=before,
            new={**after, "reason": decision.reason},
        )
    if before["active"] and not user.is_active:
        end_access(user)
    return decision


# ---- Accounts ----------------------------------------------------------------------------


def _manager_email(attributes: Mapping[str, Any]) -> str:
    """The email of the manager the enterprise extension names, when its ``value`` (or the
    last segment of its ``$ref``) is the SCIM id of a provisioned account; else empty."""
    manager = (attributes.get(ENTERPRISE) or {}).get("manager") or {}
    if not isinstance(manager, dict):
        return ""
    candidates = [manager.get("value"), str(manager.get("$ref") or "").rstrip("/").split("/")[-1]]
    for candidate in candidates:
        try:
            scim_id = uuid.UUID(str(candidate))
        except ValueError:
            continue
        email = (
            DirectoryAccount.objects.filter(scim_id=scim_id, removed_at__isnull=True)
            .values_list("user__email", flat=True)
            .first()
        )
        if email:
            return email
    return ""


def _check_unique(values: ProvisionedUser, account: DirectoryAccount | None) -> None:
    others = User.objects.filter(username__iexact=values.username)
    if account is not None:
        others = others.exclude(pk=account.user_id)
    if others.exists():
        raise UsernameTaken(_("That userName is already taken."))
    if values.external_id:
        taken = DirectoryAccount.objects.filter(external_id=values.external_id)
        if account is not None:
            taken = taken.exclude(pk=account.pk)
        if taken.exists():
            raise UsernameTaken(_("That externalId is already taken."))


def _write_user(user: User, values: ProvisionedUser) -> None:
    user.username = values.username
    user.email = values.email
    user.name = values.name or " ".join(p for p in (values.first_name, values.last_name) if p)
    user.first_name = values.first_name
    user.last_name = values.last_name


@transaction.atomic
def account_create(*, values: ProvisionedUser, attributes: dict[str, Any]) -> DirectoryAccount:
    """Provision a user. A removed account with this userName is revived (new SCIM id)."""
    values = ProvisionedUser.take(values)
    revived = (
        DirectoryAccount.objects.select_related("user")
        .filter(user__username__iexact=values.username, removed_at__isnull=False)
        .first()
    )
    _check_unique(values, revived)
    if revived is not None:
        account = revived
        user = account.user
        account.scim_id = uuid.uuid4()
        account.removed_at = None
    else:
        user = User(role=NO_ROLE, is_active=False)
        user.set_unusable_password()
        account = DirectoryAccount()
    _write_user(user, values)
    user.save()
    account.user = user
    account.external_id = values.external_id or None
    account.directory_active = values.active
    account.attributes = attributes
    account.manager_email = _manager_email(attributes)
    account.save()
    audit_log(
        actor=None,
        action="identity.account.provisioned",
        obj=user,
        new={"username": user.username, "scim_id": str(account.scim_id)},
    )
    apply_role(account)
    return account


@transaction.atomic
def account_update(
    *, account: DirectoryAccount, values: ProvisionedUser, attributes: dict[str, Any]
) -> DirectoryAccount:
    """Replace what the directory says about the account (PUT, and a PATCH's result)."""
    values = ProvisionedUser.take(values)
    _check_unique(values, account)
    user = account.user
    old = {"username": user.username, "active": account.directory_active}
    _write_user(user, values)
    user.save(update_fields=["username", "email", "name", "first_name", "last_name"])
    account.external_id = values.external_id or None
    account.directory_active = values.active
    account.attributes = attributes
    account.manager_email = _manager_email(attributes)
    account.save()
    new = {"username": user.username, "active": account.directory_active}
    if old != new:
        audit_log(actor=None, action="identity.account.changed", obj=user, old=old, new=new)
    apply_role(account)
    return account


@transaction.atomic
def account_remove(*, account: DirectoryAccount) -> None:
    """DELETE: the SCIM resource goes, the user stays inactive without access."""
    account.removed_at = timezone.now()
    account.external_id = None
    account.directory_active = False
    account.save(update_fields=["removed_at", "external_id", "directory_active", "updated_at"])
    account.groups.clear()
    audit_log(
        actor=None,
        action="identity.account.removed",
        obj=account.user,
        old={"scim_id": str(account.scim_id)},
    )
    apply_role(account)


# ---- Groups ------------------------------------------------------------------------------


def _reapply(accounts: Iterable[DirectoryAccount]) -> None:
    mapping = DirectoryMapping.from_settings()
    for account in accounts:
        apply_role(account, mapping)


def _check_group_unique(values: ProvisionedGroup, group: DirectoryGroup | None) -> None:
    if values.external_id:
        taken = DirectoryGroup.objects.filter(external_id=values.external_id)
        if group is not None:
            taken = taken.exclude(pk=group.pk)
        if taken.exists():
            raise UsernameTaken(_("That externalId is already taken."))


@transaction.atomic
def group_create(*, values: ProvisionedGroup, members: list[DirectoryAccount]) -> DirectoryGroup:
    values = ProvisionedGroup.take(values)
    _check_group_unique(values, None)
    group = DirectoryGroup.objects.create(
        display_name=values.display_name, external_id=values.external_id or None
    )
    group.members.set(members)
    audit_log(
        actor=None,
        action="identity.group.provisioned",
        obj=group,
        new={"members": len(members)},
    )
    _reapply(members)
    return group


@transaction.atomic
def group_update(
    *, group: DirectoryGroup, values: ProvisionedGroup, members: list[DirectoryAccount]
) -> DirectoryGroup:
    """Replace a group's name, externalId and members (PUT, and a PATCH's result); every
    member who joined or left, or all of them when the name changed, gets their role
    recomputed."""
    values = ProvisionedGroup.take(values)
    _check_group_unique(values, group)
    renamed = (group.display_name, group.external_id) != (
        values.display_name,
        values.external_id or None,
    )
    before = set(group.members.all())
    group.display_name = values.display_name
    group.external_id = values.external_id or None
    group.save()
    group.members.set(members)
    after = set(members)
    touched = (before | after) if renamed else (before ^ after)
    if renamed or before != after:
        audit_log(
            actor=None,
            action="identity.group.changed",
            obj=group,
            new={"joined": len(after - before), "left": len(before - after)},
        )
    _reapply(sorted(touched, key=lambda a: a.pk))
    return group


@transaction.atomic
def group_delete(*, group: DirectoryGroup) -> None:
    members = list(group.members.all())
    audit_log(actor=None, action="identity.group.deleted", obj=group)
    group.delete()
    _reapply(members)


# ---- SCIM tokens -------------------------------------------------------------------------


@transaction.atomic
def scim_token_create(*, actor: User | None, data: ScimTokenIn | None = None, **fields: Any) -> str:
    """Make a SCIM token and return the raw value (shown once); only its hash is kept."""
    payload = ScimTokenIn.take(data, **fields)
    if actor is not None:
        policies.require(policies.may_manage_directory, actor)
    raw = ScimToken.generate()
    token = ScimToken.objects.create(
        name=payload.name,
        key_hash=hash_token(raw),
        prefix=raw[:8],
        created_by=actor,
    )
    audit_log(actor=actor, action="identity.scim_token.created", obj=token)
    return raw


@transaction.atomic
def scim_token_revoke(*, actor: User | None, token: ScimToken) -> None:
    if actor is not None:
        policies.require(policies.may_manage_directory, actor)
    audit_log(actor=actor, action="identity.scim_token.revoked", obj=token)
    token.delete()
