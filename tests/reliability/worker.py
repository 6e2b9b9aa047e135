"""A real Celery worker for the reliability tests, as `celery -A config worker …` starts it,
run as its own process (so a test can kill -9 it).

    python -m tests.reliability.worker [celery worker options]

With PARLEY_TEST_STALL_REPORT_WRITE=1 in the environment, a report render writes the first
half of its PDF to the temporary file it later moves into place, then hangs there: the
moment a test kills the worker is then known, not raced. Nothing else is changed: the claim,
the render, the broker and the database are the real ones.
"""

import os
import sys
import time


def _stall_report_write() -> None:
    from reports import services

    write = services._write_temporary

    def write_half_then_hang(final_path, pdf):
        write(final_path, pdf[: len(pdf) // 2])
        while True:  # until the test kills this process
            time.sleep(1)

    services._write_temporary = write_half_then_hang


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if os.environ.get("PARLEY_TEST_STALL_REPORT_WRITE") == "1":
        _stall_report_write()
    from config.celery import app

    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
