"""Reports on shared storage: a real S3-compatible server (moto in server mode) on loopback.

The worker (a real Celery worker, through Redis) writes the PDF to the bucket; the web views
serve it, streamed through Parley's access checks or as a redirect to a short-lived signed
URL; deleting and purging the round removes the object. Nothing touches MEDIA_ROOT.
"""

import hashlib
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse

from alignment.tasks import score_assessment
from assessments.lifecycle import assessment_delete, assessment_purge
from config.storage import s3_storage
from reports.models import Report
from tests.factories import MembershipFactory, realistic_assessment

pytestmark = pytest.mark.integration

BUCKET = "parley-reports"


@pytest.fixture(scope="module")
def s3_endpoint():
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="parley-test",
        aws_secret_access_key="parley-test-secret",  # noqa: S106 - a loopback test server
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    try:
        yield endpoint, client
    finally:
        server.stop()


@pytest.fixture
def s3_storage_settings(s3_endpoint, settings, monkeypatch):
    """STORAGES["default"] as config.storage builds it from the environment."""
    endpoint, client = s3_endpoint
    for name, value in {
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": endpoint,
        "STORAGE_S3_REGION": "eu-west-1",
        "STORAGE_S3_ACCESS_KEY_ID": "parley-test",
        "STORAGE_S3_SECRET_ACCESS_KEY": "parley-test-secret",
        "STORAGE_S3_URL_SECONDS": "60",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**django_settings.STORAGES, "default": s3_storage()}
    return client


def _wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


def _keys(client, code: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"reports/{code}/")
    return [item["Key"] for item in listed.get("Contents", [])]


def test_the_worker_writes_the_bucket_the_web_serves_it_and_deletion_removes_it(
    live_worker, questionnaire, s3_storage_settings, settings, client
):
    bucket = s3_storage_settings
    assessment = realistic_assessment(questionnaire)
    consultant = MembershipFactory(organization=assessment.organization).user
    score_assessment.delay(assessment.pk)

    def ready():
        return Report.objects.filter(assessment=assessment, status=Report.Status.READY).first()

    report = _wait_for(ready)
    assert report is not None, list(Report.objects.values("status", "error"))
    assert _keys(bucket, assessment.code) == [
        f"reports/{assessment.code}/{report.file.name.rsplit('/', 1)[1]}"
    ]
    stored = bucket.get_object(Bucket=BUCKET, Key=report.file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == report.sha256
    assert not (settings.MEDIA_ROOT / "reports").exists()  # nothing on the local disk

    # The web process streams it, after its own access checks.
    client.force_login(consultant)
    url = reverse(
        "reports:download", kwargs={"slug": assessment.organization.slug, "code": assessment.code}
    )
    response = client.get(url)
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert hashlib.sha256(served).hexdigest() == report.sha256

    # Or it redirects to a signed URL that expires within a minute.
    settings.STORAGE_DOWNLOAD = "redirect"
    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlparse(location).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310 - loopback
        body = fetched.read()
        assert "attachment" in fetched.headers["Content-Disposition"]
    assert hashlib.sha256(body).hexdigest() == report.sha256
    client.logout()
    assert client.get(url).status_code == 302 and "login" in client.get(url)["Location"]

    # Deleting the round, then purging it, removes the object.
    assessment_delete(assessment=assessment)
    assert _keys(bucket, assessment.code)  # hidden, still undoable: the file stays
    with transaction.atomic():
        assert assessment_purge(assessment_id=assessment.pk)
    assert _wait_for(lambda: _keys(bucket, assessment.code) == [], timeout=10)


def test_local_files_stay_the_default_and_the_bucket_is_configured_from_the_environment(
    monkeypatch,
):
    monkeypatch.delenv("STORAGE_S3_BUCKET", raising=False)
    assert s3_storage() is None
    monkeypatch.setenv("STORAGE_S3_BUCKET", "practice-reports")
    monkeypatch.setenv("STORAGE_S3_ENDPOINT_URL", "https://objects.internal:9000")
    monkeypatch.setenv("STORAGE_S3_URL_SECONDS", "30")
    storage = s3_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "practice-reports"
    assert options["endpoint_url"] == "https://objects.internal:9000"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 30
    assert options["default_acl"] is None  # never a public-read object
