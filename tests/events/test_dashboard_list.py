"""The dashboard's registrations list: sorting by column (an allow-list; anything else gives
the default order), paging with links that keep filters and order, compact dates, query
counts that do not grow with the list, and scoping (an org coordinator sees their subtree
only, whatever the order or page)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.events import services
from jamlik.events.models import Registration
from jamlik.events.selectors.registrations import (
    DEFAULT_SORT,
    PAGE_SIZE,
    REGISTRATION_SORTS,
    RegistrationSort,
)
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

ROW_NAME = re.compile(r'<td class="col-name"><a href="[^"]*">([^<]*)</a>')


def names(html: str) -> list[str]:
    return ROW_NAME.findall(html.split('id="registrations"')[1])


def registrations_html(web, event, **params) -> str:
    response = web.get(f"/events/{event.pk}/", params)
    assert response.status_code == 200, params
    return response.content.decode()


@pytest.fixture
def event(personas):
    """An open event (no quota phase) with room for everyone."""
    event = EventFactory(title="Jämlikhetskonferensen", capacity=1000, quota_lock_until=None)
    AllocationFactory(event=event, name="Grupp A", quota=500, organisations=[personas.org_a])
    AllocationFactory(event=event, name="Grupp B", quota=500, organisations=[personas.org_b])
    return event


@pytest.fixture
def small(event, personas):
    """Four people, registered a day apart, in three organisations and outside any."""
    people = [
        ("Cecilia Carlsson", personas.org_b),
        ("alva andersson", personas.org_a),
        ("Bertil Berg", personas.unit_a),
        ("Dagny Dahl", personas.org_b),
    ]
    start = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
    for n, (name, organisation) in enumerate(people):
        outcome = register(event, organisation, name=name)
        Registration.objects.filter(pk=outcome.registration.pk).update(
            created_at=start + timedelta(days=n)
        )
    # Dagny came from outside every organisation; Bertil and Cecilia have checked in.
    Registration.objects.filter(name="Dagny Dahl").update(organisation=None)
    Registration.objects.filter(name="Bertil Berg").update(
        checked_in_at=datetime(2025, 12, 7, 13, 5, tzinfo=UTC)
    )
    Registration.objects.filter(name="Cecilia Carlsson").update(
        checked_in_at=datetime(2025, 12, 7, 12, 0, tzinfo=UTC)
    )
    services.registration_cancel(registration=Registration.objects.get(name="alva andersson"))
    return event


# ---- The pure part: the allow-list and the headers -----------------------------------------


@pytest.mark.parametrize(
    "key, direction, expected",
    [
        (None, None, RegistrationSort()),
        ("name", None, RegistrationSort("name", False)),
        ("name", "asc", RegistrationSort("name", False)),
        ("name", "desc", RegistrationSort("name", True)),
        ("checkin", "desc", RegistrationSort("checkin", True)),
        ("name", "DESC; drop table", RegistrationSort("name", False)),
        ("password", "desc", RegistrationSort()),
        ("-created_at", None, RegistrationSort()),
        ("organisation__name", "desc", RegistrationSort()),
        ("", "desc", RegistrationSort()),
        (["name"], "desc", RegistrationSort()),
    ],
)
def test_sort_parse_keeps_to_the_allow_list(key, direction, expected):
    assert RegistrationSort.parse(key, direction) == expected


def test_the_default_order_is_by_registration_and_adds_nothing_to_links():
    assert RegistrationSort().key == DEFAULT_SORT == "registered"
    assert RegistrationSort().query == ""
    assert RegistrationSort("name", True).query == "sort=name&dir=desc"
    # Every order ends in the registration order, so that pages never overlap.
    for key in REGISTRATION_SORTS:
        for descending in (False, True):
            assert RegistrationSort(key, descending).order_by()[-2:] == ["created_at", "id"]


def test_headers_mark_the_sorted_column_and_turn_its_direction_round():
    headers = RegistrationSort("status", False).headers()
    assert [h.key for h in headers] == ["name", "organisation", "status", "registered", "checkin"]
    by_key = {h.key: h for h in headers}
    assert by_key["status"].aria_sort == "ascending"
    assert by_key["status"].next_direction == "desc"
    assert by_key["name"].aria_sort == "" and by_key["name"].next_direction == "asc"
    descending = {h.key: h for h in RegistrationSort("status", True).headers()}
    assert descending["status"].aria_sort == "descending"
    assert descending["status"].next_direction == "asc"


# ---- Sorting on the page -------------------------------------------------------------------


def test_default_order_is_registration_order(small, personas):
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, small)
    assert names(html) == ["Cecilia Carlsson", "alva andersson", "Bertil Berg", "Dagny Dahl"]
    assert 'aria-sort="ascending"' in html and html.count("aria-sort=") == 1


@pytest.mark.parametrize(
    "sort, ascending",
    [
        # Names without regard to case.
        ("name", ["alva andersson", "Bertil Berg", "Cecilia Carlsson", "Dagny Dahl"]),
        # Organisation names; the external participant last either way.
        ("organisation", ["Bertil Berg", "alva andersson", "Cecilia Carlsson", "Dagny Dahl"]),
        # Statuses in their lifecycle order: confirmed before cancelled.
        ("status", ["Cecilia Carlsson", "Bertil Berg", "Dagny Dahl", "alva andersson"]),
        ("registered", ["Cecilia Carlsson", "alva andersson", "Bertil Berg", "Dagny Dahl"]),
        # Earliest check-in first; those not checked in last either way.
        ("checkin", ["Cecilia Carlsson", "Bertil Berg", "alva andersson", "Dagny Dahl"]),
    ],
)
def test_each_column_sorts_both_ways(small, personas, sort, ascending):
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, small, sort=sort, dir="asc")
    assert names(html) == ascending
    header = re.search(rf'<th scope="col" class="col-{sort}" aria-sort="ascending">', html)
    assert header, sort
    assert html.count("aria-sort=") == 1
    assert f'sort={sort}&amp;dir=desc"' in html
    html = registrations_html(web, small, sort=sort, dir="desc")
    descending = names(html)
    assert f'class="col-{sort}" aria-sort="descending"' in html
    if sort == "organisation":
        assert descending == ["Cecilia Carlsson", "alva andersson", "Bertil Berg", "Dagny Dahl"]
    elif sort == "checkin":
        assert descending == ["Bertil Berg", "Cecilia Carlsson", "alva andersson", "Dagny Dahl"]
    elif sort == "status":
        assert descending == ["alva andersson", "Cecilia Carlsson", "Bertil Berg", "Dagny Dahl"]
    else:
        assert descending == list(reversed(ascending))


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"sort": "created_at", "dir": "desc"},
        {"sort": "-name"},
        {"sort": "organisation__parent__name"},
        {"sort": "x" * 5000, "dir": "y" * 5000},
        {"sort": "\x00"},
        {"dir": "desc"},
        {"sort": ["name", "status"], "dir": ["desc", "asc"]},
    ],
)
def test_unknown_sort_values_give_the_default_order(small, personas, params):
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, small, **params)
    if params.get("sort") == ["name", "status"]:
        # The last value counts, as for every parameter (QueryDict.get); it is on the list.
        assert names(html) == ["Cecilia Carlsson", "Bertil Berg", "Dagny Dahl", "alva andersson"]
        return
    assert names(html) == ["Cecilia Carlsson", "alva andersson", "Bertil Berg", "Dagny Dahl"]
    assert 'class="col-registered" aria-sort="ascending"' in html


def test_dates_are_compact_with_the_full_date_in_the_markup(small, personas):
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, small, sort="checkin", dir="desc")
    # 13:05 UTC is 14:05 in Stockholm.
    assert '<time datetime="2025-12-07T14:05:00+01:00" title="7 december 2025 14:05">' in html
    assert ">7 dec 14:05</time>" in html
    assert ">3 dec 10:00</time>" in html  # Bertil registered on the third


def test_filters_keep_the_order_and_the_order_keeps_the_filters(small, personas):
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, small, q="a", status="confirmed", sort="name", dir="desc")
    assert names(html) == ["Dagny Dahl", "Cecilia Carlsson", "Bertil Berg"]
    rows = html.split('id="registrations"')[1]
    # The header links keep the filters (and drop the old order).
    assert 'href="?q=a&amp;status=confirmed&amp;sort=organisation&amp;dir=asc"' in rows
    # The filter form submits the order with it (inputs tied to the form by its id).
    assert 'id="registration-filters"' in html
    assert '<input type="hidden" name="sort" value="name" form="registration-filters">' in rows
    assert '<input type="hidden" name="dir" value="desc" form="registration-filters">' in rows
    # In the default order there is nothing to keep.
    assert 'form="registration-filters"' not in registrations_html(web, small, q="a")


def test_htmx_fragment_is_sorted_too(small, personas):
    web = personas.web(personas.city_coordinator)
    response = web.get(
        f"/events/{small.pk}/",
        {"sort": "name"},
        headers={"HX-Request": "true", "HX-Target": "registrations"},
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="registrations"') and "<html" not in text
    assert ROW_NAME.findall(text)[0] == "alva andersson"


# ---- Paging ----------------------------------------------------------------------------------


def many(event, organisation, n, prefix):
    for i in range(n):
        register(event, organisation, name=f"{prefix} {i:03}")


def test_pages_of_fifty_with_links_that_keep_filters_and_order(event, personas):
    many(event, personas.org_a, 120, "Anna")
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, event)
    assert names(html) == [f"Anna {i:03}" for i in range(PAGE_SIZE)]
    nav = html.split('<nav class="pagination" aria-label="Sidor">')[1].split("</nav>")[0]
    assert 'aria-current="page"' in nav and nav.count("aria-current") == 1
    assert re.search(r'href="\?page=1" aria-current="page"', nav)
    assert 'href="?page=3"' in nav and "Nästa sida" in nav and "Föregående sida" not in nav
    html = registrations_html(web, event, page="2")
    assert names(html) == [f"Anna {i:03}" for i in range(PAGE_SIZE, 2 * PAGE_SIZE)]
    assert "120 anmälningar, sida 2 av 3" in html
    # Sorted and filtered: the page links keep both.
    html = registrations_html(web, event, q="Anna", sort="name", dir="desc", page="2")
    assert names(html)[0] == f"Anna {119 - PAGE_SIZE:03}"
    assert 'href="?q=Anna&amp;sort=name&amp;dir=desc&amp;page=3"' in html
    assert 'href="?q=Anna&amp;sort=name&amp;dir=desc&amp;page=2" aria-current="page"' in html
    # Bad page numbers give a page, never an error.
    for bad in ["0", "-1", "x", "99", "9" * 30]:
        assert names(registrations_html(web, event, page=bad))


def test_queries_do_not_grow_with_the_list(event, personas, django_assert_max_num_queries):
    """The queries of a page with 5 registrations bound those of every page with 120, in
    every order, for a city coordinator and an org coordinator."""
    many(event, personas.org_a, 3, "Anna")
    many(event, personas.org_b, 2, "Bo")
    orders = [{}, {"sort": "organisation", "dir": "desc"}, {"sort": "status"}, {"sort": "checkin"}]
    webs = [personas.web(user) for user in (personas.city_coordinator, personas.coordinator_a)]
    counts = []
    for web in webs:
        web.get(f"/events/{event.pk}/")  # the session and the like, once
        for params in orders:
            with CaptureQueriesContext(connection) as queries:
                assert web.get(f"/events/{event.pk}/", params).status_code == 200
            counts.append(len(queries))
    many(event, personas.org_a, 60, "Anna")
    many(event, personas.org_b, 55, "Bo")
    assert Registration.objects.filter(event=event).count() == 120
    expected = iter(counts)
    for web in webs:
        for params in orders:
            count = next(expected)
            for page in ("1", "2", "3"):
                with django_assert_max_num_queries(count):
                    response = web.get(f"/events/{event.pk}/", {**params, "page": page})
                assert response.status_code == 200


# ---- Scoping ---------------------------------------------------------------------------------


def test_org_coordinator_sees_only_their_subtree_in_every_order_and_page(event, personas):
    many(event, personas.org_a, 40, "Anna")
    many(event, personas.unit_a, 20, "Enhet")
    many(event, personas.org_b, 40, "Bo")
    web = personas.web(personas.coordinator_a)
    for sort in REGISTRATION_SORTS:
        for direction in ("asc", "desc"):
            seen = []
            for page in ("1", "2"):
                html = registrations_html(web, event, sort=sort, dir=direction, page=page)
                seen += names(html)
                assert "60 anmälningar" in html
                assert "Förvaltning B" not in html.split('id="registrations"')[1]
            assert len(seen) == len(set(seen)) == 60, (sort, direction)
            assert not [name for name in seen if name.startswith("Bo ")]
    # Asking for the other organisation gives nothing.
    html = registrations_html(web, event, organisation=personas.org_b.pk, sort="organisation")
    assert not [name for name in names(html) if name.startswith("Bo ")]
    # The city coordinator sees everyone.
    html = registrations_html(personas.web(personas.city_coordinator), event, sort="name")
    assert "100 anmälningar" in html


def test_long_lists_elide_the_middle_page_links(event, personas, monkeypatch):
    monkeypatch.setattr("jamlik.events.selectors.registrations.PAGE_SIZE", 5)
    many(event, personas.org_a, 120, "Anna")
    web = personas.web(personas.city_coordinator)
    html = registrations_html(web, event, page="12", sort="name")
    nav = html.split('<nav class="pagination" aria-label="Sidor">')[1].split("</nav>")[0]
    numbers = re.findall(r'page=(\d+)"[^>]*>(\d+)</a>', nav)
    assert [int(text) for _, text in numbers] == [1, 9, 10, 11, 12, 13, 14, 15, 24]
    assert nav.count('<span aria-hidden="true">…</span>') == 2
    assert 'href="?sort=name&amp;dir=asc&amp;page=12" aria-current="page"' in nav
    assert 'aria-label="Sida 13"' in nav and "sida 12 av 24" in html
