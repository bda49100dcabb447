"""OpenID Connect sign-in through the municipality's directory (docs/decisions/0025-oidc-sign-in.md).

mozilla-django-oidc does the protocol: the authorization code flow with PKCE (S256), state
and nonce kept in the session per attempt, the code exchanged at the token endpoint, the ID
token's signature checked against the provider's JWKS, fetched at each sign-in (so a
rotated key is picked up at once). What it leaves to us is here:

- the endpoints come from the provider's discovery document (``OIDC_ISSUER`` +
  ``/.well-known/openid-configuration``), fetched when first needed and kept an hour;
- the ID token's issuer and audience are checked too, and expiry and issue time required;
- who the person is in Jamlik: a staff sign-in decides the role from the claims with the
  same mapping as SCIM (``identity.mapping``; no mapped role, no account), an employee
  sign-in keeps only the verified claims in the session (``identity.person``);
- the provider's logout (RP-initiated, with the ID token as hint).

The two purposes share the callback; the sign-in view notes which one it started in the
session (``PURPOSE_KEY``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify, import_from_settings

from jamlik.core.audit import audit_log
from jamlik.identity import mapping as directory
from jamlik.identity.models import DirectoryAccount
from jamlik.identity.person import Person, remember
from jamlik.orgs.models import Organisation

logger = logging.getLogger("jamlik.identity")

PURPOSE_KEY = "jamlik_sso_purpose"
STAFF, PERSON = "staff", "person"
# Why a staff sign-in was refused (a mapping.Decision reason), for the refusal page.
REFUSED_KEY = "jamlik_sso_refused"
INVALID_CLAIMS = "invalid_claims"
DISCOVERY_TTL = 3600.0  # seconds


def enabled() -> bool:
    """Whether sign-in through the directory is configured (``OIDC_ISSUER`` set)."""
    return bool(getattr(settings, "OIDC_ISSUER", ""))


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read: sign-in answers 503."""


_discovery: dict[str, Any] = {}
_discovery_lock = threading.Lock()


def discovery() -> dict[str, Any]:
    """The provider's discovery document, fetched at most once an hour per process. Its
    ``issuer`` must be ``OIDC_ISSUER`` exactly (OpenID Connect Discovery 4.3)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
            return dict(cached[1])
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration",
            timeout=import_from_settings("OIDC_TIMEOUT", 10),
            verify=import_from_settings("OIDC_VERIFY_SSL", True),
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("the OpenID provider's discovery document failed (%s)", type(exc).__name__)
        raise ProviderUnavailable from exc
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
        logger.warning("the OpenID provider's discovery document names another issuer")
        raise ProviderUnavailable
    with _discovery_lock:
        _discovery[issuer] = (time.monotonic(), document)
    return dict(document)


def forget_discovery() -> None:
    with _discovery_lock:
        _discovery.clear()


# mozilla-django-oidc's endpoint settings, answered from the discovery document.
_FROM_DISCOVERY = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *args: Any) -> Any:
    """The library's ``get_settings``: endpoints from discovery, the rest from settings."""
    if attr in _FROM_DISCOVERY:
        value = discovery().get(_FROM_DISCOVERY[attr])
        if value:
            return value
        if args:
            return args[0]
        raise ProviderUnavailable
    return import_from_settings(attr, *args)


def provider_logout_url(request: HttpRequest) -> str:
    """RP-initiated logout (OIDCLogoutView's ``OIDC_OP_LOGOUT_URL_METHOD``): the provider's
    ``end_session_endpoint`` with the ID token as hint and the way back to the login page;
    without one, just the login page."""
    back = absolutify(request, reverse(settings.LOGOUT_REDIRECT_URL))
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        endpoint = None
    if not endpoint:
        return back
    params = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


def _email(claims: dict[str, Any]) -> str:
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return ""


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def person_from_claims(claims: dict[str, Any], issuer: str) -> Person:
    mapping = directory.DirectoryMapping.from_settings()
    return Person(
        issuer=issuer,
        subject=str(claims["sub"]),
        email=_email(claims),
        name=_text(claims, "name") or _email(claims),
        organisation_code=_text(claims, mapping.organisation_claim),
        manager_email=_text(claims, getattr(settings, "DIRECTORY_MANAGER_CLAIM", "")).lower(),
    )


