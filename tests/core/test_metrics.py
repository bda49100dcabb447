"""``/metrics``: who may read it (a bearer token or an allowed address, everyone else the
ordinary 404), what it says (requests by URL pattern, registrations, the outbox, the task
queue, the worker's heartbeats, the wait for the seat lock), in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from jamlik.core import metrics
from jamlik.core.models import WorkerHeartbeat
from jamlik.events import services
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.services import deliver_message
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


def scrape(client: Client | None = None, **extra) -> str:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(body: str, name: str, **labels: str) -> float | None:
    return samples(body).get((name, tuple(sorted(labels.items()))))


def open_event(personas, capacity: int = 10):
    event = EventFactory(capacity=capacity, quota_lock_until=None)
    AllocationFactory(event=event, quota=capacity, organisations=[personas.org_a])
    return event


# ---- Access -----------------------------------------------------------------------------------


def test_local_address_may_scrape_by_default():
    assert "jamlik_registrations" in scrape()


def test_other_addresses_get_the_ordinary_404(client):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 404
    assert b"jamlik_" not in response.content
    unknown = client.get("/no-such-page", REMOTE_ADDR=OUTSIDE)
    assert [t.name for t in response.templates] == [t.name for t in unknown.templates]


def test_bearer_token_opens_it_from_anywhere(settings, client):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert "jamlik_tasks" in scrape(
        client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer s3cret-metrics-token"
    )
    for wrong in ("Bearer s3cret", "Bearer ", "Basic s3cret-metrics-token", "s3cret-metrics-token"):
        response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=wrong)
        assert response.status_code == 404, wrong


def test_no_token_configured_means_no_token_accepted(settings, client):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_allowed_addresses_and_networks(settings, client):
    settings.METRICS_ALLOWED_IPS = ["192.0.2.7", "10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.8").status_code == 404


def test_address_behind_trusted_proxies(settings, client):
    settings.JAMLIK = {**settings.JAMLIK, "TRUSTED_PROXIES": 1}
    settings.METRICS_ALLOWED_IPS = ["192.0.2.7"]
    proxy = "10.0.0.1"
    ok = client.get("/metrics", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert ok.status_code == 200
    # A client cannot claim the address by prepending it: the proxy appends the real one.
    spoofed = client.get(
        "/metrics", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.7, {OUTSIDE}"
    )
    assert spoofed.status_code == 404


# ---- Requests ---------------------------------------------------------------------------------


def test_requests_are_labelled_by_url_pattern_not_path(personas, client):
    event = open_event(personas)
    token = services.link_ensure(event=event, organisation=personas.org_a).token
    count = "jamlik_http_request_duration_seconds_count"
    labels = [
        {"route": "r/<str:token>", "method": "GET", "status": "2xx"},
        {"route": "r/<str:token>", "method": "GET", "status": "4xx"},
        {"route": "unmatched", "method": "GET", "status": "4xx"},
        {"route": "healthz", "method": "other", "status": "2xx"},
    ]
    before = scrape()
    client.get(f"/r/{token}")
    client.get("/r/not-a-real-token-at-all")
    client.get("/no-such-page")
    client.generic("BREW", "/healthz")
    body = scrape()
    assert token not in body and "not-a-real-token" not in body and "no-such-page" not in body
    for label in labels:
        assert (value(body, count, **label) or 0) - (value(before, count, **label) or 0) == 1
    routes = {
        dict(labels).get("route")
        for (name, labels) in samples(body)
        if name.startswith("jamlik_http_request_duration_seconds")
    }
    assert "metrics" in routes and "r/<str:token>" in routes


# ---- Read at scrape time ------------------------------------------------------------------------


def test_registrations_by_status(personas):
    event = open_event(personas, capacity=3)
    for _ in range(4):  # the fourth waits
        register(event, personas.org_a)
    body = scrape()
    assert value(body, "jamlik_registrations", status="confirmed") == 3
    assert value(body, "jamlik_registrations", status="waiting") == 1
    assert value(body, "jamlik_registrations", status="cancelled") == 0


def test_outbox_counts_and_age_of_the_oldest_queued():
    old = OutboxMessage.objects.create(kind="t", to="a@x.example", subject="s", body_text="b")
    OutboxMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    OutboxMessage.objects.create(kind="t", to="b@x.example", subject="s", body_text="b")
    OutboxMessage.objects.create(
        kind="t", to="c@x.example", subject="s", body_text="b", status="failed"
    )
    OutboxMessage.objects.create(
        kind="t", to="d@x.example", subject="s", body_text="b", status="sent"
    )
    body = scrape()
    assert value(body, "jamlik_outbox_messages", status="queued") == 2
    assert value(body, "jamlik_outbox_messages", status="failed") == 1
    assert 600 <= value(body, "jamlik_outbox_oldest_queued_age_seconds") < 700


def test_empty_outbox_and_queue_say_zero():
    body = scrape()
    assert value(body, "jamlik_outbox_oldest_queued_age_seconds") == 0
    assert value(body, "jamlik_task_queue_lag_seconds") == 0
    assert value(body, "jamlik_metrics_database_up") == 1


def test_task_queue_lag_and_counts(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = deliver_message.enqueue(1)
    deliver_message.enqueue(2)
    later = deliver_message.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(3)
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=90)
    )
    DBTaskResult.objects.filter(pk=later.id).update(
        enqueued_at=timezone.now() - timedelta(hours=5)  # not due: no lag
    )
    body = scrape()
    assert value(body, "jamlik_tasks", status="ready") == 3
    assert value(body, "jamlik_tasks", status="failed") == 0
    assert 90 <= value(body, "jamlik_task_queue_lag_seconds") < 200


def test_lag_of_a_deferred_task_counts_from_its_run_after(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    due = deliver_message.using(run_after=timezone.now() - timedelta(seconds=30)).enqueue(1)
    DBTaskResult.objects.filter(pk=due.id).update(enqueued_at=timezone.now() - timedelta(hours=2))
    assert 30 <= value(scrape(), "jamlik_task_queue_lag_seconds") < 120


def test_worker_heartbeat_age():
    assert value(scrape(), "jamlik_worker_heartbeat_age_seconds", beat="worker") is None
    WorkerHeartbeat.beat(WorkerHeartbeat.WORKER)
    WorkerHeartbeat.objects.update_or_create(
        name=WorkerHeartbeat.TICK, defaults={"last_seen": timezone.now() - timedelta(minutes=5)}
    )
    body = scrape()
    assert value(body, "jamlik_worker_heartbeat_age_seconds", beat="worker") < 60
    assert 300 <= value(body, "jamlik_worker_heartbeat_age_seconds", beat="tick") < 400


def test_scrape_costs_a_fixed_number_of_queries(personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            scrape(client)
        return len(captured)

    empty = queries()
    event = open_event(personas, capacity=5)
    for _ in range(8):
        register(event, personas.org_a)
    for n in range(5):
        deliver_message.enqueue(n)
    WorkerHeartbeat.beat(WorkerHeartbeat.WORKER)
    WorkerHeartbeat.beat(WorkerHeartbeat.TICK)
    assert queries() == empty == 4


def test_database_figures_missing_when_the_database_fails(monkeypatch):
    def fail(self):
        raise OperationalError("connection refused")
        yield  # pragma: no cover

    monkeypatch.setattr(metrics.DatabaseCollector, "_collect", fail)
    body = scrape()
    assert value(body, "jamlik_metrics_database_up") == 0
    assert "jamlik_registrations" not in body
    assert "jamlik_http_request_duration_seconds" in body


def test_multiprocess_mode_reads_the_shared_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    body = scrape()
    # The folder is empty (this process counts in memory): no counted metric, the database
    # figures all the same.
    assert "jamlik_http_request_duration_seconds" not in body
    assert value(body, "jamlik_metrics_database_up") == 1


# ---- The seat lock ------------------------------------------------------------------------------


def test_seat_lock_wait_is_observed_per_seat_decision(personas, client):
    event = open_event(personas)
    before = value(scrape(), "jamlik_seat_lock_wait_seconds_count") or 0
    register(event, personas.org_a)
    token = services.link_ensure(event=event, organisation=personas.org_a).token
    response = client.post(
        f"/api/v1/public/links/{token}/registrations",
        {"name": "Ny Person", "email": "ny@a.example", "category": "employee", "consent": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content[:300]
    body = scrape()
    assert value(body, "jamlik_seat_lock_wait_seconds_count") == before + 2
    assert value(body, "jamlik_seat_lock_wait_seconds_sum") > 0
