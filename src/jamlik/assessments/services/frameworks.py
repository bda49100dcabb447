"""Loading framework versions from YAML files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.assessments import policies
from jamlik.assessments.frameworks import (
    FrameworkSpec,
    ScaleOption,
    builtin_files,
    parse_framework,
)
from jamlik.assessments.models import Framework
from jamlik.assessments.services.common import (
    FrameworkLocked,
)
from jamlik.core.audit import audit_log

# ---- Frameworks --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    action: str  # created, updated, translated (only English texts changed), unchanged


@transaction.atomic
def framework_load(*, source: str | bytes, name: str, actor: Any = None) -> LoadResult:
    """Load one framework version from YAML text. The same content again is a no-op; changed
    content for a version that a campaign uses is refused (load it as a new version)."""
    if actor is not None:
        policies.require(policies.may_load_framework, actor)
    spec = parse_framework(source, name)
    result = framework_write(spec=spec, name=name, registry=django_apps)
    if result.action != "unchanged":
        audit_log(
            actor=actor,
            action=f"assessments.framework.{result.action}",
            obj=result.framework,
            new={
                "source": name[:200],
                "hash": spec.content_hash,
                "requirements": spec.requirement_count(),
            },
        )
    return result


def framework_write(*, spec: FrameworkSpec, name: str, registry: Any) -> LoadResult:
    """Store one parsed framework version with the models of ``registry``: the app registry
    at run time, or a migration's historical one (the built-in frameworks are loaded by a
    data migration, so a fresh install has them after ``migrate``). Runs inside the caller's
    transaction.

    The English texts (``*_en``) are not part of the content hash: the same Swedish content
    with new or corrected English texts updates only those, by key, even on a version in
    use (``translated``); they translate what is asked and change neither keys nor answers.
    A historical registry from before the English fields existed gets the Swedish texts
    only (the later migration fills the English ones)."""
    framework_model = registry.get_model("assessments", "Framework")
    area_model = registry.get_model("assessments", "Area")
    requirement_model = registry.get_model("assessments", "Requirement")
    english = _has_english_fields(requirement_model)
    digest = spec.content_hash
    current = (
        framework_model.objects.select_for_update()
        .filter(key=spec.key, version=spec.version)
        .first()
    )
    if current is not None and current.source_hash == digest:
        if english and _write_english(spec, current, area_model, requirement_model):
            return LoadResult(current, "translated")
        return LoadResult(current, "unchanged")
    if current is not None and (current.locked_at is not None or current.campaigns.exists()):
        raise FrameworkLocked(
            _(
                "Version %(version)s of the framework “%(key)s” is already used by a campaign "
                "and cannot change. Give the changed file a new version."
            )
            % {"version": spec.version, "key": spec.key}
        )
    action = "created" if current is None else "updated"
    framework = current or framework_model(key=spec.key, version=spec.version)
    framework.title = spec.title
    framework.description = spec.description
    framework.scales = {
        scale: [_option(o, english) for o in options] for scale, options in spec.scales.items()
    }
    if english:
        framework.title_en = spec.title_en
        framework.description_en = spec.description_en
    framework.default_scale = spec.default_scale
    framework.source_name = name[:200]
    framework.source_hash = digest
    framework.save()
    if current is not None:
        # Not used by any campaign, so nothing refers to these rows yet.
        requirement_model.objects.filter(framework=framework).delete()
        area_model.objects.filter(framework=framework).delete()
    order = 0
    for area_order, area_spec in enumerate(spec.areas):
        area_english = (
            {"title_en": area_spec.title_en, "description_en": area_spec.description_en}
            if english
            else {}
        )
        area = area_model.objects.create(
            framework=framework,
            key=area_spec.key,
            title=area_spec.title,
            description=area_spec.description,
            order=area_order,
            **area_english,
        )
        rows = []
        for requirement in area_spec.requirements:
            rows.append(
                requirement_model(
                    framework=framework,
                    area=area,
                    key=requirement.key,
                    text=requirement.text,
                    reference=requirement.reference,
                    guidance=requirement.guidance,
                    scale_name=requirement.scale or spec.default_scale,
                    own_scale=requirement.scale is not None,
                    needs_check=requirement.check,
                    order=order,
                    **(
                        {"text_en": requirement.text_en, "guidance_en": requirement.guidance_en}
                        if english
                        else {}
                    ),
                )
            )
            order += 1
        requirement_model.objects.bulk_create(rows)
    return LoadResult(framework, action)


def _has_english_fields(requirement_model: Any) -> bool:
    return any(f.name == "text_en" for f in requirement_model._meta.get_fields())


def _option(option: ScaleOption, english: bool) -> dict[str, Any]:
    """A scale option as stored in ``Framework.scales``; ``label_en`` only when given."""
    out: dict[str, Any] = {"value": option.value, "label": option.label, "score": option.score}
    if english and option.label_en:
        out["label_en"] = option.label_en
    return out


def _write_english(
    spec: FrameworkSpec, framework: Any, area_model: Any, requirement_model: Any
) -> bool:
    """Set the English texts of a stored version to the file's, by key (the Swedish content
    is the same: equal content hash); whether anything changed."""
    changed = False
    scales = {
        scale: [{k: v for k, v in option.items() if k != "label_en"} for option in options]
        for scale, options in framework.scales.items()
    }
    given = {
        (scale, o.value): o.label_en for scale, options in spec.scales.items() for o in options
    }
    for scale, options in scales.items():
        for option in options:
            if given.get((scale, option["value"])):
                option["label_en"] = given[(scale, option["value"])]
    fields = {"title_en": spec.title_en, "description_en": spec.description_en}
    if scales != framework.scales or any(getattr(framework, k) != v for k, v in fields.items()):
        framework.scales = scales
        for name, value in fields.items():
            setattr(framework, name, value)
        framework.save(update_fields=["scales", "title_en", "description_en", "updated_at"])
        changed = True
    areas = {a.key: a for a in spec.areas}
    for area in area_model.objects.filter(framework=framework):
        area_spec = areas.get(area.key)
        if area_spec is None:
            continue
        if (area.title_en, area.description_en) != (area_spec.title_en, area_spec.description_en):
            area.title_en, area.description_en = area_spec.title_en, area_spec.description_en
            area.save(update_fields=["title_en", "description_en"])
            changed = True
    requirements = {r.key: r for a in spec.areas for r in a.requirements}
    for requirement in requirement_model.objects.filter(framework=framework):
        r_spec = requirements.get(requirement.key)
        if r_spec is None:
            continue
        if (requirement.text_en, requirement.guidance_en) != (r_spec.text_en, r_spec.guidance_en):
            requirement.text_en, requirement.guidance_en = r_spec.text_en, r_spec.guidance_en
            requirement.save(update_fields=["text_en", "guidance_en"])
            changed = True
    return changed


def frameworks_load_builtin(*, actor: Any = None) -> list[LoadResult]:
    """Load the framework files shipped with the app (frameworks/*.yaml)."""
    return [
        framework_load(source=path.read_bytes(), name=path.name, actor=actor)
        for path in builtin_files()
    ]
