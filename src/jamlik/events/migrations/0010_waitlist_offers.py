"""Waiting-list offers with a claim window (docs/rules.md#waiting-list-offers): the event's
claim window, the status ``offered``, which counts as an active registration and as a held
seat (so it needs a hold expiry)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_evaluation"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="waitlist_offer_hours",
            field=models.PositiveIntegerField(
                blank=True,
                help_text=(
                    "Empty: a freed seat goes to the first person waiting at once. A number: "
                    "after the release the seat is offered to them for that many hours and "
                    "passes on if they do not claim it."
                ),
                null=True,
                verbose_name="claim window for offered seats (hours)",
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="status",
            field=models.CharField(
                choices=[
                    ("confirmed", "Confirmed"),
                    ("pending_approval", "Waiting for approval"),
                    ("waiting", "On the waiting list"),
                    ("cancelled", "Cancelled"),
                    ("declined", "Declined"),
                    ("expired", "Approval expired"),
                    ("transferred", "Transferred"),
                    ("offered", "Seat offered"),
                ],
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="registration", name="registration_one_active_per_email"
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                models.F("event"),
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(
                    ("status__in", ["confirmed", "pending_approval", "offered", "waiting"])
                ),
                name="registration_one_active_per_email",
            ),
        ),
        migrations.RemoveConstraint(model_name="registration", name="registration_hold_has_expiry"),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["pending_approval", "offered"]), _negated=True),
                    ("hold_expires_at__isnull", False),
                    _connector="OR",
                ),
                name="registration_hold_has_expiry",
            ),
        ),
    ]
