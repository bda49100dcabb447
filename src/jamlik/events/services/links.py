"""Organisation links: ensure, regenerate, revoke, send by mail; the lost-link request."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import Invalid, RateLimited
from jamlik.core.ratelimit import rate_limit_hit, window_remaining
from jamlik.core.schemas import organisation_refs
from jamlik.core.scoping import scope_for
from jamlik.events import clock, policies
from jamlik.events.inputs import LinksSendIn, LinksSendSelectionIn, LostLinkRequest
from jamlik.events.models import (
    AllocationMember,
    Event,
    OrganisationLink,
)
from jamlik.events.services import mail

LOST_LINK_PER_ADDRESS = 5
LOST_LINK_PER_CLIENT = 30


# ---- Links ----------------------------------------------------------------------------------------


def link_ensure(*, event: Event, organisation: Any) -> OrganisationLink:
    """The organisation's active link for the event, made when missing."""
    link = OrganisationLink.objects.filter(
        event=event, organisation=organisation, revoked_at__isnull=True
    ).first()
    if link is None:
        link = OrganisationLink.objects.create(event=event, organisation=organisation)
    return link


@transaction.atomic
def link_regenerate(*, actor: Any, link: OrganisationLink) -> OrganisationLink:
    """Revoke a link (it stops working at once) and make a new one for the organisation."""
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    link_revoke(actor=actor, link=link)
    fresh = OrganisationLink.objects.create(event_id=link.event_id, organisation=link.organisation)
    audit_log(actor=actor, action="events.link.created", obj=fresh, new={"replaces": link.pk})
    return fresh


@transaction.atomic
def link_revoke(*, actor: Any, link: OrganisationLink) -> OrganisationLink:
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        link.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="events.link.revoked", obj=link, new={"revoked": True})
    return link


@transaction.atomic
def links_send(
    *,
    actor: Any,
    event: Event,
    data: LinksSendIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> list[OrganisationLink]:
    """Mail each organisation's link to its functional mailbox: the ``organisations`` named
    (ids, or the objects), else every organisation in an allocation that the sender may see.
    Organisations without a mailbox are skipped."""
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    organisations = fields.get("organisations")
    if organisations is not None:
        fields["organisations"] = [getattr(o, "pk", o) for o in organisations]
    payload = LinksSendIn.take(data, **fields)
    members = AllocationMember.objects.filter(event=event).select_related("organisation")
    if payload.organisations is not None:
        scope = scope_for(actor) if actor is not None else None
        named = organisation_refs(payload.organisations, field="organisations", scope=scope)
        members = members.filter(organisation_id__in=[o.pk for o in named])
    elif actor is not None:
        members = scope_for(actor).filter(members, via="organisation")
    sent = []
    now = clock.now()
    for member in members.order_by("organisation__name", "organisation_id"):
        organisation = member.organisation
        if not organisation.mailbox:
            continue
        link = link_ensure(event=event, organisation=organisation)
        link.organisation = organisation
        mail.organisation_link(link, event=event)
        link.sent_at = now
        link.save(update_fields=["sent_at"])
        sent.append(link)
    audit_log(
        actor=actor,
        action="events.links.sent",
        obj=event,
        new={"organisations": [link.organisation_id for link in sent]},
    )
    return sent


@dataclass(frozen=True)
class LinkRecipient:
    """One organisation of the event's allocations as the sending sees it: its mailbox
    ("" when it has none: skipped) and its active link (None: one is made when sent)."""

    organisation: Any
    mailbox: str
    link: OrganisationLink | None


@dataclass(frozen=True)
class LinksPreview:
    """The mail of "send the links" as it will be sent (rendered for ``example``, the first
    organisation with a mailbox; None when none has one) and who gets it."""

    recipients: list[LinkRecipient] = field(default_factory=list)
    skipped: list[LinkRecipient] = field(default_factory=list)
    example: LinkRecipient | None = None
    subject: str = ""
    body: str = ""


def _link_recipients(*, actor: Any, event: Event) -> list[LinkRecipient]:
    """Every organisation in an allocation of the event that ``actor`` may send to (all of
    them for the system), by name: the set ``links_send`` sends to when none are named."""
    members = AllocationMember.objects.filter(event=event).select_related("organisation")
    if actor is not None:
        members = scope_for(actor).filter(members, via="organisation")
    links = {
        link.organisation_id: link
        for link in OrganisationLink.objects.filter(event=event, revoked_at__isnull=True)
    }
    return [
        LinkRecipient(m.organisation, m.organisation.mailbox, links.get(m.organisation_id))
        for m in members.order_by("organisation__name", "organisation_id")
    ]


def links_preview(*, actor: Any, event: Event) -> LinksPreview:
    """What "send the links" will send, before anything is sent (nothing is written: an
    organisation without a link yet is shown with the address its new link will have)."""
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    everyone = _link_recipients(actor=actor, event=event)
    recipients = [r for r in everyone if r.mailbox]
    skipped = [r for r in everyone if not r.mailbox]
    if not recipients:
        return LinksPreview(recipients, skipped)
    example = recipients[0]
    subject, body = mail.organisation_link_preview(
        event=event, organisation=example.organisation, link=example.link
    )
    return LinksPreview(recipients, skipped, example, subject, body)


def links_send_selected(
    *, actor: Any, event: Event, data: LinksSendSelectionIn | Mapping[str, Any]
) -> list[OrganisationLink]:
    """Send the links to the organisations chosen on the preview: each must be one of the
    event's allocations that ``actor`` may send to, else nothing is sent (400)."""
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    payload = LinksSendSelectionIn.take(data)
    allowed = {r.organisation.pk for r in _link_recipients(actor=actor, event=event)}
    outside = [pk for pk in payload.organisations if pk not in allowed]
    if outside:
        raise Invalid.field(
            "organisations",
            _("Not in any of this event's allocations: organisation %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in outside)},
        )
    return links_send(actor=actor, event=event, organisations=payload.organisations)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def lost_link_request(*, event: Event, email: Any, client: str) -> OrganisationLink | None:
    """ "Lost your link?": when the address's domain belongs to an organisation with a link for
    the event (its own or its nearest ancestor's), mail that link to the address. The caller
    answers the same whatever this returns. Rate-limited per address and per client (429)."""
    from jamlik.orgs.selectors import organisation_for_email

    email = LostLinkRequest.take(email=email).email
    window = timedelta(hours=1)
    if not rate_limit_hit(
        key=f"events.lost_link.client:{_digest(client)}", limit=LOST_LINK_PER_CLIENT, window=window
    ) or not rate_limit_hit(
        key=f"events.lost_link.address:{_digest(email.lower())}",
        limit=LOST_LINK_PER_ADDRESS,
        window=window,
    ):
        raise RateLimited(retry_after=window_remaining(window))
    organisation = organisation_for_email(email)
    if organisation is None:
        return None
    chain = [int(p) for p in organisation.path.strip("/").split("/") if p]
    links = {
        link.organisation_id: link
        for link in OrganisationLink.objects.filter(
            event=event, organisation_id__in=chain, revoked_at__isnull=True
        ).select_related("organisation")
    }
    link = next((links[o] for o in reversed(chain) if o in links), None)
    if link is None:
        return None
    with transaction.atomic():
        mail.organisation_link(link, event=event, to=email)
    return link
