"""Django admin for the events app. Events are saved through the services (so seats, the
release and the audit log stay right); everything that decides seats is read-only here and
changed through the organiser pages or the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from jamlik.events.models import (
    Allocation,
    Evaluation,
    EvaluationQuestion,
    Event,
    EventMessage,
    Invitation,
    OrganisationLink,
    Registration,
    Session,
    UnusedSeatReminder,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "kind", "capacity", "confirmed_count",
                    "held_count", "waiting_count"]  # fmt: skip
    list_filter = ["status", "kind"]
    search_fields = ["title", "venue"]
    date_hierarchy = "starts_at"
    readonly_fields = ["confirmed_count", "held_count", "waiting_count", "released_at",
                       "created_by", "created_at", "updated_at"]  # fmt: skip
    # Hybrid: the meeting link is https only (the input model's rule).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: Any, obj: Event, form: Any, change: bool) -> None:
        from jamlik.events import services

        fields = {
            f: form.cleaned_data[f] for f in services.events.EVENT_FIELDS if f in form.cleaned_data
        }
        if change:
            changed = {f: v for f, v in fields.items() if f in form.changed_data}
            services.event_update(actor=request.user, event=obj, **changed)
        else:
            created = services.event_create(actor=request.user, **fields)
            obj.pk = created.pk


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["name", "event", "quota", "confirmed_count", "held_count", "waiting_count"]
    list_filter = ["event"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "event", "starts_at", "ends_at", "room", "capacity", "taken_count"]
    list_filter = ["event"]
    search_fields = ["title", "speakers"]


@admin.register(OrganisationLink)
class OrganisationLinkAdmin(ReadOnlyAdmin):
    list_display = ["event", "organisation", "created_at", "sent_at", "revoked_at"]
    list_filter = ["event"]
    exclude = ["token"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "organisation", "category", "status", "created_at",
                    "checked_in_at"]  # fmt: skip
    list_filter = ["status", "category", "event"]
    search_fields = ["name", "email"]
    list_select_related = ["event", "organisation"]
    exclude = ["manage_token", "approval_token", "checkin_code"]


@admin.register(EventMessage)
class EventMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "event", "recipients", "sent_by", "sent_at"]
    list_filter = ["event"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "organisation", "status", "invited_at", "answered_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "email"]
    list_select_related = ["event", "organisation"]
    exclude = ["token"]


class EvaluationQuestionInline(admin.TabularInline):
    model = EvaluationQuestion
    fields = ["position", "kind", "text", "required"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


# The answers are not here: they are shown only as results above the threshold of answers
# (EVENTS_EVALUATION_MIN_ANSWERS), on the organiser's evaluation page. The dietary and
# accessibility needs are not here either: organisers see counts, the city who (the pages).
@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["event", "auto_send", "sent_at", "updated_at"]
    list_select_related = ["event"]
    inlines = [EvaluationQuestionInline]


@admin.register(UnusedSeatReminder)
class UnusedSeatReminderAdmin(ReadOnlyAdmin):
    list_display = ["id", "allocation", "days_before", "unused", "sent_at"]
    list_select_related = ["allocation"]
