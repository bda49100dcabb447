"""Sign-in through the directory with OpenID Connect (identity/oidc.py) against a real
provider on 127.0.0.1 (tests/identity/oidc_provider.py): each role mapping, a person the
mapping gives no role, an employee who signs in to register, logout, and a provider that
does not answer. The token checks one by one are in test_oidc_tokens.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from jamlik.core.models import AuditEntry, Role, User
from jamlik.identity import oidc
from jamlik.identity.models import DirectoryAccount
from jamlik.identity.person import signed_in_person
from tests.identity import oidc_provider
from tests.identity.oidc_provider import CLIENT_ID, CLIENT_SECRET, walk_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def issuer():
    with oidc_provider.provider() as url:
        yield url


@pytest.fixture(autouse=True)
def _sign_in_on(settings, issuer):
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [
        "jamlik.identity.oidc.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.JAMLIK_LOGOUT_URL_METHOD = "jamlik.identity.oidc.provider_logout_url"
    oidc.forget_discovery()
    yield
    oidc.forget_discovery()


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.select_related("organisation").get(pk=user_id) if user_id else None


def test_the_authorization_request_has_pkce_state_and_nonce(issuer):
    answer = Client().get("/sso/login/")
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    params = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}" == issuer
    assert params["response_type"] == ["code"]
    assert params["client_id"] == [CLIENT_ID]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) >= 43
    assert len(params["state"][0]) >= 32 and len(params["nonce"][0]) >= 32
    assert params["redirect_uri"] == ["http://testserver/sso/callback/"]


@pytest.mark.parametrize(
    ("sub", "role", "organisation"),
    [
        ("admin-1", Role.ADMIN, None),
        ("city-1", Role.CITY_COORDINATOR, None),
        ("org-1", Role.ORG_COORDINATOR, "A"),
    ],
)
def test_staff_sign_in_creates_the_account_with_the_mapped_role(personas, sub, role, organisation):
    client = Client()
    answer = walk_sign_in(client, sub)
    assert answer.status_code == 302
    assert answer["Location"] == "/"
    user = signed_in_user(client)
    assert user is not None and user.role == role
    assert (user.organisation.code if user.organisation else None) == organisation
    assert not user.has_usable_password()
    account = DirectoryAccount.objects.get(user=user)
    assert (account.oidc_issuer, account.oidc_subject) == (oidc.discovery()["issuer"], sub)
    assert AuditEntry.objects.filter(action="identity.signin.access", object_id=str(user.pk))
    assert client.get("/").status_code == 200


def test_a_second_sign_in_finds_the_same_account_and_follows_the_directory(personas, settings):
    first, second = Client(), Client()
    walk_sign_in(first, "city-1")
    settings.DIRECTORY_ROLE_MAP = "administrator=Jamlik.City"  # the directory changed its mind
    walk_sign_in(second, "city-1")
    assert User.objects.filter(email="cia.stad@stad.example").count() == 1
    assert signed_in_user(second).role == Role.ADMIN


def test_a_person_the_mapping_gives_no_role_gets_no_account_and_a_clear_page(personas):
    client = Client()
    answer = walk_sign_in(client, "employee-1")
    assert answer["Location"] == "/sso/nekad/"
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="eva.anstalld@a.example").exists()
    page = client.get("/sso/nekad/")
    assert page.status_code == 403
    assert "ingen roll i Jämlik" in page.content.decode()


def test_a_group_overage_counts_as_no_groups(personas):
    client = Client()
    assert walk_sign_in(client, "overage-1")["Location"] == "/sso/nekad/"
    assert "ingen roll" in client.get("/sso/nekad/").content.decode()


def test_losing_the_role_in_the_directory_ends_the_account_at_the_next_sign_in(personas, settings):
    walk_sign_in(Client(), "city-1")
    settings.DIRECTORY_ROLE_MAP = "administrator=Jamlik.Admin"
    client = Client()
    assert walk_sign_in(client, "city-1")["Location"] == "/sso/nekad/"
    assert not User.objects.get(email="cia.stad@stad.example").is_active


def test_the_same_answer_of_the_provider_cannot_be_used_twice(personas):
    client = Client()
    answer = walk_sign_in(client, "city-1")
    client.post("/logout/")
    replayed = client.get(answer.callback)
    assert replayed.status_code == 302 and replayed["Location"] == "/sso/nekad/"
    assert signed_in_user(client) is None


def test_an_account_provisioned_over_scim_is_the_one_signed_in(personas):
    provisioned = User.objects.create(
        username="cia@stad.example",
        email="cia.provisioned@stad.example",
        role=Role.CITY_COORDINATOR,
    )
    provisioned.set_unusable_password()
    provisioned.save()
    DirectoryAccount.objects.create(user=provisioned, external_id="oid-of-cia")
    client = Client()
    walk_sign_in(client, "city-1")
    assert signed_in_user(client).pk == provisioned.pk
    account = DirectoryAccount.objects.get(user=provisioned)
    assert account.oidc_subject == "city-1"
    assert User.objects.filter(role=Role.CITY_COORDINATOR).count() == 2  # persona + Cia


def test_a_password_account_is_not_taken_over_by_its_address(personas):
    local = User.objects.create_user(
        username="cia",
        email="cia.stad@stad.example",
        password="lösenord-som-är-långt",
        role=Role.CITY_COORDINATOR,
    )
    client = Client()
    walk_sign_in(client, "city-1")
    assert signed_in_user(client).pk != local.pk


def test_logout_ends_the_providers_session_too(personas, issuer):
    client = Client()
    walk_sign_in(client, "city-1")
    answer = client.post("/logout/")
    assert answer.status_code == 302
    target = urlsplit(answer["Location"])
    assert f"{target.scheme}://{target.netloc}" == issuer
    params = parse_qs(target.query)
    assert params["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert params["id_token_hint"][0].count(".") == 2
    assert signed_in_user(client) is None


def test_an_employee_signs_in_to_register_as_themselves(personas):
    client = Client()
    answer = walk_sign_in(client, "employee-1", start="/sso/anmalan/?next=/e/1")
    assert answer["Location"] == "/e/1"
    assert signed_in_user(client) is None  # no staff account
    request = type("R", (), {"session": client.session})()
    person = signed_in_person(request)
    assert person is not None
    assert (person.subject, person.email, person.name) == (
        "employee-1",
        "eva.anstalld@a.example",
        "Eva Anställd",
    )
    assert (person.organisation_code, person.manager_email) == ("A", "chef.a@a.example")
    client.post("/sso/logga-ut/", {"next": "/e/1"})
    assert signed_in_person(type("R", (), {"session": client.session})()) is None


def test_the_login_page_offers_the_work_account_first(personas, settings):
    page = Client().get("/login/").content.decode()
    assert 'href="/sso/login/"' in page and 'name="password"' in page
    settings.LOCAL_LOGIN = False
    page = Client().get("/login/").content.decode()
    assert 'href="/sso/login/"' in page and 'name="password"' not in page
    assert 'name="password"' in Client().get("/login/?reserv=1").content.decode()


def test_without_local_login_only_the_break_glass_administrator_uses_a_password(personas, settings):
    settings.LOCAL_LOGIN = False
    settings.BREAK_GLASS_USERNAME = "reserv"
    User.objects.create_user(username="reserv", password="reserv-lösenord-12", role=Role.ADMIN)
    User.objects.create_user(
        username="hr", password="hr-lösenord-123456", role=Role.CITY_COORDINATOR
    )
    client = Client()
    refused = client.post("/login/?reserv=1", {"username": "hr", "password": "hr-lösenord-123456"})
    assert refused.status_code == 200
    assert "logga in med ditt jobbkonto" in refused.content.decode().lower()
    assert signed_in_user(client) is None
    client.post("/login/", {"username": "reserv", "password": "reserv-lösenord-12"})
    assert signed_in_user(client).username == "reserv"


def test_a_provider_that_does_not_answer_gives_503_not_500(personas, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    oidc.forget_discovery()
    answer = Client().get("/sso/login/")
    assert answer.status_code == 503
    assert "svarar inte" in answer.content.decode()
    # The break-glass password still works while the directory is away.
    User.objects.create_user(username="reserv", password="reserv-lösenord-12", role=Role.ADMIN)
    client = Client()
    client.post("/login/", {"username": "reserv", "password": "reserv-lösenord-12"})
    assert signed_in_user(client).username == "reserv"


def test_sign_in_is_absent_without_an_issuer(settings):
    settings.OIDC_ISSUER = ""
    assert Client().get("/sso/login/").status_code == 404
    assert 'href="/sso/login/"' not in Client().get("/login/").content.decode()
