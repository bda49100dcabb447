"""The demo's directory: a local OpenID Connect provider (oidc-provider-mock) with one
identity per role and two employees, for ``make demo-sso`` (README "Demo med inloggning via
katalogen"). The claims are what Entra ID sends with the README's set-up: app roles in
``roles``, the organisation code in ``jamlik_org``, the manager in ``manager_email``."""

from __future__ import annotations

from typing import Any

CLIENT_ID = "jamlik-demo"
CLIENT_SECRET = "jamlik-demo-secret"  # noqa: S105 -- the demo provider's published secret
ROLE_MAP = "administrator=Jamlik.Admin;city_coordinator=Jamlik.City;org_coordinator=Jamlik.Org"

IDENTITIES: list[dict[str, Any]] = [
    {"sub": "demo-admin", "email": "ada.admin@goteborg.se", "name": "Ada Administratör",
     "roles": ["Jamlik.Admin"]},
    {"sub": "demo-stad", "email": "samira.stad@goteborg.se", "name": "Samira Stadsledning",
     "roles": ["Jamlik.City"]},
    {"sub": "demo-angered", "email": "anders.hr@angered.goteborg.se",
     "name": "Anders HR Angered", "roles": ["Jamlik.Org"], "jamlik_org": "SDF-ANG"},
    {"sub": "demo-anstalld", "email": "amina.anstalld@angered.goteborg.se",
     "name": "Amina Anställd", "jamlik_org": "SDF-ANG",
     "manager_email": "chef.angered@angered.goteborg.se"},
    {"sub": "demo-lundby", "email": "lars.larare@lundby.goteborg.se", "name": "Lars Lärare",
     "jamlik_org": "SDF-LUN"},
]  # fmt: skip


def provider_app() -> Any:
    """The provider as a WSGI application (its issuer is the address it is reached at)."""
    from oidc_provider_mock import User, app

    users = [
        User(sub=identity["sub"], claims={k: v for k, v in identity.items() if k != "sub"})
        for identity in IDENTITIES
    ]
    return app(require_nonce=True, user_claims=users)
