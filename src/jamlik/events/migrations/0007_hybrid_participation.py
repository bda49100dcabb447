# Hybrid sessions (docs/rules.md#events-hybrid): the online seats and their counters, the
# meeting links, and each registration's participation.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="meeting_url",
            field=models.URLField(blank=True, max_length=500, verbose_name="online meeting link"),
        ),
        migrations.AddField(
            model_name="event",
            name="online_capacity",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Empty: no online participation.",
                null=True,
                verbose_name="online seats",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="online_confirmed_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="online_held_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="online_waiting_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="session",
            name="meeting_url",
            field=models.URLField(blank=True, max_length=500, verbose_name="online meeting link"),
        ),
        migrations.AddField(
            model_name="registration",
            name="participation",
            field=models.CharField(
                choices=[("on_site", "On site"), ("online", "Online")],
                default="on_site",
                max_length=10,
                verbose_name="participation",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("online_capacity__isnull", True))
                | models.Q(
                    (
                        "online_capacity__gte",
                        models.F("online_confirmed_count") + models.F("online_held_count"),
                    )
                ),
                name="event_online_seats_within_capacity",
            ),
        ),
    ]
