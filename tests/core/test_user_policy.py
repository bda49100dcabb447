"""Who may change whom (core/policies.py): one matrix of personas × user-management actions,
asked of the pure policy and then through the API, the pages and the Django admin. A denied
request changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from jamlik.core import policies
from jamlik.core import services as core_services
from jamlik.core.errors import Forbidden
from jamlik.core.models import ApiToken, AuditEntry, Role, User, hash_token
from tests.conftest import ApiClient
from tests.factories.core import UserFactory

ORG = Role.ORG_COORDINATOR
CITY = Role.CITY_COORDINATOR
ADMIN = Role.ADMIN

# Actors of the matrix. "superuser" is an administrator by the flag alone; "inactive" is a
# deactivated administrator, who may do nothing any more.
ACTORS = ["admin", "superuser", "city", "org_a", "org_b", "inactive", "anonymous"]

# may_view_users: list and read users.
VIEW = {
    "admin": True,
    "superuser": True,
    "city": True,
    "org_a": False,
    "org_b": False,
    "inactive": False,
    "anonymous": False,
}

# may_create_user, per role created: admin, city coordinator, org coordinator.
CREATE = {
    "admin": "YYY",
    "superuser": "YYY",
    "city": "NYY",
    "org_a": "NNN",
    "org_b": "NNN",
    "inactive": "NNN",
    "anonymous": "NNN",
}
CREATE_ROLES = [ADMIN, CITY, ORG]

# may_change_user: (actor, target) → name, another role, promotion to admin, deactivation.
# "-": not asked (an admin "promoting" themself is no change at all through the API, but a
# role change for the pure policy).
CHANGES = ["name", "role", "promote", "deactivate"]
PATCH = {
    ("admin", "admin2"): "YYYY",
    ("admin", "city"): "YYYY",
    ("admin", "org_a"): "YYYY",
    ("admin", "admin"): "YN-N",
    ("superuser", "admin"): "YYYY",
    ("superuser", "superuser"): "YN-N",
    ("city", "admin"): "NNNN",
    ("city", "superuser"): "NNNN",
    ("city", "city2"): "YYNY",
    ("city", "org_a"): "YYNY",
    ("city", "city"): "YNNN",
    ("org_a", "admin"): "NNNN",
    ("org_a", "city"): "NNNN",
    ("org_a", "org_b"): "NNNN",
    ("org_a", "org_a"): "NNNN",
    ("org_b", "org_a"): "NNNN",
    ("inactive", "org_a"): "NNNN",
    ("anonymous", "org_a"): "NNNN",
}

# may_mint_token and may_revoke_token: (actor, owner of the token) → allowed.
TOKENS = {
    ("admin", "admin"): True,
    ("admin", "admin2"): True,
    ("admin", "city"): True,
    ("admin", "org_b"): True,
    ("superuser", "org_b"): True,
    ("city", "city"): True,
    ("city", "admin"): False,
    ("city", "city2"): False,
    ("city", "org_b"): False,
    ("org_a", "org_a"): True,
    ("org_a", "org_b"): False,
    ("org_a", "admin"): False,
    ("org_a", "city"): False,
    ("org_b", "org_b"): True,
    ("org_b", "org_a"): False,
    ("inactive", "inactive"): False,
    ("inactive", "org_a"): False,
    ("anonymous", "org_a"): False,
}

# may_change_password: (actor, whose password) → allowed. Others' only in the Django admin.
PASSWORD = {
    ("admin", "admin"): True,
    ("admin", "org_a"): False,
    ("city", "city"): True,
    ("city", "org_a"): False,
    ("org_a", "org_a"): True,
    ("org_a", "org_b"): False,
    ("inactive", "inactive"): False,
    ("anonymous", "org_a"): False,
}

ADMIN_SITE = {
    "admin": True,
    "superuser": True,
    "city": False,
    "org_a": False,
    "org_b": False,
    "inactive": False,
    "anonymous": False,
}


def _flag(flags: str, index: int) -> bool | None:
    return {"Y": True, "N": False, "-": None}[flags[index]]


def _patch_cases() -> list[Any]:
    cases = []
    for (actor, target), flags in PATCH.items():
        for index, change in enumerate(CHANGES):
            allowed = _flag(flags, index)
            if allowed is not None:
                cases.append(
                    pytest.param(actor, target, change, allowed, id=f"{actor}-{target}-{change}")
                )
    return cases


def _create_cases() -> list[Any]:
    return [
        pytest.param(actor, role, _flag(flags, i), id=f"{actor}-{role}")
        for actor, flags in CREATE.items()
        for i, role in enumerate(CREATE_ROLES)
    ]


# ---- The pure policy ---------------------------------------------------------------------


class _Organisation:
    pk = 99


def _pure_cast() -> dict[str, Any]:
    def user(pk: int, role: str, *, superuser: bool = False, active: bool = True) -> User:
        organisation_id = _Organisation.pk if role == ORG else None
        return User(
            pk=pk,
            username=f"u{pk}",
            role=role,
            is_superuser=superuser,
            is_active=active,
            organisation_id=organisation_id,
        )

    return {
        "admin": user(1, ADMIN, superuser=True),
        "admin2": user(2, ADMIN, superuser=True),
        "superuser": user(3, CITY, superuser=True),
        "city": user(4, CITY),
        "city2": user(5, CITY),
        "org_a": user(6, ORG),
        "org_b": user(7, ORG),
        "inactive": user(8, ADMIN, superuser=True, active=False),
        "anonymous": AnonymousUser(),
    }


def _pure_change(change: str, target: Any) -> dict[str, Any]:
    if change == "name":
        return {"name": "Nytt Namn"}
    if change == "promote":
        return {"role": ADMIN.value}
    if change == "deactivate":
        return {"is_active": False}
    if target.role == CITY:
        return {"role": ORG.value, "organisation": _Organisation()}
    return {"role": CITY.value}


@pytest.mark.parametrize("actor", ACTORS)
def test_policy_view_users(actor):
    assert policies.may_view_users(_pure_cast()[actor]) is VIEW[actor]


@pytest.mark.parametrize(("actor", "role", "allowed"), _create_cases())
def test_policy_create_user(actor, role, allowed):
    assert policies.may_create_user(_pure_cast()[actor], role.value) is allowed


@pytest.mark.parametrize(("actor", "target", "change", "allowed"), _patch_cases())
def test_policy_change_user(actor, target, change, allowed):
    cast = _pure_cast()
    target_user = cast[target]
    changes = _pure_change(change, target_user)
    assert policies.may_change_user(cast[actor], target_user, changes) is allowed


@pytest.mark.parametrize(("actor", "owner"), list(TOKENS))
def test_policy_mint_and_revoke_token(actor, owner):
    cast = _pure_cast()
    token = ApiToken(user=cast[owner])
    assert policies.may_mint_token(cast[actor], cast[owner]) is TOKENS[(actor, owner)]
    assert policies.may_revoke_token(cast[actor], token) is TOKENS[(actor, owner)]


@pytest.mark.parametrize(("actor", "target"), list(PASSWORD))
def test_policy_change_password(actor, target):
    cast = _pure_cast()
    assert policies.may_change_password(cast[actor], cast[target]) is PASSWORD[(actor, target)]


@pytest.mark.parametrize("actor", ACTORS)
def test_policy_admin_site(actor):
    assert policies.may_use_admin_site(_pure_cast()[actor]) is ADMIN_SITE[actor]


def test_require_raises_forbidden_with_the_rules_message_in_swedish():
    from django.utils import translation

    cast = _pure_cast()
    with pytest.raises(Forbidden) as caught:
        policies.require(policies.may_mint_token, cast["city"], cast["admin"])
    with translation.override("sv"):
        assert str(caught.value.message) == "Du får bara hantera dina egna API-token."
    with translation.override("en"):
        assert str(caught.value.message) == "You may only manage your own API tokens."
    policies.require(policies.may_mint_token, cast["city"], cast["city"])  # no exception


# ---- Through the API -------------------------------------------------------------------------


@dataclass
class Cast:
    users: dict[str, Any]
    personas: Any
    inactive_api: Any = None

    def api(self, name: str) -> ApiClient:
        if name == "anonymous":
            return ApiClient()
        if name == "inactive":
            return self.inactive_api
        return self.personas.api(self.users[name])


@pytest.fixture
def cast(personas) -> Cast:
    users = {
        "admin": personas.admin,
        "admin2": UserFactory(username="admin2", role=ADMIN, is_superuser=True, is_staff=True),
        "superuser": UserFactory(username="super", role=CITY, is_superuser=True, is_staff=True),
        "city": personas.city_coordinator,
        "city2": UserFactory(username="stad2", role=CITY),
        "org_a": personas.coordinator_a,
        "org_b": personas.coordinator_b,
        "inactive": UserFactory(username="gone", role=ADMIN, is_superuser=True, is_staff=True),
    }
    result = Cast(users=users, personas=personas)
    # The token was made while the user was active; it must stop working on deactivation.
    result.inactive_api = personas.api(users["inactive"])
    users["inactive"].is_active = False
    users["inactive"].save()
    return result


def _snapshot(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.name,
        user.email,
        user.role,
        user.organisation_id,
        user.is_active,
        user.is_staff,
        user.is_superuser,
    )


def _denied_status(actor: str) -> int:
    return 401 if actor in ("inactive", "anonymous") else 403


@pytest.mark.parametrize("actor", ACTORS)
def test_api_list_and_read_users(cast, actor):
    api = cast.api(actor)
    expected = 200 if VIEW[actor] else _denied_status(actor)
    assert api.get("/api/v1/users").status_code == expected
    assert api.get(f"/api/v1/users/{cast.users['org_b'].pk}").status_code == expected


@pytest.mark.parametrize(("actor", "role", "allowed"), _create_cases())
def test_api_create_user(cast, actor, role, allowed):
    body = {"username": "ny_person", "name": "Ny Person", "role": role.value}
    if role == ORG:
        body["organisation"] = cast.personas.org_a.pk
    api = cast.api(actor)  # before counting: making the client's token is audited
    audit_before = AuditEntry.objects.count()
    response = api.post("/api/v1/users", body)
    if allowed:
        assert response.status_code == 201, response.content
        created = User.objects.get(username="ny_person")
        assert created.role == role
        assert created.is_staff is created.is_superuser is (role == ADMIN)
    else:
        assert response.status_code == _denied_status(actor), response.content
        assert response.json()["code"] in ("forbidden", "unauthenticated")
        assert not User.objects.filter(username="ny_person").exists()
        assert AuditEntry.objects.count() == audit_before


def _api_change(change: str, target: User, cast: Cast) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PATCH body and the fields it should leave behind."""
    if change == "name":
        return {"name": "Nytt Namn"}, {"name": "Nytt Namn"}
    if change == "promote":
        return {"role": "admin"}, {"role": ADMIN, "is_staff": True, "is_superuser": True}
    if change == "deactivate":
        return {"is_active": False}, {"is_active": False}
    if target.role == CITY:
        org = cast.personas.org_a
        return {"role": "org_coordinator", "organisation": org.pk}, {
            "role": ORG,
            "organisation_id": org.pk,
            "is_superuser": False,
        }
    return {"role": "city_coordinator"}, {"role": CITY, "is_superuser": False}


