"""django-allauth's pages that Parley uses, under /accounts/.

Not `allauth.urls` whole: it adds unnamed legacy redirects, and regex routes for features
that are off here (email confirmation links, allauth's own password reset, which Parley
does through Django's limited view: organizations.views.PasswordResetView). Every route
left is named, so tests/security/routes.py classifies it and the isolation walk covers it.
"""

from allauth.account import urls as account_urls
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.urls import include, path
from django.urls.resolvers import RoutePattern


def _allauth_account_patterns():
    # account_login stays for allauth's reverse(); organizations.views.SignInView, routed
    # first at the same address, serves it.
    return [p for p in account_urls.urlpatterns if isinstance(p.pattern, RoutePattern)]


urlpatterns = [
    path("accounts/", include(_allauth_account_patterns())),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/sessions/", include("allauth.usersessions.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/oidc/<str:provider_id>/login/", oidc_views.login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc_views.callback,
        name="openid_connect_callback",
    ),
]
