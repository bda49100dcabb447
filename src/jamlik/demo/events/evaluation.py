"""The demo evaluation of Jämlikhetskonferensen 2020: three questions (scale, yes/no, free
text) sent the day after the conference to everyone who checked in, and answered by about
two in five of them over the following week, well above the threshold, so the results page
shows distributions, means and texts. Made once (skipped when the evaluation exists)."""

from __future__ import annotations

import datetime as dt
import random

from jamlik.demo.events.replay import _at, _time
from jamlik.events.models import Evaluation, EvaluationInvite, Event
from jamlik.events.services import evaluation as service

QUESTIONS = [
    {"kind": "scale", "text": "Hur nöjd är du med konferensen som helhet?", "required": True},
    {"kind": "scale", "text": "Hur användbart var innehållet i ditt arbete?"},
    {"kind": "yes_no", "text": "Vill du komma nästa år?"},
    {"kind": "text", "text": "Vad kan vi göra bättre?"},
]
TEXTS = [
    "Fler pass om funktionsrätt, gärna med praktiska exempel.",
    "Bra blandning av föreläsningar och workshoppar.",
    "Lunchen tog för lång tid, men annars mycket bra.",
    "Mer tid för frågor efter föreläsningarna.",
    "Skicka presentationerna i förväg.",
    "Lokalen var svår att hitta; skylta tydligare.",
    "",
    "",
]
SHARE = 0.4


def load(event: Event) -> int:
    """Set up, send and answer the evaluation of ``event``; returns the answers made."""
    if Evaluation.objects.filter(event=event).exists():
        return 0
    day = dt.date(2020, 5, 28)
    with _time(_at(day, "09:00")):
        service.evaluation_save(
            actor=None,
            event=event,
            intro="Tack för att du var med på Jämlikhetskonferensen 2020!",
            auto_send=True,
            questions=QUESTIONS,
        )
        service.evaluation_send(actor=None, event=event)
    questions = [q.pk for q in Evaluation.objects.get(event=event).questions.all()]
    overall, useful, again, better = questions
    rng = random.Random(2020)
    invites = list(EvaluationInvite.objects.filter(evaluation__event=event).order_by("id"))
    answered = 0
    for invite in invites:
        if rng.random() >= SHARE:
            continue
        score = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 6, 12, 9])[0]
        values = {
            overall: score,
            useful: max(1, min(5, score + rng.choice([-1, 0, 0, 1]))),
            again: rng.random() < 0.8,
            better: rng.choice(TEXTS),
        }
        with _time(_at(day + dt.timedelta(days=rng.randrange(7)), "12:00")):
            service.evaluation_answer(token=invite.token, values=values)
        answered += 1
    return answered
