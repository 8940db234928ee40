"""The benchmark runner: every workload, one table of ratios, optional JSON.

Run from the repository root: ``python -m benchmarks`` (or ``python benchmarks/run.py``);
``--quick`` runs everything tiny in seconds (CI does), ``--json FILE`` keeps the figures
with the machine's facts, ``--only W1,W5`` picks workloads, ``--blas-threads 1`` pins
numpy's BLAS to one thread (steadier on a busy machine). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (  # noqa: E402
    deep_chain,
    machine,
    memory,
    w1_scalar_mlp,
    w3_mnist_mlp,
    w4_seed000,
    w5_per_op,
    w6_lenet5,
)
from benchmarks.timing import Row, peer  # noqa: E402

WORKLOADS = {"W1": w1_scalar_mlp, "W3": w3_mnist_mlp, "W4": w4_seed000, "W5": w5_per_op,
             "W6": w6_lenet5, "deep": deep_chain, "memory": memory}
COLUMNS = ("workload", "side", "per", "time", "reference", "ref. time", "ratio", "target",
           "met")


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:.1f} MB"
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if value >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value * 1e9:.3g} ns"


def table(rows: list[Row]) -> str:
    """The rows as an aligned text table; notes follow, numbered."""
    lines, notes = [], []
    for r in rows:
        if r.note:
            notes.append(f"[{len(notes) + 1}] {r.workload} {r.side}: {r.note}")
        met = {None: "", True: "yes", False: "NO"}[r.met]
        lines.append((r.workload, r.side + (f" [{len(notes)}]" if r.note else ""),
                      "" if r.unit == "MB" else r.unit, _amount(r.value, r.unit),
                      r.reference, _amount(r.reference_value, r.unit),
                      "-" if r.ratio is None else f"{r.ratio:.2f}",
                      "" if r.target is None else f"<= {r.target:.2f}", met))
    widths = [max(len(str(x)) for x in col) for col in zip(COLUMNS, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*COLUMNS), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    return "\n".join(out + [""] + notes)


def _blas_threads(n: int | None, parser: argparse.ArgumentParser) -> Any:
    if n is None:
        return contextlib.nullcontext()
    try:
        import threadpoolctl
    except ImportError:
        parser.error("--blas-threads needs threadpoolctl: pip install threadpoolctl")
    return threadpoolctl.threadpool_limits(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--only", metavar="NAMES",
                        help=f"comma-separated workloads out of {', '.join(WORKLOADS)}")
    parser.add_argument("--blas-threads", type=int, metavar="N",
                        help="limit numpy's BLAS (and OpenMP) to N threads (needs threadpoolctl)")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    for module in machine.PEERS:  # import every peer now, then keep their objects out of
        peer(module)  # the collector's way, so no later workload pays for earlier imports
    gc.collect()
    gc.freeze()
    with _blas_threads(args.blas_threads, parser):
        facts = machine.facts()
        rows: list[Row] = []
        for name in names:
            t0 = time.perf_counter()
            print(f"running {name} ...", end=" ", file=sys.stderr, flush=True)
            rows += WORKLOADS[name].run(args.quick)
            print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(table(rows))
    print("\n" + machine.summary(facts))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"machine": facts, "quick": args.quick, "rows": [r.as_dict() for r in rows]},
            indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
