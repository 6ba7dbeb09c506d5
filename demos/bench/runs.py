"""The rows of the table: every task run for every engine, each in its own interpreter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from demos.bench.measure import Failure
from demos.bench.peers import ENGINE_NAMES
from demos.bench.sizes import SIZES, Sizes
from demos.bench.tasks import Result
from demos.bench.worker import isolated

__all__ = ["Sizes", "SIZES", "Row", "PARTS", "measure_all"]

Log = Callable[[str], None]
STEPS = 100
SIDE_BY_SIDE = "(the median of per-round ratios, measured side by side in one process)"


@dataclass
class Row:
    """One line of the table: a value per engine and how to compare pathgrad with micrograd.

    ``kind`` is ``"time"`` (seconds; the ratio is micrograd ÷ pathgrad, "× faster"),
    ``"per node"`` (seconds per node; the ratio is pathgrad ÷ micrograd), ``"bytes"``
    (bytes per node; pathgrad ÷ micrograd) or ``"info"`` (no ratio).
    """

    workload: str
    kind: str
    values: dict[str, float | Failure | None] = field(default_factory=dict)
    target: str = ""
    note: str = ""


def _value(result: Result, key: str) -> float | Failure:
    return result["error"] if "error" in result else result[key]


def _column(results: dict[str, Result], key: str) -> dict[str, float | Failure]:
    """Each engine's value of ``key`` (or the failure of its worker)."""
    return {name: _value(result, key) for name, result in results.items()}


def _times(value: float | Failure, count: int) -> float | Failure:
    return value if isinstance(value, Failure) else value * count


