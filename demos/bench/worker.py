"""Each measurement in a fresh interpreter: ``python -m demos.bench.worker TASK SUBJECT SIZES``.

A fresh process per engine means no engine pays for another's imports or leftover
garbage (micrograd's graphs are freed only by the garbage collector), and a crash or
an exhausted memory in one measurement costs only that cell of the table.
"""

from __future__ import annotations

import json
import subprocess
import sys

from demos.bench.measure import Failure
from demos.bench.sizes import SIZES, Sizes
from demos.bench.tasks import TASKS, Result

__all__ = ["isolated"]

TIMEOUT_SECONDS = 900


def _encode(result: Result) -> dict:
    return {key: {"failure": str(v)} if isinstance(v, Failure) else v for key, v in result.items()}


def _decode(encoded: dict) -> Result:
    return {key: Failure(v["failure"]) if isinstance(v, dict) else v for key, v in encoded.items()}


def isolated(task: str, subject: str, sizes: Sizes) -> Result:
    """Run ``task`` for ``subject`` in a new interpreter and return its numbers.

    A worker that fails returns ``{"error": Failure(...)}`` with the last line it printed.
    """
    command = [sys.executable, "-m", "demos.bench.worker", task, subject, sizes.name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return {"error": Failure(f"timed out after {TIMEOUT_SECONDS} s")}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": Failure(last)}
    return _decode(json.loads(lines[-1]))


def main(argv: list[str]) -> None:
    task, subject, sizes = argv
    print(json.dumps(_encode(TASKS[task](subject, SIZES[sizes]))))


if __name__ == "__main__":
    main(sys.argv[1:])
