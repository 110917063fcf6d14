"""Paired figures: each page run right next to its ceiling, so a ratio compares like with like.

The machine is shared, and its load moves by a factor of two within a minute. A page's
req/s divided by the median of a ceiling measured minutes apart mixes the code's speed
with that drift. Here every run of a page is paired with a run of the ceiling (the
logged-in bare view) just before or after it, the order alternating round by round, and
the figure is the median of the per-pair ratios, with their spread (lowest to highest).

The first view is a page never requested before: its paths are drawn without
repetition from every session in the table (a `FirstViews` deck), each sent once.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field

from bench.loadgen import LoadResult

# More first-view paths than one run could ever send (a run of 8 s sends ~2,000 at most).
FIRST_VIEW_BATCH = 12_000
IN_FLIGHT = 64  # requests wrk may have asked for beyond those it counts as done


@dataclass
class FirstViews:
    """Every session's page once, in a shuffled order; each path is dealt at most once."""

    paths: list[str]
    dealt: int = 0

    @classmethod
    def of(cls, pks: list[int], rng: random.Random, *, shown: set[str]) -> FirstViews:
        """Every session's page but those `shown` already, shuffled by `rng`."""
        paths = sorted({f"/sessions/{pk}/" for pk in pks} - shown)
        rng.shuffle(paths)
        return cls(paths)

    def deal(self) -> list[str]:
        """The next unseen paths, up to FIRST_VIEW_BATCH (until `used` says how many went)."""
        batch = self.paths[self.dealt : self.dealt + FIRST_VIEW_BATCH]
        if not batch:
            raise SystemExit("bench: no unseen sessions left for the first views")
        return batch

    def used(self, sent: int, *, dealt: int) -> None:
        """`sent` requests went out of the `dealt` paths; a few more may have been asked
        for (one in flight per connection at the end), so those are spent too."""
        if sent + IN_FLIGHT > dealt:
            raise SystemExit(
                f"bench: a first-view run sent {sent} requests from {dealt} unseen paths: "
                "a path may have repeated; use a larger table or shorter runs"
            )
        self.dealt += sent + IN_FLIGHT

    def shown(self) -> list[str]:
        """Every path dealt so far (each a page that is no longer a first view)."""
        return self.paths[: self.dealt]


@dataclass
class Paired:
    """One page's runs and the ceiling's runs paired with them, in order; `repeated` runs
    (of either side) were thrown away because their load reached one worker only, and
    `unbalanced` of those kept still did after the last attempt (bench/measure.py)."""

    pages: list[LoadResult] = field(default_factory=list)
    ceilings: list[LoadResult] = field(default_factory=list)
    repeated: int = 0
    unbalanced: int = 0

    def ratios(self) -> list[float]:
        return [p.rps / c.rps for p, c in zip(self.pages, self.ceilings, strict=True)]

    def ratio(self) -> float:
        return statistics.median(self.ratios())

    def spread(self) -> tuple[float, float]:
        return min(self.ratios()), max(self.ratios())

    def page(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.pages)

    def ceiling(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.ceilings)


@dataclass
class PairedRun:
    """All pages of one table size, with the machine's load before and after; `checked`
    says whether each run's balance between the workers was checked (bench/balance.py)."""

    figures: dict[str, Paired]
    load_before: str = ""
    load_after: str = ""
    checked: bool = False

    def repeated(self) -> int:
        return sum(paired.repeated for paired in self.figures.values())

    def unbalanced(self) -> int:
        return sum(paired.unbalanced for paired in self.figures.values())
