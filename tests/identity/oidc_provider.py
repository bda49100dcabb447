"""A real OpenID Connect provider for the tests: oidc-provider-mock (authlib; RS256 ID tokens
from its JWKS, discovery, userinfo, end_session) on 127.0.0.1, with one directory identity
per role mapping and the cases a sign-in must refuse.

``walk_sign_in`` follows the code flow as a browser would, with Django's test client on
Jamlik's side and HTTP to the provider: Jamlik's sign-in → the provider's authorize page
(the person chosen by ``sub``) → Jamlik's callback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from oidc_provider_mock import User, run_server_in_thread

CLIENT_ID = "jamlik-test"
CLIENT_SECRET = "jamlik-test-secret"

IDENTITIES = [
    # The claim mapping used (tests/identity/conftest.py ROLE_MAP): app roles first, then
    # groups; the organisation code in ``jamlik_org``; the manager in ``manager_email``.
    User(
        sub="admin-1",
        claims={"email": "ada.admin@stad.example", "name": "Ada Admin", "roles": ["Jamlik.Admin"]},
    ),
    User(
        sub="city-1",
        claims={
            "email": "cia.stad@stad.example",
            "name": "Cia Stad",
            "roles": ["Jamlik.City"],
            "oid": "oid-of-cia",  # Entra's object id: SCIM's externalId
        },
    ),
    User(
        sub="org-1",
        claims={
            "email": "olle.org@a.example",
            "name": "Olle Org",
            "groups": ["Jamlik Samordnare"],
            "jamlik_org": "A",
        },
    ),
    User(
        sub="employee-1",
        claims={
            "email": "eva.anstalld@a.example",
            "name": "Eva Anställd",
            "jamlik_org": "A",
            "manager_email": "chef.a@a.example",
        },
    ),
    User(
        sub="overage-1",
        claims={
            "email": "mange.grupper@stad.example",
            "name": "Mange Grupper",
            "_claim_names": {"groups": "src1"},
            "_claim_sources": {"src1": {"endpoint": "https://graph.example/groups"}},
        },
    ),
]


@contextmanager
def provider() -> Iterator[str]:
    """The provider's issuer URL while it runs."""
    with run_server_in_thread(port=0, require_nonce=True, user_claims=IDENTITIES) as server:
        host, port = server.server_address[:2]
        assert host in ("127.0.0.1", "::1", "localhost"), host
        yield f"http://localhost:{port}"


def authorize(location: str, sub: str) -> str:
    """Choose ``sub`` on the provider's authorize page; returns where it sends the browser."""
    answer = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    return answer.headers["Location"]


def walk_sign_in(client: Any, sub: str, *, start: str = "/sso/login/") -> Any:
    """Jamlik's sign-in → the provider → Jamlik's callback; returns the callback's answer
    (the authorize request's parameters on ``.authorize_params``)."""
    started = client.get(start)
    assert started.status_code == 302, started.status_code
    location = started["Location"]
    params = parse_qs(urlsplit(location).query)
    back = urlsplit(authorize(location, sub))
    answer = client.get(back.path, data={k: v[0] for k, v in parse_qs(back.query).items()})
    answer.authorize_params = params
    answer.callback = f"{back.path}?{back.query}"
    return answer
