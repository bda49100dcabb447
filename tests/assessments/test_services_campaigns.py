"""Campaigns: scope → responses, dates, invitations and reminders through the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from jamlik.assessments import services
from jamlik.assessments.models import Response, ResponseStatus
from jamlik.core.errors import Forbidden, Invalid
from jamlik.notifications.models import OutboxMessage
from tests.factories import assessments as f
from tests.factories.orgs import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_one_response_per_unit_under_the_named_organisations(personas):
    extra = UnitFactory(parent=personas.org_a, name="Enhet A2")
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    responses = {r.unit_id: r for r in campaign.responses.all()}
    assert set(responses) == {personas.unit_a.pk, extra.pk, personas.unit_b.pk}
    assert responses[personas.unit_a.pk].organisation_id == personas.org_a.pk
    assert responses[personas.unit_b.pk].organisation_id == personas.org_b.pk
    assert all(r.status == ResponseStatus.NOT_STARTED for r in responses.values())
    tokens = [r.token for r in responses.values()]
    assert len(set(tokens)) == 3 and all(len(t) >= 43 for t in tokens)  # 256 bits


def test_organisation_without_units_answers_for_itself(personas):
    lonely = OrganisationFactory(parent=personas.city, name="Förvaltning utan enheter")
    campaign = f.campaign(organisations=[lonely, personas.org_a])
    units = set(campaign.responses.values_list("unit_id", "organisation_id"))
    assert units == {(lonely.pk, lonely.pk), (personas.unit_a.pk, personas.org_a.pk)}


def test_overlapping_organisations_count_each_unit_once_under_the_deeper(personas):
    campaign = f.campaign(organisations=[personas.city, personas.org_a])
    rows = dict(campaign.responses.values_list("unit_id", "organisation_id"))
    assert rows == {personas.unit_a.pk: personas.org_a.pk, personas.unit_b.pk: personas.city.pk}


def test_units_closed_before_the_campaign_are_left_out(personas):
    UnitFactory(parent=personas.org_a, valid_to=dt.date(2000, 1, 1), valid_from=dt.date(1990, 1, 1))
    campaign = f.campaign(organisations=[personas.org_a])
    assert list(campaign.responses.values_list("unit_id", flat=True)) == [personas.unit_a.pk]


def test_campaign_locks_its_framework(personas):
    framework = f.framework()
    assert not framework.locked
    f.campaign(organisations=[personas.org_a], fw=framework)
    framework.refresh_from_db()
    assert framework.locked


def test_dates_must_be_in_order(personas):
    now = timezone.now()
    with pytest.raises(Invalid) as info:
        f.campaign(organisations=[personas.org_a], opens_at=now, closes_at=now)
    assert info.value.errors[0]["field"] == "closes_at"
    with pytest.raises(Invalid):
        f.campaign(organisations=[])
    with pytest.raises(Invalid):
        services.campaign_create(
            actor=None,
            title="  ",
            framework=f.framework(),
            organisations=[personas.org_a],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
        )


def test_only_city_coordinators_create_campaigns(personas):
    now = timezone.now()
    with pytest.raises(Forbidden):
        services.campaign_create(
            actor=personas.coordinator_a,
            title="Egen",
            framework=f.framework(),
            organisations=[personas.org_a],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
        )
    campaign = services.campaign_create(
        actor=personas.city_coordinator,
        title="Stadens",
        framework=f.framework(),
        organisations=[personas.org_a],
        opens_at=now,
        closes_at=now + dt.timedelta(days=1),
    )
    assert campaign.created_by == personas.city_coordinator


def test_invitations_go_to_respondents_or_the_nearest_mailbox(
    personas, django_capture_on_commit_callbacks
):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    response_a = campaign.responses.get(unit=personas.unit_a)
    services.response_respondents_set(
        actor=personas.coordinator_a,
        response=response_a,
        emails=["chef.a1@a.example", "CHEF.A1@a.example", "hr@a.example"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.campaign_invite(actor=personas.city_coordinator, campaign=campaign)
    assert sent == 3
    recipients = sorted(m.to[0] for m in mail.outbox)
    # Unit B1 has no mailbox and no respondents: its administration's mailbox gets it.
    assert recipients == ["brevlada@b.example", "chef.a1@a.example", "hr@a.example"]
    message = next(m for m in mail.outbox if m.to == ["brevlada@b.example"])
    token = campaign.responses.get(unit=personas.unit_b).token
    assert f"/s/{token}" in message.body
    assert "Enhet B1" in message.body
    assert "personuppgifter" in message.body
    assert campaign.responses.filter(invited_at__isnull=False).count() == 2


def test_org_coordinator_invites_own_units_only(personas, django_capture_on_commit_callbacks):
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_invite(actor=personas.coordinator_a, campaign=campaign)
    assert [m.to for m in mail.outbox] == [["brevlada@a.example"]]


def test_reminders_only_to_unsubmitted_and_once_per_interval(
    personas, django_capture_on_commit_callbacks
):
    other = UnitFactory(parent=personas.org_a, name="Enhet A2", mailbox="a2@a.example")
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], reminder_interval_days=7)
    start = timezone.now()
    services.campaign_invite(actor=None, campaign=campaign)
    f.submit(campaign.responses.get(unit=personas.unit_a))
    f.answer(campaign.responses.get(unit=other), {"r1": "yes"})  # a draft still gets reminded

    def reminders():
        return sorted(
            OutboxMessage.objects.filter(kind="assessments.reminder").values_list("to", flat=True)
        )

    # Not yet: the interval has not passed since the invitation.
    assert services.reminders_send_due(now=start + dt.timedelta(days=3)) == 0
    assert services.reminders_send_due(now=start + dt.timedelta(days=7, minutes=1)) == 2
    assert reminders() == ["a2@a.example", "brevlada@b.example"]
    # Running again within the interval sends nothing more.
    assert services.reminders_send_due(now=start + dt.timedelta(days=8)) == 0
    assert services.reminders_send_due(now=start + dt.timedelta(days=14)) == 0
    f.submit(campaign.responses.get(unit=other))
    assert services.reminders_send_due(now=start + dt.timedelta(days=14, minutes=2)) == 1
    assert reminders() == ["a2@a.example", "brevlada@b.example", "brevlada@b.example"]


def test_no_reminders_for_closed_or_uninvited_or_interval_zero(personas):
    campaign = f.campaign(organisations=[personas.org_a], reminder_interval_days=0)
    services.campaign_invite(actor=None, campaign=campaign)
    later = timezone.now() + dt.timedelta(days=20)
    assert services.campaign_remind(actor=None, campaign=campaign, now=later) == 0
    uninvited = f.campaign(organisations=[personas.org_b], reminder_interval_days=1)
    assert services.campaign_remind(actor=None, campaign=uninvited, now=later) == 0
    services.campaign_invite(actor=None, campaign=uninvited)
    after_close = timezone.now() + dt.timedelta(days=40)
    assert services.campaign_remind(actor=None, campaign=uninvited, now=after_close) == 0


def test_remind_command(personas, capsys):
    from django.core.management import call_command

    call_command("campaigns", "remind")
    assert "0 reminder(s) queued." in capsys.readouterr().out


def test_respondent_addresses_are_validated(personas):
    campaign = f.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    with pytest.raises(Invalid) as info:
        services.response_respondents_set(
            actor=personas.coordinator_a, response=response, emails=["ok@a.example", "inte en"]
        )
    assert info.value.errors[0]["field"] == "respondents.1"
    assert Response.objects.get(pk=response.pk).respondents == []


def test_campaign_update_checks_dates(personas):
    campaign = f.campaign(organisations=[personas.org_a])
    with pytest.raises(Invalid):
        services.campaign_update(actor=None, campaign=campaign, closes_at=campaign.opens_at)
    updated = services.campaign_update(
        actor=personas.city_coordinator,
        campaign=campaign,
        title="Ny titel",
        reminder_interval_days=3,
    )
    assert (updated.title, updated.reminder_interval_days) == ("Ny titel", 3)
    with pytest.raises(Forbidden):
        services.campaign_update(actor=personas.coordinator_a, campaign=campaign, title="x")


def test_reminder_chain_with_a_deferring_backend(
    personas, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    from jamlik.assessments.models import Campaign

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    campaign = f.campaign(organisations=[personas.org_a], reminder_interval_days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_invite(actor=None, campaign=campaign)
    token = Campaign.objects.get(pk=campaign.pk).reminder_job
    assert len(token) == 16

    def links():
        return [
            r for r in default_task_backend.results
            if r.task.func.__name__ == "send_campaign_reminders"
        ]  # fmt: skip

    queued = links()
    assert queued[-1].args == [campaign.pk, token]
    assert queued[-1].task.run_after > timezone.now() + dt.timedelta(days=3)
    # The link runs: nothing due yet (invited just now), and it queues the next link.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_reminder_run(campaign_id=campaign.pk, token=token) == 0
    assert len(links()) == 2
    # A stale chain stops.
    assert services.campaign_reminder_run(campaign_id=campaign.pk, token="old") == 0
    assert len(links()) == 2
    Response.objects.filter(campaign=campaign).update(
        invited_at=timezone.now() - dt.timedelta(days=4)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_reminder_run(campaign_id=campaign.pk, token=token) == 1
    default_task_backend.clear()
