"""Campaigns: creating them with one response per unit, changing them, naming the
respondents; invitations and reminders through the outbox."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jamlik.assessments import policies
from jamlik.assessments.inputs import (
    CampaignInput,
    CampaignPatch,
    RespondentsIn,
    closing_message,
)
from jamlik.assessments.models import (
    Campaign,
    CampaignStatus,
    Framework,
    Response,
    ResponseStatus,
)
from jamlik.assessments.services.common import (
    NotOpen,
    lock_response,
    require_in_scope,
)
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid
from jamlik.core.scoping import scope_for
from jamlik.notifications.services import mail_enqueue
from jamlik.orgs.models import Kind, Organisation

logger = logging.getLogger(__name__)


# ---- Campaigns ---------------------------------------------------------------------------


def campaign_units(
    organisations: Iterable[Organisation], *, on: dt.date | None = None
) -> list[tuple[Organisation, Organisation]]:
    """The (unit, named organisation) pairs of a campaign's scope (docs/rules.md#assessments-campaign-scope): every unit in the
    subtree of each named organisation; a named organisation without units answers for
    itself. A unit under two named organisations counts under the deeper one. Units no
    longer (or not yet) valid on ``on`` are left out."""
    named = sorted({o.pk: o for o in organisations}.values(), key=lambda o: -o.depth)
    if not named:
        return []
    prefix = Q()
    for org in named:
        prefix |= Q(path__startswith=org.path)
    units = Organisation.objects.filter(prefix, kind=Kind.UNIT).order_by("path")
    if on is not None:
        units = units.exclude(valid_to__lt=on).exclude(valid_from__gt=on)
    pairs: dict[int, tuple[Organisation, Organisation]] = {}
    found_under: set[int] = set()
    for unit in units:
        owner = next(org for org in named if unit.path.startswith(org.path))
        pairs[unit.pk] = (unit, owner)
        found_under.update(org.pk for org in named if unit.path.startswith(org.path))
    for org in named:
        if org.pk not in found_under and org.pk not in pairs:
            pairs[org.pk] = (org, org)
    return sorted(pairs.values(), key=lambda pair: pair[0].path)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    framework: Framework,
    organisations: Sequence[Organisation],
    data: CampaignInput | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Campaign:
    """Create a campaign and one response per unit of its scope from ``data`` (or the
    keyword arguments): title, opens_at, closes_at, reminder_interval_days. Dates may lie in
    the past (a campaign run on paper can be entered afterwards)."""
    if actor is not None:
        policies.require(policies.may_manage_campaigns, actor)
    payload = CampaignInput.take(data, **fields)
    title, opens_at, closes_at = payload.title, payload.opens_at, payload.closes_at
    if not organisations:
        raise Invalid.field("organisations", _("Name at least one organisation."))
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    pairs = campaign_units(organisations, on=timezone.localdate(opens_at))
    if not pairs:
        raise Invalid.field("organisations", _("The organisations have no units to answer."))
    campaign = Campaign.objects.create(
        title=title,
        framework=framework,
        opens_at=opens_at,
        closes_at=closes_at,
        reminder_interval_days=payload.reminder_interval_days,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    campaign.organisations.set(list({o.pk: o for o in organisations}.values()))
    Response.objects.bulk_create(
        [Response(campaign=campaign, unit=unit, organisation=owner) for unit, owner in pairs],
        batch_size=500,
    )
    if framework.locked_at is None:
        framework.locked_at = timezone.now()
        framework.save(update_fields=["locked_at"])
    audit_log(
        actor=actor,
        action="assessments.campaign.created",
        obj=campaign,
        new={
            "title": title,
            "framework": framework.pk,
            "organisations": sorted(o.pk for o in organisations),
            "responses": len(pairs),
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    data: CampaignPatch | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Campaign:
    """Change the title, dates or reminder interval; the scope and framework stay."""
    if actor is not None:
        policies.require(policies.may_manage_campaigns, actor)
    payload = CampaignPatch.take(data, **fields)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = _campaign_snapshot(campaign)
    for name, value in payload.changes().items():
        setattr(campaign, name, value)
    if campaign.closes_at <= campaign.opens_at:
        # One date sent: its order with the stored other one needs the campaign.
        raise Invalid.field("closes_at", closing_message())
    campaign.save()
    old, new = changes(before, _campaign_snapshot(campaign))
    if new:
        audit_log(
            actor=actor, action="assessments.campaign.updated", obj=campaign, old=old, new=new
        )
    invited = campaign.responses.filter(invited_at__isnull=False)
    if "reminder_interval_days" in new and invited.exists():
        # A new chain at the new interval; the old one stops at its next run.
        transaction.on_commit(lambda: schedule_reminders(campaign.pk))
    return campaign


def _campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return snapshot(campaign, ("title", "opens_at", "closes_at", "reminder_interval_days"))


@transaction.atomic
def response_respondents_set(
    *,
    actor: Any,
    response: Response,
    emails: Sequence[str] | None = None,
    data: RespondentsIn | Mapping[str, Any] | None = None,
) -> Response:
    """Name the e-mail addresses that get the unit's invitation and reminders (``emails``,
    or ``data.respondents``)."""
    if actor is not None:
        policies.require(policies.may_set_respondents, actor)
    payload = RespondentsIn.take(data, **({} if emails is None else {"respondents": emails}))
    response = lock_response(response)
    require_in_scope(actor, response.unit)
    cleaned: list[str] = []
    for address in payload.respondents:
        if address.lower() not in {a.lower() for a in cleaned}:
            cleaned.append(address)
    old = list(response.respondents)
    response.respondents = cleaned
    response.save(update_fields=["respondents", "updated_at"])
    audit_log(
        actor=actor,
        action="assessments.response.respondents_set",
        obj=response,
        old={"respondents": len(old)},
        new={"respondents": len(cleaned)},
    )
    return response


# ---- Invitations and reminders ------------------------------------------------------------


def _mailboxes() -> dict[int, str]:
    return dict(Organisation.objects.exclude(mailbox="").values_list("pk", "mailbox"))


def response_recipients(response: Response, mailboxes: dict[int, str] | None = None) -> list[str]:
    """Who gets a unit's mail: its named respondents, else the unit's functional mailbox,
    else the nearest organisation above it that has one."""
    if response.respondents:
        return list(response.respondents)
    mailboxes = _mailboxes() if mailboxes is None else mailboxes
    for pk in reversed([int(p) for p in response.unit.path.strip("/").split("/") if p]):
        if mailboxes.get(pk):
            return [mailboxes[pk]]
    return []


def _mail_response(response: Response, *, kind: str, mailboxes: dict[int, str]) -> int:
    recipients = response_recipients(response, mailboxes)
    context = {
        "campaign": response.campaign,
        "unit": response.unit,
        "url": response.respondent_url,
        "status": response.status,
    }
    for address in recipients:
        mail_enqueue(
            kind=f"assessments.{kind}",
            to=address,
            template=f"assessments/email/{kind}",
            context=context,
            about=f"assessments.response:{response.pk}",
        )
    return len(recipients)


@transaction.atomic
def campaign_invite(
    *, actor: Any, campaign: Campaign, organisations: Sequence[Organisation] | None = None
) -> int:
    """Mail the respondent link to every unit that has not submitted (within ``organisations``
    when given, and within the actor's scope); returns the number of messages queued."""
    if actor is not None:
        policies.require(policies.may_invite, actor)
    now = timezone.now()
    if campaign.status_at(now) == CampaignStatus.CLOSED:
        raise NotOpen(_("The campaign is closed."))
    responses = _unsubmitted(campaign, actor=actor, organisations=organisations)
    mailboxes = _mailboxes()
    sent = 0
    invited = []
    for response in responses:
        sent += _mail_response(response, kind="invitation", mailboxes=mailboxes)
        invited.append(response.pk)
    Response.objects.filter(pk__in=invited).update(invited_at=now)
    audit_log(
        actor=actor,
        action="assessments.campaign.invited",
        obj=campaign,
        new={"units": len(invited), "messages": sent},
    )
    transaction.on_commit(lambda: schedule_reminders(campaign.pk))
    return sent


def _unsubmitted(
    campaign: Campaign, *, actor: Any, organisations: Sequence[Organisation] | None = None
):
    responses = (
        Response.objects.select_for_update(of=("self",))
        .select_related("campaign", "unit")
        .filter(campaign=campaign)
        .exclude(status=ResponseStatus.SUBMITTED)
    )
    if actor is not None:
        responses = scope_for(actor).filter(responses, via="unit")
    if organisations:
        within = Q()
        for org in organisations:
            within |= Q(unit__path__startswith=org.path)
        responses = responses.filter(within)
    return responses.order_by("pk")


@transaction.atomic
def campaign_remind(*, actor: Any, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Remind the invited units that have not submitted, at most once per unit per the
    campaign's interval; returns the number of messages queued."""
    if actor is not None:
        policies.require(policies.may_remind, actor)
    now = now or timezone.now()
    if campaign.reminder_interval_days == 0 or campaign.status_at(now) != CampaignStatus.OPEN:
        return 0
    cutoff = now - dt.timedelta(days=campaign.reminder_interval_days)
    due = _unsubmitted(campaign, actor=actor).filter(
        Q(reminded_at__isnull=True, invited_at__lte=cutoff) | Q(reminded_at__lte=cutoff)
    )
    mailboxes = _mailboxes()
    sent = 0
    reminded = []
    for response in due:
        sent += _mail_response(response, kind="reminder", mailboxes=mailboxes)
        reminded.append(response.pk)
    if reminded:
        Response.objects.filter(pk__in=reminded).update(reminded_at=now)
        audit_log(
            actor=actor,
            action="assessments.campaign.reminded",
            obj=campaign,
            new={"units": len(reminded), "messages": sent},
        )
    return sent


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Send the due reminders of every open campaign (the worker's and cron's entry)."""
    now = now or timezone.now()
    sent = 0
    open_campaigns = Campaign.objects.filter(
        opens_at__lte=now, closes_at__gt=now, reminder_interval_days__gt=0
    )
    for campaign in open_campaigns:
        sent += campaign_remind(actor=None, campaign=campaign, now=now)
    return sent


@task()
def send_campaign_reminders(campaign_id: int, token: str) -> int:
    """One campaign's reminders, rescheduling itself each interval while it is open (queued
    by ``schedule_reminders``, so it lives here: the import goes one way)."""
    return campaign_reminder_run(campaign_id=campaign_id, token=token)


def schedule_reminders(campaign_id: int, *, token: str | None = None) -> bool:
    """Let the worker remind this campaign's units one interval from now, and again each
    interval while the campaign is open (``campaign_reminder_run``). One chain per campaign:
    a new schedule replaces the token, and a task whose token is no longer the campaign's
    stops. Needs a task backend that runs deferred tasks (the database backend); elsewhere
    `jamlik campaigns remind` from cron does the same. Returns whether a task was queued."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    now = timezone.now()
    if campaign is None or campaign.reminder_interval_days <= 0 or now >= campaign.closes_at:
        return False
    try:
        if not send_campaign_reminders.get_backend().supports_defer:
            return False
        token = token or secrets.token_hex(8)
        Campaign.objects.filter(pk=campaign_id).update(reminder_job=token)
        run_after = now + dt.timedelta(days=campaign.reminder_interval_days, minutes=1)
        send_campaign_reminders.using(run_after=run_after).enqueue(campaign_id, token)
    except Exception:  # the command `jamlik campaigns remind` still finds them
        logger.exception("could not schedule reminders for campaign %s", campaign_id)
        return False
    return True


def campaign_reminder_run(*, campaign_id: int, token: str) -> int:
    """One link of a campaign's reminder chain: remind the due units, then schedule the
    next link while the campaign is open. A stale token (a newer chain exists) does
    nothing."""
    campaign = Campaign.objects.filter(pk=campaign_id, reminder_job=token).first()
    if campaign is None:
        return 0
    sent = campaign_remind(actor=None, campaign=campaign)
    transaction.on_commit(lambda: schedule_reminders(campaign_id, token=token))
    return sent
