"""Users endpoints and /me (docs/api.md#endpoints-users)."""

import pytest

from jamlik.core.models import ApiToken, AuditEntry, User, hash_token

pytestmark = pytest.mark.django_db


def test_me_names_role_and_organisation(personas):
    body = personas.api(personas.coordinator_a).get("/api/v1/me").json()
    assert body["role"] == "org_coordinator"
    assert body["organisation"] == personas.org_a.pk


def test_city_coordinator_creates_org_coordinator(personas):
    api = personas.api(personas.city_coordinator)
    response = api.post(
        "/api/v1/users",
        {
            "username": "hr_c",
            "email": "hr@c.example",
            "name": "HR C",
            "role": "org_coordinator",
            "organisation": personas.org_b.pk,
        },
    )
    assert response.status_code == 201, response.content
    created = User.objects.get(username="hr_c")
    assert created.organisation == personas.org_b
    assert AuditEntry.objects.filter(action="core.user.created", object_id=str(created.pk)).exists()


def test_org_coordinator_needs_organisation(personas):
    api = personas.api(personas.city_coordinator)
    response = api.post("/api/v1/users", {"username": "x", "role": "org_coordinator"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "organisation"
    assert not User.objects.filter(username="x").exists()


def test_unknown_organisation_is_400(personas):
    api = personas.api(personas.admin)
    response = api.post(
        "/api/v1/users", {"username": "x", "role": "org_coordinator", "organisation": 987654}
    )
    assert response.status_code == 400


def test_duplicate_username_is_400(personas):
    api = personas.api(personas.admin)
    response = api.post("/api/v1/users", {"username": "HR_A", "role": "city_coordinator"})
    assert response.status_code == 400


def test_city_coordinator_cannot_create_admin(personas):
    api = personas.api(personas.city_coordinator)
    response = api.post("/api/v1/users", {"username": "root2", "role": "admin"})
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["coordinator_a", "coordinator_b"])
def test_users_endpoints_are_403_for_org_coordinators(personas, persona):
    api = personas.api(getattr(personas, persona))
    assert api.get("/api/v1/users").status_code == 403
    assert (
        api.post("/api/v1/users", {"username": "y", "role": "city_coordinator"}).status_code == 403
    )
    assert api.post(f"/api/v1/users/{personas.admin.pk}/tokens").status_code == 403


def test_token_is_shown_once_and_stored_hashed(personas):
    api = personas.api(personas.admin)
    response = api.post(f"/api/v1/users/{personas.coordinator_b.pk}/tokens")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert len(raw) >= 40
    stored = ApiToken.objects.get(key_hash=hash_token(raw))
    assert stored.user == personas.coordinator_b
    assert raw not in {t.key_hash for t in ApiToken.objects.all()}
    me = personas.api().__class__(raw).get("/api/v1/me").json()
    assert me["username"] == "hr_b"


def test_users_list_with_limit_sets_total(personas):
    api = personas.api(personas.admin)
    response = api.get("/api/v1/users", {"limit": 2})
    assert len(response.json()) == 2
    assert response["X-Total-Count"] == str(User.objects.count())


def test_token_command_prints_token_alone_on_last_line(personas):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("token", "create", "hr_a", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.objects.filter(key_hash=hash_token(raw), user=personas.coordinator_a).exists()


def test_inactive_user_token_is_refused(personas):
    api = personas.api(personas.coordinator_a)
    personas.coordinator_a.is_active = False
    personas.coordinator_a.save()
    assert api.get("/api/v1/me").status_code == 401


def test_org_coordinator_lists_mints_and_revokes_own_tokens(personas):
    api = personas.api(personas.coordinator_a)
    me = personas.coordinator_a.pk
    raw = api.post(f"/api/v1/users/{me}/tokens").json()["token"]
    listed = api.get(f"/api/v1/users/{me}/tokens").json()
    assert len(listed) == 2  # the client's own and the new one
    item = next(t for t in listed if t["prefix"] == raw[:8])
    assert set(item) == {"id", "name", "prefix", "created_at", "last_used_at"}
    assert item["created_at"][-6:] in ("+01:00", "+02:00")  # Stockholm time, with offset
    assert api.delete(f"/api/v1/users/{me}/tokens/{item['id']}").status_code == 204
    assert personas.api().__class__(raw).get("/api/v1/me").status_code == 401
    assert AuditEntry.objects.filter(action="core.token.revoked", object_id=str(item["id"]))
