"""The evaluation after the event (services/selectors ``evaluation``, events/evaluation.py):
only those who checked in get the mail, once (tick and "send now"); answers are anonymous
(no person on the answer rows, only the date) and counted once per link; results only from
the threshold on; who may see and change it; the pages and the API."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import models

from jamlik.core.errors import Forbidden, Invalid
from jamlik.events import evaluation as rules
from jamlik.events import tasks
from jamlik.events.models import EvaluationAnswer, EvaluationInvite, Status
from jamlik.events.selectors import evaluation as reads
from jamlik.events.services import evaluation as service
from jamlik.events.services.handling import registration_check_in
from jamlik.events.services.seats import event_release_if_due
from jamlik.notifications.models import OutboxMessage
from tests.factories.events import register

QUESTIONS = [
    {"kind": "scale", "text": "Hur nöjd är du med dagen?", "required": True},
    {"kind": "yes_no", "text": "Kommer du nästa år?"},
    {"kind": "text", "text": "Vad kan bli bättre?"},
]


@pytest.fixture
def after(personas, conference, clock):
    """Seven confirmed (three of A, one promoted at the release; three of B; one from
    outside after the release); five of them checked in; the evaluation set up; the clock
    after the event's end."""
    event = conference.event
    people = [register(event, personas.org_a).registration for _ in range(3)]
    people += [register(event, personas.org_b).registration for _ in range(3)]
    clock.set(event.quota_lock_until + timedelta(minutes=1))
    event_release_if_due(event=event)
    people += [register(event, None, via_link=False).registration]
    for r in people:
        r.refresh_from_db()
    confirmed = [r for r in people if r.status == Status.CONFIRMED]
    waiting = [r for r in people if r.status == Status.WAITING]
    clock.set(event.starts_at + timedelta(minutes=5))
    came = confirmed[:5]
    for r in came:
        registration_check_in(registration=r, actor=None)
    service.evaluation_save(actor=personas.city_coordinator, event=event, questions=QUESTIONS)
    clock.set(event.ends_at + timedelta(hours=1))
    OutboxMessage.objects.all().delete()
    return SimpleNamespace(
        event=event, came=came, stayed_away=confirmed[5:], waiting=waiting, conference=conference
    )


def evaluation_mail():
    return list(OutboxMessage.objects.filter(kind=service.KIND).order_by("to"))


def question_ids(event):
    return [q.pk for q in event.evaluation.questions.all()]


def test_only_those_who_checked_in_get_the_mail_once(after):
    assert len(after.stayed_away) == 2  # the fixture has the others too
    assert tasks.tick_work()["housekept"] >= 0
    mails = evaluation_mail()
    assert sorted(m.to for m in mails) == sorted(r.email for r in after.came)
    invite = EvaluationInvite.objects.get(registration=after.came[0])
    mail = next(m for m in mails if m.to == after.came[0].email)
    assert f"/u/{invite.token}" in mail.body_text
    assert f"/m/{after.came[0].manage_token}/certificate.pdf" in mail.body_text
    # The tick again and the organiser's "send now": nobody twice.
    tasks.tick_work()
    assert service.evaluation_send(actor=None, event=after.event) == 0
    assert len(evaluation_mail()) == len(after.came)


def test_send_now_reaches_a_late_check_in(after):
    assert service.evaluation_send(actor=None, event=after.event) == 5
    late = after.stayed_away[0]
    registration_check_in(registration=late, actor=None)
    assert service.evaluation_send(actor=None, event=after.event) == 1
    assert EvaluationInvite.objects.filter(registration=late).count() == 1


def test_not_sent_before_the_end_nor_without_questions(after, clock, personas):
    clock.set(after.event.ends_at - timedelta(minutes=1))
    assert service.evaluations_send_due() == 0
    with pytest.raises(rules.EventNotEnded):
        service.evaluation_send(actor=None, event=after.event)
    clock.set(after.event.ends_at + timedelta(hours=1))
    service.evaluation_save(actor=None, event=after.event, questions=[])
    assert service.evaluations_send_due() == 0
    with pytest.raises(rules.NoQuestions):
        service.evaluation_send(actor=None, event=after.event)


def test_the_tick_leaves_a_manual_evaluation_and_an_old_event_alone(after, clock):
    service.evaluation_save(actor=None, event=after.event, questions=QUESTIONS, auto_send=False)
    assert service.evaluations_send_due() == 0
    service.evaluation_save(actor=None, event=after.event, questions=QUESTIONS, auto_send=True)
    clock.set(after.event.ends_at + service.SEND_HORIZON + timedelta(minutes=1))
    assert service.evaluations_send_due() == 0


