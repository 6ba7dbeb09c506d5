"""``python -m demos.bench [--quick] [--full-micrograd] [--only PART ...] [--out FILE]``: the side-by-side table."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from demos.bench.measure import machine
from demos.bench.runs import PARTS, measure_all
from demos.bench.sizes import SIZES
from demos.bench.table import render


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m demos.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each: a smoke test")
    parser.add_argument(
        "--full-micrograd",
        action="store_true",
        help="time micrograd's whole 100-step run (about two minutes) instead of 100 × its median step",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(PARTS),
        metavar="PART",
        help="measure only these parts of the table: " + "; ".join(f"{k} ({v})" for k, v in PARTS.items()),
    )
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    sizes = SIZES["quick" if args.quick else "full"]
    started = time.perf_counter()
    print(f"machine: {machine()}", flush=True)
    results = measure_all(
        sizes,
        full_micrograd=args.full_micrograd,
        log=lambda text: print(text, flush=True),
        only=args.only or (),
    )
    text = render(results, sizes, machine(), time.perf_counter() - started, args.only or ())
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return text


if __name__ == "__main__":
    main(sys.argv[1:])
