"""What every API view shares: token or session authentication, the read-only narrowing,
throttling, problem details, and an audit event for every write that succeeded."""

from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated

from organizations.audit import audit_record
from organizations.models import AuditEvent

from ..access import token_of
from ..permissions import TokenAllowsMethod


class ApiView(GenericAPIView):
    permission_classes = [IsAuthenticated, TokenAllowsMethod]
    # No OPTIONS metadata: DRF builds it by loading the object, which these views find
    # through the access checks, not a queryset (an OPTIONS request is a 405).
    metadata_class = None
    # Set by the view once it found its organisation: the audit event names it.
    organization = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            _audit_write(request, self.organization)
        return response


def _audit_write(request, organization) -> None:
    token = token_of(request)
    who = request.user.email if request.user.is_authenticated else "anonymous"
    via = f" (API token {token.prefix})" if token else " (API, signed in)"
    audit_record(
        action=AuditEvent.Action.API_WRITE,
        request=request._request,
        actor=request.user if request.user.is_authenticated else None,
        actor_label=who + via,
        organization=organization,
        target=f"{request.method} {request.path}",
    )
