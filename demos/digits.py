r"""Handwritten digits in the compiled mode: a 2-layer network of scalar neurons, trained in seconds.

scikit-learn ships 1,797 handwritten digits as 8×8 grey images (inside the package, no
download). Each image is 64 inputs in [0, 1]; the network 64-32-10 has a ReLU hidden
layer and ten output logits v, trained with softmax cross-entropy

    L = (1/n) Σ_samples −log softmax(v)_y,     ∂L/∂v_i = (o_i − y_i)/n,

by Adam on mini-batches. Each step runs ``fit(..., engine="compiled")``: the scalar graph
of one sample (2,410 parameters, 42 neurons, one fused node per pre-activation) is traced
once per class and replayed over the batch with numpy, and the batch gradients land in
the model's own parameter ``Value``s. One step is also run by the plain scalar engine
from the same weights to show both give the same loss.

The sample shown is the one the lecture can learn from: among the test images the
network gets wrong, the one it is least sure of (the smallest top probability; with no
mistake, the least sure image). A digit predicted at 100 % has o − y ≈ 0, so all its
gradients are ~1e-5 and its picture shows nothing; an uncertain mistake has a large
δ = o − y at the output and gradients of order 1 down to the first layer.

Writes ``digits_sample.png`` (that digit and the network's probabilities) and its loss
graph after a backward pass, collapsed: ``digits_sample_neurons.full.svg`` has one box
per neuron (a, h, Φ′(a), δ, Δ), its 2,368 edges coloured and sized by ∂L/∂w (too many to
number), a tall picture to zoom into; ``digits_sample_neurons.svg`` is a band of it that
reads at projector size (the loss, the output neurons beside it and the hidden neurons
that feed them, ``demos.svg_crop``); ``digits_sample_layers.png`` has one vector unit per
layer, readable at once.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from demos.svg_crop import crop_band
from pathgrad.engine import Value
from pathgrad.engine.files import write_atomically
from pathgrad.nn import MLP, Adam, fit
from pathgrad.nn.compiled import compiled_model
from pathgrad.nn.datasets import train_test_split
from pathgrad.nn.losses import softmax_cross_entropy
from pathgrad.nn.metrics import argmax_accuracy
from pathgrad.viz.model import build_model

__all__ = ["load_digits", "main"]

HIDDEN = 32
BAND_ASPECT = 0.45
"""The band's height over its width: about the gallery's frame at 1280×720 (1,214 × 576 px), so
its 20-point words, 1,600 points across, show at 15 px."""
MISSING = (
    "The digits demo needs scikit-learn, whose 8×8 digits ship inside the package (no download): "
    "pip install 'pathgrad[demo]'  (or: pip install scikit-learn)"
)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): 1,797 images as rows of 64 pixels scaled to [0, 1], and their digits 0–9.

    Raises:
        ModuleNotFoundError: scikit-learn is not installed (the message says how to get it).
    """
    try:
        from sklearn.datasets import load_digits as bundled_digits
    except ModuleNotFoundError:
        raise ModuleNotFoundError(MISSING) from None
    digits = bundled_digits()
    return digits.data / 16.0, digits.target.astype(int)


def _probabilities(logits: np.ndarray) -> np.ndarray:
    """softmax of each row."""
    exps = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


def uncertain_sample(probabilities: np.ndarray, digits: np.ndarray) -> int:
    """The row of the least sure mistake (smallest top probability), or the least sure row if none is wrong."""
    top = probabilities.max(axis=1)
    wrong = np.flatnonzero(probabilities.argmax(axis=1) != digits)
    candidates = wrong if len(wrong) else np.arange(len(digits))
    return int(candidates[np.argmin(top[candidates])])


def _sample_picture(image: np.ndarray, probabilities: np.ndarray, digit: int, path: Path) -> Path:
    from demos.plots import plt, save_figure

    figure, (left, right) = plt.subplots(
        1, 2, figsize=(9.5, 3.8), gridspec_kw={"width_ratios": [1, 1.6], "wspace": 0.35}
    )
    left.imshow(image.reshape(8, 8), cmap="gray_r")
    left.set(title=f"a test image of a {digit}", xticks=[], yticks=[])
    answer = int(np.argmax(probabilities))
    colours = ["#1f4e9c" if k == answer else "#e67e22" if k == digit else "#9aa5b1" for k in range(10)]
    right.bar(range(10), probabilities, color=colours)
    verdict = f"the network says {answer} ({probabilities[answer]:.0%})"
    if answer != digit:
        verdict += f", {digit} gets {probabilities[digit]:.0%}"
    right.set(xticks=range(10), ylim=(0, 1), xlabel="digit", ylabel="softmax(v)", title=verdict)
    return save_figure(figure, path)


