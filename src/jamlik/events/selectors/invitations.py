"""Reads of named invitations: an event's list and its counts per organisation (scoped: an org
coordinator sees the invitations of their subtree only), and an invitation by its token (the
invitee's page). A fixed number of queries, however many invitations there are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from jamlik.core.errors import NotFound
from jamlik.core.scoping import scope_for
from jamlik.events import invitations
from jamlik.events.models import ACTIVE_STATUSES, Event, Invitation, InvitationStatus
from jamlik.events.selectors._common import PUBLIC_STATUSES, _is_token

_REGISTERED = Q(status=InvitationStatus.REGISTERED, registration__status__in=ACTIVE_STATUSES)
_DECLINED = Q(status=InvitationStatus.DECLINED) | (
    Q(status=InvitationStatus.REGISTERED) & ~Q(registration__status__in=ACTIVE_STATUSES)
)
_NOT_ANSWERED = Q(status=InvitationStatus.INVITED)
ANSWER_FILTERS = {
    invitations.REGISTERED: _REGISTERED,
    invitations.DECLINED: _DECLINED,
    invitations.NOT_ANSWERED: _NOT_ANSWERED,
}


def invitation_list(
    *, user: Any, event: Event, organisation: Any = None, answer: str | None = None
) -> QuerySet[Invitation]:
    """The event's invitations the user may see, by organisation and name; ``organisation``
    (an instance) narrows to it and the units below it, ``answer`` to one of
    ``invitations.ANSWERS``."""
    found = scope_for(user).filter(Invitation.objects.filter(event=event), via="organisation")
    if organisation is not None:
        found = found.filter(organisation__path__startswith=organisation.path)
    if answer:
        if answer not in ANSWER_FILTERS:
            return found.none()
        found = found.filter(ANSWER_FILTERS[answer])
    return found.select_related("organisation", "registration").order_by(
        "organisation__name", "name", "email", "id"
    )


def invitation_get(*, user: Any, event: Event, pk: Any) -> Invitation:
    found = invitation_list(user=user, event=event).filter(pk=pk).first() if _is_pk(pk) else None
    if found is None:
        raise NotFound()
    return found


def _is_pk(value: Any) -> bool:
    return isinstance(value, int) and 0 < value <= 2**63 - 1


def answer(invitation: Invitation) -> str:
    """The invitee's answer (``invitations.answer_of``) of a listed invitation."""
    registration = invitation.registration
    return invitations.answer_of(
        invitation.status, registration.status if registration is not None else None
    )


@dataclass(frozen=True)
class InvitationCounts:
    organisation: Any  # None: invitations without an organisation
    invited: int
    registered: int
    declined: int
    not_answered: int


def invitation_counts(*, user: Any, event: Event) -> list[InvitationCounts]:
    """Invited, registered, declined and not answered per organisation (by name), in two
    queries; the totals are ``invitation_totals`` of these rows."""
    from jamlik.orgs.models import Organisation

    scoped = scope_for(user).filter(Invitation.objects.filter(event=event), via="organisation")
    rows = list(
        scoped.values("organisation_id")
        .annotate(
            invited=Count("id"),
            registered=Count("id", filter=_REGISTERED),
            declined=Count("id", filter=_DECLINED),
            not_answered=Count("id", filter=_NOT_ANSWERED),
        )
        .order_by("organisation_id")
    )
    ids = [r["organisation_id"] for r in rows if r["organisation_id"] is not None]
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    counts = [
        InvitationCounts(
            organisation=organisations.get(r["organisation_id"]),
            invited=r["invited"],
            registered=r["registered"],
            declined=r["declined"],
            not_answered=r["not_answered"],
        )
        for r in rows
    ]
    return sorted(
        counts, key=lambda c: (c.organisation is None, str(getattr(c.organisation, "name", "")))
    )


def invitation_totals(counts: list[InvitationCounts]) -> InvitationCounts:
    return InvitationCounts(
        organisation=None,
        invited=sum(c.invited for c in counts),
        registered=sum(c.registered for c in counts),
        declined=sum(c.declined for c in counts),
        not_answered=sum(c.not_answered for c in counts),
    )


def invitation_by_token(token: str) -> Invitation:
    """The invitation of a token, with its event (published, closed or archived) and
    organisation; 404 for anything else."""
    if not _is_token(token):
        raise NotFound()
    found = (
        Invitation.objects.select_related("event", "organisation", "registration")
        .filter(token=token, event__status__in=PUBLIC_STATUSES)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def invitation_can_register(invitation: Invitation) -> bool:
    """Whether the invitation's link takes a registration now: not registered through it
    yet, and the seat rules of a registration through a link would take one."""
    from jamlik.events.selectors.events import seats_for_visitor

    if answer(invitation) == invitations.REGISTERED:
        return False
    return seats_for_visitor(invitation.event, invitation.organisation).options.can_register


def invitation_can_decline(invitation: Invitation) -> bool:
    registration = invitation.registration
    return invitations.may_decline(
        invitation.status, registration.status if registration is not None else None
    )
