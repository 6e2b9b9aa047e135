"""Load: 100 concurrent respondents against the production stack, on loopback.

Run from the repository root: ``.venv/bin/python bench/bench_load.py`` (or ``make bench``).

What runs, as in production (docker-compose.yml):

* gunicorn, 2 sync workers, ``config.settings.production``: the client talks to it as the
  TLS-terminating proxy would (``X-Forwarded-Proto: https``), so the HTTPS redirect, HSTS,
  Secure cookies and the CSRF origin check are all in play; static files are collected into
  a temporary STATIC_ROOT (compressed, with the manifest) and served by WhiteNoise;
* PostgreSQL: the database ``parley_bench_load`` (BENCH_LOAD_DATABASE_URL), dropped and
  created, migrated, with the question bank loaded;
* Redis: BENCH_LOAD_BROKER_URL (default database 14 of the local Redis, flushed before and
  after), and a Celery worker process on the ``default`` queue, which scores each assessment
  once both of its respondents have submitted. (The PDF renders that scoring asks for stay
  queued: bench_report measures them.)

The load: BENCH_LOAD_RESPONDENTS (100) respondents at once, 50 assessments of a CEO and a
CISO, each in its own coroutine of one asyncio loop (plain HTTP/1.1 over loopback, one
connection per request as gunicorn's sync workers close them), behaving like a browser with
JavaScript: open the link, fetch the page's static files once, open each of the 10 pages and
save its items one change at a time through the autosave endpoint (now and then changing
their mind about an item), open the review, submit, and open the read-only page. Between two
changes a respondent pauses BENCH_LOAD_THINK_MS on average (a person takes seconds per item;
the default 400 ms is many times faster than that).

It prints the throughput, the autosave latency (p50/p95/p99, client wall time), the errors,
and checks that every answer sent is stored as sent and that every assessment was scored
exactly once (one result each, and the worker ran the scoring task once per assessment).
Targets on a 2-core machine: no error, no lost answer, autosave p95 under 100 ms. Without
PostgreSQL or Redis it prints why and exits 0. Everything it starts is stopped on exit.
"""

import asyncio
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_questionnaire as questionnaire_bench  # noqa: E402 - the shared helpers

DATABASE_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parley_bench_load"
)
BROKER_URL = os.environ.get("BENCH_LOAD_BROKER_URL", "redis://127.0.0.1:6379/14")
RESPONDENTS = int(os.environ.get("BENCH_LOAD_RESPONDENTS", "100"))
THINK_MS = float(os.environ.get("BENCH_LOAD_THINK_MS", "400"))
DEADLINE_S = float(os.environ.get("BENCH_LOAD_DEADLINE_S", "600"))
CHANGE_OF_MIND = 0.1  # the share of items answered a second time, right after the first
WEB_WORKERS = int(os.environ.get("BENCH_LOAD_WEB_WORKERS", "2"))  # as docker-compose.yml
TARGET_P95_MS = 100
REQUEST_TIMEOUT_S = 30
CHOICES = ["1", "2", "3", "4", "5"] * 6 + ["dk"]
STATIC_REF = re.compile(rb'(?:href|src)="(/static/[^"]+)"')
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_CODE = re.compile(rb'data-code="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_LOAD_PORT", "0")) or _free_port()
ORIGIN = f"https://127.0.0.1:{PORT}"  # what the browser sees, behind the TLS proxy


class Run:
    """What the run produced (the load generator runs in one thread: no locks needed)."""

    def __init__(self, temporary: Path):
        self.temporary = temporary
        self.autosave_ms: list[float] = []
        self.requests = 0
        self.errors: list[str] = []
        self.expected: dict[tuple[str, str], str] = {}
        self.processes: list[subprocess.Popen] = []

    def error(self, text: str) -> None:
        self.errors.append(text)


def _environment(run: Run) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        STATIC_ROOT=str(run.temporary / "static"),
        MEDIA_ROOT=str(run.temporary / "media"),
        PARLEY_BASE_URL=ORIGIN,
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _start(run: Run, command: list[str], env: dict, log: str) -> subprocess.Popen:
    """A process of its own session, so that stopping it stops its children too."""
    handle = (run.temporary / log).open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    run.processes.append(process)
    return process


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _wait_until(condition, timeout: float, what: str, process=None, log=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise SystemExit(f"{what}: the process exited\n{log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(0.2)


def _gunicorn_ready() -> bool:
    import http.client

    try:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
        connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        return connection.getresponse().status == 200
    except OSError:
        return False


# --- The client -----------------------------------------------------------------------------


class Browser:
    """One respondent's browser, behind the TLS proxy: keeps its cookies (Secure or not: the
    proxy is the one speaking HTTPS), sends Origin on every POST as browsers do."""

    def __init__(self, run: Run):
        self.run = run
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, data: dict | None = None, headers=None):
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{PORT}",
            "X-Forwarded-Proto: https",
            "User-Agent: parley-bench-load",
            "Connection: close",
        ]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if data is not None:
            body = urlencode(data).encode()
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Origin: {ORIGIN}",
                f"Referer: {ORIGIN}{path}",
            ]
        lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.run.requests += 1
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        try:
            writer.write(raw)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split()[1])
            length = None
            for line in header_lines:
                name, _, value = line.partition(":")
                name, value = name.strip().lower(), value.strip()
                if name == "set-cookie":
                    cookie, _, _ = value.partition(";")
                    key, _, cookie_value = cookie.partition("=")
                    self.cookies[key.strip()] = cookie_value.strip()
                elif name == "content-length":
                    length = int(value)
            content = await (reader.readexactly(length) if length is not None else reader.read())
        finally:
            writer.close()
        return status, content


