"""Problems users saw in a real browser, checked there: the manage page of a cancelled
registration on a phone (one status message, no sessions, what to do now), the preview
before the links are sent (desktop and phone), and the allocation form's organisation tree
with its search (by mouse and by keyboard, the count said in a live region)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jamlik.events.models import Allocation
from tests.e2e.conftest import assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("document.documentElement.clientWidth")
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px window"


def test_cancelled_registration_on_a_phone(live_server, browser_page, personas):
    event = EventFactory(title="Jämlikhetsdagen", quota_lock_until=None)
    AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    session = SessionFactory(event=event, title="Förmiddagspasset")
    registration = register(event, personas.org_a, sessions=[session.pk]).registration
    page = browser_page(phone=True)
    page.goto(f"{live_server.url}/m/{registration.manage_token}/cancel")
    page.get_by_role("button", name="Ja, avboka min anmälan").click()
    page.wait_for_url(f"{live_server.url}/m/{registration.manage_token}")
    main = page.locator("main")
    expect(main).to_contain_text("Din anmälan är avbokad.")
    text = main.inner_text()
    assert text.count("avbokad") == 1, text
    assert "Dina pass" not in text and "Förmiddagspasset" not in text
    again = page.get_by_role("link", name="Anmäl dig igen")
    expect(again).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path="var/screenshots/also-seen-cancelled-390.png", full_page=True)
    again.click()
    page.wait_for_url(f"{live_server.url}/e/{event.pk}")


@pytest.fixture
def links_event(personas):
    event = EventFactory(title="Jämlikhetsdagen", quota_lock_until=None)
    no_mailbox = OrganisationFactory(
        name="Förvaltning utan brevlåda med ett långt namn", code="C", parent=personas.city
    )
    no_mailbox.mailbox = ""
    no_mailbox.save(update_fields=["mailbox"])
    AllocationFactory(event=event, name="A", quota=5, organisations=[personas.org_a])
    AllocationFactory(event=event, name="B", quota=5, organisations=[personas.org_b, no_mailbox])
    return event


@pytest.mark.parametrize("phone", [False, True])
def test_links_preview(live_server, browser_page, personas, links_event, phone):
    page = browser_page(phone=phone)
    login(page, live_server, personas.admin)
    page.goto(f"{live_server.url}/events/{links_event.pk}/links/")
    page.get_by_role("link", name="Skicka länkarna…").click()
    page.wait_for_url(f"{live_server.url}/events/{links_event.pk}/links/send/")
    main = page.locator("main")
    expect(main).to_contain_text("Anmälningslänk till Jämlikhetsdagen")
    expect(main).to_contain_text("Hoppas över: ingen funktionsbrevlåda")
    boxes = page.locator('input[name="organisations"]')
    assert boxes.count() == 2
    for i in range(2):
        expect(boxes.nth(i)).to_be_checked()
    assert_accessible(page)
    if phone:
        no_sideways_scroll(page)
    width = 390 if phone else 1280
    page.screenshot(path=f"var/screenshots/also-seen-links-preview-{width}.png", full_page=True)
    # Send to B only.
    page.get_by_label("Förvaltning A").uncheck()
    page.get_by_role("button", name="Skicka", exact=True).click()
    page.wait_for_url(f"{live_server.url}/events/{links_event.pk}/links/")
    expect(page.locator("main")).to_contain_text("1 länkar ställdes i kö")
    sent = {link.organisation_id for link in links_event.links.filter(sent_at__isnull=False)}
    assert sent == {personas.org_b.pk}


@pytest.fixture
def org_tree(personas):
    """38 organisations under the city: 6 administrations with 5 sections each, and two
    companies, so the form's list is as long as the one users saw."""
    for a in range(6):
        parent = OrganisationFactory(
            name=f"Förvaltning {a + 1:02d}", code=f"F{a}", parent=personas.city
        )
        for s in range(5):
            OrganisationFactory(
                name=f"Avdelning {a + 1:02d}.{s + 1}", code=f"F{a}S{s}", parent=parent
            )
    OrganisationFactory(name="Bostadsbolaget", code="BB", kind="company", parent=personas.city)
    OrganisationFactory(name="Parkeringsbolaget", code="PB", kind="company", parent=personas.city)
    return EventFactory(title="Jämlikhetsdagen")


