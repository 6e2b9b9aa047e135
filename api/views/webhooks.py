"""An organisation's webhook endpoints and their delivery log: for its admins only."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from ..access import api_admin_organization
from ..models import WebhookDelivery, WebhookEndpoint
from ..pagination import NewestFirst
from ..serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
)
from ..webhooks import webhook_endpoint_create, webhook_endpoint_delete, webhook_redeliver
from .base import ApiView


def _endpoint(request, org_slug, endpoint_code) -> WebhookEndpoint:
    organization = api_admin_organization(request, org_slug)
    endpoint = WebhookEndpoint.objects.filter(organization=organization, code=endpoint_code).first()
    if endpoint is None:
        raise Http404(gettext("No such webhook endpoint."))
    return endpoint


class EndpointList(ApiView):
    """The organisation's endpoints; POST registers one and answers with its signing secret,
    shown this once."""

    serializer_class = WebhookEndpointSerializer
    pagination_class = NewestFirst

    @extend_schema(responses=WebhookEndpointSerializer(many=True))
    def get(self, request, org_slug):
        organization = api_admin_organization(request, org_slug)
        page = self.paginate_queryset(WebhookEndpoint.objects.filter(organization=organization))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={201: WebhookEndpointCreatedSerializer})
    def post(self, request, org_slug):
        self.organization = organization = api_admin_organization(request, org_slug)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(
            organization=organization, by=request.user, **serializer.validated_data
        )
        data = WebhookEndpointCreatedSerializer(endpoint).data
        return Response(data, status=status.HTTP_201_CREATED)


class EndpointDetail(ApiView):
    serializer_class = WebhookEndpointSerializer

    def get(self, request, org_slug, endpoint_code):
        return Response(self.get_serializer(_endpoint(request, org_slug, endpoint_code)).data)

    def delete(self, request, org_slug, endpoint_code):
        endpoint = _endpoint(request, org_slug, endpoint_code)
        self.organization = endpoint.organization
        webhook_endpoint_delete(endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryList(ApiView):
    """The endpoint's delivery log, newest first: status, answer, time, the answer's first KB."""

    serializer_class = WebhookDeliverySerializer
    pagination_class = NewestFirst

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    def get(self, request, org_slug, endpoint_code):
        endpoint = _endpoint(request, org_slug, endpoint_code)
        page = self.paginate_queryset(WebhookDelivery.objects.filter(endpoint=endpoint))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class Redeliver(ApiView):
    """Send a message again (same `webhook-id`); turns a disabled endpoint on again."""

    serializer_class = WebhookDeliverySerializer

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request, org_slug, endpoint_code, delivery_code):
        endpoint = _endpoint(request, org_slug, endpoint_code)
        self.organization = endpoint.organization
        delivery = WebhookDelivery.objects.filter(endpoint=endpoint, code=delivery_code).first()
        if delivery is None:
            raise Http404(gettext("No such delivery."))
        again = webhook_redeliver(delivery=delivery)
        return Response(self.get_serializer(again).data, status=status.HTTP_202_ACCEPTED)
