"""The Django admin for users, API tokens and the audit log: the administrators' tool.

Only administrators reach it (the role sets ``is_staff``, and every page here asks
``policies.may_use_admin_site`` too). Changes to users and tokens go through the same
policy and services as the pages and the API: the staff and superuser flags follow the role
and are never ticked by hand, nobody changes their own role or active flag, and every change
is audited."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from jamlik.core import policies, services
from jamlik.core.audit import audit_log
from jamlik.core.models import ApiToken, AuditEntry, Role, User

if TYPE_CHECKING:  # the mixin's super() is a ModelAdmin
    _MixinBase = admin.ModelAdmin
else:
    _MixinBase = object


class AdministratorsOnly(_MixinBase):
    """Every page of a model needs an administrator, whatever Django permissions a user was
    given."""

    def has_module_permission(self, request):
        return policies.may_use_admin_site(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return policies.may_use_admin_site(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return policies.may_use_admin_site(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return policies.may_use_admin_site(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return policies.may_use_admin_site(request.user) and super().has_delete_permission(
            request, obj
        )


@admin.register(User)
class UserAdmin(AdministratorsOnly, DjangoUserAdmin):
    list_display = ["username", "name", "email", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "name", "email"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email")}),
        (_("Role"), {"fields": ("role", "organisation", "is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Person"), {"fields": ("name", "email")}),
        (_("Role"), {"fields": ("role", "organisation")}),
    )
    # The role decides these; a tick box could make anyone a superuser.
    readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += list(policies.NOT_ON_ONESELF)
        return fields

    def has_delete_permission(self, request, obj=None):
        # Deleting oneself would be the lock-out that deactivating oneself is refused for.
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The admin's change view runs in a transaction, so the audit entry and the change
        # commit together.
        if not change:
            policies.require(policies.may_create_user, request.user, obj.role)
            obj.is_staff = obj.is_superuser = obj.role == Role.ADMIN
            super().save_model(request, obj, form, change)
            audit_log(
                actor=request.user,
                action="core.user.created",
                obj=obj,
                new={
                    "username": obj.username,
                    "role": obj.role,
                    "organisation": obj.organisation_id,
                },
            )
            return
        before = User.objects.get(pk=obj.pk)
        values = {f: getattr(obj, f) for f in policies.CHANGEABLE_FIELDS if f in form.changed_data}
        # The service asks the policy, derives the staff flags from the role and audits.
        services.user_update(actor=request.user, user=before, values=values)
        obj.is_staff, obj.is_superuser = before.is_staff, before.is_superuser
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        # Tokens are made by `jamlik token create` or the profile page, which show the raw
        # value once; the admin could only store a hash nobody knows.
        return False

    def delete_model(self, request, obj):
        services.api_token_revoke(actor=request.user, token=obj)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            services.api_token_revoke(actor=request.user, token=token)


@admin.register(AuditEntry)
class AuditEntryAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_label", "actor_label", "object_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
