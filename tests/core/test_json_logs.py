"""``LOG_FORMAT=json``: one JSON object a line with time, level, logger, message and the
request id; the id taken from a safe ``X-Request-ID`` or made, echoed in the answer, carried
on to the tasks a request queues (``task queued`` with the task id; ``task:<id>`` while the
worker runs it); tokens filtered as in the text format; and no personal data in the logs or
the metrics after a day's work."""

from __future__ import annotations

import io
import json
import logging
import smtplib
from collections.abc import Iterator

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from jamlik.core import requestid
from jamlik.core.settings_helpers import logging_config
from jamlik.events import services
from jamlik.events.models import Registration
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.services import outbox_deliver
from jamlik.worker.loop import ResilientWorker
from tests.factories.events import AllocationFactory, EventFactory

pytestmark = pytest.mark.django_db

HEX32 = r"[0-9a-f]{32}"


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@pytest.fixture
def json_log() -> Iterator[Captured]:
    """The console handler as ``LOG_FORMAT=json`` configures it (formatter and filters from
    ``logging_config``), writing into a string; jamlik and django logging at DEBUG."""
    config = logging_config("json", "DEBUG")
    spec = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(import_string(config["formatters"][spec["formatter"]]["()"])())
    for name in spec["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    root = logging.getLogger()
    loggers = [logging.getLogger(name) for name in ("jamlik", "django", "django_tasks")]
    levels = [logger.level for logger in loggers]
    root.addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield Captured(stream)
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def test_settings_choose_the_format():
    assert logging_config("text", "INFO")["handlers"]["console"]["formatter"] == "plain"
    json_config = logging_config("json", "INFO")
    assert json_config["handlers"]["console"]["formatter"] == "json"
    assert json_config["handlers"]["console"]["filters"] == [
        "drop_template_lookups",
        "redact_tokens",
        "request_id",
    ]
    with pytest.raises(ValueError):
        logging_config("xml", "INFO")


def test_lines_are_json_with_the_fields(json_log):
    logging.getLogger("jamlik.test").warning("hello %s", "world")
    (line,) = json_log.lines
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["logger"] == "jamlik.test"
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    assert "request_id" in line and line["request_id"] is None


def test_traceback_goes_into_exc_info(json_log):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("jamlik.test").exception("failed")
    (line,) = json_log.lines
    assert "RuntimeError: boom" in line["exc_info"]


def test_request_id_is_echoed_when_safe(client):
    for safe in ("abc-123.X_y", "a" * 64, "0f" * 16):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=safe)["X-Request-ID"] == safe


@pytest.mark.parametrize("unsafe", ["", "has space", "a" * 65, "semi;colon", "ä", "x/y"])
def test_request_id_is_made_when_missing_or_unsafe(client, unsafe):
    headers = {"HTTP_X_REQUEST_ID": unsafe} if unsafe else {}
    made = client.get("/healthz", **headers)["X-Request-ID"]
    assert made != unsafe
    assert requestid.SAFE_ID.fullmatch(made) and len(made) == 32
    assert client.get("/healthz")["X-Request-ID"] != made  # a new one each time


