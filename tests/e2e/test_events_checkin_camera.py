"""Check-in with the phone's camera, in a real browser: Chromium's fake camera plays a video of
the QR code from a participant's confirmation, the check-in page reads it (jsQR, as on an
iPhone: desktop Linux Chromium has no BarcodeDetector) and the participant is checked in."""

from __future__ import annotations

import pytest
import segno

from jamlik.events import links
from jamlik.events.models import Registration
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible, login
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 640, 480


def qr_video(payload: str, path) -> None:
    """A few frames of a Y4M video (the format Chromium's fake camera reads) showing the QR
    code of ``payload`` in black on white, as a phone held over a printed badge would see."""
    matrix = [list(row) for row in segno.make(payload, error="m").matrix]
    scale = min(WIDTH, HEIGHT) * 3 // 4 // (len(matrix) + 8)
    side = (len(matrix) + 8) * scale
    left, top = (WIDTH - side) // 2, (HEIGHT - side) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if not dark:
                continue
            for dy in range(scale):
                start = (top + (y + 4) * scale + dy) * WIDTH + left + (x + 4) * scale
                luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (WIDTH * HEIGHT // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * 5)


@pytest.fixture
def camera_browser(_playwright, tmp_path):
    """A factory: ``camera_browser(payload)`` launches Chromium whose camera shows the QR
    code of ``payload``, the permission already granted."""
    launched = []

    def launch(payload: str):
        video = tmp_path / "qr.y4m"
        qr_video(payload, video)
        browser = _playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        launched.append(browser)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="sv-SE", timezone_id="Europe/Stockholm"
        )
        context.set_default_timeout(15_000)
        return context.new_page()

    yield launch
    for browser in launched:
        browser.close()


def test_the_camera_reads_the_confirmations_qr_code_and_checks_in(
    live_server, camera_browser, personas
):
    event = EventFactory(title="Kamerakonferensen", capacity=50)
    AllocationFactory(event=event, name="A", quota=10, organisations=[personas.org_a])
    outcome = register(event, personas.org_a, name="Kamilla Kamera")
    registration = outcome.registration
    page = camera_browser(links.checkin_payload(registration))
    login(page, live_server, personas.coordinator_a)
    scans = []
    page.on("request", lambda r: r.method == "POST" and "/scan/" in r.url and scans.append(r))
    page.goto(f"{live_server.url}/events/{event.pk}/checkin/")
    start = page.get_by_role("button", name="Skanna med kameran")
    assert not page.get_by_role("button", name="Stoppa kameran").is_visible()
    start.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Kamilla Kamera är incheckad")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    # The camera starts again by itself for the next person in the queue, until stopped; the
    # code still in front of it is not sent a second time.
    stop = page.get_by_role("button", name="Stoppa kameran")
    stop.wait_for()
    page.wait_for_selector("text=Kameran är på.")
    page.wait_for_timeout(1500)
    assert len(scans) == 1
    assert_accessible(page)
    assert not start.is_visible()
    stop.click()
    page.wait_for_selector("text=Kameran är avstängd.")
    assert start.is_visible() and not stop.is_visible()
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1
