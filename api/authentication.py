"""`Authorization: Bearer prly_…`: a personal API token stands for its user, narrowed to the
token's organisation and/or to reads (api.permissions and api.access apply the narrowing)."""

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import token_for_raw, token_touch


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may authenticate
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(gettext("Send `Authorization: Bearer <token>`."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(gettext("The token is not valid.")) from None
        token = token_for_raw(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                gettext("The token is unknown, expired or revoked.")
            )
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, `prly_…` (Account → API tokens).",
        }
