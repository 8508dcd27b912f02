"""Build progress: each step printed as it starts and when it ends, with its wall time, and the times kept
for the benchmark. `quiet` keeps the times and prints nothing (for scripts)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    quiet: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    timings: dict[str, float] = field(default_factory=dict)  # step -> wall seconds, in the order run

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step; a step that raises is printed as failed and its time is still kept."""
        self.say(f"[{name}] started")
        started = time.perf_counter()
        try:
            yield
        except BaseException:
            self.record(name, time.perf_counter() - started)
            self.say(f"[{name}] FAILED after {self.timings[name]:.1f} s")
            raise
        self.record(name, time.perf_counter() - started)
        self.say(f"[{name}] done in {self.timings[name]:.1f} s")

    def record(self, name: str, seconds: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def suite_counter(self, done: int, total: int, table: str) -> None:
        """The audit's progress: suites validated so far."""
        self.say(f"  audit {done}/{total} suites ({table})")
