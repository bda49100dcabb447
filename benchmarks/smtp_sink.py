"""An SMTP sink for the registration storm: accepts every message on 127.0.0.1 and appends
one JSON line per message to a log file (time, recipients, size, whether it carries the
check-in QR image and the calendar file). It stops by itself after ``--max-seconds``.

    .venv/bin/python benchmarks/smtp_sink.py --port 2525 --log /tmp/sink.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import signal
import threading
import time

from aiosmtpd.controller import Controller

OUTBOX = re.compile(rb"^X-Jamlik-Outbox:\s*(\d+)", re.MULTILINE | re.IGNORECASE)


def _outbox_id(content: bytes) -> int | None:
    found = OUTBOX.search(content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0])
    return int(found.group(1)) if found else None


class Handler:
    def __init__(self, log_path: str) -> None:
        self.log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        line = json.dumps(
            {
                "t": time.time(),
                "rcpt": len(envelope.rcpt_tos),
                "bytes": len(content),
                "qr": b"incheckning.png" in content,
                "ics": b"kalender.ics" in content,
                # The outbox row (X-Jamlik-Outbox) and the recipients, hashed: duplicates
                # across workers are counted per row and per recipient (benchmarks/scaleout.py).
                "outbox": _outbox_id(content),
                "to": hashlib.sha256(
                    ",".join(sorted(r.lower() for r in envelope.rcpt_tos)).encode()
                ).hexdigest()[:16],
            }
        )
        with self.lock:
            self.log.write(line + "\n")
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--max-seconds", type=float, default=3600)
    args = parser.parse_args()
    handler = Handler(args.log)
    controller = Controller(handler, hostname="127.0.0.1", port=args.port, ready_timeout=30)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    try:
        stop.wait(args.max_seconds)
    finally:
        controller.stop()
        handler.log.close()


if __name__ == "__main__":
    main()
