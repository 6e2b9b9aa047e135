"""The portfolio's perception figures (scoring version 2): across a consultant's client
organisations, the mean mutual understanding, and per role the share of executives who feel
aligned (their felt answer 4 or 5, "largely" or "fully aligned") beside the published NTT DATA
figure (benchmark B7: 51% of CEOs, 38% of CISOs) and the share who overestimate alignment
(feel 15 points or more above the measured index).

Shown only when at least `portfolio.MIN_ORGANISATIONS` organisations have a latest round with
perception, for the same reason as the rest of the portfolio: no client can be singled out.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, FloatField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThanOrEqual, IsNull
from django.utils.translation import gettext

from alignment.benchmarks import load_benchmarks
from alignment.presentation.words import ROLE_LABELS, fixed

FELT_ALIGNED_FROM = 4  # "Largely aligned" or "Fully aligned": the survey's "aligned"
FELT_BENCHMARK = "B7"
ROLES = ("ceo", "ciso")


@dataclass(frozen=True)
class RolePerception:
    role: str
    label: str
    executives: int  # who answered the felt question with a number
    feel_aligned: int
    overestimate: int
    benchmark_percent: float | None  # the NTT DATA share who say they are aligned

    @property
    def feel_aligned_share(self) -> str:
        return _share(self.feel_aligned, self.executives)

    @property
    def overestimate_share(self) -> str:
        return _share(self.overestimate, self.executives)

    @property
    def benchmark(self) -> str:
        return (
            gettext("n/a")
            if self.benchmark_percent is None
            else fixed(self.benchmark_percent) + "%"
        )


@dataclass(frozen=True)
class PerceptionPortfolio:
    organisations: int
    mean_understanding: str
    roles: tuple[RolePerception, ...]
    citation: str


def _share(part: int, whole: int) -> str:
    return gettext("n/a") if not whole else fixed(100 * part / whole) + "%"


def _number(path: str) -> Cast:
    """The number at `path` in `perception_summary` (NULL when absent or null)."""
    return Cast(KT(f"perception_summary__{path}"), FloatField())


def perception_aggregates() -> dict:
    """The aggregates `perception_portfolio` reads, over results (their `perception_summary`,
    None on a version 1 bank), computed by the database: counts and a mean, one row. Rows
    are counted by `assessment`, a column of the covering index (the primary key is not)."""
    aggregates = {
        "perception_organisations": Count("assessment", filter=Q(perception_summary__isnull=False)),
        "perception_understanding": Avg(_number("mutual_understanding")),
    }
    for role in ROLES:
        felt = _number(f"{role}__felt")
        aggregates |= {
            # Who answered the felt question with a number; of them, who feel aligned and who
            # overestimate alignment.
            f"perception_{role}_executives": Count(felt),
            f"perception_{role}_feel_aligned": Count(
                "assessment", filter=Q(GreaterThanOrEqual(felt, FELT_ALIGNED_FROM))
            ),
            f"perception_{role}_overestimate": Count(
                "assessment",
                filter=Q(IsNull(felt, False))
                & Q(**{f"perception_summary__{role}__felt_reading": "overestimates"}),
            ),
        }
    return aggregates


def perception_portfolio(figures: dict, *, minimum: int) -> PerceptionPortfolio | None:
    """From the row of `perception_aggregates()` over each organisation's latest result."""
    if figures["perception_organisations"] < minimum:
        return None
    figure = load_benchmarks().figure(FELT_BENCHMARK)
    roles = tuple(
        RolePerception(
            role=role,
            label=ROLE_LABELS[role],
            executives=figures[f"perception_{role}_executives"],
            feel_aligned=figures[f"perception_{role}_feel_aligned"],
            overestimate=figures[f"perception_{role}_overestimate"],
            benchmark_percent=figure.percent_for(role),
        )
        for role in ROLES
    )
    return PerceptionPortfolio(
        organisations=figures["perception_organisations"],
        mean_understanding=fixed(figures["perception_understanding"]),
        roles=roles,
        citation=load_benchmarks().citation(figure),
    )
