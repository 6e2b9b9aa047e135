from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .access import token_of


class TokenAllowsMethod(BasePermission):
    """A read-only token may only read."""

    message = _("This API token is read-only.")

    def has_permission(self, request, view):
        token = token_of(request)
        return token is None or not token.read_only or request.method in SAFE_METHODS
