"""Small timings: activation kernels, matrix-product peak and floor, core step.

``kernels`` times pymlp's activation kernels against numpy written by hand,
alternating the two call by call. ``gemm`` measures the machine's matmul peak
on a large square product and the "GEMM-only floor" of a W2 epoch: the time
that epoch's own matrix products take alone, with the same shapes.
``core`` wraps :func:`benchmarks.core_step.measure`.
"""

import time

import numpy as np

from . import workloads

KERNEL_ACTIVATIONS = ("relu", "sigmoid", "tanh", "custom")
CUSTOM_SCALE, CUSTOM_SLOPE = 1.7159, 2.0 / 3.0


def _custom_expression():
    import sympy

    import pymlp

    return CUSTOM_SCALE * sympy.tanh(CUSTOM_SLOPE * pymlp.x)


# hand-written numpy, as a user would write it: value(Z, out), backward(Z, A, dA, out)


def _relu(Z, out):
    return np.maximum(Z, 0.0, out=out)


def _relu_backward(Z, A, dA, out):
    return np.multiply(dA, Z > 0, out=out)


def _sigmoid(Z, out):
    np.negative(Z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _sigmoid_backward(Z, A, dA, out):
    np.subtract(1.0, A, out=out)
    out *= A
    out *= dA
    return out


def _tanh(Z, out):
    return np.tanh(Z, out=out)


def _tanh_backward(Z, A, dA, out):
    np.multiply(A, A, out=out)
    np.subtract(1.0, out, out=out)
    out *= dA
    return out


def _custom(Z, out):
    np.multiply(Z, CUSTOM_SLOPE, out=out)
    np.tanh(out, out=out)
    out *= CUSTOM_SCALE
    return out


def _custom_backward(Z, A, dA, out):
    # f' = scale * slope * (1 - tanh**2), with tanh = A / scale
    np.multiply(A, 1.0 / CUSTOM_SCALE, out=out)
    np.multiply(out, out, out=out)
    np.subtract(1.0, out, out=out)
    out *= CUSTOM_SCALE * CUSTOM_SLOPE
    out *= dA
    return out


HAND_KERNELS = {
    "relu": (_relu, _relu_backward),
    "sigmoid": (_sigmoid, _sigmoid_backward),
    "tanh": (_tanh, _tanh_backward),
    "custom": (_custom, _custom_backward),
}


def kernels(config, seed=0):
    """Median seconds per call, per activation, operation and side.

    Returns ``{activation: {"value": {"pymlp": s, "numpy": s},
    "backward": {...}}}``; ``custom`` is ``1.7159*tanh(2*x/3)``.
    """
    import pymlp

    rng = np.random.default_rng(seed)
    Z = rng.normal(0.0, 2.0, tuple(config["shape"]))
    dA = rng.normal(size=Z.shape)
    results = {}
    for name in KERNEL_ACTIVATIONS:
        act = pymlp.get_activation(_custom_expression() if name == "custom" else name)
        value, backward = HAND_KERNELS[name]
        A = act(Z)

        # both sides agree before anything is timed
        np.testing.assert_allclose(value(Z, np.empty_like(Z)), A, rtol=1e-12)
        np.testing.assert_allclose(
            backward(Z, A, dA, np.empty_like(Z)),
            act.backward(Z, A, dA),
            rtol=1e-9,
            atol=1e-12,
        )
        calls = _kernel_calls(act, HAND_KERNELS[name], Z, A, dA)
        results[name] = {
            op: _interleaved(sides, config["repeats"]) for op, sides in calls.items()
        }
    return results


def _kernel_calls(act, hand, Z, A, dA):
    """Zero-argument calls of pymlp's and the hand kernels, each with its buffer."""
    value, backward = hand
    ours, theirs = np.empty_like(Z), np.empty_like(Z)
    return {
        "value": {
            "pymlp": lambda: act(Z, out=ours),
            "numpy": lambda: value(Z, theirs),
        },
        "backward": {
            "pymlp": lambda: act.backward(Z, A, dA, out=ours),
            "numpy": lambda: backward(Z, A, dA, theirs),
        },
    }


def _interleaved(calls, repeats):
    """Median seconds of each call, timing them in turn (A B A B ...)."""
    samples = {side: [] for side in calls}
    for call in calls.values():
        call()  # warm caches and any lazy compilation
    for _ in range(repeats):
        for side, call in calls.items():
            start = time.perf_counter()
            call()
            samples[side].append(time.perf_counter() - start)
    return {side: float(np.median(times)) for side, times in samples.items()}


def gemm(config, rows, batch_size=256, sizes=workloads.W2_SIZES, seed=0):
    """Matmul peak (GFLOP/s) and W2's GEMM-only floor (seconds per epoch).

    Returns ``{"peak_gflops": {dtype: g}, "floor_seconds": {dtype: s}}``;
    each is the best of ``config["repeats"]`` tries.
    """
    rng = np.random.default_rng(seed)
    n = config["size"]
    peak, floor = {}, {}
    for dtype in ("float64", "float32"):
        a = rng.normal(size=(n, n)).astype(dtype)
        b = rng.normal(size=(n, n)).astype(dtype)
        out = np.empty((n, n), dtype)
        best = _best_of(lambda a=a, b=b, out=out: np.matmul(a, b, out=out), config)
        peak[dtype] = 2.0 * n**3 / best / 1e9
        epoch = _epoch_products(rng, rows, batch_size, sizes, dtype)
        floor[dtype] = _best_of(epoch, config)
    return {"peak_gflops": peak, "floor_seconds": floor}


def _best_of(call, config):
    call()
    best = np.inf
    for _ in range(config["repeats"]):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def _epoch_products(rng, rows, batch_size, sizes, dtype):
    """A callable doing exactly the matrix products of one training epoch."""
    batches = sorted(set(workloads.batch_sizes(rows, batch_size)))
    counts = {b: workloads.batch_sizes(rows, batch_size).count(b) for b in batches}
    pairs = list(zip(sizes, sizes[1:]))
    weights = [rng.normal(size=(n_out, n_in)).astype(dtype) for n_in, n_out in pairs]
    grads = [np.empty_like(W) for W in weights]
    per_batch = {}
    for b in batches:
        acts = [rng.normal(size=(b, width)).astype(dtype) for width in sizes]
        deltas = [np.empty((b, n_out), dtype) for _, n_out in pairs]
        back = [np.empty((b, n_in), dtype) for n_in, _ in pairs]
        per_batch[b] = (acts, deltas, back)

    def epoch():
        for b, count in counts.items():
            acts, deltas, back = per_batch[b]
            for _ in range(count):
                for k, W in enumerate(weights):
                    np.matmul(acts[k], W.T, out=deltas[k])
                for k in range(len(weights) - 1, -1, -1):
                    np.matmul(deltas[k].T, acts[k], out=grads[k])
                    if k > 0:
                        np.matmul(deltas[k], weights[k], out=back[k])

    return epoch


def core(config):
    """Median seconds of one loss_and_gradients and of inline numpy, per dtype."""
    from .core_step import measure

    results = {}
    for dtype in ("float64", "float32"):
        samples = measure(repeats=config["repeats"], dtype=dtype)
        results[dtype] = {
            side: float(np.median(times)) for side, times in samples.items()
        }
    return results
