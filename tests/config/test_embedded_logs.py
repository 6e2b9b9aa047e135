"""Embedded mode (no CELERY_BROKER_URL): tasks run in-process as they are sent, and the log
says nothing of a broker — no kombu "No hostname was supplied" on every send."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A process started as `manage.py` would be, with no broker configured, that sends a task
# through config.tasking.enqueue twice and prints what it returned; warnings go to stderr.
SCRIPT = """
import logging, os
logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
import django
django.setup()
from config.celery import app
from config.tasking import enqueue

@app.task(name="tests.embedded.double")
def double(n):
    return n * 2

print(app.conf.task_always_eager, enqueue(double, 1), enqueue(double, 2))
"""


def test_a_task_run_in_process_logs_no_broker_warning():
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env["SECRET_KEY"] = env.get("SECRET_KEY", "embedded-mode-test")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]
    assert "No hostname was supplied" not in done.stderr
    assert "WARNING" not in done.stderr, done.stderr