class DirectoryBackend(OIDCAuthenticationBackend):
    """The authentication backend of the sign-in callback (``AUTHENTICATION_BACKENDS`` when
    ``OIDC_ISSUER`` is set). A password login passes through it untouched: without a code
    and state it answers None before reading any setting."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every endpoint here; ours are read when a sign-in needs them,
        # so that a provider outage never stands in the way of the break-glass password.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return oidc_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:
        return oidc_setting("OIDC_OP_USER_ENDPOINT", None)

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return oidc_setting("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def issuer(self) -> str:
        return str(discovery()["issuer"])

    def retrieve_matching_jwk(self, token: Any) -> Any:
        """The signing key from the provider's JWKS, read at each sign-in (a rotated key is
        found at once): the key of the token's ``kid``; a token without one (allowed by the
        standard) needs a JWKS with exactly one signing key of its algorithm."""
        try:
            header = jwt.get_unverified_header(token)
            response = requests.get(
                self.OIDC_OP_JWKS_ENDPOINT,
                timeout=import_from_settings("OIDC_TIMEOUT", 10),
                verify=import_from_settings("OIDC_VERIFY_SSL", True),
            )
            response.raise_for_status()
            keys = [
                key
                for key in response.json().get("keys", [])
                if key.get("use", "sig") == "sig"
                and key.get("alg", header.get("alg")) == header.get("alg")
            ]
        except (jwt.InvalidTokenError, ValueError, AttributeError) as exc:
            raise SuspiciousOperation("the ID token or the JWKS cannot be read") from exc
        if "kid" in header:
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("no single signing key matches the ID token")
        try:
            return jwt.PyJWK(keys[0])
        except jwt.PyJWKError as exc:
            raise SuspiciousOperation("the signing key cannot be used") from exc

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The signature (the library's part), and also the issuer, the audience (our client
        id), the expiry and the issue time; any failure refuses the sign-in."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("the ID token's algorithm is not the expected one")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=60,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {type(exc).__name__}") from exc

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The ID token's claims (roles and groups are there, in Entra ID), completed by the
        userinfo endpoint when the provider has one and it answers."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            try:
                extra = super().get_userinfo(access_token, id_token, payload)
            except (requests.RequestException, ValueError, SuspiciousOperation) as exc:
                logger.info(
                    "userinfo not read (%s); the ID token's claims are used", type(exc).__name__
                )
            else:
                if isinstance(extra, dict) and extra.get("sub") == claims.get("sub"):
                    for name, value in extra.items():
                        claims.setdefault(name, value)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        valid = bool(claims.get("sub")) and bool(_email(claims))
        if not valid:
            self.request.session[REFUSED_KEY] = INVALID_CLAIMS
        return valid

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        if self.request.session.get(PURPOSE_KEY) == PERSON:
            claims = self.get_userinfo(access_token, id_token, payload)
            if not self.verify_claims(claims):
                raise SuspiciousOperation("claims without subject or e-mail")
            remember(self.request, person_from_claims(claims, self.issuer))
            return None  # no account: the callback sends the person back where they were
        return super().get_or_create_user(access_token, id_token, payload)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        """The staff account of these claims: by the token's issuer and subject, else by the
        directory object id that SCIM provisioned (Entra's ``oid`` = ``externalId``), else by
        e-mail."""
        accounts = DirectoryAccount.objects.select_related("user")
        account = accounts.filter(oidc_issuer=self.issuer, oidc_subject=str(claims["sub"])).first()
        if account is None and isinstance(claims.get("oid"), str):
            account = accounts.filter(external_id=claims["oid"]).first()
        if account is not None:
            return [account.user]
        # A password account is never taken over by an address alone: only one made by the
        # directory (SCIM or an earlier sign-in, both without a password).
        same_address = self.UserModel.objects.filter(email__iexact=_email(claims))
        return [user for user in same_address[:2] if not user.has_usable_password()]

    def _decide(self, claims: dict[str, Any]) -> directory.Decision:
        decision = directory.DirectoryMapping.from_settings().decide_from_claims(
            claims, organisation_exists=directory.organisation_code_exists
        )
        if not decision.grants_access:
            self.request.session[REFUSED_KEY] = decision.reason
            raise SuspiciousOperation(f"no role in Jamlik ({decision.reason})")
        return decision

    def create_user(self, claims: dict[str, Any]) -> Any:
        decision = self._decide(claims)
        with transaction.atomic():
            user = self.UserModel(username=self._username(claims))
            user.set_unusable_password()
            self._apply(user, claims, decision, created=True)
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        try:
            decision = self._decide(claims)
        except SuspiciousOperation:
            if user.is_active and _has_account(user):
                # The directory took the role away: the account stops working now.
                from jamlik.identity.services import end_access

                with transaction.atomic():
                    user.is_active = False
                    user.save(update_fields=["is_active"])
                    end_access(user)
            raise
        with transaction.atomic():
            self._apply(user, claims, decision, created=False)
        return user

    def _username(self, claims: dict[str, Any]) -> str:
        base = (_text(claims, "preferred_username") or _email(claims))[:150]
        taken = self.UserModel.objects.filter(username=base).exists()
        return f"{base[:140]}-{str(claims['sub'])[:8]}" if taken else base

    def _apply(
        self, user: Any, claims: dict[str, Any], decision: directory.Decision, *, created: bool
    ) -> None:
        """Name, e-mail, role and organisation as the directory says; the link to the token's
        subject; an audit entry when the role or organisation changed."""
        before = {"role": user.role, "organisation": user.organisation_id, "active": user.is_active}
        user.name = _text(claims, "name") or user.name
        user.email = _email(claims)
        user.role = decision.role
        user.organisation = (
            Organisation.objects.filter(code__iexact=decision.organisation_code).first()
            if decision.organisation_code
            else None
        )
        user.is_staff = user.is_superuser = decision.role == "admin"
        user.is_active = True
        user.save()
        account, _new = DirectoryAccount.objects.get_or_create(user=user)
        subject = str(claims["sub"])
        if (account.oidc_issuer, account.oidc_subject) != (self.issuer, subject):
            account.oidc_issuer, account.oidc_subject = self.issuer, subject
            if not account.external_id and isinstance(claims.get("oid"), str):
                account.external_id = claims["oid"]
            account.save()
        after = {"role": user.role, "organisation": user.organisation_id, "active": True}
        if created or before != after:
            audit_log(
                actor=None,
                action="identity.signin.access",
                obj=user,
                old=None if created else before,
                new={**after, "reason": decision.reason},
            )


def _has_account(user: Any) -> bool:
    return DirectoryAccount.objects.filter(user=user).exists()
