"""Tests for the scalar legacy reference in benchmarks/legacy_reference.py.

The reference's step is compared with central finite differences of the
legacy cost, computed here in plain float arithmetic, independently of both
sympy and pymlp.
"""

import math

import numpy as np
import pytest
import sympy

from benchmarks.legacy_reference import (
    LEGACY_SIGMOID,
    NORMAL,
    RELU,
    TANH,
    LegacySystem,
)

FLOAT_ACTIVATIONS = {
    LEGACY_SIGMOID: lambda z: 1.0 / (1.0 + math.exp(z)),
    TANH: math.tanh,
    NORMAL: lambda z: z,
}


def float_cost(activations, weights, biases, inputs, targets):
    """Legacy cost (1/n_out) * sum((sig_k - y_k)**2) in plain floats."""
    signals = list(inputs)
    for f, rows, row_b in zip(activations, weights, biases, strict=True):
        g = FLOAT_ACTIVATIONS[f]
        signals = [
            g(sum(w * s for w, s in zip(row, signals, strict=True)) + b)
            for row, b in zip(rows, row_b, strict=True)
        ]
    errors = [(s - t) ** 2 for s, t in zip(signals, targets, strict=True)]
    return sum(errors) / len(errors)


def flat(nested):
    """All numbers of a nested list, depth first."""
    if isinstance(nested, list):
        return [v for item in nested for v in flat(item)]
    return [nested]


def unflat(values, like):
    """Refill the nested structure ``like`` from the flat ``values``."""
    it = iter(values)

    def fill(node):
        return [fill(item) for item in node] if isinstance(node, list) else next(it)

    return fill(like)


def finite_difference_gradient(activations, weights, biases, inputs, targets, h=1e-6):
    """Central differences of the legacy cost in every weight and bias."""
    params = flat(weights) + flat(biases)
    n_w = len(flat(weights))

    def cost(values):
        return float_cost(
            activations,
            unflat(values[:n_w], weights),
            unflat(values[n_w:], biases),
            inputs,
            targets,
        )

    grad = []
    for k in range(len(params)):
        up, down = list(params), list(params)
        up[k] += h
        down[k] -= h
        grad.append((cost(up) - cost(down)) / (2 * h))
    return np.array(grad)


def step_over_lr(net, inputs, targets):
    """(parameters before - parameters after) / lr for one legacy step."""
    before = np.array(flat(net.weights()) + flat(net.biases()))
    net.train(inputs, targets)
    after = np.array(flat(net.weights()) + flat(net.biases()))
    return (before - after) / net.lr


def reference_gradient(net, activations, inputs, targets):
    return finite_difference_gradient(
        activations, net.weights(), net.biases(), inputs, targets
    )


@pytest.mark.parametrize(
    ("sizes", "activations", "inputs", "targets"),
    [
        ((2, 1), [LEGACY_SIGMOID], [0.3, 0.8], [1.0]),
        ((2, 3), [TANH], [0.3, -0.8], [0.5, -0.2, 0.1]),
        ((2, 2, 1), [TANH, LEGACY_SIGMOID], [0.3, 0.8], [0.9]),
        ((3, 4, 1), [LEGACY_SIGMOID, NORMAL], [0.2, -0.5, 0.9], [0.25]),
    ],
)
def test_step_is_the_exact_gradient_with_one_visit_per_neuron(
    sizes, activations, inputs, targets
):
    # no hidden layer, or one hidden layer and one output: every neuron is
    # visited once, before its own update, so even lr = 0.1 is exact
    net = LegacySystem(sizes, activations, seed=3, lr=0.1)
    expected = reference_gradient(net, activations, inputs, targets)
    got = step_over_lr(net, inputs, targets)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize(
    ("sizes", "activations", "inputs", "targets"),
    [
        ((2, 2, 2, 1), [TANH, TANH, LEGACY_SIGMOID], [0.3, 0.8], [0.9]),
        ((2, 3, 2), [TANH, LEGACY_SIGMOID], [0.6, -0.4], [0.1, 0.7]),
    ],
)
def test_interleaved_walk_tends_to_the_gradient_as_lr_shrinks(
    sizes, activations, inputs, targets
):
    expected = reference_gradient(
        LegacySystem(sizes, activations, seed=5), activations, inputs, targets
    )

    def worst_relative_error(lr):
        net = LegacySystem(sizes, activations, seed=5, lr=lr)
        got = step_over_lr(net, inputs, targets)
        return np.max(np.abs(got - expected) / np.abs(expected))

    # at the legacy rate the updates made during the walk shift later terms,
    # by an amount proportional to lr
    at_legacy_rate = worst_relative_error(0.1)
    assert at_legacy_rate > 1e-4
    assert 0.005 < worst_relative_error(1e-3) / at_legacy_rate < 0.02

    # lr = 1e-7 balances that shift against rounding in (before - after) / lr
    assert worst_relative_error(1e-7) < 1e-6


