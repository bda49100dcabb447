"""Every route of the project, found by walking the URL resolver, refuses anonymous visitors
unless it is one of the public ones (token links, login, health, statements). A new page or
endpoint without its login check fails here."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Paths reachable without an account: the token is the credential, or nothing is personal
# (/metrics: its own token or address list, tests/core/test_metrics.py).
PUBLIC = re.compile(
    r"^/(login/|logout/|i18n/|jsi18n/|healthz|readyz|metrics|accessibility/|privacy/|static/|"
    r"r/|m/|a/|s/|e/|sso/|mina-anmalningar/|api/v1/public/|api/v1/openapi\.json|api/v1/docs|admin/)"
)


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def _concrete(route: str) -> str:
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(str|slug|path):[^>]+>", "x", path)
    path = re.sub(r"<[^>]+>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


def _staff_paths() -> list[str]:
    paths = sorted({_concrete(r) for r in _routes(get_resolver())})
    return [p for p in paths if not PUBLIC.match(p) and "(?P" not in p and p != "/"]


def test_the_walk_finds_the_areas():
    paths = _staff_paths()
    for area in ("/organisations/", "/events/", "/assessments/", "/reviews/", "/api/v1/events"):
        assert any(p.startswith(area) for p in paths), area


@pytest.mark.parametrize("path", _staff_paths())
def test_anonymous_is_sent_to_login_or_refused(client, path):
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if path.startswith(("/api/", "/scim/")):  # bearer tokens: 401, never a login page
            assert response.status_code in (401, 404, 405), (method, path, response.status_code)
        else:
            assert response.status_code in (302, 404, 405), (method, path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), (method, path)
