"""The ID token checks of the sign-in (identity/oidc.py ``DirectoryBackend``), one by one:
a valid token passes; a wrong audience, a wrong issuer, an expired token, a bad signature,
a nonce of another attempt, an unsigned token and an unknown key are each refused; a key the
provider rotated in is found at once."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from jamlik.identity import oidc

ISSUER = "https://login.example/tenant/v2.0"
CLIENT_ID = "jamlik-client"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY, OTHER_KEY, ROTATED_KEY = new_key(), new_key(), new_key()


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture
def backend(settings, monkeypatch):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    jwks = {"keys": [public_jwk(KEY, "k1")]}
    monkeypatch.setattr(
        oidc, "discovery", lambda: {"issuer": ISSUER, "jwks_uri": "https://login.example/keys"}
    )

    def fetch(url, **kwargs):
        assert url == "https://login.example/keys"
        return SimpleNamespace(raise_for_status=lambda: None, json=lambda: jwks)

    monkeypatch.setattr(oidc.requests, "get", fetch)
    instance = oidc.DirectoryBackend()
    instance.jwks = jwks
    return instance


def token(*, key=KEY, kid: str | None = "k1", **claims) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "person-1",
        "iat": now,
        "exp": now + 300,
        "nonce": "nonce-of-this-attempt",
        **claims,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid} if kid else None)


def test_a_valid_token_passes(backend):
    payload = backend.verify_token(token(), nonce="nonce-of-this-attempt")
    assert payload["sub"] == "person-1"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"aud": "another-app"}, id="wrong audience"),
        pytest.param({"iss": "https://login.example/other-tenant/v2.0"}, id="wrong issuer"),
        pytest.param(
            {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired"
        ),
        pytest.param({"exp": None}, id="no expiry"),
        pytest.param({"iat": int(time.time()) + 3600}, id="issued in the future"),
    ],
)
def test_a_token_with_wrong_claims_is_refused(backend, bad):
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token(**bad), nonce="nonce-of-this-attempt")


def test_a_bad_signature_is_refused(backend):
    forged = token(key=OTHER_KEY)  # the provider's key id, another key
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(forged, nonce="nonce-of-this-attempt")


def test_a_nonce_of_another_attempt_is_refused(backend):
    replayed = token(nonce="nonce-of-an-earlier-attempt")
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(replayed, nonce="nonce-of-this-attempt")


def test_an_unsigned_token_is_refused(backend):
    unsigned = jwt.encode(
        {"iss": ISSUER, "aud": CLIENT_ID, "sub": "x", "exp": int(time.time()) + 60}, None, "none"
    )
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(unsigned, nonce=None)


def test_an_unknown_key_is_refused(backend):
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token(kid="k-unknown"), nonce="nonce-of-this-attempt")


def test_a_rotated_key_is_found_at_once(backend):
    backend.jwks["keys"] = [public_jwk(KEY, "k1"), public_jwk(ROTATED_KEY, "k2")]
    payload = backend.verify_token(token(key=ROTATED_KEY, kid="k2"), nonce="nonce-of-this-attempt")
    assert payload["sub"] == "person-1"


def test_a_token_without_key_id_needs_a_single_key(backend):
    assert backend.verify_token(token(kid=None), nonce="nonce-of-this-attempt")
    backend.jwks["keys"] = [public_jwk(KEY, "k1"), public_jwk(ROTATED_KEY, "k2")]
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token(kid=None), nonce="nonce-of-this-attempt")
