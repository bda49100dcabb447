"""Template filters of every page (``{% load site %}``)."""

from __future__ import annotations

from django import template

register = template.Library()

SITE_NAME = "Jämlik"


@register.filter
def page_title(title: str) -> str:
    """The document title: the page's own title, a dash and the site's name ("Din anmälan –
    Jämlik"), or the site's name alone for a page without one."""
    title = " ".join(str(title).split())
    return f"{title} – {SITE_NAME}" if title else SITE_NAME
