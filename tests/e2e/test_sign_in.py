"""Sign-in through the directory in Chromium, against a real OpenID Connect provider on
127.0.0.1 (tests/identity/oidc_provider.py): each role mapping, a person without a role,
logout at the provider too. Screenshots go to var/screenshots/ (sign-in-*.png)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from jamlik.core.models import Role, User
from jamlik.core.settings_helpers import origin_of
from jamlik.identity import oidc
from tests.e2e.conftest import assert_accessible
from tests.identity import oidc_provider
from tests.identity.conftest import ROLE_MAP

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="module")
def issuer():
    with oidc_provider.provider() as url:
        yield url


@pytest.fixture(autouse=True)
def _sign_in_on(settings, issuer):
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = oidc_provider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [
        "jamlik.identity.oidc.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.JAMLIK_LOGOUT_URL_METHOD = "jamlik.identity.oidc.provider_logout_url"
    settings.DIRECTORY_ROLE_MAP = ROLE_MAP
    settings.LOCAL_LOGIN = False
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(origin_of(issuer))  # as settings.py does
    settings.CONTENT_SECURITY_POLICY = policy
    oidc.forget_discovery()
    yield
    oidc.forget_discovery()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"sign-in-{name}.png", full_page=True)


def sign_in(page, live_server, sub: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Logga in med ditt jobbkonto").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's page


@pytest.mark.parametrize(
    ("sub", "role", "seen"),
    [
        ("admin-1", Role.ADMIN, "Ada Admin"),
        ("city-1", Role.CITY_COORDINATOR, "Cia Stad"),
        ("org-1", Role.ORG_COORDINATOR, "Förvaltning A"),
    ],
)
def test_staff_sign_in_with_each_role_mapping(live_server, browser_page, personas, sub, role, seen):
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/login/")
    assert page.get_by_label("Lösenord").count() == 0  # LOCAL_LOGIN=false
    assert_accessible(page)
    sign_in(page, live_server, sub)
    page.wait_for_url(f"{live_server.url}/")
    assert seen in page.content()
    assert User.objects.get(directory_account__oidc_subject=sub).role == role
    assert_accessible(page)
    shoot(page, f"{sub}-390")


def test_a_person_without_a_role_is_told_why(live_server, browser_page, personas):
    page = browser_page(phone=True)
    sign_in(page, live_server, "employee-1")
    page.wait_for_url(f"{live_server.url}/sso/nekad/")
    assert page.get_by_role("heading", name="Ingen behörighet i Jämlik").is_visible()
    assert "ingen roll i Jämlik" in page.content()
    assert_accessible(page)
    shoot(page, "refused-390")
    assert not User.objects.filter(email="eva.anstalld@a.example").exists()


def test_logout_ends_the_session_at_the_provider_too(live_server, browser_page, personas):
    page = browser_page()
    sign_in(page, live_server, "city-1")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("button", name="End session").click()  # the provider's page
    page.wait_for_url(f"{live_server.url}/login/")
    shoot(page, "logged-out-1280")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/login/?next=/")


def test_an_employee_registers_with_one_click_after_signing_in(live_server, browser_page, personas):
    """Through Förvaltning A's link on a phone: sign in as the employee, nothing typed but
    the consent; the seat counts against A's allocation; Mina anmälningar lists it."""
    from jamlik.events import services
    from jamlik.events.models import Registration
    from tests.factories.events import AllocationFactory, EventFactory

    event = EventFactory(capacity=10, title="Jämlikhetskonferensen")
    allocation = AllocationFactory(event=event, name="A", quota=2, organisations=[personas.org_a])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/r/{link.token}")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in och anmäl dig").click()
    page.get_by_role("button", name="employee-1", exact=True).click()  # the provider's page
    page.wait_for_url(f"{live_server.url}/r/{link.token}")
    assert "Eva Anställd" in page.content()
    assert page.get_by_label("E-post").count() == 0  # the address comes from the directory
    assert_accessible(page)
    shoot(page, "employee-form-390")
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator("form.registration-form button[type=submit]").click()
    assert_accessible(page)
    shoot(page, "employee-confirmed-390")
    assert_accessible(page)
    shoot(page, "employee-confirmed-390")
    registration = Registration.objects.get(event=event)
    assert registration.email == "eva.anstalld@a.example"
    assert registration.allocation_id == allocation.pk
    assert registration.person_key.endswith("|employee-1")
    page.goto(f"{live_server.url}/mina-anmalningar/")
    assert "Jämlikhetskonferensen" in page.content()
    assert_accessible(page)
    shoot(page, "my-registrations-390")
