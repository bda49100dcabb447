"""The built-in frameworks are there after ``migrate``: a fresh install can start a campaign
without a separate load step. A changed or new built-in framework comes as a new version
with a migration of its own that names its file, like this one."""

from django.db import migrations

FILES = ["aktiva-atgarder-2019.yaml", "aktiva-atgarder-2025.yaml"]


def load_builtin(apps, schema_editor):
    from jamlik.assessments.frameworks import BUILTIN_DIR, parse_framework
    from jamlik.assessments.services.frameworks import framework_write

    for name in FILES:
        spec = parse_framework((BUILTIN_DIR / name).read_bytes(), name)
        framework_write(spec=spec, name=name, registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_campaign_reminder_job"),
    ]

    operations = [migrations.RunPython(load_builtin, migrations.RunPython.noop)]