@pytest.mark.parametrize(("actor", "target", "change", "allowed"), _patch_cases())
def test_api_patch_user(cast, actor, target, change, allowed):
    target_user = cast.users[target]
    body, expected = _api_change(change, target_user, cast)
    api = cast.api(actor)  # before the snapshot: making the client's token is audited
    before = _snapshot(target_user)
    audit_before = AuditEntry.objects.filter(action="core.user.changed").count()
    response = api.patch(f"/api/v1/users/{target_user.pk}", body)
    if allowed:
        assert response.status_code == 200, response.content
        target_user.refresh_from_db()
        for field, value in expected.items():
            assert getattr(target_user, field) == value, field
        # Making an admin an admin again changes nothing and writes nothing.
        assert AuditEntry.objects.filter(
            action="core.user.changed", object_id=str(target_user.pk)
        ).exists() is (_snapshot(target_user) != before)
    else:
        assert response.status_code == _denied_status(actor), response.content
        assert _snapshot(target_user) == before
        assert AuditEntry.objects.filter(action="core.user.changed").count() == audit_before


@pytest.mark.parametrize(("actor", "owner"), list(TOKENS))
def test_api_mint_token(cast, actor, owner):
    owner_user = cast.users[owner]
    api = cast.api(actor)
    before = ApiToken.objects.filter(user=owner_user).count()
    response = api.post(f"/api/v1/users/{owner_user.pk}/tokens")
    if TOKENS[(actor, owner)]:
        assert response.status_code == 201, response.content
        assert ApiToken.objects.filter(user=owner_user).count() == before + 1
        me = ApiClient(response.json()["token"]).get("/api/v1/me").json()
        assert me["id"] == owner_user.pk
    else:
        assert response.status_code == _denied_status(actor), response.content
        assert "token" not in response.json()
        assert ApiToken.objects.filter(user=owner_user).count() == before


