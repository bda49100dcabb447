from django.urls import path

from jamlik.identity import signin, views

app_name = "identity"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/tokens/", views.token_create, name="token_create"),
    path("directory/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # OpenID Connect (identity/oidc.py); the callback is the redirect URI registered in the
    # directory: https://<host>/sso/callback/
    path("sso/login/", signin.SignInView.as_view(), name="sign_in"),
    path("sso/anmalan/", signin.PersonSignInView.as_view(), name="person_sign_in"),
    path("sso/callback/", signin.CallbackView.as_view(), name="oidc_callback"),
    path("sso/nekad/", signin.sso_refused, name="sso_refused"),
    path("sso/logga-ut/", signin.person_sign_out, name="person_sign_out"),
]
