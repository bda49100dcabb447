# A field named "check" hid Model.check() (models.E020).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="requirement",
            old_name="check",
            new_name="needs_check",
        ),
    ]
