"""The HTML part of a mail is optional, but a broken one is an error: only a missing
``.html`` template gives a plain-text mail."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.template import TemplateSyntaxError

from jamlik.notifications.services import mail_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_templates(tmp_path, settings):
    folder = tmp_path / "mailtest"
    folder.mkdir()
    (folder / "plain_subject.txt").write_text("Hej {{ name }}")
    (folder / "plain.txt").write_text("Text till {{ name }}")
    (folder / "broken_subject.txt").write_text("Hej")
    (folder / "broken.txt").write_text("Text")
    (folder / "broken.html").write_text("<p>{% if %}</p>")
    engine = {**settings.TEMPLATES[0], "DIRS": [tmp_path]}
    settings.TEMPLATES = [engine]
    return folder


def test_missing_html_template_gives_a_plain_text_mail(mail_templates):
    with transaction.atomic():
        message = mail_enqueue(
            kind="test", to="a@example.org", template="mailtest/plain", context={"name": "Ada"}
        )
    assert message.subject == "Hej Ada"
    assert message.body_text == "Text till Ada"
    assert message.body_html == ""


def test_broken_html_template_raises(mail_templates):
    with pytest.raises(TemplateSyntaxError), transaction.atomic():
        mail_enqueue(kind="test", to="a@example.org", template="mailtest/broken", context={})
