"""The check-in QR image is drawn with Pillow from segno's matrix: the same pixels as
segno's own PNG writer (scale 6, border 2, one bit a pixel), which it replaced for speed."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from jamlik.events.models import Registration
from jamlik.events.services.mail import checkin_qr_png


def segno_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(payload, error="m", mask=0).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("event_id", "code"),
    [
        (1, "AAAAAAAAAAAAAAAA"),
        (4711, "q3-Zx_9kLmN0pQrS"),
        (123456789, "________________"),
        (7, "a" * 32),  # the longest code the column holds: a larger symbol
    ],
)
def test_the_qr_image_has_segnos_pixels(event_id, code):
    registration = Registration(event_id=event_id, checkin_code=code)  # not saved
    payload = f"JAMLIK:{event_id}:{code}"
    ours = Image.open(io.BytesIO(checkin_qr_png(registration)))
    theirs = Image.open(io.BytesIO(segno_png(payload)))
    assert ours.format == "PNG"
    assert ours.mode == "1"  # one bit a pixel, as before
    assert ours.size == theirs.size
    assert ours.convert("L").tobytes() == theirs.convert("L").tobytes()


def test_the_qr_image_is_black_modules_on_white_with_a_light_border():
    registration = Registration(event_id=1, checkin_code="AAAAAAAAAAAAAAAA")
    image = Image.open(io.BytesIO(checkin_qr_png(registration))).convert("L")
    modules = len(segno.make("JAMLIK:1:AAAAAAAAAAAAAAAA", error="m", mask=0).matrix)
    assert image.size == ((modules + 4) * 6,) * 2
    assert image.getpixel((0, 0)) == 255  # the border is light
    # The finder pattern's corner, two modules in: dark, drawn 6 by 6.
    assert {image.getpixel((12 + x, 12 + y)) for x in range(6) for y in range(6)} == {0}
