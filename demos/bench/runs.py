"""Every measurement of the table, at the sizes of a full or a quick run."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from demos.bench import moons, workloads
from demos.bench.measure import Failure, Phases, median_phases, traced_bytes
from demos.bench.peers import ENGINES, PATHGRAD

__all__ = ["Sizes", "SIZES", "Row", "measure_all"]

Log = Callable[[str], None]


@dataclass(frozen=True)
class Sizes:
    """How big each workload is and how often it runs."""

    name: str
    warmups: int
    moons_samples: int
    moons_runs: int
    dag_nodes: int
    dag_runs: int
    chain_depth: int
    chain_runs: int
    memory_nodes: int
    diamonds: tuple[int, ...]
    diamond_runs: int
    viz_runs: int
    training_runs: int


SIZES = {
    "full": Sizes(
        "full", 1, 100, 3, 100_000, 3, 1_000_000, 2, 100_000, (250, 500, 1000, 2000, 4000), 3, 3, 3
    ),
    "quick": Sizes("quick", 0, 20, 1, 5_000, 1, 10_000, 1, 5_000, (50, 100, 200), 1, 1, 1),
}


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


def _moons_rows(sizes: Sizes, log: Log) -> tuple[list[Row], dict[str, float]]:
    setup = moons.moons_setup(sizes.moons_samples)
    steps: dict[str, float | Failure] = {}
    for variant, (engine, model, parameters) in setup.models().items():
        counter = iter(range(10**6))

        def run(phases: Phases, engine=engine, model=model, parameters=parameters, counter=counter) -> None:
            k = next(counter)
            phases.timed(
                "step", lambda: moons.train_step(engine, model, parameters, setup.rows, setup.labels, k)
            )

        steps[variant] = median_phases(run, sizes.moons_runs, sizes.warmups)["step"]
        log(f"  moons step, {variant}: {steps[variant]}")
    title = f"moons training step (MLP 2-16-16-1, {sizes.moons_samples} points)"
    rows = [
        Row(
            title,
            "time",
            {e.name: steps[e.name] for e in ENGINES},
            "≥ 15× faster",
            "pathgrad: nn.MLP, one linear node per neuron",
        ),
        Row(
            "  same, pathgrad with expanded neurons (micrograd's graph)",
            "time",
            {"pathgrad": steps["pathgrad expanded"], "micrograd": steps["micrograd"]},
        ),
    ]
    return rows, steps


def _training_rows(sizes: Sizes, steps: dict[str, float], full_micrograd: bool, log: Log) -> list[Row]:
    setup = moons.moons_setup(sizes.moons_samples)
    compiled = median_phases(
        lambda p: p.timed("run", lambda: moons.compiled_training(setup)), sizes.training_runs, sizes.warmups
    )["run"]
    matrix = median_phases(
        lambda p: p.timed("run", lambda: moons.numpy_training(setup)), max(3, sizes.training_runs), 1
    )["run"]
    compiled_loss, matrix_loss = moons.compiled_training(setup), moons.numpy_training(setup)
    log(f"  100 steps: compiled {compiled}, numpy {matrix}; last losses {compiled_loss!r} {matrix_loss!r}")
    if full_micrograd:
        engine, model, parameters = setup.models()["micrograd"]
        micrograd_run = median_phases(
            lambda p: p.timed(
                "run",
                lambda: [
                    moons.train_step(engine, model, parameters, setup.rows, setup.labels, k)
                    for k in range(moons.STEPS)
                ],
            ),
            1,
            0,
        )["run"]
        how = "micrograd: the whole run, measured"
    else:
        micrograd_run = _times(steps["micrograd"], moons.STEPS)
        how = "micrograd and torch: 100 × their median step"
    return [
        Row(
            "100-step moons training, pathgrad compiled (fit engine='compiled')",
            "time",
            {"pathgrad": compiled, "micrograd": micrograd_run, "torch": _times(steps["torch"], moons.STEPS)},
            "≥ 200× faster",
            how,
        ),
        Row(
            "  same, pathgrad scalar (100 × its median step)",
            "time",
            {"pathgrad": _times(steps["pathgrad"], moons.STEPS), "micrograd": micrograd_run},
        ),
        Row(
            "  numpy matrices, backward by hand (the practical limit)",
            "info",
            {"pathgrad": matrix},
            note=f"compiled ÷ numpy = {compiled / matrix:.1f}×; last loss compiled {compiled_loss:.12f}, numpy {matrix_loss:.12f}",
        ),
    ]


def _times(value: float | Failure, count: int) -> float | Failure:
    return value if isinstance(value, Failure) else value * count


def _dag_rows(sizes: Sizes, log: Log) -> list[Row]:
    recipe = workloads.dag_recipe(sizes.dag_nodes)
    nodes = recipe.op_nodes
    results = {}
    for engine in ENGINES:

        def run(phases: Phases, engine=engine) -> None:
            root = phases.timed("build", lambda: workloads.build_dag(engine, recipe))
            try:
                phases.timed("backward", lambda: engine.backward(root))
            except RecursionError as error:
                phases.failed("backward", error)

        results[engine.name] = median_phases(run, sizes.dag_runs, sizes.warmups)
        log(f"  random DAG, {engine.name}: {results[engine.name]}")

    def per_node(name: str, phase: str) -> float | Failure:
        value = results[name][phase]
        return value if isinstance(value, Failure) else value / nodes

    def total(name: str) -> float | Failure:
        build, back = per_node(name, "build"), per_node(name, "backward")
        return build if isinstance(build, Failure) else back if isinstance(back, Failure) else build + back

    return [
        Row(
            f"random DAG of {nodes:,} nodes (+ × tanh relu): build + backward, per node",
            "per node",
            {e.name: total(e.name) for e in ENGINES},
            "≤ 0.25×",
        ),
        Row("  build only, per node", "per node", {e.name: per_node(e.name, "build") for e in ENGINES}),
        Row("  backward only, per node", "per node", {e.name: per_node(e.name, "backward") for e in ENGINES}),
    ]


def _chain_rows(sizes: Sizes, log: Log) -> list[Row]:
    depth = sizes.chain_depth
    results = {}
    for engine in ENGINES:

        def run(phases: Phases, engine=engine) -> None:
            kept = list(phases.timed("build", lambda: workloads.build_chain(engine, depth)))
            try:
                phases.timed("backward", lambda: engine.backward(kept[1]))
            except RecursionError as error:
                phases.failed("backward", error)
            phases.timed("free", lambda: (kept.clear(), gc.collect()))

        runs = sizes.chain_runs if engine is PATHGRAD else 1
        if engine is PATHGRAD and sizes.warmups:
            workloads.build_chain(engine, depth // 10)[1].backward()
        results[engine.name] = median_phases(run, runs, 0)
        log(f"  chain, {engine.name}: {results[engine.name]}")
    limit = sys.getrecursionlimit()
    return [
        Row(
            f"{depth:,}-deep chain n·1.0000001 + 0.0: build",
            "time",
            {e.name: results[e.name]["build"] for e in ENGINES},
            note=f"recursion limit {limit} (the default) for every engine",
        ),
        Row(
            "  backward", "time", {e.name: results[e.name]["backward"] for e in ENGINES}, "no RecursionError"
        ),
        Row(
            "  free (del + gc.collect())",
            "time",
            {e.name: results[e.name]["free"] for e in ENGINES},
            "well under 1 s",
        ),
    ]


def _memory_rows(sizes: Sizes, log: Log) -> list[Row]:
    recipe = workloads.dag_recipe(sizes.memory_nodes)
    values: dict[str, float | None] = {}
    for engine in ENGINES:
        if engine.name == "torch":
            values[engine.name] = None  # its nodes live in C++, outside tracemalloc's view
            continue
        values[engine.name] = traced_bytes(lambda engine=engine: workloads.build_dag(engine, recipe)) / (
            recipe.op_nodes + recipe.width
        )
        log(f"  memory, {engine.name}: {values[engine.name]:.0f} bytes per node")
    return [
        Row(
            f"memory of a {recipe.op_nodes:,}-node random DAG (tracemalloc), bytes per node",
            "bytes",
            values,
            "≤ 0.35×",
            "torch: n/a, its graph lives in C++ memory that tracemalloc does not see",
        )
    ]


def _diamond_rows(sizes: Sizes, log: Log) -> list[Row]:
    rows = []
    for count in sizes.diamonds:
        values = {}
        for engine in ENGINES:

            def run(phases: Phases, engine=engine, count=count) -> None:
                _, root = workloads.build_diamonds(engine, count)
                try:
                    phases.timed("backward", lambda: engine.backward(root))
                except RecursionError as error:
                    phases.failed("backward", error)

            value = median_phases(run, sizes.diamond_runs, sizes.warmups)["backward"]
            values[engine.name] = value if isinstance(value, Failure) else value / count
        log(f"  diamonds L={count}: {values}")
        rows.append(
            Row(
                f"{count} stacked diamonds (2^{count} paths): backward, per diamond",
                "per node",
                values,
                "flat in L (linear time)",
            )
        )
    return rows


def _viz_rows(sizes: Sizes, log: Log) -> list[Row]:
    try:
        from demos.bench.pictures import picture_jobs
    except ImportError as error:  # viz is optional for the engine's own numbers
        return [Row("diagrams and step pages", "info", {}, note=f"not available: {error}")]
    rows = []
    for title, job in picture_jobs():
        try:
            value = median_phases(lambda p, job=job: p.timed("make", job), sizes.viz_runs, sizes.warmups)[
                "make"
            ]
        except Exception as error:  # a missing Graphviz or a refused graph is reported, not fatal
            rows.append(Row(title, "info", {}, note=f"not available: {type(error).__name__}: {error}"))
            continue
        log(f"  {title}: {value}")
        rows.append(Row(title, "info", {"pathgrad": value}, note="micrograd, torch: no such view"))
    return rows


def measure_all(sizes: Sizes, *, full_micrograd: bool = False, log: Log = print) -> list[Row]:
    """Every row of the table, measured in turn (progress goes to ``log``)."""
    log("moons training step ...")
    rows, steps = _moons_rows(sizes, log)
    log("100-step training ...")
    rows += _training_rows(sizes, steps, full_micrograd, log)
    log("random DAG ...")
    rows += _dag_rows(sizes, log)
    log("memory ...")
    rows += _memory_rows(sizes, log)
    log("stacked diamonds ...")
    rows += _diamond_rows(sizes, log)
    log("deep chain ...")
    rows += _chain_rows(sizes, log)
    log("diagrams and step pages ...")
    rows += _viz_rows(sizes, log)
    return rows