class _Bench:
    def __init__(self, sizes: Sizes, log: Log) -> None:
        self.sizes, self.log = sizes, log

    def run(self, task: str, subject: str) -> Result:
        result = isolated(task, subject, self.sizes)
        self.log(f"  {task}, {subject}: {result}")
        return result

    def per_engine(self, task: str) -> dict[str, Result]:
        return {name: self.run(task, name) for name in ENGINE_NAMES}

    def _compiled_moons(self) -> tuple[float | Failure, Row, list[Row]]:
        """The compiled 100-step moons run, the numpy row beside it (measured side by side in
        one process) and the compiled step's phases."""
        both = self.run("moons-side-by-side", "pathgrad")
        split = self.run("compiled-split", "moons")
        compiled_run, matrix_run = _value(both, "compiled"), _value(both, "numpy")
        ratio = (
            "" if "error" in both else f"compiled ÷ numpy = {both['compiled ÷ numpy']:.1f}× {SIDE_BY_SIDE}; "
        )
        losses = (
            f"last loss compiled {both.get('last loss compiled')!r}, numpy {both.get('last loss numpy')!r}"
        )
        numpy_row = Row(
            "  numpy matrices, backward by hand (the practical limit)",
            "info",
            {"pathgrad": matrix_run},
            note=ratio + losses,
        )
        return compiled_run, numpy_row, self._split_rows("  compiled step (100 points, after tracing)", split)

    def compiled(self) -> list[Row]:
        """The compiled mode beside numpy only: the 100-step moons run and the digits epoch."""
        compiled_run, numpy_row, split_rows = self._compiled_moons()
        return [
            Row(
                "100-step moons training, pathgrad compiled (fit engine='compiled')",
                "time",
                {"pathgrad": compiled_run},
                "within 3× of numpy",
            ),
            numpy_row,
            *split_rows,
            *self.digits(),
        ]

    def moons(self, full_micrograd: bool) -> list[Row]:
        steps = {
            variant: _value(self.run("moons-step", variant), "step")
            for variant in (*ENGINE_NAMES, "pathgrad expanded")
        }
        compiled_run, numpy_row, split_rows = self._compiled_moons()
        fit_steps = {variant: self.run("fit-step", variant) for variant in ("pathgrad", "pathgrad expanded")}
        if full_micrograd:
            micrograd_run, how = _value(self.run("micrograd-training", "micrograd"), "run"), "measured"
        else:
            micrograd_run, how = _times(steps["micrograd"], STEPS), "100 × its median step"
        return [
            Row(
                f"moons training step (MLP 2-16-16-1, {self.sizes.moons_samples} points)",
                "time",
                {name: steps[name] for name in ENGINE_NAMES},
                "≥ 15× faster",
                "pathgrad: nn.MLP, one linear node per neuron's pre-activation",
            ),
            Row(
                "  same, pathgrad with expanded neurons (micrograd's graph)",
                "time",
                {"pathgrad": steps["pathgrad expanded"], "micrograd": steps["micrograd"]},
            ),
            Row(
                "100-step moons training, pathgrad compiled (fit engine='compiled')",
                "time",
                {
                    "pathgrad": compiled_run,
                    "micrograd": micrograd_run,
                    "torch": _times(steps["torch"], STEPS),
                },
                "≥ 200× faster",
                f"micrograd: {how}; torch: 100 × its median step",
            ),
            Row(
                "  same, pathgrad scalar (100 × its median step)",
                "time",
                {"pathgrad": _times(steps["pathgrad"], STEPS), "micrograd": micrograd_run},
            ),
            numpy_row,
            *self._fit_step_rows(fit_steps, steps["micrograd"]),
            *split_rows,
        ]

    def _fit_step_rows(self, results: dict[str, Result], micrograd_step) -> list[Row]:
        rows = []
        for variant, shape in (
            ("pathgrad", "one linear node per neuron"),
            ("pathgrad expanded", "expanded neurons"),
        ):
            before, after = (
                _value(results[variant], "collector on"),
                _value(results[variant], "collector paused"),
            )
            numbers = isinstance(before, float) and isinstance(after, float)
            rows += [
                Row(
                    f"moons step in fit, scalar engine, {shape}: collector on (before)",
                    "time",
                    {"pathgrad": before, "micrograd": micrograd_step},
                ),
                Row(
                    "  same, collector paused during the step, collected between steps (fit now)",
                    "time",
                    {"pathgrad": after, "micrograd": micrograd_step},
                    note=f"paused ÷ on = {after / before:.2f}" if numbers else "",
                ),
            ]
        return rows

    def _split_rows(self, title: str, split: Result) -> list[Row]:
        return [
            Row(f"{title}: {phase}", "info", {"pathgrad": _value(split, phase)})
            for phase in ("forward", "backward", "update")
        ]

    def digits(self) -> list[Row]:
        result = self.run("digits-side-by-side", "pathgrad")
        split = self.run("compiled-split", "digits")
        failed = "error" in result

        def ratios(name: str) -> str:
            if failed:
                return ""
            shown = [
                f"{key} = {result[key]:.1f}×"
                for key in (f"{name} ÷ numpy", f"{name} ÷ torch")
                if key in result
            ]
            return ", ".join(shown) + " " + SIDE_BY_SIDE

        losses = ", ".join(
            f"{form} {result.get(f'last loss {form}')!r}" for form in ("compiled", "numpy", "torch")
        )
        return [
            Row(
                "digits 64-32-10 epoch (1,437 images, batches of 64, Adam), pathgrad compiled, first epoch",
                "time",
                {"pathgrad": _value(result, "compiled"), "torch": _value(result, "torch")},
                "within 3× of numpy",
                "includes the tracing (the model once, its loss once per digit); " + ratios("compiled"),
            ),
            Row(
                "  same, a second epoch of the compiled model (its sample graphs traced already)",
                "time",
                {"pathgrad": _value(result, "next epoch"), "torch": _value(result, "torch")},
                "within 3× of numpy",
                ratios("next"),
            ),
            Row(
                "  numpy matrices, backward and Adam by hand",
                "info",
                {"pathgrad": _value(result, "numpy")},
                note="torch: nn.Sequential in float64, CrossEntropyLoss and Adam on the same batches; "
                "last losses " + losses,
            ),
            *self._split_rows("  compiled step (64 images, after tracing)", split),
        ]

    def dag(self) -> list[Row]:
        results = self.per_engine("dag")
        nodes = results["pathgrad"].get("nodes", self.sizes.dag_nodes)

        def total(result: Result) -> float | Failure:
            build, back = _value(result, "build"), _value(result, "backward")
            return (
                build if isinstance(build, Failure) else back if isinstance(back, Failure) else build + back
            )

        return [
            Row(
                f"random DAG of {nodes:,} nodes (+ × tanh relu): build + backward, per node",
                "per node",
                {name: total(result) for name, result in results.items()},
                "≤ 0.25×",
            ),
            Row("  build only, per node", "per node", _column(results, "build")),
            Row(
                "  backward only, per node",
                "per node",
                _column(results, "backward"),
            ),
        ]

    def memory(self) -> list[Row]:
        results = {name: self.run("memory", name) for name in ENGINE_NAMES if name != "torch"}
        nodes = results["pathgrad"].get("nodes", self.sizes.memory_nodes)
        return [
            Row(
                f"memory of a {nodes:,}-node random DAG (tracemalloc), bytes per node",
                "bytes",
                {**_column(results, "bytes per node"), "torch": None},
                "≤ 0.35×",
                "torch: n/a, its graph lives in C++ memory that tracemalloc does not see",
            )
        ]

    def diamonds(self) -> list[Row]:
        results = self.per_engine("diamonds")
        return [
            Row(
                f"{stacked} stacked diamonds (2^{stacked} paths): backward, per diamond",
                "per node",
                _column(results, str(stacked)),
                "flat in L (linear time)",
            )
            for stacked in self.sizes.diamonds
        ]

    def chain(self) -> list[Row]:
        results = self.per_engine("chain")
        return [
            Row(
                f"{self.sizes.chain_depth:,}-deep chain n·1.0000001 + 0.0: build",
                "time",
                _column(results, "build"),
                note="default recursion limit (1000) for every engine",
            ),
            Row(
                "  backward",
                "time",
                _column(results, "backward"),
                "no RecursionError",
            ),
            Row(
                "  free (del + gc.collect())",
                "time",
                _column(results, "free"),
                "well under 1 s",
            ),
        ]

    def pictures(self) -> list[Row]:
        return [
            Row(title, "info", {"pathgrad": value}, note="" if isinstance(value, float) else str(value))
            for title, value in self.run("pictures", "pathgrad").items()
        ]


