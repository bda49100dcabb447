"""Prometheus metrics at ``/metrics`` (prometheus-client).

Two kinds:

- **counted as it happens**, in the process that serves the request: requests by route,
  method and status class with their latency (``MetricsMiddleware``), and the wait for the
  event's row lock in a seat decision (``SEAT_LOCK_WAIT``, observed in
  ``events.services.seats.lock_event``). With several gunicorn workers set
  ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, cleared at every start): each process writes
  its values there and a scrape, served by any one of them, adds them up.
- **read from the database at scrape time** (``DatabaseCollector``), in the scraping process
  only, in a fixed number of queries: registrations by status, the outbox, the task queue and
  the worker's heartbeats.

Labels never carry personal data: a request is labelled with its URL *pattern* (public paths
hold personal tokens), never its path.

Access: ``Authorization: Bearer <METRICS_TOKEN>`` (compared in constant time) or a client
address in ``METRICS_ALLOWED_IPS`` (addresses or networks; the client address as
``core.clientip`` sees it behind ``TRUSTED_PROXIES``). Anyone else gets the ordinary 404.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from jamlik.core.clientip import client_address

logger = logging.getLogger(__name__)

# ---- Counted as it happens ----------------------------------------------------------------

REQUEST_DURATION = Histogram(
    "jamlik_http_request_duration_seconds",
    "Time to answer a request, by URL pattern, method and status class (_count: requests).",
    ["route", "method", "status"],
)
SEAT_LOCK_WAIT = Histogram(
    "jamlik_seat_lock_wait_seconds",
    "Time a seat decision waited for (and spent taking) the event's row lock.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# Any other method is one label value: a client cannot grow the label set.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


def route_of(request: HttpRequest) -> str:
    """The URL pattern the request resolved to (``r/<str:token>``), never the path."""
    match = getattr(request, "resolver_match", None)
    return (match.route or UNMATCHED) if match is not None else UNMATCHED


class MetricsMiddleware:
    """One dictionary look-up and one observation a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.children: dict[tuple[str, str, str], Any] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in METHODS else "other"
        key = (route_of(request), method or "other", f"{response.status_code // 100}xx")
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = REQUEST_DURATION.labels(*key)
        child.observe(elapsed)
        return response


# ---- Read from the database at scrape time ----------------------------------------------------


def _age(at: Any, now: Any) -> float:
    return max(0.0, (now - at).total_seconds())


class DatabaseCollector(Collector):
    """Gauges read from the database when scraped: four queries, whatever the data."""

    def collect(self) -> Iterable[Metric]:
        try:
            metrics = list(self._collect())
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable (%s)", type(exc).__name__)
            metrics = []
        up = GaugeMetricFamily(
            "jamlik_metrics_database_up", "1 when the scrape-time database figures were read."
        )
        up.add_metric([], 1 if metrics else 0)
        return [*metrics, up]

    def _collect(self) -> Iterator[Metric]:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult, get_date_max

        from jamlik.core.models import WorkerHeartbeat
        from jamlik.events.models import Registration, Status
        from jamlik.notifications.models import OutboxMessage, OutboxStatus

        now = timezone.now()

        registrations = GaugeMetricFamily(
            "jamlik_registrations", "Registrations by status.", labels=["status"]
        )
        counted = dict(
            Registration.objects.order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        for status in Status.values:
            registrations.add_metric([status], counted.get(status, 0))
        yield registrations

        outbox = OutboxMessage.objects.order_by().aggregate(
            queued=Count("id", filter=Q(status=OutboxStatus.QUEUED)),
            failed=Count("id", filter=Q(status=OutboxStatus.FAILED)),
            oldest=Min("created_at", filter=Q(status=OutboxStatus.QUEUED)),
        )
        messages = GaugeMetricFamily(
            "jamlik_outbox_messages", "Outbox messages queued or given up.", labels=["status"]
        )
        messages.add_metric(["queued"], outbox["queued"])
        messages.add_metric(["failed"], outbox["failed"])
        yield messages
        oldest = GaugeMetricFamily(
            "jamlik_outbox_oldest_queued_age_seconds",
            "Age of the oldest queued outbox message (0 when none is queued).",
        )
        oldest.add_metric([], _age(outbox["oldest"], now) if outbox["oldest"] else 0.0)
        yield oldest

        never = get_date_max()
        ready = Q(status=TaskResultStatus.READY)
        tasks = DBTaskResult.objects.order_by().aggregate(
            **{
                status.lower(): Count("id", filter=Q(status=status))
                for status in TaskResultStatus.values
            },
            # Due since it was queued (no run_after) or since its run_after passed.
            queued_since=Min("enqueued_at", filter=ready & Q(run_after=never)),
            due_since=Min("run_after", filter=ready & Q(run_after__lte=now)),
        )
        by_status = GaugeMetricFamily(
            "jamlik_tasks",
            "Task results stored by the database backend, by status.",
            labels=["status"],
        )
        for status in TaskResultStatus.values:
            by_status.add_metric([status.lower()], tasks[status.lower()])
        yield by_status
        due = [at for at in (tasks["queued_since"], tasks["due_since"]) if at is not None]
        lag = GaugeMetricFamily(
            "jamlik_task_queue_lag_seconds",
            "How long the oldest ready task has been due (0 when none waits).",
        )
        lag.add_metric([], _age(min(due), now) if due else 0.0)
        yield lag

        beats = GaugeMetricFamily(
            "jamlik_worker_heartbeat_age_seconds",
            "Seconds since the worker polled (worker) or ran its periodic work (tick).",
            labels=["beat"],
        )
        # The documented two; not the per-worker rows and the tick's lease (decision 0026).
        documented = (WorkerHeartbeat.WORKER, WorkerHeartbeat.TICK)
        for name, last_seen in WorkerHeartbeat.objects.filter(name__in=documented).values_list(
            "name", "last_seen"
        ):
            beats.add_metric([name], _age(last_seen, now))
        yield beats


DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
DATABASE_REGISTRY.register(DatabaseCollector())


def process_registry() -> CollectorRegistry:
    """The counted metrics: this process's, or every process's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


# ---- Access -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def _token_allowed(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def allowed(request: HttpRequest) -> bool:
    return _token_allowed(request) or _address_allowed(client_address(request))


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404  # the ordinary 404: nothing tells that /metrics exists
    body = generate_latest(process_registry()) + generate_latest(DATABASE_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
