"""Evidence files move from the app server's disk (the default storage) into the database
(``EvidenceContent``): several app servers share one database but not one disk, and the
backup (pg_dump) then holds the files with the answers they support
(docs/decisions/0028-evidence-files-in-the-database.md). Files already on disk are copied in."""

from django.db import migrations, models


def copy_files_in(apps, schema_editor):
    from django.core.files.storage import default_storage

    Evidence = apps.get_model("assessments", "Evidence")
    EvidenceContent = apps.get_model("assessments", "EvidenceContent")
    for evidence in Evidence.objects.all().iterator():
        with default_storage.open(evidence.stored_as, "rb") as handle:
            EvidenceContent.objects.create(evidence=evidence, content=handle.read())


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_response_assignments"),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceContent",
            fields=[
                (
                    "evidence",
                    models.OneToOneField(
                        on_delete=models.deletion.PROTECT,
                        primary_key=True,
                        related_name="stored_content",
                        serialize=False,
                        to="assessments.evidence",
                    ),
                ),
                ("content", models.BinaryField()),
            ],
        ),
        migrations.RunPython(copy_files_in, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="evidence", name="stored_as"),
    ]
