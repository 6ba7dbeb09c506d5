"""The measurements themselves, each run by a worker process for one engine (or variant).

Every task takes the subject (an engine name, or a moons variant) and the sizes, and
returns named numbers: seconds (medians over runs), seconds per node, bytes per node,
a last loss, or a ``Failure`` such as micrograd's RecursionError.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from itertools import count

from demos.bench import digits, moons, workloads
from demos.bench.measure import (
    Failure,
    Phases,
    median_phases,
    median_ratio,
    medians,
    side_by_side,
    traced_bytes,
)
from demos.bench.peers import engine_named
from demos.bench.sizes import Sizes
from pathgrad import nn

__all__ = ["TASKS", "Result"]

Result = dict[str, float | Failure]


def moons_step(variant: str, sizes: Sizes) -> Result:
    """micrograd's training step, continuing the training from run to run (k = 0, 1, …)."""
    setup = moons.MoonsSetup(sizes.moons_samples)
    engine, model, parameters = setup.model(variant)
    steps = count()

    def run(phases: Phases) -> None:
        k = next(steps)
        phases.timed("step", lambda: moons.train_step(engine, model, parameters, setup.rows, setup.labels, k))

    return median_phases(run, sizes.moons_runs, sizes.warmups)


def _per(value: float | Failure, amount: int) -> float | Failure:
    return value if isinstance(value, Failure) else value / amount


def _backward(phases: Phases, engine, root) -> None:
    try:
        phases.timed("backward", lambda: engine.backward(root))
    except RecursionError as error:
        phases.failed("backward", error)


def dag(name: str, sizes: Sizes) -> Result:
    """Build and backward of the layered random DAG, per op node."""
    engine, recipe = engine_named(name), workloads.dag_recipe(sizes.dag_nodes)

    def run(phases: Phases) -> None:
        _backward(phases, engine, phases.timed("build", lambda: workloads.build_dag(engine, recipe)))

    medians = median_phases(run, sizes.dag_runs, sizes.warmups)
    return {"nodes": recipe.op_nodes, **{phase: _per(v, recipe.op_nodes) for phase, v in medians.items()}}


def memory(name: str, sizes: Sizes) -> Result:
    """Bytes that Python holds per node of the random DAG (op nodes and leaves)."""
    engine, recipe = engine_named(name), workloads.dag_recipe(sizes.memory_nodes)
    held = traced_bytes(lambda: workloads.build_dag(engine, recipe))
    return {"nodes": recipe.op_nodes, "bytes per node": held / (recipe.op_nodes + recipe.width)}


def diamonds(name: str, sizes: Sizes) -> Result:
    """Backward of L stacked diamonds, per diamond, for each L of the sizes."""
    engine, result = engine_named(name), {}
    for stacked in sizes.diamonds:

        def run(phases: Phases, stacked=stacked) -> None:
            _backward(phases, engine, workloads.build_diamonds(engine, stacked)[1])

        result[str(stacked)] = _per(
            median_phases(run, sizes.diamond_runs, sizes.warmups)["backward"], stacked
        )
    return result


