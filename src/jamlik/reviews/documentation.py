"""The yearly written documentation of active measures (Diskrimineringslagen 3 kap. 13 §):
its sections, and their first text drawn from the year's self-assessment (pure: no database).

An employer with 25 or more employees documents every year the risks and obstacles it has
found, the causes its analysis identified, the measures taken and planned, the wage survey
(lönekartläggning) and its analysis, how the work was followed up and how it cooperated with
the unions. The service (``services/documentation.py``) reads the facts — the submitted
answers of the organisation's units in the year's campaigns, with their comments, and the
organisation's actions (åtgärder) — and hands them here as plain values; ``prefill`` writes
each section's first text, which staff then edit. The text is written in the active
language (the headings are translated when the document is shown, the text is stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

# The framework's area of the wage survey, and the requirements that describe follow-up
# and cooperation (the keys are stable across framework versions).
WAGE_AREA = "lonekartlaggning"
FOLLOW_UP_KEYS = frozenset(
    {
        "dl-3-2-folja-upp",
        "dl-3-6-uppfoljning-riktlinjer",
        "dl-3-13-utvardering-samverkan",
        "sam-arlig-uppfoljning",
    }
)
COOPERATION_KEYS = frozenset({"dl-3-11-samverkan", "dl-3-13-utvardering-samverkan"})
FULL_SCORE = 100.0
# The answer values that say "we do not know": a risk as much as a shortfall.
UNKNOWN_VALUES = frozenset({"dont_know"})
ACTION_DONE = "done"
ACTION_CANCELLED = "cancelled"
ACTION_OPEN = ("planned", "in_progress")


@dataclass(frozen=True)
class Section:
    key: str
    heading: Promise
    help_text: Promise


SECTIONS: tuple[Section, ...] = (
    Section(
        "risks",
        pgettext_lazy("documentation", "Risks and obstacles found"),
        pgettext_lazy(
            "documentation",
            "Risks of discrimination or reprisals and obstacles to equal rights and "
            "opportunities found in the investigation.",
        ),
    ),
    Section(
        "causes",
        pgettext_lazy("documentation", "Causes identified in the analysis"),
        pgettext_lazy("documentation", "What the analysis found to be the causes of the risks."),
    ),
    Section(
        "measures_taken",
        pgettext_lazy("documentation", "Measures taken"),
        pgettext_lazy("documentation", "Measures carried out during the year."),
    ),
    Section(
        "measures_planned",
        pgettext_lazy("documentation", "Measures planned"),
        pgettext_lazy("documentation", "Measures planned, with who is responsible and by when."),
    ),
    Section(
        "wage_survey",
        pgettext_lazy("documentation", "Wage survey and its analysis"),
        pgettext_lazy(
            "documentation",
            "The yearly wage survey (lönekartläggning), its analysis and the wage adjustments "
            "it calls for.",
        ),
    ),
    Section(
        "follow_up",
        pgettext_lazy("documentation", "Follow-up"),
        pgettext_lazy("documentation", "How the work on active measures has been followed up."),
    ),
    Section(
        "cooperation",
        pgettext_lazy("documentation", "Cooperation with the unions"),
        pgettext_lazy(
            "documentation", "How the duty to cooperate with the unions (samverkan) was met."
        ),
    ),
)
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)


@dataclass(frozen=True)
class AnswerFact:
    """One submitted answer of one unit."""

    requirement_key: str
    number: str  # "3.2": the area's and the requirement's place in the framework
    requirement: str  # the requirement's text in the active language
    area_key: str
    unit: str
    answer: str  # the scale option's label in the active language ("" when none chosen)
    value: str
    score: float | None  # 0–100, None when the answer has no score
    comment: str = ""

    @property
    def shortfall(self) -> bool:
        """Not fully met, or not known: something to document as a risk."""
        if self.value in UNKNOWN_VALUES:
            return True
        return self.score is not None and self.score < FULL_SCORE


@dataclass(frozen=True)
class ActionFact:
    title: str
    owner: str
    due: dt.date
    status: str  # ActionStatus value
    status_label: str
    requirement_key: str
    organisation: str
    description: str = ""


def _requirement(fact: AnswerFact) -> str:
    return f"{fact.number} {fact.requirement}".strip()


def _by_requirement(answers: Iterable[AnswerFact]) -> list[tuple[AnswerFact, list[AnswerFact]]]:
    """Answers grouped by requirement, in the framework's order (by number)."""
    groups: dict[str, list[AnswerFact]] = {}
    for fact in answers:
        groups.setdefault(fact.requirement_key, []).append(fact)
    ordered = sorted(groups.values(), key=lambda facts: _number_key(facts[0].number))
    return [(facts[0], sorted(facts, key=lambda f: f.unit)) for facts in ordered]


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