def _sample_graph(model: MLP, x: np.ndarray, digit: int) -> Value:
    """One sample's loss graph, with gradients, inputs labelled x1 … x64."""
    logits = model([Value(float(v), f"x{i}") for i, v in enumerate(x, start=1)])
    loss = softmax_cross_entropy([logits], [digit])
    loss.label = "L"
    model.zero_grad()  # training left the last batch's gradients on the parameters
    loss.backward()
    return loss


def _band(svg: str, loss: Value) -> str:
    """The per-neuron picture cropped to the loss and the neurons level with it, hidden to output
    (the output neurons, which feed the loss, whole)."""
    model = build_model(loss, max_nodes=10_000)
    logits = {model.ids[v] for v in loss.parents}
    neurons = [group.id for group in model.groups]
    outputs = [group.id for group in model.groups if group.h in logits]
    return crop_band(svg, [*neurons, model.root], centre=model.root, aspect=BAND_ASPECT, whole=outputs)


def _first_step(X: np.ndarray, y: np.ndarray, engine: str) -> tuple[float, float]:
    """(loss, seconds) of one step on the first 64 samples, from the demo's initial weights."""
    model = MLP(64, [HIDDEN, 10], rng=random.Random(0))
    started = time.perf_counter()
    history = fit(
        model,
        X[:64],
        y[:64],
        "softmax_cross_entropy",
        Adam(model.parameters(), 0.01),
        engine=engine,
        progress=False,
    )
    return history.steps[0].loss, time.perf_counter() - started


def main(out: Path, quick: bool = False) -> dict:
    try:
        X, y = load_digits()
    except ModuleNotFoundError as error:
        print(error)
        return {"skipped": str(error)}
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
    if quick:
        X_train, y_train, X_test, y_test = X_train[:400], y_train[:400], X_test[:100], y_test[:100]
    epochs = 6 if quick else 20
    model = MLP(64, [HIDDEN, 10], rng=random.Random(0))
    started = time.perf_counter()
    history = fit(
        model,
        X_train,
        y_train,
        "softmax_cross_entropy",
        Adam(model.parameters(), 0.01),
        epochs=epochs,
        batch_size=64,
        engine="compiled",
        progress=False,
    )
    training_time = time.perf_counter() - started
    replay = compiled_model(model, softmax_cross_entropy).forward(X_test, y_test)
    test_logits = compiled_model(model, softmax_cross_entropy).outputs(replay)
    test_accuracy = argmax_accuracy(test_logits, y_test)
    scalar_loss, scalar_time = _first_step(X_train, y_train, "scalar")
    compiled_loss, _ = _first_step(X_train, y_train, "compiled")

    all_probabilities = _probabilities(test_logits)
    index = uncertain_sample(all_probabilities, y_test)
    probabilities, digit = all_probabilities[index], int(y_test[index])
    _sample_picture(X_test[index], probabilities, digit, out / "digits_sample.png")
    loss = _sample_graph(model, X_test[index], digit)
    first_layer = np.abs([p.grad for p in model.layers[0].parameters()])
    likeliest = np.argsort(probabilities)[::-1][:3]
    findings = {
        "network": f"MLP {model.describe_shape()}, {len(model.parameters())} parameters",
        "training": f"{epochs} epochs, {len(history.steps)} compiled steps of 64 samples",
        "training seconds": round(training_time, 2),
        "train accuracy (last epoch)": round(history.accuracy[-1], 4),
        "test accuracy": round(test_accuracy, 4),
        "test samples": len(y_test),
        "first step loss, scalar and compiled": (scalar_loss, compiled_loss),
        "seconds per step of 64 samples, scalar and compiled": (
            round(scalar_time, 4),
            round(training_time / len(history.steps), 4),
        ),
        "sample": f"test image {index} is a {digit}; the network says {int(likeliest[0])}",
        "sample probabilities (top 3)": {int(k): round(float(probabilities[k]), 3) for k in likeliest},
        "sample loss": round(loss.data, 4),
        "sample first-layer |∂L/∂p|, largest and mean": (
            round(float(first_layer.max()), 4),
            round(float(first_layer.mean()), 4),
        ),
        "files": ["digits_sample.png"],
    }
    try:
        from pathgrad.viz import draw

        draw(loss, collapse="layer").save(out / "digits_sample_layers.png")
        whole = draw(loss, collapse="neuron", fields=("label", "data"), max_nodes=10_000)
        whole.save(out / "digits_sample_neurons.full.svg")
        write_atomically(out / "digits_sample_neurons.svg", _band(whole.svg(), loss).encode("utf-8"))
        findings["files"] += [
            "digits_sample_layers.png",
            "digits_sample_neurons.full.svg",
            "digits_sample_neurons.svg",
        ]
    except Exception as error:  # no Graphviz, or a view that cannot draw it: say so, keep the numbers
        findings["graph"] = f"not drawn ({type(error).__name__}: {error})"
    return findings


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    for key, value in main(arguments.out, arguments.quick).items():
        print(f"{key}: {value}")
