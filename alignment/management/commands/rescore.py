"""`manage.py rescore [--all | CODE…]`: score assessments again, in batches.

Each batch is one transaction of a constant handful of queries (see alignment.services), with
the questionnaires read once for the whole run. A batch that fails as a whole is retried one
assessment at a time, so one bad assessment cannot sink the others. A result that is new, or
that scored different answers than the one it replaced, is followed by `on_scored` (the PDF
report request) once its batch has committed; an unchanged result keeps its report.
"""

import time
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError

from alignment import tasks
from alignment.services import ScoringOutcome, assessments_score
from assessments.models import Assessment

DEFAULT_BATCH_SIZE = 200


class ProgressBar:
    """A one-line text bar: redrawn in place on a terminal, every tenth otherwise (logs)."""

    WIDTH = 30

    def __init__(self, stream, total: int):
        self.stream = stream
        self.total = total
        self.done = 0
        self.tty = stream.isatty()
        self._last_tenth = -1

    def advance(self, count: int) -> None:
        self.done += count
        fraction = self.done / self.total if self.total else 1.0
        filled = round(fraction * self.WIDTH)
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total}"
        line += f" ({fraction:.0%})"
        if self.tty:
            self.stream.write("\r" + line, ending="")
            self.stream.flush()
        elif int(fraction * 10) > self._last_tenth:
            self._last_tenth = int(fraction * 10)
            self.stream.write(line)

    def finish(self) -> None:
        if self.tty and self.done:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Re-score assessments with the current scoring version: --all, or the given codes. "
        "Prints a progress bar (stderr) and a summary line (stdout)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="CODE", help="assessment codes")
        parser.add_argument("--all", action="store_true", help="every assessment")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"assessments per transaction (default {DEFAULT_BATCH_SIZE})",
        )

    def handle(self, *args, **options):
        codes, every, batch_size = options["codes"], options["all"], options["batch_size"]
        if bool(codes) == every:
            raise CommandError("Give either --all or one or more assessment codes.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if every:
            total, batches = Assessment.objects.count(), self._all_batches(batch_size)
        else:
            total, batches = self._code_batches(codes, batch_size)
        rescored, skipped, failures = self._run(total, batches)
        self._summary(rescored, skipped, failures)

    # --- selecting --------------------------------------------------------------------------

    def _all_batches(self, size: int) -> Iterator[list[int]]:
        """Every assessment id, in id order, `size` at a time (keyset pages: constant memory)."""
        last = 0
        while True:
            ids = list(
                Assessment.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:size]
            )
            if not ids:
                return
            yield ids
            last = ids[-1]

    def _code_batches(self, codes: list[str], size: int) -> tuple[int, Iterator[list[int]]]:
        codes = list(dict.fromkeys(codes))
        found = dict(Assessment.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"Unknown assessment code(s): {', '.join(unknown)}. Nothing done.")
        ids = [found[code] for code in codes]
        return len(ids), (ids[i : i + size] for i in range(0, len(ids), size))

    # --- scoring ----------------------------------------------------------------------------

    def _run(self, total: int, batches) -> tuple[int, int, dict[str, str]]:
        spec_cache: dict = {}
        bar = ProgressBar(self.stderr, total)
        rescored, skipped, failures = 0, 0, {}
        self._started = time.perf_counter()
        for batch in batches:
            outcome = self._score_batch(batch, spec_cache)
            rescored += len(outcome.results)
            skipped += len(outcome.not_ready)
            failures.update(outcome.failed)
            self._follow_up(outcome)
            bar.advance(len(batch))
        bar.finish()
        return rescored, skipped, failures

    def _score_batch(self, batch: list[int], spec_cache: dict) -> ScoringOutcome:
        try:
            return assessments_score(assessment_ids=batch, spec_cache=spec_cache)
        except Exception as error:  # isolate the assessment that broke the batch
            self.stderr.write(f"batch failed ({error!r}); scoring it one by one")
        outcome = ScoringOutcome()
        for assessment_id in batch:
            try:
                single = assessments_score(assessment_ids=[assessment_id], spec_cache=spec_cache)
            except Exception as error:
                outcome.failed[assessment_id] = repr(error)
                continue
            outcome.results += single.results
            outcome.changed += single.changed
            outcome.not_ready += single.not_ready
            outcome.failed.update(single.failed)
        return outcome

    def _follow_up(self, outcome: ScoringOutcome) -> None:
        for result in outcome.changed:
            try:
                tasks.on_scored(result)
            except Exception as error:  # the result is stored; the report sweeper retries
                self.stderr.write(f"{result.assessment.code}: report not requested ({error!r})")

    def _summary(self, rescored: int, skipped: int, failures: dict) -> None:
        elapsed = time.perf_counter() - self._started
        rate = rescored / elapsed if elapsed > 0 else 0.0
        if failures:
            codes = dict(
                Assessment.objects.filter(pk__in=failures.keys()).values_list("pk", "code")
            )
            for pk, reason in failures.items():
                self.stderr.write(f"failed {codes.get(pk, pk)}: {reason}")
        self.stdout.write(
            f"rescored {rescored} assessments in {elapsed:.2f} s ({rate:.0f}/s); "
            f"skipped {skipped} not fully submitted; failed {len(failures)}"
        )
        if failures:
            raise CommandError(f"{len(failures)} assessment(s) could not be scored.")
