"""The built-in framework version ``aktiva-atgarder`` 2025.2: version 2025 with the references
to AFS 2023:2 and AFS 2023:1 given by section (docs/law.md). Version 2025 stays as it is,
since campaigns use it; the requirement keys are the same, so campaigns on 2025 and 2025.2
compare. Like 0004, a new built-in version comes with a migration that names its file."""

from django.db import migrations

FILES = ["aktiva-atgarder-2025-2.yaml"]


def load_builtin(apps, schema_editor):
    from jamlik.assessments.frameworks import BUILTIN_DIR, parse_framework
    from jamlik.assessments.services.frameworks import framework_write

    for name in FILES:
        spec = parse_framework((BUILTIN_DIR / name).read_bytes(), name)
        framework_write(spec=spec, name=name, registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_response_signoff"),
    ]

    operations = [migrations.RunPython(load_builtin, migrations.RunPython.noop)]
