"""The Content-Security-Policy in a real browser: Chromium enforces the header on the pages
with scripts, htmx swaps, charts and bars (the organiser's dashboard and its filter, the
check-in page with its camera and its htmx check-in, the self-assessment form and its
autosave, the results with charts, the registration link, the review timeline), and reports
no violation: no blocked inline style, inline script, handler or eval."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jamlik.assessments.models import Answer
from jamlik.events import links, services
from tests.e2e.conftest import login
from tests.e2e.test_events_checkin_camera import camera_browser  # noqa: F401 (a fixture)
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation is logged to the console, where the recorder below collects it (the
# listener is added again on every page, before the page's own scripts run).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
});
"""


class Violations:
    """Records the browser's CSP reports (the violation event and its console errors)."""

    def __init__(self, page) -> None:
        self.page = page
        self.found: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))

    def _console(self, message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            self.found.append(text)

    def goto(self, url: str) -> None:
        """Open ``url``, check that it came with the strict policy and that nothing on it
        (its deferred scripts included) broke the policy."""
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, (url, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)
        self.assert_none(url)

    def assert_none(self, where: str = "") -> None:
        # Reports arrive asynchronously: give the browser a moment to deliver the last ones.
        self.page.wait_for_timeout(250)
        assert self.found == [], "\n".join([where, *self.found])


def htmx_ready(page) -> None:
    """Wait until htmx has read its config and processed the page (it loads deferred)."""
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")


def test_the_recorder_sees_a_violation(live_server, browser_page, personas):
    """The control: an inline style set the way the policy forbids is reported."""
    page = browser_page()
    violations = Violations(page)
    violations.goto(f"{live_server.url}/login/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(300)
    assert any("style-src" in v for v in violations.found), violations.found


def test_staff_pages_with_htmx_bars_and_charts(live_server, browser_page, personas):
    event = EventFactory(title="CSP-konferensen", capacity=10)
    AllocationFactory(event=event, name="A", quota=2, organisations=[personas.org_a])
    SessionFactory(event=event, title="Seminariet")
    register(event, personas.org_a, name="Åsa Öberg")
    register(event, personas.org_a, name="Bo Berg")
    campaign = af.campaign(organisations=[personas.org_a, personas.org_b])
    af.submit(campaign.responses.get(unit=personas.unit_a), {"r1": "yes", "r2": "2", "r3": "no"})
    workshop = rf.workshop(title="Workshopen")
    review = rf.review(title="Fördjupningen", workshops=[workshop])

    page = browser_page()
    violations = Violations(page)
    login(page, live_server, personas.admin)

    # The dashboard: quota bars, and the filter swapping the list through htmx.
    violations.goto(f"{live_server.url}/events/{event.pk}/")
    htmx_ready(page)
    expect(page.locator("svg.meter.full")).to_have_count(1)  # quota A is used up
    page.get_by_label("Namn eller e-post").fill("Bo Berg")
    page.wait_for_url(re.compile(r"q=Bo"))
    expect(page.locator("#registrations")).not_to_contain_text("Åsa Öberg")

    # The check-in page: a search and a check-in, both through htmx.
    violations.goto(f"{live_server.url}/events/{event.pk}/checkin/")
    htmx_ready(page)
    page.get_by_label("Sök på namn eller e-post").fill("Åsa")
    page.get_by_role("button", name="Checka in Åsa Öberg").click()
    expect(page.get_by_text(re.compile(r"Kom \d\d:\d\d"))).to_be_visible()

    # The organisation tree (indented by classes), the campaign's progress bars, the
    # results with their charts, the statistics chart and the review's timeline, with a
    # milestone toggled through htmx.
    for path in (
        "/organisations/",
        f"/assessments/campaigns/{campaign.pk}/",
        f"/assessments/campaigns/{campaign.pk}/results/",
        f"/events/{event.pk}/statistics/",
    ):
        violations.goto(f"{live_server.url}{path}")
    expect(page.locator("svg[role='img']").first).to_be_visible()
    violations.goto(f"{live_server.url}/reviews/{review.pk}/")
    htmx_ready(page)
    milestone = review.milestones.get(title="Rapportutkast")
    page.locator(f"#toggle-{milestone.pk}").click()
    expect(page.locator(f"#toggle-{milestone.pk}")).to_contain_text("igen")
    violations.assert_none()


def test_the_camera_check_in(live_server, camera_browser, personas):  # noqa: F811
    event = EventFactory(title="Kamerakonferensen", capacity=50)
    AllocationFactory(event=event, name="A", quota=10, organisations=[personas.org_a])
    registration = register(event, personas.org_a, name="Kamilla Kamera").registration
    page = camera_browser(links.checkin_payload(registration))
    violations = Violations(page)
    login(page, live_server, personas.coordinator_a)
    violations.goto(f"{live_server.url}/events/{event.pk}/checkin/")
    page.get_by_role("button", name="Skanna med kameran").click()
    page.wait_for_selector("text=Kamilla Kamera är incheckad")
    page.get_by_role("button", name="Stoppa kameran").click()
    violations.assert_none()


def test_registration_and_the_response_form_with_autosave(live_server, browser_page, personas):
    event = EventFactory(title="Öppna konferensen", capacity=20)
    AllocationFactory(event=event, name="A", quota=5, organisations=[personas.org_a])
    link = services.link_ensure(event=event, organisation=personas.org_a)
    response = af.campaign(organisations=[personas.org_a]).responses.get()

    page = browser_page(phone=True)
    violations = Violations(page)
    violations.goto(f"{live_server.url}/r/{link.token}")
    page.locator("#id_name").fill("Åsa Öberg")
    page.locator("#id_email").fill("asa.oberg@a.example")
    page.locator("#id_category_0").check()
    page.locator("#id_consent").check()
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/m/[^/]+/confirmation$"))
    expect(page.get_by_text("Din incheckningskod")).to_be_visible()

    # The form saves a comment after a pause in typing, without leaving the field (the
    # trigger that used to be an htmx filter expression, which needs eval) ...
    violations.goto(f"{live_server.url}/s/{response.token}")
    htmx_ready(page)
    page.locator("textarea[name='c-r1']").press_sequentially("Vi har en plan.")
    expect(page.locator("#save-status")).to_contain_text("Sparat kl.", timeout=8_000)
    assert Answer.objects.get(response=response, requirement__key="r1").comment == (
        "Vi har en plan."
    )
    # ... and a choice at once.
    page.locator("input[name='v-r3'][value='partly']").check()
    expect(page.locator("#save-status")).to_contain_text("Sparat kl.")
    page.wait_for_function(
        "() => !document.querySelector('form[hx-post]').classList.contains('htmx-request')"
    )
    assert Answer.objects.get(response=response, requirement__key="r3").value == "partly"
    violations.assert_none()
