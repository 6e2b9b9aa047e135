import pytest
from django.core.management import call_command
from django.utils import translation

from assessments.models import Questionnaire
from organizations.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes files (reports, exports) to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """A request through a personal link switches to the executive's language, as a server
    does per request; the next test starts in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture
def questionnaire(db) -> Questionnaire:
    """The shipped default question bank, loaded as `make run` loads it."""
    call_command("load_question_bank", verbosity=0)
    return Questionnaire.objects.get(slug="parley-genai", version=1)


@pytest.fixture
def questionnaire_v2(db) -> Questionnaire:
    """Version 2 of the shipped bank: ten predicted items and the felt question."""
    call_command("load_question_bank", verbosity=0)
    return Questionnaire.objects.get(slug="parley-genai", version=2)


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme Health", slug="acme-health")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Rival Corp", slug="rival-corp")


@pytest.fixture
def consultant(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.CONSULTANT).user


@pytest.fixture
def org_admin(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def live_worker(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the real Redis.

    Tasks sent while it runs go through the broker, not in-process. The database is
    transactional so the worker's own connection sees what the test commits.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from tests.services import require_broker

    require_broker()
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=["default", "reports"],
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters and the branding live in the cache (locmem under the test
    settings), the branding in each process's copy too: each test starts with neither."""
    from django.core.cache import cache

    from organizations.branding import branding_invalidate

    cache.clear()
    branding_invalidate()
