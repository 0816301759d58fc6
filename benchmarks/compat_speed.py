"""One legacy training step: pymlp.compat against the scalar legacy algorithm.

For the legacy 2-4-2 and 2-4-4-2 networks (ReLU hidden layers, the legacy
decreasing Sigmoid output), one ``train(sys, x, y)`` call under
``pymlp.compat`` is timed against ``LegacySystem.train`` from
``benchmarks.legacy_reference`` on the same weights, the same input and the
same targets. Calls alternate (A B A B ...) so that both sides see the same
machine load; the figure is the ratio of the medians. Each compat timing is
the mean of a short burst of calls, since one call is too short for the
clock.

Run: ``python -m benchmarks.compat_speed [--quick]``.
"""

import argparse
import random
import time

import numpy as np

from benchmarks.legacy_reference import LEGACY_SIGMOID, RELU, LegacySystem
from pymlp import compat

NETWORKS = {"2-4-2": (2, 4, 2), "2-4-4-2": (2, 4, 4, 2)}
TARGETS = {"2-4-2": 300.0, "2-4-4-2": 1000.0}
INPUT = [0.3, 0.2]
RESULT = [0.9, 0.1]


def build_pair(sizes, seed=0):
    """A compat nsystem and a LegacySystem holding the same parameters."""
    system = compat.nsystem(seed=seed)
    layers = system.CreateLayer(len(sizes), sizes[0])
    for layer, width in zip(layers[1:-1], sizes[1:-1]):
        system.CreateNeurons(width, layer, compat.ReLU, 0)
    system.CreateNeurons(sizes[-1], layers[-1], compat.Sigmoid, 0)

    activations = [RELU] * (len(sizes) - 2) + [LEGACY_SIGMOID]
    legacy = LegacySystem(sizes, activations, seed=seed)
    net = system.network
    legacy.set_parameters(
        [layer.weights.tolist() for layer in net.layers],
        [layer.bias.tolist() for layer in net.layers],
    )
    return system, legacy


def check_same_step(sizes=(2, 4, 1)):
    """One output, one hidden layer: the legacy walk is the exact step."""
    system, legacy = build_pair(sizes)
    compat.train(system, INPUT, RESULT[:1])
    legacy.train(INPUT, RESULT[:1])
    for layer, rows in zip(system.network.layers, legacy.weights()):
        np.testing.assert_allclose(layer.weights, rows, rtol=0, atol=1e-10)


def measure(sizes, repeats, burst):
    """Interleaved timings in seconds per step: {"compat": [...], "legacy": [...]}."""
    system, legacy = build_pair(sizes)
    samples = {"compat": [], "legacy": []}
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(burst):
            compat.train(system, INPUT, RESULT)
        samples["compat"].append((time.perf_counter() - start) / burst)
        start = time.perf_counter()
        legacy.train(INPUT, RESULT)
        samples["legacy"].append(time.perf_counter() - start)
    return samples


def _line(name, times):
    med = float(np.median(times))
    return (
        f"  {name:7s} median {med * 1e6:10.1f} us "
        f"[{min(times) * 1e6:.1f}-{max(times) * 1e6:.1f}]"
    )


def main(argv=None):
    """Time both sides on each network and print medians, ranges and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="few repeats, for a smoke run"
    )
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 30)
    burst = 20 if args.quick else 200
    random.seed(0)

    check_same_step()
    status = 0
    for name, sizes in NETWORKS.items():
        samples = measure(sizes, repeats, burst)
        ratio = float(np.median(samples["legacy"]) / np.median(samples["compat"]))
        target = TARGETS[name]
        verdict = "meets" if ratio >= target else "misses"
        print(f"{name}  ({repeats} interleaved repeats)")
        print(_line("compat", samples["compat"]))
        print(_line("legacy", samples["legacy"]))
        print(f"  ratio   {ratio:.0f}x  ({verdict} the {target:.0f}x target)")
        status |= ratio < target
    return status


if __name__ == "__main__":
    raise SystemExit(main())
