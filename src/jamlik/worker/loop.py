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

It also writes the ``worker`` heartbeat as it polls (at most every ``HEARTBEAT_EVERY``
seconds) and sends ``worker_started`` before its first poll, which queues the periodic work.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from typing import Any

from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jamlik.core.models import WorkerHeartbeat
from jamlik.core.outage import DATABASE_UNAVAILABLE, is_database_unavailable
from jamlik.worker.signals import worker_started

logger = logging.getLogger("jamlik.worker")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 15.0
HEARTBEAT_EVERY = 10.0


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
                task_result = tasks.get_locked()
                retrieved_task_result = True
                if task_result is not None:
                    # Claim the task, so that no other worker runs it.
                    task_result.claim(self.worker_id)
            except OperationalError as e:
                # A locked SQLite database unlocks soon: poll again. Anything else is the
                # database going away, handled by run().
                if not is_locked_database_exception(e):
                    raise
                retrieved_task_result = False
                task_result = None

        if task_result is not None:
            self.run_task(task_result)

        if self.batch and retrieved_task_result and task_result is None:
            logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran %d tasks on worker_id=%s - exiting.", self._run_tasks, self.worker_id)
            return True

        close_old_connections()
        # After Ctrl+C interrupted a task, exit at once rather than sleep.
        if self.running and not task_result:
            self.sleep(self.interval)
        return False

    def start(self) -> None:
        WorkerHeartbeat.beat(WorkerHeartbeat.WORKER)
        self.last_beat = time.monotonic()
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
            self.last_beat = now

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