@pytest.mark.parametrize(("actor", "owner"), list(TOKENS))
def test_api_list_and_revoke_token(cast, actor, owner):
    owner_user = cast.users[owner]
    raw = core_services.api_token_create(actor=None, user=owner_user, name="Excel")
    token = ApiToken.objects.get(user=owner_user, prefix=raw[:8])
    api = cast.api(actor)
    listed = api.get(f"/api/v1/users/{owner_user.pk}/tokens")
    response = api.delete(f"/api/v1/users/{owner_user.pk}/tokens/{token.pk}")
    if TOKENS[(actor, owner)]:
        assert listed.status_code == 200
        assert token.pk in [t["id"] for t in listed.json()]
        assert "key_hash" not in listed.json()[0] and "token" not in listed.json()[0]
        assert response.status_code == 204, response.content
        assert not ApiToken.objects.filter(pk=token.pk).exists()
        assert AuditEntry.objects.filter(action="core.token.revoked", object_id=str(token.pk))
    else:
        assert listed.status_code == _denied_status(actor)
        assert response.status_code == _denied_status(actor), response.content
        assert ApiToken.objects.filter(pk=token.pk).exists()


def test_city_coordinator_cannot_mint_a_token_for_the_admin(personas):
    """The reported hole: this answered 201 with a working token for the administrator."""
    api = personas.api(personas.city_coordinator)
    before = ApiToken.objects.filter(user=personas.admin).count()
    response = api.post(f"/api/v1/users/{personas.admin.pk}/tokens")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "token" not in response.json()
    assert ApiToken.objects.filter(user=personas.admin).count() == before
    assert not AuditEntry.objects.filter(
        action="core.token.created", new__user=personas.admin.pk
    ).exists()


