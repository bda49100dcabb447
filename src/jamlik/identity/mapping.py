"""From what the directory says about a person to a Jamlik role: one pure module, shared by
SCIM provisioning (``identity.scim``) and, later, OpenID Connect sign-in.

The settings are read in one place, ``DirectoryMapping.from_settings()``; everything else
here is a pure function of its arguments (the one database question, whether an
organisation code exists, is asked through a callable the caller passes in).

``DIRECTORY_ROLE_MAP`` names, per Jamlik role, the directory values that grant it::

    administrator=Jamlik.Admin;city_coordinator=Jamlik.City;org_coordinator=Jamlik.Org,4f0c…

Roles are separated by ``;``, the values of one role by ``,``. A value is an Entra ID app
role value (the ``roles`` claim, SCIM ``roles[].value``) or a group: its display name or its
object id (the ``groups`` claim carries ids; SCIM Groups carry ``displayName`` and, in
Entra's default mapping, the object id as ``externalId``). Values are compared
case-insensitively.

The rules of ``decide``:

1. App roles win over groups: when any of the person's app roles is mapped, groups are not
   looked at. App roles are assigned to the application itself, so they are the precise
   signal; groups are the fallback.
2. Group overage: when a person is in more than 200 groups (150 in a SAML token), Entra ID
   leaves the ``groups`` claim out of the token and puts ``_claim_names``/``_claim_sources``
   (a pointer to Microsoft Graph) or ``hasgroups: true`` in its place. Jamlik does not call
   Graph, so an overage is treated as *no groups*: such a person gets a role only through an
   app role (assign app roles to groups in Entra to avoid the problem).
   ``groups_from_claims`` returns ``[]`` for an overage, and ``decide`` ignores the marker
   values if a caller passes them through.
3. The highest mapped role wins: administrator > city coordinator > org coordinator.
4. An organisation coordinator needs an organisation: the organisation code (the
   ``DIRECTORY_ORGANISATION_CLAIM`` claim, or the SCIM enterprise attribute named by
   ``DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE``) must name an existing ``Organisation.code``;
   else the person gets no role. Administrators and city coordinators keep no organisation.
5. No mapped value: no role. The caller gives such a person no access (``identity.services``
   keeps the account inactive).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from jamlik.core.models import Role

# The names of DIRECTORY_ROLE_MAP's keys, highest first.
ROLE_KEYS: dict[str, str] = {
    "administrator": Role.ADMIN.value,
    "city_coordinator": Role.CITY_COORDINATOR.value,
    "org_coordinator": Role.ORG_COORDINATOR.value,
}
PRECEDENCE: tuple[str, ...] = tuple(ROLE_KEYS.values())

# What Entra ID puts in a token instead of the groups claim when there are too many groups.
OVERAGE_MARKERS = frozenset({"_claim_names", "_claim_sources", "hasgroups"})

# The SCIM enterprise extension's attributes that may carry the organisation code.
SCIM_ORGANISATION_ATTRIBUTES = ("department", "organization")

# Reasons of a Decision (stable codes, for logs without personal data and for tests).
APP_ROLE = "app_role"
GROUP = "group"
NO_MATCH = "no_match"
GROUP_OVERAGE = "group_overage"
NO_ORGANISATION = "no_organisation"
UNKNOWN_ORGANISATION = "unknown_organisation"


@dataclass(frozen=True)
class Decision:
    """The role the directory grants (a ``core.Role`` value, or None for none), the
    organisation code that goes with an organisation coordinator, and why."""

    role: str | None
    organisation_code: str | None
    reason: str

    @property
    def grants_access(self) -> bool:
        return self.role is not None


def _norm(value: str) -> str:
    return value.strip().casefold()


def parse_role_map(raw: str) -> dict[str, frozenset[str]]:
    """``administrator=A,B;city_coordinator=C`` → ``{"admin": {"a", "b"}, ...}`` (role
    values of ``core.Role``, directory values case-folded). Raises ImproperlyConfigured for
    an unknown role or an entry without ``=``."""
    mapping: dict[str, set[str]] = {}
    for entry in raw.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        key, sep, values = entry.partition("=")
        key = key.strip()
        if not sep or key not in ROLE_KEYS:
            raise ImproperlyConfigured(
                f"DIRECTORY_ROLE_MAP: {key!r} is not one of {', '.join(ROLE_KEYS)} "
                "(write role=value,value;role=value)."
            )
        found = {_norm(v) for v in values.split(",") if v.strip()}
        mapping.setdefault(ROLE_KEYS[key], set()).update(found)
    return {role: frozenset(values) for role, values in mapping.items()}


def groups_from_claims(claims: Mapping[str, Any]) -> list[str]:
    """The ``groups`` claim of an Entra ID token as a list, or ``[]`` on a group overage
    (``_claim_names``/``_claim_sources`` naming ``groups``, or ``hasgroups``)."""
    if _is_overage(claims):
        return []
    groups = claims.get("groups")
    if isinstance(groups, str):
        return [groups]
    if isinstance(groups, list):
        return [str(g) for g in groups if isinstance(g, str | int)]
    return []


def _is_overage(claims: Mapping[str, Any]) -> bool:
    names = claims.get("_claim_names")
    if isinstance(names, Mapping) and "groups" in names:
        return True
    return bool(claims.get("hasgroups"))


def _strings(values: Any) -> list[str]:
    if isinstance(values, str):
        return [values]
    if isinstance(values, list):
        return [v for v in values if isinstance(v, str)]
    return []


@dataclass(frozen=True)
class DirectoryMapping:
    """The directory's mapping to Jamlik roles. Build it with ``from_settings()`` (or
    directly in tests); it holds no state beyond its configuration."""

    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    organisation_claim: str = "jamlik_org"
    scim_organisation_attribute: str = "department"

    @classmethod
    def from_settings(cls) -> DirectoryMapping:
        from django.conf import settings

        attribute = getattr(settings, "DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE", "department")
        if attribute not in SCIM_ORGANISATION_ATTRIBUTES:
            raise ImproperlyConfigured(
                "DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE must be one of "
                + ", ".join(SCIM_ORGANISATION_ATTRIBUTES)
            )
        return cls(
            roles=parse_role_map(getattr(settings, "DIRECTORY_ROLE_MAP", "")),
            organisation_claim=getattr(settings, "DIRECTORY_ORGANISATION_CLAIM", "jamlik_org")
            or "jamlik_org",
            scim_organisation_attribute=attribute,
        )

    @classmethod
    def from_text(cls, role_map: str, **options: Any) -> DirectoryMapping:
        return cls(roles=parse_role_map(role_map), **options)

    def roles_for(self, values: Iterable[str]) -> set[str]:
        """The Jamlik roles that any of ``values`` is mapped to."""
        given = {_norm(v) for v in values if isinstance(v, str) and v.strip()}
        return {role for role, mapped in self.roles.items() if given & mapped}

    def decide(
        self,
        roles: list[str],
        groups: list[str],
        organisation_code: str | None,
        *,
        organisation_exists: Callable[[str], bool],
    ) -> Decision:
        """The role of a person with these app roles, groups and organisation code.

        ``organisation_exists(code)`` answers whether an organisation has that code
        (``organisation_code_exists`` asks the database)."""
        from_roles = self.roles_for(roles)
        overage = any(_norm(g) in OVERAGE_MARKERS for g in groups)
        if from_roles:
            granted, reason = from_roles, APP_ROLE
        elif overage:
            return Decision(None, None, GROUP_OVERAGE)
        else:
            granted, reason = self.roles_for(groups), GROUP
        if not granted:
            return Decision(None, None, NO_MATCH)
        role = next(r for r in PRECEDENCE if r in granted)
        if role != Role.ORG_COORDINATOR:
            return Decision(role, None, reason)
        code = (organisation_code or "").strip()
        if not code:
            return Decision(None, None, NO_ORGANISATION)
        if not organisation_exists(code):
            return Decision(None, None, UNKNOWN_ORGANISATION)
        return Decision(role, code, reason)

    def decide_from_claims(
        self, claims: Mapping[str, Any], *, organisation_exists: Callable[[str], bool]
    ) -> Decision:
        """``decide`` on the claims of an ID token (for OpenID Connect sign-in): ``roles``,
        ``groups`` (an overage counts as none) and the organisation claim."""
        code = claims.get(self.organisation_claim)
        return self.decide(
            _strings(claims.get("roles")),
            groups_from_claims(claims),
            code if isinstance(code, str) else None,
            organisation_exists=organisation_exists,
        )


def organisation_code_exists(code: str) -> bool:
    """Whether an organisation has this code (codes are unique case-insensitively)."""
    from jamlik.orgs.models import Organisation

    return Organisation.objects.filter(code__iexact=code.strip()).exists()