def test_back_visits_each_neuron_once_per_path():
    widths = (2, 3, 2, 2)
    net = LegacySystem(widths, [TANH, TANH, LEGACY_SIGMOID], seed=0)
    net.train([0.1, 0.4], [0.0, 1.0])
    counts = net.visit_counts()

    # a neuron of layer l lies on prod(widths[l + 1:]) paths to the outputs
    for layer, width in enumerate(widths):
        paths = math.prod(widths[layer + 1 :])
        assert counts[layer] == [paths] * width


def test_visits_grow_as_the_product_of_widths():
    net = LegacySystem((1, 3, 3, 3, 1), RELU, seed=0)
    net.train([0.5], [1.0])
    assert net.visit_counts()[0] == [27]
    net.train([0.5], [1.0])
    assert net.visit_counts()[0] == [54]


def test_initial_weights_follow_the_legacy_rule():
    net = LegacySystem((4, 5, 3), RELU, seed=42)
    weights = flat(net.weights())
    assert len(weights) == 4 * 5 + 5 * 3
    assert all(0.5 <= w < 1.0 for w in weights)
    assert flat(net.biases()) == [0.0] * 8
    assert net.weights() == LegacySystem((4, 5, 3), RELU, seed=42).weights()
    assert net.weights() != LegacySystem((4, 5, 3), RELU, seed=43).weights()


def test_numbers_are_sympy_numbers():
    net = LegacySystem((2, 2, 1), [RELU, LEGACY_SIGMOID], seed=0)
    net.train([0.2, 0.7], [1.0])
    for layer in net.layers[1:]:
        for neuron in layer.neurons:
            assert isinstance(neuron.sig, sympy.Basic)
            assert isinstance(neuron.b, sympy.Basic)
            assert all(isinstance(w, sympy.Basic) for w in neuron.w)


def test_forward_matches_plain_float_math():
    activations = [TANH, LEGACY_SIGMOID]
    net = LegacySystem((3, 4, 2), activations, seed=1)
    inputs, targets = [0.1, -0.3, 0.8], [0.2, 0.6]
    net.fastfeed(inputs)
    expected = float_cost(activations, net.weights(), net.biases(), inputs, targets)
    assert net.evaluate(targets) == pytest.approx(expected, rel=1e-12)


def test_set_parameters_round_trips():
    net = LegacySystem((2, 2, 1), TANH, seed=0)
    weights = [[[0.1, -0.2], [0.3, 0.4]], [[-0.5, 0.6]]]
    biases = [[0.01, -0.02], [0.03]]
    net.set_parameters(weights, biases)
    assert net.weights() == weights and net.biases() == biases


def test_learns_the_two_cluster_task_a_little():
    # the legacy demo: ReLU hidden layer, decreasing sigmoid output
    net = LegacySystem((2, 3, 1), [RELU, LEGACY_SIGMOID], seed=2)
    low, high = [0.1, 0.15], [0.9, 0.85]
    gap_before = net.fastfeed(high)[0] - net.fastfeed(low)[0]
    for _ in range(30):
        net.train(low, [0.0])
        net.train(high, [1.0])
    gap_after = net.fastfeed(high)[0] - net.fastfeed(low)[0]
    assert gap_after > gap_before + 0.05


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: LegacySystem((2,), TANH), "at least two positive layer widths"),
        (lambda: LegacySystem((2, 0, 1), TANH), "at least two positive"),
        (lambda: LegacySystem((2, 2, 1), [TANH]), "expected one activation or 2"),
        (lambda: LegacySystem((2, 1), TANH).feed([1.0]), "expected 2 inputs, got 1"),
        (
            lambda: LegacySystem((2, 1), TANH).train([1.0, 2.0], [0.0, 1.0]),
            "expected 1 targets, got 2",
        ),
    ],
)
def test_bad_arguments_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()
