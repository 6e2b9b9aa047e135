"""Organisations and their members."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from organizations import services
from organizations.models import Membership

from ..access import api_managed_organization, api_organizations, api_visible_organization
from ..pagination import ByName, NewestFirst
from ..serializers import MemberInviteSerializer, MemberSerializer, OrganizationSerializer
from .base import ApiView


class OrganizationList(ApiView):
    """The organisations you belong to (all of them for site staff); create one (you become
    its consultant)."""

    serializer_class = OrganizationSerializer
    pagination_class = ByName

    def get_queryset(self):
        return api_organizations(self.request)

    @extend_schema(responses=OrganizationSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = services.organization_create(creator=request.user, **serializer.data)
        self.organization = organization
        return Response(self.get_serializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetail(ApiView):
    serializer_class = OrganizationSerializer

    def get(self, request, org_slug):
        return Response(self.get_serializer(api_visible_organization(request, org_slug)).data)


class MemberList(ApiView):
    """The organisation's members (its consultants and admins); invite a colleague (only an
    admin may make someone an admin, as on the members page)."""

    serializer_class = MemberSerializer
    pagination_class = NewestFirst

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, org_slug):
        organization = api_managed_organization(request, org_slug)
        memberships = Membership.objects.filter(organization=organization).select_related("user")
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=MemberInviteSerializer, responses={201: MemberSerializer})
    def post(self, request, org_slug):
        self.organization = organization = api_managed_organization(request, org_slug)
        serializer = MemberInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = services.colleague_invite(organization=organization, inviter=request.user, **data)
        code = status.HTTP_200_OK if outcome.already_member else status.HTTP_201_CREATED
        return Response(MemberSerializer(outcome.membership).data, status=code)
