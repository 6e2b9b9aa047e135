"""The API's contract: the schema committed in docs/openapi.yaml is the one the code
generates (so an API change shows in review), and schemathesis calls every operation of it,
with generated data, against the real application and database: no server error, and every
answer matches the schema (problem details included).

Regenerate the file after changing the API:
    python manage.py spectacular --file docs/openapi.yaml
"""

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.tokens import api_token_create
from api.webhooks import webhook_endpoint_create
from config.wsgi import application
from organizations.models import Membership
from tests.factories import MembershipFactory, scored_assessment
from tests.security.world import FAKE_PDF

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# Examples per operation: enough to reach the validation paths, few enough for CI.
EXAMPLES = 12

schema = schemathesis.openapi.from_path(str(SCHEMA_FILE))
schema.app = application


def _generated_yaml() -> str:
    generator = SchemaGenerator()
    document = generator.get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(document, renderer_context={}).decode("utf-8")


def test_the_committed_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == _generated_yaml(), (
        "docs/openapi.yaml is out of date: run `python manage.py spectacular --file "
        "docs/openapi.yaml` and commit it"
    )


def test_the_schema_covers_every_api_route():
    paths = schema.raw_schema["paths"]
    assert len(paths) >= 20
    assert "/api/v1/organizations/{org_slug}/assessments/{code}/results/" in paths
    assert RequestFactory  # the generator needs no request


@pytest.fixture
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (CONN_MAX_AGE is 0
    in tests), which would end the test's transaction; Django's own test client suspends
    that in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def contract_world(db, questionnaire, organization, settings, keep_the_test_connection):
    """An admin of an organisation with a scored round, a ready report, a workshop action
    and a webhook endpoint: the path parameters of every operation name something real."""
    from django.core.files.base import ContentFile

    from reports.models import Report
    from workspace import services as workshop

    settings.PARLEY_API_THROTTLE_RATE = "100000/minute"
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    scored = scored_assessment(questionnaire, organization=organization)
    result = scored.results.get()
    report = Report.objects.create(
        assessment=scored, result=result, result_digest=result.answers_digest, status="ready"
    )
    report.file.save("contract.pdf", ContentFile(FAKE_PDF))
    session = workshop.workshop_start(assessment=scored, by=admin)
    dimension = questionnaire.dimensions.get(code="D1")
    action = workshop.action_add(
        session=session, dimension=dimension, description="Agree", owner_role="both"
    )
    endpoint = webhook_endpoint_create(
        organization=organization, url="https://hooks.example.com/x", events=["report.ready"]
    )
    from api.models import WebhookDelivery

    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_contract", event="report.ready", payload={}
    )
    token = api_token_create(user=admin, name="contract").raw
    values = {
        "org_slug": organization.slug,
        "code": scored.code,
        "role": "ciso",
        "dimension": "D1",
        "table": "answers",
        "action_code": action.code,
        "endpoint_code": endpoint.code,
        "delivery_code": delivery.code,
    }
    return token, values


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_the_contract(case, contract_world):
    token, values = contract_world
    if case.path_parameters:
        for name in case.path_parameters:
            if name in values:
                case.path_parameters[name] = values[name]
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