def test_allocation_form_tree_and_search(live_server, browser_page, personas, org_tree):
    page = browser_page(phone=False)
    login(page, live_server, personas.admin)
    page.goto(f"{live_server.url}/events/{org_tree.pk}/allocations/new/")
    # The tree: a section sits in a list under its administration.
    nested = page.locator(
        'li[data-org-name="förvaltning 03"] > ul > li[data-org-name="avdelning 03.2"]'
    )
    expect(nested).to_have_count(1)
    search = page.get_by_label("Sök organisation")
    status = page.locator("#org-search-count")
    assert status.get_attribute("role") == "status"
    search.fill("avdelning 03")
    expect(status).to_have_text("5 organisationer matchar.")
    expect(page.get_by_label("Avdelning 03.4")).to_be_visible()
    expect(page.get_by_label("Förvaltning 03")).to_be_visible()  # the matches' parent
    expect(page.get_by_label("Avdelning 02.1")).to_be_hidden()
    expect(page.get_by_label("Förvaltning A")).to_be_hidden()
    assert_accessible(page)
    page.screenshot(path="var/screenshots/also-seen-allocation-search-1280.png", full_page=True)
    page.get_by_label("Avdelning 03.4").check()
    search.fill("zzz")
    expect(status).to_have_text("Ingen organisation matchar.")
    search.fill("")
    expect(status).to_contain_text("Alla")
    expect(page.get_by_label("Avdelning 02.1")).to_be_visible()
    # The POST is the same as before: the checked boxes, hidden or not.
    page.get_by_label("Namn").fill("Grupp 3")
    page.get_by_label("Kvot (platser)").fill("4")
    page.get_by_label("Parkeringsbolaget").check()
    search.fill("avdelning 01")
    expect(status).to_have_text("5 organisationer matchar.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"{live_server.url}/events/{org_tree.pk}/edit/#allocations")
    allocation = Allocation.objects.get(event=org_tree, name="Grupp 3")
    names = sorted(allocation.organisations.values_list("name", flat=True))
    assert names == ["Avdelning 03.4", "Parkeringsbolaget"]


def test_allocation_form_search_by_keyboard(live_server, browser_page, personas, org_tree):
    page = browser_page(phone=False)
    login(page, live_server, personas.admin)
    page.goto(f"{live_server.url}/events/{org_tree.pk}/allocations/new/")
    search = page.get_by_label("Sök organisation")
    search.focus()
    page.keyboard.type("bolaget")
    status = page.locator("#org-search-count")
    expect(status).to_have_text("2 organisationer matchar.")
    # Enter filters and does not send the form.
    page.keyboard.press("Enter")
    assert page.url.endswith("/allocations/new/")
    assert not Allocation.objects.filter(event=org_tree).exists()

    # Tab goes through the visible checkboxes only: the matches' parent (shown for its
    # place in the tree), then the first match; space ticks it.
    def focused_label() -> str:
        focused = page.evaluate("document.activeElement.id")
        return page.locator(f'label[for="{focused}"]').inner_text()

    page.keyboard.press("Tab")
    assert focused_label() == "Staden"
    page.keyboard.press("Tab")
    assert focused_label() == "Bostadsbolaget"
    page.keyboard.press("Space")
    expect(page.get_by_label("Bostadsbolaget")).to_be_checked()
    # Escape clears the search and shows everything again.
    search.focus()
    page.keyboard.press("Escape")
    expect(search).to_have_value("")
    expect(page.get_by_label("Avdelning 02.1")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="var/screenshots/also-seen-allocation-keyboard-1280.png", full_page=True)