def test_revoking_another_users_token_by_a_foreign_id_is_404(cast):
    """A token id of another owner under one's own path is not found, not revoked."""
    raw = core_services.api_token_create(actor=None, user=cast.users["org_b"])
    other = ApiToken.objects.get(key_hash=hash_token(raw))
    org_a = cast.users["org_a"]
    response = cast.api("org_a").delete(f"/api/v1/users/{org_a.pk}/tokens/{other.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_deactivated_users_token_and_session_stop_working(cast):
    org_a = cast.users["org_a"]
    own_api = cast.api("org_a")
    web = cast.personas.web(org_a)
    assert own_api.get("/api/v1/me").status_code == 200
    admin = cast.api("admin")
    assert admin.patch(f"/api/v1/users/{org_a.pk}", {"is_active": False}).status_code == 200
    assert own_api.get("/api/v1/me").status_code == 401
    assert web.get("/profile/").status_code == 302
    # Reactivation brings the same token back.
    assert admin.patch(f"/api/v1/users/{org_a.pk}", {"is_active": True}).status_code == 200
    assert own_api.get("/api/v1/me").status_code == 200


def test_patch_is_partial_and_audited_with_old_and_new(cast):
    org_b = cast.users["org_b"]
    email = org_b.email
    response = cast.api("city").patch(f"/api/v1/users/{org_b.pk}", {"name": "Hanna HR"})
    assert response.status_code == 200
    assert response.json()["name"] == "Hanna HR"
    assert response.json()["is_active"] is True
    org_b.refresh_from_db()
    assert org_b.email == email and org_b.organisation == cast.personas.org_b
    entry = AuditEntry.objects.get(action="core.user.changed", object_id=str(org_b.pk))
    assert entry.new == {"name": "Hanna HR"} and entry.actor == cast.users["city"]


def test_demoting_an_admin_takes_the_staff_flags(cast):
    admin2 = cast.users["admin2"]
    response = cast.api("admin").patch(f"/api/v1/users/{admin2.pk}", {"role": "city_coordinator"})
    assert response.status_code == 200
    admin2.refresh_from_db()
    assert (admin2.role, admin2.is_staff, admin2.is_superuser) == (CITY, False, False)
    # A demoted admin is a city coordinator now, and may no longer mint for others.
    assert (
        cast.personas.api(admin2).post(f"/api/v1/users/{cast.users['org_b'].pk}/tokens").status_code
        == 403
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "org_coordinator"}, "organisation"),
        ({"role": "root"}, "role"),
        ({"role": None}, "role"),
        ({"is_active": None}, "is_active"),
        ({"is_superuser": True}, "is_superuser"),
        ({"password": "x"}, "password"),
        ({"organisation": 987654}, "organisation"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_invalid_patch_is_400_and_changes_nothing(cast, body, field):
    city2 = cast.users["city2"]
    api = cast.api("admin")
    before = _snapshot(city2)
    response = api.patch(f"/api/v1/users/{city2.pk}", body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["field"] == field
    assert _snapshot(city2) == before


def test_patch_of_unknown_user_is_404(cast):
    assert cast.api("admin").patch("/api/v1/users/987654", {"name": "x"}).status_code == 404


# ---- The password page -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "city", "org_a"])
def test_password_change_page_changes_only_ones_own_password(cast, persona):
    user = cast.users[persona]
    other = cast.users["org_b"]
    other_hash = other.password
    web = cast.personas.web(user)
    page = web.get("/profile/password/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ändra lösenord" in html and 'for="id_old_password"' in html
    response = web.post(
        "/profile/password/",
        {
            "old_password": "secret-password-1",
            "new_password1": "Ny-lang-fras-2026",
            "new_password2": "Ny-lang-fras-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.check_password("Ny-lang-fras-2026")
    other.refresh_from_db()
    assert other.password == other_hash
    # Still logged in on this session.
    assert web.get("/profile/").status_code == 200
    entry = AuditEntry.objects.get(action="core.user.password_changed", object_id=str(user.pk))
    assert "Ny-lang-fras-2026" not in str(entry.old) + str(entry.new)


def test_password_change_with_wrong_old_password_changes_nothing(cast):
    user = cast.users["org_a"]
    web = cast.personas.web(user)
    response = web.post(
        "/profile/password/",
        {
            "old_password": "wrong",
            "new_password1": "Ny-lang-fras-2026",
            "new_password2": "Ny-lang-fras-2026",
        },
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("secret-password-1")


def test_password_page_needs_login(client):
    response = client.get("/profile/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_password_service_refuses_anothers_password(cast):
    with pytest.raises(Forbidden):
        core_services.user_password_change(
            actor=cast.users["admin"], user=cast.users["org_a"], password="Ny-lang-fras-2026"
        )
    assert cast.users["org_a"].check_password("secret-password-1")


def test_profile_links_to_password_change(cast):
    html = cast.personas.web(cast.users["org_a"]).get("/profile/").content.decode()
    assert 'href="/profile/password/"' in html


# ---- The Django admin ------------------------------------------------------------------------


def _admin_change_form(user: User, **overrides: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "organisation": user.organisation_id or "",
        "_save": "Spara",
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_staff_flag_and_permissions_do_not_open_the_admin_to_a_coordinator(cast):
    from django.contrib.auth.models import Permission

    city = cast.users["city"]
    # As if someone had ticked the flag and handed out every permission on users.
    city.is_staff = True
    city.save()
    city.user_permissions.set(Permission.objects.filter(content_type__app_label="core"))
    web = cast.personas.web(city)
    assert web.get("/admin/core/user/").status_code == 403
    response = web.post(
        f"/admin/core/user/{city.pk}/change/", _admin_change_form(city, role="admin")
    )
    assert response.status_code == 403
    city.refresh_from_db()
    assert city.role == CITY and not city.is_superuser


def test_admin_cannot_deactivate_or_demote_themself_in_the_admin(cast):
    admin = cast.users["admin"]
    web = cast.personas.web(admin)
    response = web.post(
        f"/admin/core/user/{admin.pk}/change/",
        _admin_change_form(admin, role="city_coordinator", is_active=None),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    admin.refresh_from_db()
    assert admin.is_active and admin.role == ADMIN and admin.is_superuser


def test_the_admins_superuser_box_is_read_only_and_follows_the_role(cast):
    admin = cast.users["admin"]
    city2 = cast.users["city2"]
    web = cast.personas.web(admin)
    response = web.post(
        f"/admin/core/user/{city2.pk}/change/",
        _admin_change_form(city2, is_superuser="on", is_staff="on"),
    )
    assert response.status_code == 302
    city2.refresh_from_db()
    assert not city2.is_superuser and not city2.is_staff
    response = web.post(
        f"/admin/core/user/{city2.pk}/change/", _admin_change_form(city2, role="admin")
    )
    assert response.status_code == 302
    city2.refresh_from_db()
    assert city2.role == ADMIN and city2.is_staff and city2.is_superuser
    assert AuditEntry.objects.filter(action="core.user.changed", object_id=str(city2.pk)).exists()


def test_admin_deleting_a_token_is_an_audited_revocation(cast):
    raw = core_services.api_token_create(actor=None, user=cast.users["org_b"])
    token = ApiToken.objects.get(prefix=raw[:8], user=cast.users["org_b"])
    web = cast.personas.web(cast.users["admin"])
    response = web.post(f"/admin/core/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEntry.objects.filter(action="core.token.revoked", object_id=str(token.pk)).exists()


@pytest.mark.parametrize(("role", "staff"), [("admin", True), ("city_coordinator", False)])
def test_admin_adds_users_with_the_role_deciding_the_staff_flags(cast, role, staff):
    web = cast.personas.web(cast.users["admin"])
    response = web.post(
        "/admin/core/user/add/",
        {
            "username": "ny_admin",
            "usable_password": "false",
            "name": "Ny",
            "email": "ny@stad.example",
            "role": role,
            "organisation": "",
            "_save": "Spara",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="ny_admin")
    assert created.is_staff is created.is_superuser is staff
    assert AuditEntry.objects.filter(action="core.user.created", object_id=str(created.pk)).exists()


def test_admin_add_form_refuses_an_org_coordinator_without_organisation(cast):
    web = cast.personas.web(cast.users["admin"])
    response = web.post(
        "/admin/core/user/add/",
        {
            "username": "ny_hr",
            "usable_password": "false",
            "role": "org_coordinator",
            "_save": "Spara",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="ny_hr").exists()
