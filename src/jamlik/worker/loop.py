"""The worker loop of django_tasks_db (0.13), one poll per iteration, made to outlive the
database.

Upstream lets database errors out of its loop: a connection refused while PostgreSQL
restarts, or one that broke while a task ran (recording the task's end then fails with
``OperationalError: the connection is closed``), ended the process, and mail, releases,
reminders and anonymisation stopped until someone noticed. Here a connection error in an
iteration — polling, claiming, or recording how a task ended — closes the broken
connections, waits (1 s, doubling, at most 15 s) and goes on; the loop never ends for it.
A task whose end could not be recorded is marked failed once the database is back, instead
of staying RUNNING for ever (a mail it was sending stays queued; the tick requeues it).

A poll claims up to ``CLAIM_AT_ONCE`` ready tasks in one transaction (one SELECT … FOR
UPDATE SKIP LOCKED and one UPDATE) and runs them in turn; tasks claimed but not started when
the worker stops, or when the database goes away, are handed back to the queue. The mails
of a batch go out on one SMTP connection (jamlik.notifications.smtp).

It also writes the ``worker`` heartbeat and its own, ``worker:<worker id>``, as it polls
(at most every ``HEARTBEAT_EVERY`` seconds; ``jamlik db_worker`` also beats from a thread
while a task runs), hands back the tasks of workers that stopped beating (worker.recovery)
and sends ``worker_started`` before its first poll, which queues the periodic work.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from typing import Any

from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jamlik.core.models import WorkerHeartbeat
from jamlik.core.outage import DATABASE_UNAVAILABLE, is_database_unavailable
from jamlik.notifications.smtp import shared_connection
from jamlik.worker.recovery import heartbeat_name, tasks_recover_orphaned
from jamlik.worker.signals import worker_started

logger = logging.getLogger("jamlik.worker")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 15.0
HEARTBEAT_EVERY = 10.0
# Tasks claimed in one round trip; small, so a stopped worker hands back few and a second
# worker still finds work.
CLAIM_AT_ONCE = 10


def drop_connections() -> None:
    """Close every connection of this thread; the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        # Already broken: close() forgets it all the same.
        with contextlib.suppress(Exception):
            connection.close()


