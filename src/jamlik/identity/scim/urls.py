"""SCIM 2.0 under ``/scim/v2/`` (the tenant URL given to Entra ID). A trailing slash is
optional everywhere; any other path is a SCIM 404."""

from django.urls import path, re_path

from jamlik.identity.scim import views

app_name = "scim"

urlpatterns = [
    path("", views.not_found_view, name="root"),
    re_path(r"^ServiceProviderConfig/?$", views.service_provider_config_view),
    re_path(r"^ResourceTypes/?$", views.resource_types_view),
    re_path(r"^ResourceTypes/(?P<name>[^/]+)/?$", views.resource_types_view),
    re_path(r"^Schemas/?$", views.schemas_view),
    re_path(r"^Schemas/(?P<schema_id>[^/]+)/?$", views.schemas_view),
    re_path(r"^Users/?$", views.users_view, name="users"),
    re_path(r"^Users/\.search/?$", views.users_search_view),
    re_path(r"^Users/(?P<scim_id>[^/]+)/?$", views.user_view, name="user"),
    re_path(r"^Groups/?$", views.groups_view, name="groups"),
    re_path(r"^Groups/\.search/?$", views.groups_search_view),
    re_path(r"^Groups/(?P<scim_id>[^/]+)/?$", views.group_view, name="group"),
    re_path(r"^\.search/?$", views.root_search_view),
    re_path(r"^(?P<rest>.*)$", views.not_found_view),
]
