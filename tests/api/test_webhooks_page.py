"""The webhooks page of an organisation, for its admins."""

import pytest
from django.urls import reverse

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import webhook_endpoint_create
from organizations.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(organization):
    return reverse("api_webhooks", args=[organization.slug])


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(client, org_admin, organization):
    client.force_login(org_admin)
    data = {"url": "https://crm.example.com/hooks", "events": ["report.ready", "assessment.scored"]}
    response = client.post(_url(organization), data)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get(organization=organization)
    assert endpoint.events == ["assessment.scored", "report.ready"]
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in client.get(_url(organization)).content.decode()
    assert AuditEvent.objects.filter(action="webhook_changed", organization=organization).exists()


def test_a_bad_address_is_refused_with_a_message(client, org_admin, organization):
    client.force_login(org_admin)
    response = client.post(_url(organization), {"url": "ftp://x.example.com/", "events": []})
    assert response.status_code == 200
    form = response.context["form"]
    assert "url" in form.errors and "events" in form.errors
    assert not WebhookEndpoint.objects.exists()


def test_a_consultant_gets_404(client, consultant, organization):
    client.force_login(consultant)
    assert client.get(_url(organization)).status_code == 404


def test_an_admin_removes_and_redelivers(client, org_admin, organization, other_organization):
    client.force_login(org_admin)
    ours = webhook_endpoint_create(
        organization=organization, url="https://a.example.com/h", events=["report.ready"]
    )
    theirs = webhook_endpoint_create(
        organization=other_organization, url="https://b.example.com/h", events=["report.ready"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=ours, message_id="msg_1", event="report.ready", payload={}
    )
    response = client.post(
        _url(organization),
        {"action": "redeliver", "endpoint": ours.code, "delivery": delivery.code},
    )
    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(message_id="msg_1").count() == 2
    # Another organisation's endpoint, named in the body, is not found from here.
    client.post(_url(organization), {"action": "delete", "endpoint": theirs.code})
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()
    client.post(_url(organization), {"action": "delete", "endpoint": ours.code})
    assert not WebhookEndpoint.objects.filter(pk=ours.pk).exists()


def test_the_page_lists_deliveries_in_a_fixed_number_of_queries(
    client, org_admin, organization, django_assert_max_num_queries
):
    client.force_login(org_admin)
    for n in range(3):
        endpoint = webhook_endpoint_create(
            organization=organization, url=f"https://{n}.example.com/h", events=["report.ready"]
        )
        for m in range(4):
            WebhookDelivery.objects.create(
                endpoint=endpoint, message_id=f"msg_{n}_{m}", event="report.ready", payload={}
            )
    client.get(_url(organization))
    with django_assert_max_num_queries(8):
        response = client.get(_url(organization))
    assert response.content.decode().count("Send again") == 12