def test_answers_are_anonymous_and_once(after, clock):
    service.evaluation_send(actor=None, event=after.event)
    invite = EvaluationInvite.objects.filter(evaluation__event=after.event).first()
    scale, yes_no, text = question_ids(after.event)
    service.evaluation_answer(
        token=invite.token, values={scale: "4", yes_no: True, text: "Mer kaffe"}
    )
    invite.refresh_from_db()
    assert invite.answered is True
    with pytest.raises(rules.AlreadyAnswered):
        service.evaluation_answer(token=invite.token, values={scale: 5})
    assert EvaluationAnswer.objects.count() == 3
    # No column of an answer leads to a person, an invitation or a time of day.
    for f in EvaluationAnswer._meta.get_fields():
        if isinstance(f, (models.ForeignKey, models.OneToOneField)):
            assert f.related_model.__name__ == "EvaluationQuestion", f.name
        assert not isinstance(f, models.DateTimeField), f.name
    assert {a.answered_on for a in EvaluationAnswer.objects.all()} == {clock().date()}


def test_invalid_answers_are_refused_whole(after):
    service.evaluation_send(actor=None, event=after.event)
    invite = EvaluationInvite.objects.filter(evaluation__event=after.event).first()
    scale, yes_no, _text = question_ids(after.event)
    with pytest.raises(Invalid) as caught:
        service.evaluation_answer(token=invite.token, values={scale: 9, yes_no: "kanske"})
    assert {e["field"] for e in caught.value.errors} == {f"q{scale}", f"q{yes_no}"}
    with pytest.raises(Invalid):  # the required scale left out
        service.evaluation_answer(token=invite.token, values={yes_no: True})
    invite.refresh_from_db()
    assert invite.answered is False and EvaluationAnswer.objects.count() == 0


def answer_all(event, count, scale_values=None):
    scale, yes_no, text = question_ids(event)
    invites = list(EvaluationInvite.objects.filter(evaluation__event=event, answered=False))
    for n, invite in enumerate(invites[:count]):
        value = scale_values[n] if scale_values else 3
        service.evaluation_answer(
            token=invite.token, values={scale: value, yes_no: n % 2 == 0, text: f"Svar {n}"}
        )


def test_results_only_from_the_threshold(after, personas, settings):
    settings.EVENTS_EVALUATION_MIN_ANSWERS = 5
    service.evaluation_send(actor=None, event=after.event)
    answer_all(after.event, 4, [5, 4, 4, 2])
    results = reads.evaluation_results(user=personas.city_coordinator, event=after.event)
    assert (results.invited, results.answered) == (5, 4)
    assert [q.shown for q in results.questions] == [False, False, False]
    assert all(q.distribution == {} and q.mean is None and q.texts == [] for q in results.questions)
    answer_all(after.event, 1, [1])
    results = reads.evaluation_results(user=personas.city_coordinator, event=after.event)
    scale, yes_no, text = results.questions
    assert scale.shown and scale.answers == 5
    assert scale.distribution == {"1": 1, "2": 1, "3": 0, "4": 2, "5": 1}
    assert scale.mean == 3.2
    assert yes_no.distribution == {"yes": 3, "no": 2}
    assert text.texts == sorted([f"Svar {n}" for n in range(4)] + ["Svar 0"])


def test_who_sees_and_changes_the_evaluation(after, personas):
    with pytest.raises(Forbidden):
        reads.evaluation_results(user=personas.coordinator_a, event=after.event)
    with pytest.raises(Forbidden):
        service.evaluation_save(actor=personas.coordinator_a, event=after.event, questions=[])
    with pytest.raises(Forbidden):
        service.evaluation_send(actor=personas.coordinator_a, event=after.event)
    assert reads.evaluation_results(user=personas.admin, event=after.event).questions


def test_questions_are_locked_once_sent(after):
    service.evaluation_send(actor=None, event=after.event)
    with pytest.raises(rules.EvaluationSent):
        service.evaluation_save(actor=None, event=after.event, questions=QUESTIONS[:1])
    # The same questions with another introduction are fine.
    service.evaluation_save(actor=None, event=after.event, questions=QUESTIONS, intro="Tack!")


def test_parse_answer_rules():
    scale = rules.Question(1, rules.SCALE_KIND)
    assert rules.parse_answer(scale, " 5 ").scale == 5
    for bad in (0, 6, "x", True):
        with pytest.raises(ValueError):
            rules.parse_answer(scale, bad)
    assert rules.parse_answer(scale, "") is None
    yes_no = rules.Question(2, rules.YES_NO_KIND)
    assert rules.parse_answer(yes_no, "ja").yes is True
    assert rules.parse_answer(yes_no, False).yes is False
    with pytest.raises(ValueError):
        rules.parse_answer(rules.Question(3, rules.TEXT_KIND), "x" * (rules.MAX_TEXT_ANSWER + 1))


# ---- Pages -----------------------------------------------------------------------------------


def test_public_page_answers_once(after, client):
    service.evaluation_send(actor=None, event=after.event)
    invite = EvaluationInvite.objects.filter(evaluation__event=after.event).first()
    scale, yes_no, text = question_ids(after.event)
    url = f"/u/{invite.token}"
    page = client.get(url)
    assert page.status_code == 200 and "Hur nöjd är du med dagen?" in page.content.decode()
    refused = client.post(url, {f"q{yes_no}": "yes"})
    assert refused.status_code == 400
    done = client.post(url, {f"q{scale}": "4", f"q{yes_no}": "no", f"q{text}": ""})
    assert done.status_code == 200
    assert EvaluationAnswer.objects.count() == 2
    again = client.post(url, {f"q{scale}": "1"})
    assert again.status_code == 200 and EvaluationAnswer.objects.count() == 2
    assert client.get("/u/unknown-token").status_code == 404


