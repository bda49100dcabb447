from django.urls import path

from jamlik.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("import/", views.organisation_import, name="import"),
    path("export.csv", views.organisation_export_csv, name="export_csv"),
    path("export.xlsx", views.organisation_export_xlsx, name="export_xlsx"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
]