async def _expect(browser: Browser, status: int, method: str, path: str, data=None, headers=None):
    try:
        got, content = await asyncio.wait_for(
            browser.request(method, path, data, headers), REQUEST_TIMEOUT_S
        )
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
        browser.run.error(f"{method} {_redact(path)}: {type(error).__name__}: {error}")
        return None
    if got != status:
        browser.run.error(f"{method} {_redact(path)}: {got} (expected {status}): {content[:120]!r}")
        return None
    return content


def _redact(path: str) -> str:
    return re.sub(r"/r/[^/]+/", "/r/[token]/", path)


async def _pause(rng: random.Random) -> None:
    await asyncio.sleep(THINK_MS * rng.uniform(0.5, 1.5) / 1000)


async def _respondent(run: Run, token: str, pages: list[str], seed: int) -> None:
    rng = random.Random(seed)
    browser = Browser(run)
    base = f"/r/{token}/"
    await asyncio.sleep(rng.uniform(0, THINK_MS / 1000))  # respondents do not arrive in step
    welcome = await _expect(browser, 200, "GET", base)
    if welcome is None:
        return
    for asset in sorted(set(STATIC_REF.findall(welcome))):  # fetched once, then cached
        await _expect(browser, 200, "GET", asset.decode())
    csrf = None
    for code in pages:
        await _pause(rng)
        page = await _expect(browser, 200, "GET", f"{base}topics/{code}/")
        if page is None:
            return
        match = CSRF_FIELD.search(page)
        if match is None:  # CSRF_COOKIE_HTTPONLY: the page's form carries the token
            run.error(f"GET {_redact(base)}topics/{code}/: no CSRF token in the page")
            return
        csrf = match.group(1).decode()
        for item in ITEM_CODE.findall(page):
            item = item.decode()
            for _ in range(2 if rng.random() < CHANGE_OF_MIND else 1):
                await _pause(rng)
                answer = rng.choice(CHOICES)
                started = time.perf_counter()
                saved = await _expect(
                    browser,
                    200,
                    "POST",
                    base + "answer/",
                    {"question": item, "answer": answer, "comment": ""},
                    {"X-CSRFToken": csrf, "Accept": "application/json"},
                )
                run.autosave_ms.append((time.perf_counter() - started) * 1000)
                if saved is None:
                    return
                run.expected[(token, item)] = answer
    await _pause(rng)
    if await _expect(browser, 200, "GET", base + "review/") is None:
        return
    await _pause(rng)
    submit = {"confirm": "yes", "csrfmiddlewaretoken": csrf}
    if await _expect(browser, 302, "POST", base + "submit/", submit) is None:
        return
    await _expect(browser, 200, "GET", base)


async def _load(run: Run, tokens: list[str], pages: list[str]) -> bool:
    """Every respondent at once; False when the deadline cut the run short."""
    jobs = [_respondent(run, token, pages, seed) for seed, token in enumerate(tokens)]
    try:
        await asyncio.wait_for(asyncio.gather(*jobs), DEADLINE_S)
    except TimeoutError:
        run.error(f"the run did not finish within {DEADLINE_S:.0f} s")
        return False
    return True


# --- Checks ---------------------------------------------------------------------------------


