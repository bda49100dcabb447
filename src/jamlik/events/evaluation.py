"""The evaluation after an event, as pure rules (docs/rules.md#events-evaluation): which
answers are valid for a question, and what the organiser may see of them.

Anonymity is kept by the data (``models.EvaluationAnswer`` has no link to the person, the
invitation or the person's other answers, and only a date) and by the threshold here: a
question's results (distribution, mean, free texts) are shown only from
``min_answers()`` answers on (the setting ``EVENTS_EVALUATION_MIN_ANSWERS``, default 5);
below it, only that there are too few. Results are event-level and shown to city
coordinators and administrators only: split by organisation, a small organisation's few
answers would point at its people (``policies.may_see_evaluation``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jamlik.core.errors import Conflict, Invalid, NotFound

DEFAULT_MIN_ANSWERS = 5
SCALE = (1, 2, 3, 4, 5)
MAX_QUESTIONS = 30
MAX_TEXT_ANSWER = 4000

SCALE_KIND = "scale"
YES_NO_KIND = "yes_no"
TEXT_KIND = "text"
KINDS = (SCALE_KIND, YES_NO_KIND, TEXT_KIND)


def min_answers() -> int:
    """The fewest answers a question's results are shown from (never below 1)."""
    return max(1, int(getattr(settings, "EVENTS_EVALUATION_MIN_ANSWERS", DEFAULT_MIN_ANSWERS)))


# ---- The rule failures ----------------------------------------------------------------------


class AlreadyAnswered(Conflict):
    code = "evaluation_answered"

    def __init__(self) -> None:
        super().__init__(_("You have already answered this evaluation. Thank you!"))


class EvaluationSent(Conflict):
    code = "evaluation_sent"

    def __init__(self) -> None:
        super().__init__(_("The evaluation has been sent; its questions can no longer be changed."))


class EventNotEnded(Conflict):
    code = "event_not_ended"

    def __init__(self) -> None:
        super().__init__(_("The evaluation is sent once the event has ended."))


class NoQuestions(Conflict):
    code = "evaluation_empty"

    def __init__(self) -> None:
        super().__init__(_("Add at least one question before sending the evaluation."))


class NotAttended(NotFound):
    """A certificate for somebody who did not check in: as if it did not exist."""


# ---- Answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """What the rules need of a question (a model row or anything with these fields)."""

    id: int
    kind: str
    text: str = ""
    required: bool = False


@dataclass(frozen=True)
class Answer:
    question: int
    scale: int | None = None
    yes: bool | None = None
    text: str = ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_answer(question: Question, value: Any) -> Answer | None:
    """``value`` as an answer to ``question``; None when left blank; ``ValueError`` with a
    message when it is no valid answer. Forms send text, the API numbers and booleans."""
    if _blank(value):
        return None
    if question.kind == SCALE_KIND:
        if isinstance(value, bool):
            raise ValueError(_("Choose a number from 1 to 5."))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(_("Choose a number from 1 to 5.")) from None
        if number not in SCALE:
            raise ValueError(_("Choose a number from 1 to 5."))
        return Answer(question.id, scale=number)
    if question.kind == YES_NO_KIND:
        if isinstance(value, bool):
            return Answer(question.id, yes=value)
        word = str(value).strip().lower()
        if word in ("yes", "true", "1", "ja"):
            return Answer(question.id, yes=True)
        if word in ("no", "false", "0", "nej"):
            return Answer(question.id, yes=False)
        raise ValueError(_("Answer yes or no."))
    text = str(value).strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise ValueError(_("At most %(n)s characters.") % {"n": MAX_TEXT_ANSWER})
    return Answer(question.id, text=text)


def parse_answers(questions: Iterable[Question], values: Mapping[int, Any]) -> list[Answer]:
    """All answers of one person, or one ``Invalid`` naming every question that failed
    (field ``q<id>``). Values for questions not asked are refused too."""
    asked = list(questions)
    known = {q.id for q in asked}
    errors: list[dict[str, str]] = []
    answers: list[Answer] = []
    for key in values:
        if key not in known:
            errors.append({"field": f"q{key}", "message": _("No such question.")})
    for question in asked:
        try:
            answer = parse_answer(question, values.get(question.id))
        except ValueError as exc:
            errors.append({"field": f"q{question.id}", "message": str(exc)})
            continue
        if answer is None:
            if question.required:
                errors.append({"field": f"q{question.id}", "message": _("Please answer.")})
            continue
        answers.append(answer)
    if errors:
        raise Invalid(
            _("Some answers are missing or invalid: %(message)s")
            % {"message": errors[0]["message"]},
            errors=errors,
        )
    return answers


# ---- Results ----------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    id: int
    kind: str
    text: str
    answers: int
    # False below the threshold: then the fields below stay empty.
    shown: bool
    distribution: dict[str, int] = field(default_factory=dict)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def bars(self) -> list[tuple[str, int, int]]:
        """(label, count, percent of the answers) for the page's bars."""
        total = sum(self.distribution.values()) or 1
        return [(k, v, round(100 * v / total)) for k, v in self.distribution.items()]


def question_result(
    question: Question, answers: Iterable[Answer], *, minimum: int | None = None
) -> QuestionResult:
    """What may be shown of one question's answers. Free texts are sorted, so their order
    says nothing about who answered when."""
    rows = [a for a in answers if a.question == question.id]
    minimum = min_answers() if minimum is None else minimum
    result = QuestionResult(
        id=question.id,
        kind=question.kind,
        text=question.text,
        answers=len(rows),
        shown=len(rows) >= minimum,
    )
    if not result.shown:
        return result
    if question.kind == SCALE_KIND:
        counts = Counter(a.scale for a in rows if a.scale is not None)
        result.distribution = {str(n): counts.get(n, 0) for n in SCALE}
        values = [a.scale for a in rows if a.scale is not None]
        result.mean = round(sum(values) / len(values), 2) if values else None
    elif question.kind == YES_NO_KIND:
        result.distribution = {
            "yes": sum(1 for a in rows if a.yes is True),
            "no": sum(1 for a in rows if a.yes is False),
        }
    else:
        result.texts = sorted((a.text for a in rows if a.text), key=str.casefold)
    return result
