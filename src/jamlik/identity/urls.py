from django.urls import path

from jamlik.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
