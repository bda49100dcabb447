"""Template tags of the links page's failed-mail notes (``selectors.radar``): the page's
view stays as it is, and the template asks for the failures of the user's scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from jamlik.events.selectors.radar import failed_mailbox_mail

register = template.Library()


@register.simple_tag(takes_context=True)
def mailbox_failures(context: Any, event: Any) -> dict[int, datetime]:
    """``{% mailbox_failures event as failures %}``: when mail to each organisation's mailbox
    last failed, by organisation id, within the requesting user's scope. One query."""
    request = context.get("request")
    return failed_mailbox_mail(user=getattr(request, "user", None), event=event)


@register.filter
def failure_of(failures: Any, organisation_id: Any) -> datetime | None:
    return failures.get(organisation_id) if isinstance(failures, dict) else None