PARTS = {
    "moons": "moons training",
    "digits": "digits epoch",
    "dag": "random DAG",
    "memory": "memory",
    "diamonds": "stacked diamonds",
    "chain": "deep chain",
    "pictures": "diagrams and step pages",
    "compiled": "the compiled mode beside numpy: the 100-step moons run and the digits epoch",
}
"""The parts of the table by the name ``--only`` takes; all but ``compiled`` (a subset of
moons and digits) make the whole table."""


def measure_all(
    sizes: Sizes, *, full_micrograd: bool = False, log: Log = print, only: Sequence[str] = ()
) -> list[Row]:
    """The rows of the table, measured in turn (progress goes to ``log``): every part, or the parts ``only`` names."""
    bench = _Bench(sizes, log)
    measure = {
        "moons": lambda: bench.moons(full_micrograd),
        "digits": bench.digits,
        "dag": bench.dag,
        "memory": bench.memory,
        "diamonds": bench.diamonds,
        "chain": bench.chain,
        "pictures": bench.pictures,
        "compiled": bench.compiled,
    }
    unknown = [name for name in only if name not in PARTS]
    if unknown:
        raise ValueError(f"unknown part {unknown[0]!r}; parts: {', '.join(PARTS)}")
    rows = []
    for name in only or [name for name in PARTS if name != "compiled"]:
        log(f"{PARTS[name]} ...")
        rows += measure[name]()
    return rows
