"""The comparison files of docs/framework-keys.md, written from ``selectors.scores``:

- ``jamlik-scores/1``: scores per organisation and requirement key of a campaign, as JSON,
  as CSV for programs (``,``, UTF-8 without BOM, English column names: the API) and as CSV
  for Swedish Excel (``;``, UTF-8 with BOM, Swedish column names, decimal comma, formula
  characters neutralised: the results page). Every format holds the same rows.
- ``jamlik-framework-keys/1``: every area and requirement key of framework versions, as
  JSON or CSV (``,``, UTF-8 without BOM, English column names).

The column names and JSON fields of a version never change; a change that would break a
reader gets a new version (``/2``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from jamlik.assessments.selectors.scores import (
    KEYS_FORMAT,
    SCORES_FORMAT,
    CampaignScores,
    ScoreRow,
)
from jamlik.core import filejobs
from jamlik.core.display import round_half_up
from jamlik.core.xlsxstream import safe_cell

SCORE_COLUMNS = [
    "format",
    "campaign_id",
    "campaign_title",
    "framework_key",
    "framework_version",
    "organisation_code",
    "organisation_name",
    "requirement_key",
    "area_key",
    "answered",
    "scored",
    "score",
]
COUNT_PREFIX = "count_"

KEY_COLUMNS = [
    "format",
    "framework_key",
    "framework_version",
    "content_hash",
    "area_key",
    "area_title",
    "area_title_en",
    "requirement_key",
    "requirement_text",
    "requirement_text_en",
    "reference",
]


def rounded(score: float | None) -> float | None:
    """A score with one decimal, rounded half up (as every page and report shows it)."""
    return None if score is None else float(round_half_up(score, 1))


# ---- jamlik-scores/1 ---------------------------------------------------------------------


def _row_data(scores: CampaignScores, row: ScoreRow) -> dict[str, Any]:
    return {
        "campaign_id": scores.campaign.pk,
        "campaign_title": scores.campaign.title,
        "framework_key": scores.framework.key,
        "framework_version": scores.framework.version,
        "organisation_code": row.organisation_code,
        "organisation_name": row.organisation_name,
        "requirement_key": row.requirement_key,
        "area_key": row.area_key,
        "answered": row.answered,
        "scored": row.scored,
        "score": rounded(row.score),
        "counts": dict(row.counts),
    }


def scores_data(scores: CampaignScores) -> dict[str, Any]:
    """The JSON document: the format, the campaign and framework, the answer values of the
    framework's scales, and one row per organisation × requirement."""
    return {
        "format": SCORES_FORMAT,
        "campaign": {"id": scores.campaign.pk, "title": scores.campaign.title},
        "framework": {
            "key": scores.framework.key,
            "version": scores.framework.version,
            "content_hash": scores.framework.source_hash,
        },
        "values": list(scores.values),
        "rows": [_row_data(scores, row) for row in scores.rows],
    }


def scores_json(scores: CampaignScores) -> str:
    return json.dumps(scores_data(scores), ensure_ascii=False, indent=1)


def _score_cells(scores: CampaignScores, *, decimal: str = ".") -> Iterable[list[Any]]:
    for row in scores.rows:
        data = _row_data(scores, row)
        score = data["score"]
        text = "" if score is None else f"{score:.1f}".replace(".", decimal)
        yield (
            [SCORES_FORMAT]
            + [data[name] for name in SCORE_COLUMNS[1:-1]]
            + [text]
            + [row.counts.get(v, "") for v in scores.values]
        )


def scores_header(scores: CampaignScores) -> list[str]:
    """The program CSV's columns: the fixed ones, then ``count_<value>`` per value."""
    return SCORE_COLUMNS + [f"{COUNT_PREFIX}{value}" for value in scores.values]


def swedish_scores_header(scores: CampaignScores) -> list[str]:
    """The page CSV's columns, the same in the same order, named in the active language."""
    return [
        _("Format"),
        _("Campaign id"),
        _("Campaign"),
        _("Framework key"),
        _("Framework version"),
        _("Organisation code"),
        _("Organisation"),
        _("Requirement key"),
        _("Area key"),
        _("Number answered"),
        _("Number scored"),
        _("Score (0–100)"),
    ] + [_("Answers: %(value)s") % {"value": value} for value in scores.values]


def scores_csv(scores: CampaignScores) -> str:
    """For programs: ``,``, no BOM, English columns, values as they are."""
    return _csv(scores_header(scores), _score_cells(scores))


def scores_csv_excel(scores: CampaignScores) -> str:
    """For Swedish Excel: BOM, ``;``, the active language's columns, decimal comma and a
    leading formula character neutralised (CSV injection)."""
    rows = ([safe_cell(v) for v in row] for row in _score_cells(scores, decimal=","))
    return "\ufeff" + _csv(swedish_scores_header(scores), rows, delimiter=";")


# ---- jamlik-framework-keys/1 -------------------------------------------------------------


def keys_data(frameworks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The JSON document over entries of ``selectors.scores.framework_keys``."""
    return {"format": KEYS_FORMAT, "frameworks": list(frameworks)}


def keys_json(frameworks: Sequence[dict[str, Any]]) -> str:
    return json.dumps(keys_data(frameworks), ensure_ascii=False, indent=1)


def keys_csv(frameworks: Sequence[dict[str, Any]]) -> str:
    """One row per requirement (its area repeated on each)."""
    rows = (
        [
            KEYS_FORMAT,
            framework["key"],
            framework["version"],
            framework["content_hash"],
            area["key"],
            area["title"],
            area["title_en"],
            requirement["key"],
            requirement["text"],
            requirement["text_en"],
            requirement["reference"],
        ]
        for framework in frameworks
        for area in framework["areas"]
        for requirement in area["requirements"]
    )
    return _csv(KEY_COLUMNS, rows)


# ---- Writing -----------------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def attachment(content: str, filename: str, content_type: str) -> HttpResponse:
    """A score or keys file as a download (core's attachment: private, never cached)."""
    return filejobs.attachment((filename, f"{content_type}; charset=utf-8", content.encode()))


def scores_filename(scores: CampaignScores, extension: str) -> str:
    return f"scores-{scores.campaign.pk}.{extension}"
