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
    action: str  # created, updated, unchanged


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
    transaction."""
    framework_model = registry.get_model("assessments", "Framework")
    area_model = registry.get_model("assessments", "Area")
    requirement_model = registry.get_model("assessments", "Requirement")
    digest = spec.content_hash
    current = (
        framework_model.objects.select_for_update()
        .filter(key=spec.key, version=spec.version)
        .first()
    )
    if current is not None and current.source_hash == digest:
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
        scale: [{"value": o.value, "label": o.label, "score": o.score} for o in options]
        for scale, options in spec.scales.items()
    }
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
        area = area_model.objects.create(
            framework=framework,
            key=area_spec.key,
            title=area_spec.title,
            description=area_spec.description,
            order=area_order,
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
                )
            )
            order += 1
        requirement_model.objects.bulk_create(rows)
    return LoadResult(framework, action)


def frameworks_load_builtin(*, actor: Any = None) -> list[LoadResult]:
    """Load the framework files shipped with the app (frameworks/*.yaml)."""
    return [
        framework_load(source=path.read_bytes(), name=path.name, actor=actor)
        for path in builtin_files()
    ]
