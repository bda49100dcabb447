"""Document titles read "<page> – Jämlik" (a screen reader announces them first)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jamlik.core.templatetags.site import page_title

pytestmark = pytest.mark.django_db


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_a_page_title_is_followed_by_a_dash_and_the_site_name():
    assert title_of(Client().get("/login/").content.decode()) == "Logga in – Jämlik"


def test_whitespace_is_collapsed_and_an_empty_title_is_the_site_name():
    assert page_title("  Din\n  anmälan ") == "Din anmälan – Jämlik"
    assert page_title("") == "Jämlik"
