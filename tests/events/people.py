"""Helpers of the tests of registering as a signed-in employee: a person in the session, as
the identity app's sign-in leaves it (``identity.person.remember``), and single sign-on
switched on for the events pages."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.test import Client
from django.urls import NoReverseMatch, reverse

from jamlik.identity.person import SESSION_KEY, Person

ISSUER = "https://idp.example"
SIGN_IN_PATH = "/sso/sign-in/"


def person(**fields: Any) -> Person:
    values = {
        "issuer": ISSUER,
        "subject": "sub-anna",
        "email": "anna.berg@a.example",
        "name": "Anna Berg",
        "organisation_code": "A",
        "manager_email": "",
    }
    values.update(fields)
    return Person(**values)


def sign_in(client: Client, someone: Person) -> Person:
    """Put ``someone`` in the client's session, as the sign-in does."""
    session = client.session
    session[SESSION_KEY] = asdict(someone)
    session.save()
    return someone


def switch_on_sign_in(settings: Any, monkeypatch: Any) -> str:
    """Sign-in available: ``OIDC_ISSUER`` set and, while the identity app's route does not
    exist yet, a stand-in for it. Returns the sign-in path."""
    settings.OIDC_ISSUER = ISSUER
    try:
        return reverse("identity:person_sign_in")
    except NoReverseMatch:
        import jamlik.events.people as people

        real = people.reverse

        def reverse_with_sign_in(name: str, *args: Any, **kwargs: Any) -> str:
            if name == people.SIGN_IN_ROUTE:
                return SIGN_IN_PATH
            return real(name, *args, **kwargs)

        monkeypatch.setattr(people, "reverse", reverse_with_sign_in)
        return SIGN_IN_PATH
