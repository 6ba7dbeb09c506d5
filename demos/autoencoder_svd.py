r"""A shallow linear autoencoder reaches the optimum of the SVD: the same subspace, the same error.

Data: n = 80 points in d = 6 dimensions lying near a k = 2 dimensional plane
(X = Z·M + noise, centred). The autoencoder 6-2-6 has identity activations and no
biases; in rows, with encoder W_e (d×k) and decoder W_d (k×d),

    X̂ = X W_e W_d,     L = mean (X̂ − X)².

The best rank-k reconstruction is the truncated SVD X_k = U_k S_k V_kᵀ (Eckart–Young).
X has full column rank (the noise), so X W_e W_d = X_k forces W_e W_d = V_k V_kᵀ: at
the optimum both the decoder's rows and the encoder's columns span the top-k right
singular subspace. The demo reports the principal angles between each and that
subspace (cos θ_i are the singular values of Q₁ᵀQ₂ for orthonormal bases Q₁, Q₂) and
both reconstruction errors.

Why the encoder is slow: write W_e = V_k A + V_⊥ B. The components B across the plane
multiply only the noise, so their gradient is ∝ σ_{k+1}² B while the plane's is ∝ σ_1²:
here σ_1²/σ_3² ≈ 5,800, an ill-conditioned valley, and Adam with a decaying rate leaves
the encoder tens of degrees off after hundreds of epochs (its error twice the optimum). Full-batch
gradient descent with heavy-ball momentum μ = 0.95 takes steps up to 1/(1 − μ) = 20×
longer along the flat valley while staying stable across it; from the same start it
shrinks B geometrically and reaches the optimum in a few thousand epochs. Those epochs
run in the compiled mode (the same scalar graph, traced once and replayed with numpy).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from demos.plots import plt, save_figure
from pathgrad.nn import MLP, SGD, fit
from pathgrad.nn.matrix import MatrixMLP

SAMPLES, DIMENSIONS, RANK = 80, 6, 2
RATE, MOMENTUM = 0.02, 0.95
EVERY = 25
"""Epochs between two measurements of the angles for the plot."""


def principal_angles(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The principal angles (degrees) between the column spaces of A and B, smallest first."""
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    cosines = np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), -1.0, 1.0)
    return np.degrees(np.arccos(cosines))


def correlated_data(n: int, d: int, k: int, seed: int) -> np.ndarray:
    """n centred points near a random k-dimensional subspace of R^d."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, k)) * np.linspace(2.0, 1.0, k)
    X = latent @ rng.normal(size=(k, d)) + 0.05 * rng.normal(size=(n, d))
    return X - X.mean(axis=0)


def subspace_angles(model: MLP, top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(encoder, decoder) principal angles in degrees to the subspace spanned by ``top``'s columns."""
    encoder, decoder_t = MatrixMLP.from_mlp(model).weights
    return principal_angles(encoder, top), principal_angles(decoder_t.T, top)


def _picture(losses: list[float], svd_error: float, trace: list[tuple[int, np.ndarray, np.ndarray]]):
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"wspace": 0.3})
    left.plot(range(1, len(losses) + 1), losses, color="#1f4e9c", linewidth=2, label="autoencoder 6-2-6")
    left.axhline(svd_error, color="#c0392b", linestyle="--", linewidth=2, label="rank-2 SVD (the optimum)")
    left.set(yscale="log", xlabel="epoch (full batch)", ylabel="mean squared error")
    left.set_title("Reconstruction error")
    left.legend()
    epochs = [epoch for epoch, _, _ in trace]
    for which, colour, style in ((1, "#1f4e9c", "-"), (2, "#e67e22", "-")):
        angles = np.array([row[which] for row in trace])
        name = "encoder" if which == 1 else "decoder"
        right.plot(epochs, angles.max(axis=1), color=colour, linestyle=style, linewidth=2, label=name)
    right.axhline(1.0, color="#555555", linestyle=":", linewidth=1.5, label="1°")
    right.set(yscale="log", xlabel="epoch", ylabel="largest principal angle (degrees)")
    right.set_title("Angle to the top-2 singular subspace")
    right.legend()
    return figure


def main(out: Path, quick: bool = False) -> dict:
    epochs = 2000 if quick else 3000
    X = correlated_data(SAMPLES, DIMENSIONS, RANK, seed=4)
    _, singular, vt = np.linalg.svd(X, full_matrices=False)
    top = vt[:RANK].T
    model = MLP(DIMENSIONS, [RANK, DIMENSIONS], activation="identity", bias=False, rng=random.Random(0))
    trace = [(0, *subspace_angles(model, top))]

    def measure(record) -> None:
        if (record.epoch + 1) % EVERY == 0:
            trace.append((record.epoch + 1, *subspace_angles(model, top)))

    history = fit(
        model,
        X,
        X,
        loss="mse",
        optimizer=SGD(model.parameters(), lr=RATE, momentum=MOMENTUM),
        epochs=epochs,
        engine="compiled",
        callback=measure,
        progress=False,
    )
    encoder_angles, decoder_angles = subspace_angles(model, top)
    svd_error = float(np.sum(singular[RANK:] ** 2) / X.size)
    reconstruction = MatrixMLP.from_mlp(model).forward(X).result
    autoencoder_error = float(np.mean((reconstruction - X) ** 2))
    save_figure(_picture(history.loss, svd_error, trace), out / "autoencoder_svd.png")
    return {
        "data": f"{SAMPLES} points in {DIMENSIONS} dimensions near a {RANK}-plane",
        "singular values": [round(float(s), 3) for s in singular],
        "training": f"{epochs} epochs, full batch, SGD lr {RATE} momentum {MOMENTUM}",
        "principal angles decoder vs SVD (deg)": [round(float(a), 4) for a in decoder_angles],
        "principal angles encoder vs SVD (deg)": [round(float(a), 4) for a in encoder_angles],
        "reconstruction error autoencoder": round(autoencoder_error, 8),
        "reconstruction error rank-k SVD": round(svd_error, 8),
        "error / SVD error": round(autoencoder_error / svd_error, 7),
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["autoencoder_svd", *sys.argv[1:]])
