"""The Frameworks endpoints: frameworks in the API's shape, built by hand from the
framework's stored definition."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from jamlik.assessments import selectors
from jamlik.assessments.api.common import (
    _json,
    router,
)
from jamlik.assessments.models import (
    Framework,
)
from jamlik.core.api import paginate


class ScaleOptionOut(Schema):
    value: str
    label: str
    score: float | None
    # The English label (an added field; ``label`` stays Swedish): only when the framework
    # gives one.
    label_en: str | None = None


# The English texts (``*_en``) are added fields: the unsuffixed ones stay Swedish; "" when
# the framework has none (assessments.texts).
class RequirementOut(Schema):
    key: str
    text: str
    reference: str
    guidance: str
    scale: list[ScaleOptionOut] | None = None
    check: bool = False
    text_en: str = ""
    guidance_en: str = ""


class AreaOut(Schema):
    key: str
    title: str
    description: str = ""
    requirements: list[RequirementOut]
    title_en: str = ""
    description_en: str = ""


class FrameworkOut(Schema):
    id: int
    key: str
    version: str
    title: str
    description: str
    areas: list[AreaOut]
    scale: list[ScaleOptionOut]
    locked: bool
    title_en: str = ""
    description_en: str = ""


def _requirement_out(framework: Framework, requirement: Any) -> dict[str, Any]:
    """A requirement; ``scale`` only when it has its own (it overrides the framework's,
    docs/rules.md#assessments-frameworks)."""
    out = {
        "key": requirement.key,
        "text": requirement.text,
        "reference": requirement.reference,
        "guidance": requirement.guidance,
        "check": requirement.needs_check,
        "text_en": requirement.text_en,
        "guidance_en": requirement.guidance_en,
    }
    if requirement.own_scale:
        out["scale"] = framework.scale(requirement.scale_name)
    return out


def _framework_out(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.pk,
        "key": framework.key,
        "version": framework.version,
        "title": framework.title,
        "description": framework.description,
        "title_en": framework.title_en,
        "description_en": framework.description_en,
        "scale": framework.scale(),
        "locked": framework.locked,
        "areas": [
            {
                "key": area.key,
                "title": area.title,
                "description": area.description,
                "title_en": area.title_en,
                "description_en": area.description_en,
                "requirements": [_requirement_out(framework, r) for r in requirements],
            }
            for area, requirements in selectors.framework_structure(framework)
        ],
    }


# ---- Frameworks --------------------------------------------------------------------------


@router.get("/frameworks", response=list[FrameworkOut])
def list_frameworks(request: HttpRequest, response: HttpResponse) -> Any:
    frameworks = paginate(request, response, selectors.framework_list(user=request.user))
    return _json([_framework_out(framework) for framework in frameworks], response)


@router.get("/frameworks/{framework_id}", response=FrameworkOut)
def get_framework(request: HttpRequest, framework_id: int) -> Any:
    return _json(_framework_out(selectors.framework_get(user=request.user, pk=framework_id)))
