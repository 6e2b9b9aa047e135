import pytest

from tests.services import require_broker, require_executable, require_postgres

from .support import RedisServer


@pytest.fixture
def services(transactional_db):
    """PostgreSQL and Redis, as in production: skip without them, fail under CI=true.
    Transactional, so that other processes and threads see what a test commits."""
    require_postgres()
    require_broker()
    return require_executable("redis-server")


@pytest.fixture
def redis_server(services, tmp_path):
    """A Redis of the test's own, on a free port: it may be stopped without disturbing
    anyone else's broker."""
    for attempt in range(3):  # the free port may be taken between the probe and the start
        server = RedisServer(services, tmp_path / f"redis-{attempt}")
        try:
            server.start()
            break
        except AssertionError:
            server.stop()
            if attempt == 2:
                raise
    try:
        yield server
    finally:
        server.stop()
