"""docker-compose.yml is for users (no Docker engine runs here): check what we can of it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_runs_the_services_the_operations_guide_describes():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis", "backup"}
    guide = (ROOT / "docs" / "operations.md").read_text()
    for name in set(services) - {"backup"}:
        assert f"| `{name}` |" in guide, f"docs/operations.md does not describe the {name} service"


def test_the_optional_backup_service_dumps_the_database_and_the_media_volume():
    """Off unless asked for (a profile); documented with its restore in the data chapter."""
    services = _compose()
    backup = services["services"]["backup"]
    assert backup["profiles"] == ["backup"]
    assert backup["image"] == services["services"]["db"]["image"]  # pg_dump matches the server
    script = " ".join(backup["command"])
    assert "pg_dump --format=custom" in script and "tar -czf" in script
    assert "media:/media:ro" in backup["volumes"] and "backups" in services["volumes"]
    assert backup["depends_on"]["db"]["condition"] == "service_healthy"
    guide = (ROOT / "docs" / "data-lifecycle.md").read_text()
    assert "`backup`" in guide and "pg_restore" in guide


def test_it_runs_gunicorn_a_worker_on_both_queues_and_beat():
    services = _compose()["services"]
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert re.search(r"celery -A config worker -Q default,reports", services["worker"]["command"])
    assert services["beat"]["command"].startswith("celery -A config beat")


def test_the_app_services_use_production_settings_with_postgres_and_redis():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_the_image_installs_weasyprints_system_libraries():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libharfbuzz-subset0"):
        assert package in dockerfile


def test_the_image_compiles_the_translations_and_has_a_japanese_font():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for needed in ("gettext", "fonts-noto-cjk", "compilemessages"):
        assert needed in dockerfile
