r"""A shallow linear autoencoder learns the subspace of the SVD.

Data: n points in d = 6 dimensions lying near a k = 2 dimensional plane (X = Z·M + noise,
centred). The autoencoder 6-2-6 has identity activations and no biases,

    x̂ = W₂ᵀ W₁ᵀ x,     L = mean ‖x̂ − x‖²,

and is trained with Adam from the scalar ``Value`` graph. The best rank-k
reconstruction is the truncated SVD (Eckart–Young), so at the optimum the decoder's
columns span the same subspace as the top-k right singular vectors of X. The demo
reports the principal angles between the two subspaces (cos θ_i are the singular
values of Q₁ᵀQ₂ for orthonormal bases Q₁, Q₂), and both reconstruction errors.

The encoder agrees with the SVD on the data, but its components across the plane
only ever multiply the small noise, so gradient descent barely moves them: its
angles to the SVD subspace stay large for a long time. They are reported too.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from demos.plots import plt, save_figure
from pathgrad.nn import MLP, Adam, fit, linear_decay
from pathgrad.nn.matrix import MatrixMLP


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


def main(out: Path, quick: bool = False) -> dict:
    n, d, k = (30, 6, 2) if quick else (80, 6, 2)
    epochs, rate = (150, 0.05) if quick else (300, 0.03)
    X = correlated_data(n, d, k, seed=4)
    model = MLP(d, [k, d], activation="identity", bias=False, rng=random.Random(0))
    history = fit(
        model,
        X,
        X,
        loss="mse",
        optimizer=Adam(model.parameters(), lr=linear_decay(rate, rate / 10, epochs)),
        epochs=epochs,
    )
    encoder, decoder_t = MatrixMLP.from_mlp(model).weights
    _, singular, vt = np.linalg.svd(X, full_matrices=False)
    top = vt[:k].T
    decoder_angles = principal_angles(decoder_t.T, top)
    encoder_angles = principal_angles(encoder, top)
    svd_error = float(np.sum(singular[k:] ** 2) / X.size)
    reconstruction = MatrixMLP.from_mlp(model).forward(X).result
    autoencoder_error = float(np.mean((reconstruction - X) ** 2))

    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(history.loss, color="#1f4e9c", linewidth=2, label="autoencoder 6-2-6")
    axes.axhline(svd_error, color="#c0392b", linestyle="--", linewidth=2, label="rank-2 SVD (the optimum)")
    axes.set(yscale="log", xlabel="epoch (full batch, Adam)", ylabel="mean squared reconstruction error")
    axes.set_title("Linear autoencoder vs SVD")
    axes.legend()
    save_figure(figure, out / "autoencoder_svd.png")
    return {
        "data": f"{n} points in {d} dimensions near a {k}-plane",
        "epochs": epochs,
        "principal angles decoder vs SVD (deg)": [round(float(a), 3) for a in decoder_angles],
        "principal angles encoder vs SVD (deg)": [round(float(a), 1) for a in encoder_angles],
        "reconstruction error autoencoder": round(autoencoder_error, 6),
        "reconstruction error rank-k SVD": round(svd_error, 6),
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["autoencoder_svd", *sys.argv[1:]])