def _answer_lines(answers: Iterable[AnswerFact], *, comments: bool) -> list[str]:
    lines = []
    for first, facts in _by_requirement(answers):
        given = "; ".join(f"{f.unit}: {f.answer or '–'}" for f in facts)
        lines.append(f"- {_requirement(first)} ({given})")
        if comments:
            lines.extend(f"  {f.unit}: {f.comment.strip()}" for f in facts if f.comment.strip())
    return lines


def _action_line(action: ActionFact, *, today: dt.date) -> str:
    line = pgettext(
        "documentation", "- %(title)s (%(organisation)s) – %(owner)s, by %(due)s: %(status)s"
    ) % {
        "title": action.title,
        "organisation": action.organisation,
        "owner": action.owner,
        "due": action.due.isoformat(),
        "status": action.status_label,
    }
    if action.status in ACTION_OPEN and action.due < today:
        line += pgettext("documentation", " (overdue)")
    return line


def _text(lines: Sequence[str], empty: str) -> str:
    return "\n".join(lines) if lines else empty


def prefill(
    answers: Sequence[AnswerFact], actions: Sequence[ActionFact], *, today: dt.date
) -> dict[str, str]:
    """Each section's first text from the year's answers and actions."""
    wage = [a for a in answers if a.area_key == WAGE_AREA]
    other = [a for a in answers if a.area_key != WAGE_AREA]
    shortfalls = [a for a in other if a.shortfall]
    causes = [a for a in shortfalls if a.comment.strip()]
    done = [a for a in actions if a.status == ACTION_DONE]
    planned = [a for a in actions if a.status in ACTION_OPEN]
    wage_keys = {a.requirement_key for a in wage}
    wage_actions = [a for a in actions if a.requirement_key in wage_keys]

    risks = _text(
        [
            pgettext(
                "documentation",
                "The self-assessment found these requirements not fully met (unit: answer):",
            ),
            *_answer_lines(shortfalls, comments=False),
        ]
        if shortfalls
        else [],
        pgettext("documentation", "The self-assessment's answers show no risks or obstacles."),
    )
    causes_text = _text(
        [
            pgettext("documentation", "The units' comments on the requirements not fully met:"),
            *_answer_lines(causes, comments=True),
        ]
        if causes
        else [],
        pgettext("documentation", "The answers carry no comments on causes yet."),
    )
    wage_lines = _answer_lines(wage, comments=True)
    if wage_actions:
        wage_lines.append(pgettext("documentation", "Actions on the wage survey:"))
        wage_lines.extend(_action_line(a, today=today) for a in wage_actions)
    wage_text = _text(
        wage_lines,
        pgettext("documentation", "The self-assessment has no answers on the wage survey."),
    )

    follow_up_lines = _answer_lines(
        [a for a in answers if a.requirement_key in FOLLOW_UP_KEYS], comments=True
    )
    if actions:
        overdue = sum(1 for a in actions if a.status in ACTION_OPEN and a.due < today)
        follow_up_lines.append(
            pgettext(
                "documentation",
                "Of %(total)s actions, %(done)s are done, %(open)s planned or in progress "
                "(%(overdue)s overdue) and %(cancelled)s cancelled.",
            )
            % {
                "total": len(actions),
                "done": len(done),
                "open": len(planned),
                "overdue": overdue,
                "cancelled": sum(1 for a in actions if a.status == ACTION_CANCELLED),
            }
        )
    follow_up = _text(follow_up_lines, pgettext("documentation", "No follow-up is recorded yet."))
    cooperation = _text(
        _answer_lines([a for a in answers if a.requirement_key in COOPERATION_KEYS], comments=True),
        pgettext("documentation", "No cooperation with the unions is recorded yet."),
    )
    return {
        "risks": risks,
        "causes": causes_text,
        "measures_taken": _text(
            [_action_line(a, today=today) for a in done],
            pgettext("documentation", "No action is recorded as done."),
        ),
        "measures_planned": _text(
            [_action_line(a, today=today) for a in planned],
            pgettext("documentation", "No action is planned."),
        ),
        "wage_survey": wage_text,
        "follow_up": follow_up,
        "cooperation": cooperation,
    }


def merged(base: dict[str, str], changes: dict[str, str | None]) -> dict[str, str]:
    """``base`` (the latest version, or the prefill) with the sections given (None: kept);
    every section present, no other key."""
    result = {key: str(base.get(key, "") or "") for key in SECTION_KEYS}
    for key, value in changes.items():
        if key in result and value is not None:
            result[key] = value
    return result
