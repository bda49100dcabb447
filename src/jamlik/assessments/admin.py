"""Django admin for assessments: frameworks and submitted versions are read-only (files and
the services make them); campaigns, responses and actions are shown for support."""

from django.contrib import admin

from jamlik.assessments.models import (
    Action,
    Area,
    Campaign,
    Framework,
    Requirement,
    Response,
    ResponseVersion,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AreaInline(ReadOnlyInline):
    model = Area
    fields = ("order", "key", "title")


class RequirementInline(ReadOnlyInline):
    model = Requirement
    fields = ("order", "key", "area", "reference", "scale_name", "needs_check")


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("key", "version", "title", "locked_at", "loaded_at")
    search_fields = ("key", "title")
    readonly_fields = [f.name for f in Framework._meta.fields]
    inlines = [AreaInline, RequirementInline]

    def has_add_permission(self, request):
        return False  # `jamlik frameworks load FILE`

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.locked


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "framework", "opens_at", "closes_at", "reminder_interval_days")
    search_fields = ("title",)
    list_select_related = ("framework",)
    readonly_fields = ("framework", "created_at", "created_by")
    filter_horizontal = ()
    raw_id_fields = ("organisations",)

    def has_add_permission(self, request):
        return False  # campaign_create makes the responses


class VersionInline(ReadOnlyInline):
    model = ResponseVersion
    fields = ("number", "submitted_at", "submitted_by")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("campaign", "unit", "status", "submitted_at", "submitted_by")
    list_filter = ("status", "campaign")
    list_select_related = ("campaign", "unit")
    search_fields = ("unit__name", "unit__code")
    readonly_fields = [f.name for f in Response._meta.fields if f.name not in ("respondents",)]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a submitted response is a public record


@admin.register(ResponseVersion)
class ResponseVersionAdmin(admin.ModelAdmin):
    list_display = ("response", "number", "submitted_at", "submitted_by")
    readonly_fields = [f.name for f in ResponseVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "requirement_key", "owner", "due", "status")
    list_filter = ("status",)
    search_fields = ("title", "requirement_key", "owner")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "campaign")
