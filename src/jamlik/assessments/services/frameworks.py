"""Loading framework versions from YAML files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.assessments.frameworks import (
    FrameworkSpec,
    builtin_files,
    parse_framework,
)
from jamlik.assessments.models import (
    Area,
    Framework,
    Requirement,
)
from jamlik.assessments.services.common import (
    FrameworkLocked,
    require_campaign_manager,
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
    require_campaign_manager(actor)
    spec = parse_framework(source, name)
    digest = spec.content_hash
    current = (
        Framework.objects.select_for_update().filter(key=spec.key, version=spec.version).first()
    )
    if current is not None and current.source_hash == digest:
        return LoadResult(current, "unchanged")
    if current is not None and (current.locked or current.campaigns.exists()):
        raise FrameworkLocked(
            _(
                "Version %(version)s of the framework “%(key)s” is already used by a campaign "
                "and cannot change. Give the changed file a new version."
            )
            % {"version": spec.version, "key": spec.key}
        )
    action = "created" if current is None else "updated"
    framework = current or Framework(key=spec.key, version=spec.version)
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
        framework.requirements.all().delete()
        framework.areas.all().delete()
    _create_areas(framework, spec)
    audit_log(
        actor=actor,
        action=f"assessments.framework.{action}",
        obj=framework,
        new={"source": name[:200], "hash": digest, "requirements": spec.requirement_count()},
    )
    return LoadResult(framework, action)


def _create_areas(framework: Framework, spec: FrameworkSpec) -> None:
    order = 0
    for area_order, area_spec in enumerate(spec.areas):
        area = Area.objects.create(
            framework=framework,
            key=area_spec.key,
            title=area_spec.title,
            description=area_spec.description,
            order=area_order,
        )
        rows = []
        for requirement in area_spec.requirements:
            rows.append(
                Requirement(
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
        Requirement.objects.bulk_create(rows)


def frameworks_load_builtin(*, actor: Any = None) -> list[LoadResult]:
    """Load the framework files shipped with the app (frameworks/*.yaml)."""
    return [
        framework_load(source=path.read_bytes(), name=path.name, actor=actor)
        for path in builtin_files()
    ]
