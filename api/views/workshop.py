"""The workshop's agreed positions and actions: read by any manager of the round, written
through workspace.services (the presenter view's services) once the round is scored."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from alignment.models import WorkshopSession
from alignment.selectors import current_result
from assessments.models import Dimension
from workspace import services
from workspace.selectors import agreements, round_action

from ..access import api_managed_assessment
from ..serializers import (
    ActionSerializer,
    ActionStatusSerializer,
    PositionSerializer,
    WorkshopSerializer,
)
from .base import ApiView


def _scored(request, org_slug, code):
    assessment = api_managed_assessment(request, org_slug, code)
    if current_result(assessment) is None:
        raise Http404(gettext("This assessment is not scored yet."))
    return assessment


def _dimension(assessment, code: str) -> Dimension:
    found = Dimension.objects.filter(
        questionnaire_id=assessment.questionnaire_id, code=code
    ).first()
    if found is None:
        raise Http404(gettext("No such dimension."))
    return found


def _workshop_document(assessment) -> dict:
    session = WorkshopSession.objects.filter(assessment=assessment).first()
    if session is None:
        return {"started": False, "finished_at": None, "version": 0, "positions": [], "actions": []}
    positions, actions = agreements(session)
    dimensions = {d.pk: d for d in Dimension.objects.filter(questionnaire=assessment.questionnaire)}
    for row in [*positions.values(), *(a for group in actions.values() for a in group)]:
        row.dimension = dimensions[row.dimension_id]
    return {
        "started": True,
        "finished_at": session.finished_at,
        "version": session.version,
        "positions": sorted(positions.values(), key=lambda p: p.dimension.order),
        "actions": [
            a for d in sorted(actions, key=lambda k: dimensions[k].order) for a in actions[d]
        ],
    }


class Workshop(ApiView):
    """The workshop of a round: whether it started or finished, the agreed position of each
    dimension discussed, and the actions."""

    serializer_class = WorkshopSerializer

    def get(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        return Response(self.get_serializer(_workshop_document(assessment)).data)


class Position(ApiView):
    """Record the position both executives accept for a dimension (1–5, or null to clear it)
    and/or its notes; a field left out is left as it is."""

    serializer_class = PositionSerializer

    def put(self, request, org_slug, code, dimension):
        assessment = _scored(request, org_slug, code)
        self.organization = assessment.organization
        found = _dimension(assessment, dimension)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.workshop_start(assessment=assessment, by=request.user)
        consensus = services.consensus_save(
            session=session, dimension=found, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(consensus).data)


class ActionList(ApiView):
    serializer_class = ActionSerializer

    @extend_schema(responses={201: ActionSerializer})
    def post(self, request, org_slug, code):
        assessment = _scored(request, org_slug, code)
        self.organization = assessment.organization
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        found = _dimension(assessment, data.pop("dimension")["code"])
        session = services.workshop_start(assessment=assessment, by=request.user)
        action = services.action_add(session=session, dimension=found, by=request.user, **data)
        return Response(self.get_serializer(action).data, status=status.HTTP_201_CREATED)


def _action(request, org_slug, code, action_code):
    assessment = _scored(request, org_slug, code)
    return assessment, round_action(assessment, action_code)


class ActionDetail(ApiView):
    serializer_class = ActionSerializer

    @extend_schema(request=ActionStatusSerializer)
    def patch(self, request, org_slug, code, action_code):
        assessment, action = _action(request, org_slug, code, action_code)
        self.organization = assessment.organization
        serializer = ActionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_set_status(
            action=action, status=serializer.validated_data["status"], by=request.user
        )
        return Response(self.get_serializer(action).data)

    def delete(self, request, org_slug, code, action_code):
        assessment, action = _action(request, org_slug, code, action_code)
        self.organization = assessment.organization
        services.action_delete(action=action)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkshopFinish(ApiView):
    """Finish the workshop: a fresh PDF report with the agreed positions and actions."""

    serializer_class = WorkshopSerializer

    @extend_schema(request=None)
    def post(self, request, org_slug, code):
        assessment = _scored(request, org_slug, code)
        self.organization = assessment.organization
        session = services.workshop_start(assessment=assessment, by=request.user)
        services.workshop_finish(session=session, by=request.user)
        return Response(self.get_serializer(_workshop_document(assessment)).data)