class ResilientWorker(Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.started = False
        self.last_beat: float | None = None
        # A task result whose end could not be saved because the connection was lost.
        self.unrecorded: tuple[DBTaskResult, BaseException] | None = None
        self.sleep = time.sleep  # tests shorten the waits
        self.claim_at_once = CLAIM_AT_ONCE
        # Claimed in this iteration and not yet started.
        self.unstarted: list[DBTaskResult] = []

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            # A small random delay, so that workers started together do not poll together.
            self.sleep(random.random())
        backoff = 0.0
        while self.running:
            try:
                if self.iterate():
                    return
            except DATABASE_UNAVAILABLE as exc:
                backoff = min(BACKOFF_MAX, backoff * 2 or BACKOFF_FIRST)
                # The class only: nothing personal, and no server address in the logs.
                logger.warning(
                    "database unavailable (%s); the worker reconnects in %.0f s",
                    type(exc).__name__,
                    backoff,
                )
                drop_connections()
                if self.running:
                    self.sleep(backoff)
            else:
                backoff = 0.0

    def iterate(self) -> bool:
        """One poll: start up if not yet done, claim a task and run it, or wait. Returns
        True when the worker should stop (``--batch`` ran dry, ``--max-tasks`` reached)."""
        # Check for dropped/expired connections right after waking up.
        close_old_connections()
        if self.unrecorded is not None:
            self.record_lost_task()
        if self.unstarted:  # the database went away in the middle of a claimed batch
            self.release_unstarted()
        if not self.started:
            self.start()
        self.beat()

        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)

        with exclusive_transaction(tasks.db):
            try:
                claimed = self.claim(tasks)
                retrieved_task_result = True
            except OperationalError as e:
                # A locked SQLite database unlocks soon: poll again. Anything else is the
                # database going away, handled by run().
                if not is_locked_database_exception(e):
                    raise
                retrieved_task_result = False
                claimed = []

        self.unstarted = list(claimed)
        # The batch's mails share one SMTP connection, closed when the batch ends (also when
        # it ends by an error or a stop): none is held while the worker waits for work.
        with shared_connection():
            while self.unstarted and self.running:
                self.beat()  # a batch of long tasks must not look like a dead worker
                self.run_task(self.unstarted.pop(0))
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    break
        if self.unstarted:  # stopped with claimed tasks not run: another worker runs them
            self.release_unstarted()
        if self.batch and retrieved_task_result and not claimed:
            logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran %d tasks on worker_id=%s - exiting.", self._run_tasks, self.worker_id)
            return True

        close_old_connections()
        # After Ctrl+C interrupted a task, exit at once rather than sleep.
        if self.running and not claimed:
            self.sleep(self.interval)
        return False

    def claim(self, tasks: Any) -> list[DBTaskResult]:
        """Claim the next ready tasks, at most ``CLAIM_AT_ONCE``, in one round trip for all:
        a storm's confirmations are claimed ten at a time, not one. SKIP LOCKED lets a second
        worker claim the next ones meanwhile."""
        claimed = list(tasks.select_for_update(skip_locked=True)[: self.claim_at_once])
        started_at = timezone.now()
        # One UPDATE for the tasks with the same workers so far (in a storm: all of them, none
        # yet), instead of bulk_update's CASE a row, which cost more to build than to run.
        by_workers: dict[tuple[str, ...], list[DBTaskResult]] = {}
        for task_result in claimed:
            by_workers.setdefault(tuple(task_result.worker_ids), []).append(task_result)
            task_result.status = TaskResultStatus.RUNNING
            task_result.started_at = started_at
            task_result.worker_ids = [*task_result.worker_ids, self.worker_id]
        for worker_ids, same in by_workers.items():
            DBTaskResult.objects.filter(pk__in=[t.pk for t in same]).update(
                status=TaskResultStatus.RUNNING,
                started_at=started_at,
                worker_ids=[*worker_ids, self.worker_id],
            )
        return claimed

    def release_unstarted(self) -> None:
        """Hand claimed tasks this worker did not start back to the queue."""
        ids = [task_result.pk for task_result in self.unstarted]
        DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        self.unstarted = []

    def start(self) -> None:
        WorkerHeartbeat.beat(WorkerHeartbeat.WORKER)
        WorkerHeartbeat.beat(heartbeat_name(self.worker_id))
        self.last_beat = time.monotonic()
        # Tasks a killed worker left RUNNING run again (decision 0026).
        tasks_recover_orphaned()
        for receiver, response in worker_started.send_robust(sender=type(self), worker=self):
            if not isinstance(response, Exception):
                continue
            if is_database_unavailable(response):
                raise response  # start again once the database is back
            # A bug in one start-up step must not stop the worker from sending mail.
            logger.error(
                "worker start-up step %r failed",
                getattr(receiver, "__qualname__", receiver),
                exc_info=response,
            )
        self.started = True

    def beat(self) -> None:
        now = time.monotonic()
        if self.last_beat is None or now - self.last_beat >= HEARTBEAT_EVERY:
            WorkerHeartbeat.beat(WorkerHeartbeat.WORKER)
            WorkerHeartbeat.beat(heartbeat_name(self.worker_id))
            self.last_beat = now

    def keep_beating(self) -> threading.Thread:
        """Beat ``worker:<id>`` from a thread of its own every ``HEARTBEAT_EVERY`` seconds
        while the worker runs, so that a task running for minutes (a large file, a slow SMTP
        server) is not taken for the task of a dead worker. ``jamlik db_worker`` starts it."""

        def beat_forever() -> None:
            name = heartbeat_name(self.worker_id)
            while self.running:
                try:
                    WorkerHeartbeat.beat(name)
                except Exception:  # the database is away: the loop reports it
                    drop_connections()
                time.sleep(HEARTBEAT_EVERY)
            drop_connections()

        thread = threading.Thread(target=beat_forever, name="jamlik-heartbeat", daemon=True)
        thread.start()
        return thread

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_UNAVAILABLE as exc:
            # Upstream could record neither success nor failure; do it after reconnecting.
            self.unrecorded = (db_task_result, exc)
            raise

    def record_lost_task(self) -> None:
        assert self.unrecorded is not None
        db_task_result, exc = self.unrecorded
        still_running = DBTaskResult.objects.filter(
            pk=db_task_result.pk, status=TaskResultStatus.RUNNING
        ).exists()
        if still_running:
            db_task_result.set_failed(exc)
            logger.warning(
                "task id=%s lost its database connection; recorded as failed", db_task_result.pk
            )
        self.unrecorded = None
