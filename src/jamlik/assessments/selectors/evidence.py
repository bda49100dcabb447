"""Reads of evidence files. The caller has reached the response through its scope
(``response_get``) or its link (``response_for_token``): the files are the response's.

Each list is one query whatever the number of files; which file replaced which is worked
out from the same rows (``successor_id``), not with a query per file."""

from __future__ import annotations

from jamlik.assessments.models import Evidence, Response
from jamlik.assessments.services.evidence import requirement_of
from jamlik.core.errors import NotFound


def _with_successors(items: list[Evidence]) -> list[Evidence]:
    successors = {item.replaces_id: item.pk for item in items if item.replaces_id}
    for item in items:
        item.successor_id = successors.get(item.pk)
    return items


def evidence_by_requirement(*, response: Response) -> dict[str, list[Evidence]]:
    """Every file of the response, by requirement key, oldest first (one query)."""
    items = _with_successors(
        list(
            Evidence.objects.filter(response=response)
            .select_related("requirement")
            .order_by("uploaded_at", "id")
        )
    )
    files: dict[str, list[Evidence]] = {}
    for item in items:
        files.setdefault(item.requirement.key, []).append(item)
    return files


def evidence_list(*, response: Response, requirement_key: str) -> list[Evidence]:
    """The files of one answer, every revision, oldest first; 404 for a requirement the
    response's framework does not have."""
    requirement = requirement_of(response, requirement_key)
    return _with_successors(
        list(
            Evidence.objects.filter(response=response, requirement=requirement)
            .select_related("requirement")
            .order_by("uploaded_at", "id")
        )
    )


def evidence_get(*, response: Response, requirement_key: str, pk: int) -> Evidence:
    """One file of the answer; 404 when the answer has no such file."""
    evidence = (
        Evidence.objects.filter(
            pk=pk,
            response=response,
            requirement__framework_id=response.campaign.framework_id,
            requirement__key=requirement_key,
        )
        .select_related("requirement")
        .first()
    )
    if evidence is None:
        raise NotFound()
    return evidence


def current_files(items: list[Evidence]) -> list[Evidence]:
    """The files not replaced by a later revision."""
    return [item for item in items if item.successor_id is None]
