# Delegation inside a unit: assignments of requirements to colleagues (issue 16 item 5).

import django.db.models.deletion
import django.utils.timezone
import jamlik.core.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_answer_evidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                ("name", models.CharField(blank=True, max_length=200, verbose_name="name")),
                ("requirement_keys", models.JSONField(default=list, verbose_name="requirements")),
                (
                    "token",
                    models.CharField(
                        default=jamlik.core.models.secret_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        default="sv", max_length=5, verbose_name="language of the e-mail"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
                ),
                (
                    "last_answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last answered at"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="assessments.response",
                    ),
                ),
            ],
            options={
                "verbose_name": "assignment",
                "verbose_name_plural": "assignments",
                "ordering": ["response", "created_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="answer",
            name="assignment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="answers",
                to="assessments.assignment",
            ),
        ),
    ]