def test_log_lines_of_a_request_carry_its_id_and_tokens_are_filtered(json_log, client):
    response = client.get("/r/SECRETLINKTOKEN123", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-42"
    lines = [line for line in json_log.lines if line["logger"] == "django.request"]
    assert lines, json_log.text
    assert all(line["request_id"] == "req-42" for line in lines)
    assert "/r/…" in lines[0]["message"]
    assert "SECRETLINKTOKEN123" not in json_log.text  # nor in the request object's extras
    assert requestid.current() is None  # reset after the request


def test_queued_task_is_logged_with_the_request_id(json_log, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    token = requestid.request_id.set("req-7")
    try:
        result = note_the_id.enqueue()
    finally:
        requestid.request_id.reset(token)
    queued = [line for line in json_log.lines if line["message"].startswith("task queued")]
    assert len(queued) == 1
    assert queued[0]["request_id"] == "req-7"
    assert queued[0]["task_id"] == str(result.id)
    assert queued[0]["logger"] == "jamlik.tasks"


@task()
def note_the_id() -> str | None:
    logging.getLogger("jamlik.test").warning("inside the task")
    return requestid.current()


def make_worker() -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0.05,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_the_worker_runs_a_task_under_its_task_id(json_log, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = note_the_id.enqueue()
    make_worker().run_task(DBTaskResult.objects.get(pk=result.id))
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "SUCCESSFUL"
    assert stored.return_value == f"task:{result.id}"
    inside = [line for line in json_log.lines if line["message"] == "inside the task"]
    assert inside[0]["request_id"] == f"task:{result.id}"
    assert requestid.current() is None  # cleared when the task ended


def test_a_task_run_inline_keeps_the_request_id():
    token = requestid.request_id.set("req-inline")
    try:
        result = note_the_id.enqueue()  # the immediate backend of the tests
    finally:
        requestid.request_id.reset(token)
    assert result.return_value == "req-inline"


def test_mail_delivery_logs_carry_the_task_id(json_log, settings, monkeypatch):
    message = OutboxMessage.objects.create(kind="t", to="x@a.example", subject="s", body_text="b")

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({"x@a.example": (550, b"no such user")})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    token = requestid.request_id.set("task:abc")
    try:
        outbox_deliver(message_id=message.pk)
    finally:
        requestid.request_id.reset(token)
    (line,) = [line for line in json_log.lines if line["logger"] == "jamlik.notifications.services"]
    assert line["request_id"] == "task:abc"
    assert "x@a.example" not in json_log.text


# ---- No personal data in the logs or the metrics ------------------------------------------------

NAME = "Zlatan Testsson"
ADDRESS = "zlatan.testsson@a.example"


def test_no_personal_data_reaches_logs_or_metrics(
    json_log, personas, client, django_capture_on_commit_callbacks, monkeypatch
):
    event = EventFactory(capacity=10, quota_lock_until=None)
    AllocationFactory(event=event, quota=10, organisations=[personas.org_a])
    other = EventFactory(capacity=10, quota_lock_until=None)
    AllocationFactory(event=other, quota=10, organisations=[personas.org_a])
    page_link = services.link_ensure(event=event, organisation=personas.org_a)
    api_link = services.link_ensure(event=other, organisation=personas.org_a)

    form = {"name": NAME, "email": ADDRESS, "category": "employee", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out
        assert client.post(f"/r/{page_link.token}", form).status_code == 302
    body = {"name": NAME, "email": ADDRESS, "category": "employee", "consent": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/public/links/{api_link.token}/registrations",
            body,
            content_type="application/json",
        )
    assert response.status_code == 201, response.content[:300]
    # The same person again: a conflict, logged by Django with the path.
    client.post(
        f"/api/v1/public/links/{api_link.token}/registrations",
        body,
        content_type="application/json",
    )
    registrations = list(Registration.objects.filter(email=ADDRESS))
    assert len(registrations) == 2
    for registration in registrations:
        client.get(f"/m/{registration.manage_token}")
        client.get(f"/m/{registration.manage_token}x")  # a 404 with (almost) the token
        client.get(f"/api/v1/public/registrations/{registration.manage_token}x")

    # A delivery that fails, with the address in the server's answer.
    message = OutboxMessage.objects.filter(to=ADDRESS).first()
    assert message is not None
    OutboxMessage.objects.filter(pk=message.pk).update(status="queued")

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, f"{NAME} unknown".encode())})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    outbox_deliver(message_id=message.pk)
    monkeypatch.undo()

    for _ in range(2):
        client.post(reverse("core:login"), {"username": ADDRESS, "password": "wrong-password"})
        client.post(reverse("core:login"), {"username": NAME, "password": "wrong-password"})

    metrics_body = client.get("/metrics").content.decode()
    assert "jamlik_registrations" in metrics_body

    logged = json_log.text
    assert "task queued" in logged and "django.request" in logged  # the capture works
    tokens = [page_link.token, api_link.token]
    for registration in registrations:
        tokens += [registration.manage_token, registration.approval_token or ""]
        tokens.append(registration.checkin_code if hasattr(registration, "checkin_code") else "")
    secrets = [NAME, "Zlatan", "Testsson", ADDRESS, "zlatan.testsson", *filter(None, tokens)]
    for secret in secrets:
        assert secret not in logged, secret
        assert secret.lower() not in logged.lower(), secret
        assert secret not in metrics_body, secret


def test_template_lookup_records_are_dropped(json_log):
    logging.getLogger("django.template").debug("Exception while resolving %s", "Zlatan")
    logging.getLogger("django.template").warning("a real template problem")
    assert [line["message"] for line in json_log.lines] == ["a real template problem"]
