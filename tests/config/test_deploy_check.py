"""`manage.py check --deploy` under production settings reports no issue."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-real-deployment-would-use-a-random-value-" + "x" * 40,
        "ALLOWED_HOSTS": "parley.example.com",
        "DATABASE_URL": "postgres://parley@db.invalid:5432/parley",
        "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
