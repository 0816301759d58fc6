"""One loss_and_gradients call against the same step written inline in numpy.

Network 784-512-512-10 (relu, relu, softmax), batch 256, cross-entropy. Both
sides use the same matrices and the same batch; calls alternate (A B A B ...)
so that both see the same machine load, and the figure is the ratio of the
medians. Run: ``python -m benchmarks.core_step``.
"""

import argparse
import time

import numpy as np

import pymlp

SIZES = (784, 512, 512, 10)


def bare_numpy_step(X, Y, params):
    """Forward + backward of the same network, plain numpy, nothing reused."""
    (W1, b1), (W2, b2), (W3, b3) = params
    n_samples = X.shape[0]

    Z1 = X @ W1.T + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2.T + b2
    A2 = np.maximum(Z2, 0)
    Z3 = A2 @ W3.T + b3
    top = Z3.max(axis=1, keepdims=True)
    E = np.exp(Z3 - top)
    total = E.sum(axis=1, keepdims=True)
    loss = float(np.sum(Y * (np.log(total) + top - Z3))) / n_samples

    delta3 = (E / total - Y) / n_samples
    dW3, db3 = delta3.T @ A2, delta3.sum(axis=0)
    delta2 = (delta3 @ W3) * (Z2 > 0)
    dW2, db2 = delta2.T @ A1, delta2.sum(axis=0)
    delta1 = (delta2 @ W2) * (Z1 > 0)
    dW1, db1 = delta1.T @ X, delta1.sum(axis=0)
    return loss, [(dW1, db1), (dW2, db2), (dW3, db3)]


def measure(repeats=30, batch=256, dtype="float64", seed=0):
    """Interleaved timings in seconds: {"pymlp": [...], "numpy": [...]}."""
    rng = np.random.default_rng(seed)
    net = pymlp.MLP(SIZES, activation="relu", output="softmax", seed=seed, dtype=dtype)
    X = rng.normal(size=(batch, SIZES[0])).astype(dtype)
    Y = np.eye(SIZES[-1], dtype=dtype)[rng.integers(0, SIZES[-1], batch)]
    params = [(layer.weights, layer.bias) for layer in net.layers]

    # same numbers from both sides before anything is timed
    loss_a, grads_a = net.loss_and_gradients(X, Y, "cross_entropy")
    loss_b, grads_b = bare_numpy_step(X, Y, params)
    assert np.isclose(loss_a, loss_b, rtol=1e-5)
    for (dW, _), (rW, _) in zip(grads_a, grads_b):
        np.testing.assert_allclose(dW, rW, rtol=1e-4, atol=1e-6)

    samples = {"pymlp": [], "numpy": []}
    for _ in range(repeats):
        start = time.perf_counter()
        net.loss_and_gradients(X, Y, "cross_entropy")
        samples["pymlp"].append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_numpy_step(X, Y, params)
        samples["numpy"].append(time.perf_counter() - start)
    return samples


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    args = parser.parse_args(argv)
    samples = measure(args.repeats, dtype=args.dtype)
    med = {name: float(np.median(times)) for name, times in samples.items()}
    for name, times in samples.items():
        print(
            f"{name:6s} median {med[name] * 1e3:7.2f} ms "
            f"[{min(times) * 1e3:.2f}-{max(times) * 1e3:.2f}]"
        )
    print(f"ratio pymlp/numpy: {med['pymlp'] / med['numpy']:.3f}")


if __name__ == "__main__":
    main()