def test_staff_page(after, personas):
    url = f"/events/{after.event.pk}/evaluation/"
    assert personas.web(personas.coordinator_a).get(url).status_code == 403
    web = personas.web(personas.city_coordinator)
    page = web.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hur nöjd är du med dagen?" in body
    sent = web.post(f"/events/{after.event.pk}/evaluation/send/")
    assert sent.status_code == 302 and len(evaluation_mail()) == 5
    results = web.get(url).content.decode()
    assert "Hur nöjd är du med dagen?" in results
    form = {
        "intro": "Tack",
        "auto_send": "on",
        "q0_text": "Ny fråga",
        "q0_kind": "scale",
        "q1_kind": "scale",
        "q2_kind": "scale",
    }
    # Once sent, the questions are shown read-only: a posted change to them is ignored (the
    # service would refuse it, 409 through the API), the introduction is saved.
    page = web.get(url).content.decode()
    assert 'name="q0_text"' in page and "disabled" in page.split('name="q0_text"')[1].split(">")[0]
    assert "Leave a question" not in page and "tom för att ta bort" not in page
    questions = [q.text for q in after.event.evaluation.questions.all()]
    saved = web.post(url, form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    evaluation = after.event.evaluation
    evaluation.refresh_from_db()
    assert evaluation.intro == "Tack"
    assert [q.text for q in evaluation.questions.all()] == questions


def test_staff_page_saves_questions(personas, conference):
    web = personas.web(personas.city_coordinator)
    url = f"/events/{conference.event.pk}/evaluation/"
    form = {"intro": "", "auto_send": "on", "q0_text": "Betyg?", "q0_kind": "scale"}
    form.update({f"q{n}_kind": "scale" for n in range(1, 5)})
    assert web.post(url, form).status_code == 302
    assert [q.text for q in conference.event.evaluation.questions.all()] == ["Betyg?"]


# ---- API -------------------------------------------------------------------------------------


def test_api_round_trip(after, personas, settings):
    settings.EVENTS_EVALUATION_MIN_ANSWERS = 2
    url = f"/api/v1/events/{after.event.pk}/evaluation"
    city = personas.api(personas.city_coordinator)
    assert personas.api(personas.coordinator_a).get(url).status_code == 403
    put = city.put(url, {"intro": "Hej", "auto_send": False, "questions": QUESTIONS[:2]})
    assert put.status_code == 200, put.json()
    assert [q["kind"] for q in put.json()["questions"]] == ["scale", "yes_no"]
    assert city.post(f"{url}/send").json() == {"invited": 5}
    assert city.put(url, {"questions": QUESTIONS}).status_code == 409
    invites = list(EvaluationInvite.objects.filter(evaluation__event=after.event))
    public = personas.api()
    first = public.get(f"/api/v1/public/evaluations/{invites[0].token}").json()
    scale, yes_no = (q["id"] for q in first["questions"])
    answer = {"answers": [{"question": scale, "value": 5}, {"question": yes_no, "value": True}]}
    assert public.post(f"/api/v1/public/evaluations/{invites[0].token}", answer).status_code == 201
    again = public.post(f"/api/v1/public/evaluations/{invites[0].token}", answer)
    assert again.status_code == 409 and again.json()["code"] == "evaluation_answered"
    bad = {"answers": [{"question": scale, "value": 7}]}
    assert public.post(f"/api/v1/public/evaluations/{invites[1].token}", bad).status_code == 400
    assert public.post("/api/v1/public/evaluations/nope", answer).status_code == 404
    body = city.get(url).json()
    assert body["answered"] == 1 and body["results"][0]["shown"] is False
    answer["answers"][0]["value"] = 3
    public.post(f"/api/v1/public/evaluations/{invites[2].token}", answer)
    body = city.get(url).json()
    assert body["results"][0]["shown"] is True and body["results"][0]["mean"] == 4.0


def test_demo_conference_has_an_evaluation_above_the_threshold(db):
    from jamlik.demo import events as demo_events
    from jamlik.demo import organisations
    from jamlik.demo.loader import DemoResult
    from jamlik.events.models import Event

    organisations.load()
    demo_events.load(DemoResult())
    conference = Event.objects.get(title="Jämlikhetskonferensen 2020")
    came = conference.registrations.filter(checked_in_at__isnull=False).count()
    confirmed = conference.registrations.filter(status=Status.CONFIRMED).count()
    assert 0 < came < confirmed  # no-shows
    invites = EvaluationInvite.objects.filter(evaluation__event=conference)
    assert invites.count() == came
    answered = invites.filter(answered=True).count()
    assert answered >= 5 * rules.min_answers()
    first = conference.evaluation.questions.first()
    assert first.answers.count() == answered
    demo_events.load(DemoResult())  # idempotent
    assert EvaluationInvite.objects.filter(evaluation__event=conference).count() == came
    assert not OutboxMessage.objects.filter(kind=service.KIND).exists()  # no mail leaves
