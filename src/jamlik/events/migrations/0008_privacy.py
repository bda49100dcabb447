"""Privacy (issue 15 item 6): protected identities, needs stored apart from the registration
and erased sooner, with the existing needs moved into the new table."""

import django.db.models.deletion
from django.db import migrations, models


def needs_apart(apps, schema_editor):
    """Copy every registration's stated needs into RegistrationNeeds (no row without any)."""
    Registration = apps.get_model("events", "Registration")
    RegistrationNeeds = apps.get_model("events", "RegistrationNeeds")
    rows = (
        Registration.objects.exclude(dietary="", accessibility="")
        .values_list("id", "dietary", "accessibility")
        .iterator(chunk_size=1000)
    )
    batch = []
    for pk, dietary, accessibility in rows:
        if not (dietary or accessibility):
            continue
        batch.append(
            RegistrationNeeds(registration_id=pk, dietary=dietary, accessibility=accessibility)
        )
        if len(batch) >= 1000:
            RegistrationNeeds.objects.bulk_create(batch)
            batch = []
    if batch:
        RegistrationNeeds.objects.bulk_create(batch)


def needs_back(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    RegistrationNeeds = apps.get_model("events", "RegistrationNeeds")
    for needs in RegistrationNeeds.objects.iterator(chunk_size=1000):
        Registration.objects.filter(pk=needs.registration_id).update(
            dietary=needs.dietary, accessibility=needs.accessibility
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_hybrid_participation"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="needs_erase_after_days",
            field=models.PositiveIntegerField(
                default=14,
                verbose_name="erase dietary and accessibility needs (days after the event)",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="protected_identity",
            field=models.BooleanField(default=False, verbose_name="protected personal data"),
        ),
        migrations.CreateModel(
            name="RegistrationNeeds",
            fields=[
                (
                    "registration",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="needs",
                        serialize=False,
                        to="events.registration",
                    ),
                ),
                ("dietary", models.TextField(blank=True, verbose_name="dietary needs")),
                (
                    "accessibility",
                    models.TextField(blank=True, verbose_name="accessibility needs"),
                ),
            ],
            options={
                "verbose_name": "dietary and accessibility needs",
                "verbose_name_plural": "dietary and accessibility needs",
            },
        ),
        migrations.RunPython(needs_apart, needs_back, elidable=False),
        migrations.RemoveField(model_name="registration", name="dietary"),
        migrations.RemoveField(model_name="registration", name="accessibility"),
    ]
