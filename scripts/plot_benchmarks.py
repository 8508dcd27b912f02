"""Draw docs/benchmarks.png from the JSON that `security-ties-dev bench-scale --json FILE` writes.

Two panels against rows (log-log): seconds for the dbt build (models + data tests), the hand-written DuckDB
script doing the same transforms and checks (benchmarks/handwritten.sql), dbt's compiled SQL replayed directly in
DuckDB and the bounded audit; peak memory of each; and the ratios dbt / hand-written and dbt / replayed against
issue #11's goal of 1.3 at 10^7 rows. Needs matplotlib, which is not a runtime dependency of the project:
`.venv/bin/pip install matplotlib` first.

    .venv/bin/python scripts/plot_benchmarks.py docs/benchmarks/scale.json docs/benchmarks.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: .venv/bin/pip install matplotlib", file=sys.stderr)
        return 1
    results = sorted(json.loads(Path(argv[0]).read_text(encoding="utf-8")), key=lambda r: r["rows"])
    rows = [r["rows"] for r in results]
    figure, (time_axis, memory_axis, ratio_axis) = plt.subplots(1, 3, figsize=(15, 4.4))
    for key, label, marker in (("dbt", "dbt build (models + data tests)", "o"),
                               ("handwritten", "hand-written DuckDB script (same transforms + checks)", "D"),
                               ("direct", "dbt's compiled SQL replayed in DuckDB", "s"), ("audit", "GX audit (bounded)", "^")):
        measured = [(n, r[f"{key}_seconds"], r[f"{key}_peak_mb"]) for n, r in zip(rows, results)
                    if r.get(f"{key}_seconds") is not None]  # files written before a contender existed lack it
        if not measured:
            continue
        time_axis.plot([m[0] for m in measured], [m[1] for m in measured], marker=marker, label=label)
        memory_axis.plot([m[0] for m in measured], [m[2] for m in measured], marker=marker, label=label)
    time_axis.set(xscale="log", yscale="log", xlabel="synthetic fact rows", ylabel="seconds (wall)",
                  title="Time vs rows")
    memory_axis.set(xscale="log", yscale="log", xlabel="synthetic fact rows", ylabel="peak RSS (MB)",
                    title="Peak memory vs rows")
    for key, label, marker in (("ratio", "dbt / hand-written", "D"), ("ratio_direct", "dbt / replayed", "s")):
        # files written before the hand-written contender existed have "ratio" = dbt / replayed: left out
        measured_ratios = [(n, r[key]) for n, r in zip(rows, results) if r.get(key) is not None and "handwritten_seconds" in r]
        ratio_axis.plot([m[0] for m in measured_ratios], [m[1] for m in measured_ratios], marker=marker, label=label)
    ratio_axis.axhline(1.3, color="grey", linestyle="--", linewidth=1, label="goal at 10^7: 1.3")
    ratio_axis.set(xscale="log", yscale="log", xlabel="synthetic fact rows", ylabel="wall-time ratio", title="dbt's overhead")
    for axis in (time_axis, memory_axis, ratio_axis):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7, loc="best")
    figure.suptitle("security-ties scale benchmark (2 cores shared with other jobs; DuckDB memory_limit and threads set)",
                    fontsize=9)
    figure.tight_layout()
    figure.savefig(argv[1], dpi=110)
    print(f"chart written to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
