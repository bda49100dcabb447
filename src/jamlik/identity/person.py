"""The employee signed in through the directory (OpenID Connect), for registering as
themselves: not a staff account, only the verified claims, kept in the session.

The sign-in (``identity.oidc``) stores a ``Person`` with ``remember``; the events pages read
it with ``signed_in_person`` and fill name, e-mail and organisation from it, so nothing is
typed and the seat counts against the right allocation. ``forget`` ends it (sign-out).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "jamlik_person"


@dataclass(frozen=True)
class Person:
    """Who the directory says the person is: its ``iss`` and ``sub`` (together the stable
    identity a registration is tied to), the verified e-mail, the name, the organisation
    code (``DIRECTORY_ORGANISATION_CLAIM``) and, when the claims carry it, the manager's
    e-mail (``DIRECTORY_MANAGER_CLAIM``)."""

    issuer: str
    subject: str
    email: str
    name: str
    organisation_code: str = ""
    manager_email: str = ""

    @property
    def key(self) -> str:
        """One string for the identity (stored on the registrations of this person)."""
        return f"{self.issuer}|{self.subject}"


def remember(request: HttpRequest, person: Person) -> None:
    request.session[SESSION_KEY] = asdict(person)


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def signed_in_person(request: HttpRequest) -> Person | None:
    data: Any = getattr(request, "session", {}).get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return Person(**data)
    except TypeError:  # a session written by another version: ask to sign in again
        return None