def _scored_once(assessments: int, timeout: float = 120) -> tuple[int, int, int]:
    """(assessments with a result, results, scoring tasks the worker ran), once every
    assessment has its result (or at the timeout)."""
    from alignment.models import AlignmentResult
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if AlignmentResult.objects.count() >= assessments:
            break
        time.sleep(0.5)
    results = AlignmentResult.objects.count()
    scored = AlignmentResult.objects.values("assessment").distinct().count()
    ran = 0
    for _ in range(20):  # the worker counts the task once it has finished it
        stats = app.control.inspect(timeout=2).stats() or {}
        ran = sum(s.get("total", {}).get("alignment.score_assessment", 0) for s in stats.values())
        if ran >= assessments:
            break
        time.sleep(0.5)
    return scored, results, ran


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _terminated(signum, frame):
    raise SystemExit(128 + signum)  # so that the `finally` below stops what was started


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    if not questionnaire_bench._reachable(BROKER_URL, 6379):
        print(f"load bench skipped: Redis at {BROKER_URL} is not reachable")
        return 0
    reason = questionnaire_bench._recreate_database(DATABASE_URL)
    if reason:
        print(f"load bench skipped: {reason}")
        return 0
    import redis

    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    run = Run(Path(tempfile.mkdtemp(prefix="parley-bench-load-")))
    env = _environment(run)
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "load_question_bank")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        tokens = questionnaire_bench._create_links(RESPONDENTS)
        pages = list(questionnaire_bench.PAGES)
        from django.db import connections

        connections.close_all()

        bin_dir = Path(sys.executable).parent
        server = _start(
            run,
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(WEB_WORKERS),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--access-logfile",
                str(run.temporary / "access.log"),
                "--log-level",
                "warning",
            ],  # fmt: skip
            env,
            "gunicorn.log",
        )
        worker = _start(
            run,
            [
                str(bin_dir / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                "default",
                "-P",
                "solo",
                "-n",
                "bench-load@%h",
                "-l",
                "WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],  # fmt: skip
            env,
            "worker.log",
        )
        log = run.temporary / "gunicorn.log"
        _wait_until(_gunicorn_ready, 60, "gunicorn", server, log)
        _wait_until(
            lambda: len(questionnaire_bench._worker_pids(server.pid)) == WEB_WORKERS,
            30,
            "gunicorn workers",
        )
        web_workers = questionnaire_bench._worker_pids(server.pid)
        cpu_before = questionnaire_bench._cpu_seconds(web_workers)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        asyncio.run(_load(run, tokens, pages))
        wall = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        cpu = questionnaire_bench._cpu_seconds(web_workers) - cpu_before
        if worker.poll() is not None:
            run.error("the Celery worker exited:\n" + (run.temporary / "worker.log").read_text())
        assessments = (len(tokens) + 1) // 2
        scored, results, ran = _scored_once(assessments)
        stored, wrong, submitted = questionnaire_bench._verify(run.expected, tokens)
    finally:
        for process in reversed(run.processes):
            _stop(process)
        broker.flushdb()
        shutil.rmtree(run.temporary, ignore_errors=True)

    autosaves = len(run.autosave_ms)
    p50 = statistics.median(run.autosave_ms) if autosaves else float("nan")
    p95 = _percentile(run.autosave_ms, 0.95) if autosaves else float("nan")
    p99 = _percentile(run.autosave_ms, 0.99) if autosaves else float("nan")
    lost = len(run.expected) - (stored - wrong)
    print(
        f"load: {len(tokens)} concurrent respondents ({assessments} assessments), think time "
        f"{THINK_MS:.0f} ms between changes; gunicorn {WEB_WORKERS} workers, production "
        "settings over HTTPS (X-Forwarded-Proto), PostgreSQL, Redis, 1 Celery worker; "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, {load_after:.1f} after "
        "(other work on the machine slows every figure)"
    )
    print(
        f"load: {run.requests} requests in {wall:.1f} s = {run.requests / wall:.0f} requests/s "
        f"({autosaves} autosaves); server CPU {cpu * 1000 / max(run.requests, 1):.2f} ms "
        "per request"
    )
    target = "met" if p95 < TARGET_P95_MS else "NOT met"
    print(
        f"load: autosave latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms "
        f"(target p95 < {TARGET_P95_MS} ms: {target})"
    )
    print(f"load: errors {len(run.errors)}" + "".join(f"\n  {e}" for e in run.errors[:5]))
    print(
        f"load: answers sent {len(run.expected)}, stored as sent {stored - wrong}, "
        f"lost {lost}; submitted {submitted} of {len(tokens)}"
    )
    print(
        f"load: scored {scored} of {assessments} assessments, {results} results, "
        f"scoring task run {ran} times (exactly once each: "
        f"{'yes' if scored == results == ran == assessments else 'NO'})"
    )
    correct = (
        not run.errors
        and lost == 0
        and not wrong
        and submitted == len(tokens)
        and scored == results == ran == assessments
    )
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
