"""The English texts of the built-in frameworks for databases that loaded them before the
English fields existed (0004 stores the Swedish texts only). The Swedish content and the
keys are the same (equal content hash), so ``framework_write`` fills the ``*_en`` fields by
key, also on versions that campaigns use; a fresh install gets them here too."""

from django.db import migrations

FILES = ["aktiva-atgarder-2019.yaml", "aktiva-atgarder-2025.yaml"]


def fill_english(apps, schema_editor):
    from jamlik.assessments.frameworks import BUILTIN_DIR, parse_framework
    from jamlik.assessments.services.frameworks import framework_write

    Framework = apps.get_model("assessments", "Framework")
    for name in FILES:
        spec = parse_framework((BUILTIN_DIR / name).read_bytes(), name)
        stored = Framework.objects.filter(key=spec.key, version=spec.version).first()
        if stored is None or stored.source_hash != spec.content_hash:
            # Removed, or replaced by other content under the same version: not ours to
            # touch (a later built-in version comes with a migration of its own).
            continue
        framework_write(spec=spec, name=stored.source_name or name, registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_framework_english_texts"),
    ]

    operations = [migrations.RunPython(fill_english, migrations.RunPython.noop)]
