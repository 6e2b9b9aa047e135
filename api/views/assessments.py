"""Rounds: list (filters, cursor pages), create with both executives, read with status and
progress, send the invitations, remind, revoke a link, start the next round."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from assessments.forms import default_questionnaire, published_questionnaires
from assessments.invitations import (
    LINK_STATUSES,
    ReminderRefused,
    respondent_remind,
    respondent_revoke_link,
)
from assessments.models import Assessment
from assessments.selectors import respondent_for_role, with_respondents_progress
from assessments.services import Person, assessment_create, assessment_open
from workspace.services import next_round_start

from ..access import api_managed_assessment, api_managed_organization
from ..pagination import NewestFirst
from ..serializers import (
    AssessmentCreateSerializer,
    AssessmentSerializer,
    NextRoundSerializer,
    RevokeSerializer,
)
from .base import ApiView


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: PostgreSQL refuses offsets past
    ±15:59 and far years, which must be a 400 naming the filter, not a 500."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            moment = moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(gettext("Enter a date and time from 1900 on.")) from None
        if not 1900 <= moment.year <= 9999:
            raise forms.ValidationError(gettext("Enter a date and time from 1900 on."))
        return moment


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class AssessmentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Assessment.Status.choices)
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Assessment
        fields = ["status"]


def _questionnaire(label: str | None):
    published = published_questionnaires()
    if not label:
        found = default_questionnaire()
    else:
        slug, _, version = label.partition("@")
        found = published.filter(slug=slug)
        if version:
            found = found.filter(version=int(version)) if version.isdigit() else found.none()
        found = found.order_by("-version").first()
    if found is None:
        raise ValidationError(
            {
                "questionnaire": gettext("No published questionnaire %(label)s.")
                % {"label": label or ""}
            }
        )
    return found


def _detail(request, org_slug, code):
    queryset = with_respondents_progress(Assessment.objects.all())
    return api_managed_assessment(request, org_slug, code, queryset=queryset)


class AssessmentList(ApiView):
    serializer_class = AssessmentSerializer
    pagination_class = NewestFirst
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssessmentFilter

    queryset = Assessment.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self):
        organization = api_managed_organization(self.request, self.kwargs["org_slug"])
        return with_respondents_progress(Assessment.objects.filter(organization=organization))

    @extend_schema(responses=AssessmentSerializer(many=True))
    def get(self, request, org_slug):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def post(self, request, org_slug):
        self.organization = organization = api_managed_organization(request, org_slug)
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = assessment_create(
            organization=organization,
            questionnaire=_questionnaire(data.get("questionnaire")),
            title=data["title"],
            due_date=data["due_date"],
            ceo=Person(data["ceo"]["email"], data["ceo"]["name"]),
            ciso=Person(data["ciso"]["email"], data["ciso"]["name"]),
            created_by=request.user,
        )
        if data["send_invitations"]:
            assessment_open(assessment=assessment, by=request.user)
        created = _detail(request, org_slug, assessment.code)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


class AssessmentDetail(ApiView):
    serializer_class = AssessmentSerializer

    def get(self, request, org_slug, code):
        return Response(self.get_serializer(_detail(request, org_slug, code)).data)


class AssessmentSend(ApiView):
    """Open a draft round and email both executives their links (nothing new if open)."""

    serializer_class = AssessmentSerializer

    @extend_schema(request=None)
    def post(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        self.organization = assessment.organization
        assessment_open(assessment=assessment, by=request.user)
        return Response(self.get_serializer(_detail(request, org_slug, code)).data)


class RespondentRemind(ApiView):
    serializer_class = AssessmentSerializer

    @extend_schema(request=None)
    def post(self, request, org_slug, code, role):
        assessment = api_managed_assessment(request, org_slug, code)
        self.organization = assessment.organization
        respondent = respondent_for_role(assessment, role)
        try:
            respondent_remind(respondent=respondent, by=request.user)
        except ReminderRefused as refused:
            raise ValidationError({"role": str(refused)}) from None
        return Response(self.get_serializer(_detail(request, org_slug, code)).data)


class RespondentRevoke(ApiView):
    """Withdraw an executive's links; with `send_new` (default), email a new one."""

    serializer_class = AssessmentSerializer

    @extend_schema(request=RevokeSerializer)
    def post(self, request, org_slug, code, role):
        assessment = api_managed_assessment(request, org_slug, code)
        self.organization = assessment.organization
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        send_new = serializer.validated_data["send_new"] and assessment.status in LINK_STATUSES
        respondent = respondent_for_role(assessment, role)
        respondent_revoke_link(respondent=respondent, send_new=send_new, by=request.user)
        return Response(self.get_serializer(_detail(request, org_slug, code)).data)


class NextRound(ApiView):
    """The next round: same organisation and executives, the newest questionnaire."""

    serializer_class = AssessmentSerializer

    @extend_schema(request=NextRoundSerializer, responses={201: AssessmentSerializer})
    def post(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        self.organization = assessment.organization
        serializer = NextRoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = next_round_start(
            assessment=assessment, by=request.user, **serializer.validated_data
        )
        data = self.get_serializer(_detail(request, org_slug, created.code)).data
        return Response(data, status=status.HTTP_201_CREATED)
