"""Helpers of the reliability tests: a Redis server of their own, pointing the Celery app at
it, and waiting on a condition with a deadline (never a bare sleep)."""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import redis


def wait_for(condition, *, timeout: float = 30.0, interval: float = 0.05, what: str = ""):
    """Poll `condition` until it returns something truthy (returned), or fail at `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway `redis-server` on a free loopback port, without persistence, that a test
    may stop and start again (on the same port, as a restarted Redis would be)."""

    def __init__(self, executable: str, folder: Path):
        self.executable = executable
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        options = {
            "--port": str(self.port),
            "--bind": "127.0.0.1",
            "--save": "",  # no persistence: a restarted server starts empty
            "--appendonly": "no",
            "--dir": str(self.folder),
            "--logfile": str(self.folder / "redis.log"),
        }
        self.process = subprocess.Popen(
            [self.executable, *(part for option in options.items() for part in option)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            if self.process.poll() is not None:
                log = (self.folder / "redis.log").read_text(errors="replace")[-500:]
                raise AssertionError(f"redis-server exited on port {self.port}: {log}")
            try:
                return self.client().ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait until it has exited."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def queued(self, queue: str) -> int:
        """Messages waiting in a Celery queue (kombu keeps one list per queue and priority)."""
        client = self.client()
        return sum(
            client.llen(key) for key in client.keys(f"{queue}*") if client.type(key) == b"list"
        )

    def unacked(self) -> dict[bytes, float]:
        """Delivered but unacknowledged messages: delivery tag -> when it was delivered."""
        return dict(self.client().zrange("unacked_index", 0, -1, withscores=True))


def reset_broker_pools(app) -> None:
    """Forget the app's broker connection and producer pools, so the next send connects to
    whatever `app.conf.broker_url` says now (Celery caches both on first use)."""
    for pool in (app._pool, app.__dict__.get("amqp") and app.amqp._producer_pool):
        if pool:
            pool.force_close_all(close_pool=False)
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@contextmanager
def celery_on_broker(url: str):
    """Point the project's Celery app at `url` (sends go through it, not in-process).

    Celery reads CELERY_BROKER_URL from the environment before its configuration, so the
    variable is what has to change; the cached pools are then dropped. Everything is put
    back afterwards.
    """
    from config.celery import app

    saved_url = os.environ.get("CELERY_BROKER_URL")
    saved_eager = app.conf.task_always_eager
    os.environ["CELERY_BROKER_URL"] = url
    reset_broker_pools(app)
    app.conf.task_always_eager = False
    try:
        target = urlparse(url)
        with app.connection_for_write() as connection:
            assert (connection.hostname, connection.port) == (target.hostname, target.port)
        yield app
    finally:
        reset_broker_pools(app)
        if saved_url is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_url
        app.conf.task_always_eager = saved_eager
