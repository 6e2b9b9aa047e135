"""The portfolio's perception figures (scoring version 2): across a consultant's client
organisations, the mean mutual understanding, and per role the share of executives who feel
aligned (their felt answer 4 or 5, "largely" or "fully aligned") beside the published NTT DATA
figure (benchmark B7: 51% of CEOs, 38% of CISOs) and the share who overestimate alignment
(feel 15 points or more above the measured index).

Shown only when at least `portfolio.MIN_ORGANISATIONS` organisations have a latest round with
perception, for the same reason as the rest of the portfolio: no client can be singled out.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from alignment.benchmarks import load_benchmarks
from alignment.presentation.words import ROLE_LABELS, fixed

FELT_ALIGNED_FROM = 4  # "Largely aligned" or "Fully aligned": the survey's "aligned"
FELT_BENCHMARK = "B7"


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


def perception_portfolio(
    perceptions: Iterable[dict | None], *, minimum: int
) -> PerceptionPortfolio | None:
    """From each organisation's latest result's `perception` (None on a version 1 bank)."""
    found = [p for p in perceptions if p]
    if len(found) < minimum:
        return None
    understanding = [
        p["mutual_understanding"] for p in found if p["mutual_understanding"] is not None
    ]
    figure = load_benchmarks().figure(FELT_BENCHMARK)
    roles = []
    for role in ("ceo", "ciso"):
        sides = [p[role] for p in found if p[role]["felt"] is not None]
        roles.append(
            RolePerception(
                role=role,
                label=ROLE_LABELS[role],
                executives=len(sides),
                feel_aligned=sum(1 for side in sides if side["felt"] >= FELT_ALIGNED_FROM),
                overestimate=sum(1 for side in sides if side["felt_reading"] == "overestimates"),
                benchmark_percent=figure.percent_for(role),
            )
        )
    return PerceptionPortfolio(
        organisations=len(found),
        mean_understanding=fixed(sum(understanding) / len(understanding))
        if understanding
        else gettext("n/a"),
        roles=tuple(roles),
        citation=load_benchmarks().citation(figure),
    )