def chain(name: str, sizes: Sizes) -> Result:
    """Build, backward and free of the deep chain (pathgrad: median of its runs; others: one run)."""
    engine = engine_named(name)

    def run(phases: Phases) -> None:
        kept = list(phases.timed("build", lambda: workloads.build_chain(engine, sizes.chain_depth)))
        _backward(phases, engine, kept[1])
        phases.timed("free", lambda: (kept.clear(), gc.collect()))

    if name == "pathgrad" and sizes.warmups:
        engine.backward(workloads.build_chain(engine, sizes.chain_depth // 10)[1])
    return median_phases(run, sizes.chain_runs if name == "pathgrad" else 1, 0)


def moons_side_by_side(_: str, sizes: Sizes) -> Result:
    """micrograd's 100-step moons run with ``fit(..., engine="compiled")`` (a model made
    untimed each round) and as numpy matrices with a hand-written backward, side by side."""
    setup = moons.MoonsSetup(sizes.moons_samples)
    last: Result = {}

    def compiled(phases: Phases) -> None:
        _, model, _ = setup.model("pathgrad")
        last["last loss compiled"] = phases.timed("run", lambda: moons.compiled_training(setup, model))

    def matrices(phases: Phases) -> None:
        last["last loss numpy"] = phases.timed("run", lambda: moons.numpy_training(setup))

    runs = side_by_side({"compiled": compiled, "numpy": matrices}, max(3, sizes.training_runs))
    ratio = median_ratio(runs, ("compiled", "run"), ("numpy", "run"))
    return {form: medians(rounds)["run"] for form, rounds in runs.items()} | {
        "compiled ÷ numpy": ratio,
        **last,
    }


def micrograd_training(_: str, sizes: Sizes) -> Result:
    """micrograd's whole 100-step run, once (about two minutes)."""
    setup = moons.MoonsSetup(sizes.moons_samples)
    engine, model, parameters = setup.model("micrograd")

    def train(phases: Phases) -> None:
        phases.timed(
            "run",
            lambda: [
                moons.train_step(engine, model, parameters, setup.rows, setup.labels, k)
                for k in range(moons.STEPS)
            ],
        )

    return median_phases(train, 1, 0)


def pictures(_: str, sizes: Sizes) -> Result:
    """Seconds to make each diagram and step page (or why it could not be made)."""
    try:
        from demos.bench.pictures import picture_jobs

        jobs = picture_jobs()
    except Exception as error:  # viz or Graphviz missing: the table says so
        return {"diagrams and step pages": Failure(f"not available: {type(error).__name__}: {error}")}
    result: Result = {}
    for title, job in jobs:
        try:
            result[title] = median_phases(
                lambda p, job=job: p.timed("make", job), sizes.viz_runs, sizes.warmups
            )["make"]
        except Exception as error:  # one picture failing does not hide the others
            result[title] = Failure(f"not available: {type(error).__name__}: {error}")
    return result


def fit_step(variant: str, sizes: Sizes) -> Result:
    """The scalar engine's moons step as ``fit`` takes it: with the collector on (as ``fit``
    used to) and paused, collecting between steps (as ``fit`` does now)."""
    from pathgrad.nn.steps import Objective, scalar_step
    from pathgrad.nn.training import collector_paused_during_steps

    setup = moons.MoonsSetup(sizes.moons_samples)
    _, model, parameters = setup.model(variant)
    objective = Objective(nn.losses.hinge, moons.ALPHA)
    optimizer = nn.SGD(parameters, lr=nn.linear_decay(1.0, 0.1, moons.STEPS))

    def step() -> None:
        scalar_step(model, objective, setup.X, setup.y, optimizer)

    result = {"collector on": median_phases(lambda p: p.timed("step", step), sizes.moons_runs, sizes.warmups)}
    with collector_paused_during_steps() as collect:
        paused = median_phases(
            lambda p: p.timed("step", lambda: (step(), collect())), sizes.moons_runs, sizes.warmups
        )
    result["collector paused"] = paused
    return {name: phases["step"] for name, phases in result.items()}


def compiled_split(workload: str, sizes: Sizes) -> Result:
    """Forward, backward and update of one compiled step (after the tracing) as ``fit`` runs
    it, each timed apart."""
    from pathgrad.nn.compiled import compiled_model

    if workload == "moons":
        setup = moons.MoonsSetup(sizes.moons_samples)
        _, model, parameters = setup.model("pathgrad")
        X, y, loss, l2 = setup.X, setup.y, nn.losses.hinge, moons.ALPHA
        optimizer = nn.SGD(parameters, lr=0.01)
    else:
        setup = digits.DigitsSetup.make()
        model = setup.model()
        X, y, loss, l2 = (
            setup.X[: digits.BATCH],
            setup.y[: digits.BATCH],
            nn.losses.softmax_cross_entropy,
            0.0,
        )
        optimizer = nn.Adam(model.parameters(), digits.LR)
    compiled = compiled_model(model, loss)
    compiled.forward(X, y)  # traces the sample graphs

    def run(phases: Phases) -> None:  # as fit runs it: the parameters stay in arrays between steps
        replay = phases.timed("forward", lambda: compiled.forward(X, y))
        penalty, data, grads = phases.timed(
            "backward", lambda: compiled.backward(replay, l2, optimizer, write_back=False)
        )
        phases.timed("update", lambda: compiled.update(optimizer, data, grads, write_back=False))

    return median_phases(run, 20 * sizes.moons_runs, sizes.warmups)


def digits_side_by_side(_: str, sizes: Sizes) -> Result:
    """One epoch of the digits network, compiled, as numpy matrices and in PyTorch, side by side.

    Each round the compiled form trains a fresh model for two epochs: the first includes
    the tracing (the model once, its loss once per digit), the second replays graphs
    traced already. PyTorch's model is made untimed each round.
    """
    setup = digits.DigitsSetup.make()
    last: Result = {}

    def compiled(phases: Phases) -> None:
        model = setup.model()
        last["last loss compiled"] = phases.timed("epoch", lambda: digits.compiled_epoch(setup, model))
        phases.timed("next epoch", lambda: digits.compiled_epoch(setup, model))

    def matrices(phases: Phases) -> None:
        last["last loss numpy"] = phases.timed("epoch", lambda: digits.numpy_epoch(setup))

    def torch(phases: Phases) -> None:
        model = digits.torch_model(setup)
        last["last loss torch"] = phases.timed("epoch", lambda: digits.torch_epoch(setup, model))

    forms = {"compiled": compiled, "numpy": matrices}
    try:
        import torch as _  # noqa: F401
    except ImportError as error:
        missing: Result = {"torch": Failure(f"not installed: {error}")}
    else:
        forms["torch"], missing = torch, {}
    runs = side_by_side(forms, max(3, sizes.training_runs))
    each = {form: medians(rounds) for form, rounds in runs.items()}
    result = (
        {form: each[form]["epoch"] for form in forms}
        | missing
        | {"next epoch": each["compiled"]["next epoch"]}
    )
    for phase, name in (("epoch", "compiled"), ("next epoch", "next")):
        for other in [form for form in forms if form != "compiled"]:
            result[f"{name} ÷ {other}"] = median_ratio(runs, ("compiled", phase), (other, "epoch"))
    return {**result, **last}


TASKS: dict[str, Callable[[str, Sizes], Result]] = {
    "moons-step": moons_step,
    "dag": dag,
    "memory": memory,
    "diamonds": diamonds,
    "chain": chain,
    "moons-side-by-side": moons_side_by_side,
    "micrograd-training": micrograd_training,
    "pictures": pictures,
    "fit-step": fit_step,
    "compiled-split": compiled_split,
    "digits-side-by-side": digits_side_by_side,
}
