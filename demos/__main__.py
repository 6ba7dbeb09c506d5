"""Run every demo into one output folder: ``python -m demos --out out``.

Each demo module in ``DEMOS`` has ``main(out: Path, quick: bool = False) -> dict``:
it writes its files under ``out`` and returns its key findings, which are printed.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

DEMOS = [
    "demos.neuron_values",
    "demos.lecture_figures",
    "demos.lecture_neuron",
    "demos.two_paths",
    "demos.softmax_shortcut",
    "demos.activation_updates",
    "demos.moons",
    "demos.autoencoder_svd",
    "demos.universal_approximation",
    "demos.digits",
    "demos.steppers",
]


def run(out: Path, quick: bool = False, only: list[str] | None = None) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    findings = {}
    for name in DEMOS:
        if only and name.rsplit(".", 1)[-1] not in only:
            continue
        started = time.perf_counter()
        result = importlib.import_module(name).main(out, quick=quick)
        print(f"== {name} ({time.perf_counter() - started:.1f} s)")
        for key, value in (result or {}).items():
            print(f"   {key}: {value}")
        findings[name] = result
    from demos.gallery import write_gallery  # after every demo, so it lists all their files

    print(f"== gallery: {write_gallery(out)}")
    return findings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    parser.add_argument("--quick", action="store_true", help="reduced sizes, for tests")
    parser.add_argument("only", nargs="*", help="run only these demos (module names without 'demos.')")
    args = parser.parse_args(argv)
    run(args.out, args.quick, args.only)
    print(f"outputs in {args.out.resolve()}")


if __name__ == "__main__":
    main()
