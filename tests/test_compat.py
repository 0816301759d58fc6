"""pymlp.compat: the legacy per-neuron API as live views over a Network.

Steps are checked against an independent per-neuron computation of the exact
gradient of the legacy cost, written here in plain Python floats, and against
the scalar legacy reference where the legacy walk is exact.
"""

import math
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import pymlp
from benchmarks.legacy_reference import LEGACY_SIGMOID, RELU, LegacySystem
from pymlp import compat
from pymlp.compat import (
    Normal,
    ReLU,
    Sigmoid,
    from_network,
    nsystem,
    run_script,
    train,
    x,
)

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "tests" / "legacy"
SCRIPTS = sorted(path.name for path in LEGACY.glob("*.py"))

# value and derivative of each activation, in plain floats
FLOAT_FUNCS = {
    Normal: (lambda v: v, lambda v: 1.0),
    ReLU: (lambda v: max(0.0, v), lambda v: 1.0 if v > 0 else 0.0),
    Sigmoid: (
        lambda v: 1.0 / (1.0 + math.exp(v)),
        lambda v: -math.exp(v) / (1.0 + math.exp(v)) ** 2,
    ),
    sympy.tanh(x): (math.tanh, lambda v: 1.0 - math.tanh(v) ** 2),
    pymlp.get_activation("sigmoid").expr: (
        lambda v: 1.0 / (1.0 + math.exp(-v)),
        lambda v: math.exp(-v) / (1.0 + math.exp(-v)) ** 2,
    ),
}


def build(sizes, activations, seed=0, lr=0.1):
    """A legacy network built through the legacy calls; one activation per layer."""
    system = nsystem(seed=seed, learning_rate=lr)
    layers = system.CreateLayer(len(sizes), sizes[0])
    for layer, width, f in zip(layers[1:], sizes[1:], activations):
        system.CreateNeurons(width, layer, f, 0)
    return system


def snapshot(system):
    """(weights, biases, activations) per layer after the inputs, as lists."""
    weights, biases, funcs = [], [], []
    for layer in system.children[1:]:
        weights.append([list(n.w) for n in layer.children])
        biases.append([n.b for n in layer.children])
        funcs.append([n.f for n in layer.children])
    return weights, biases, funcs


def reference_step(weights, biases, funcs, inputs, targets, lr, only=None):
    """One exact SGD step of the legacy cost, neuron by neuron in floats.

    ``only`` restricts the cost to one output's share,
    ``(1/n_out) * (sig_only - target)**2``.
    """
    signals, zs = [list(inputs)], []
    for rows, row_b, row_f in zip(weights, biases, funcs):
        z_layer = [
            sum(w * s for w, s in zip(row, signals[-1])) + b
            for row, b in zip(rows, row_b)
        ]
        zs.append(z_layer)
        signals.append([FLOAT_FUNCS[f][0](v) for f, v in zip(row_f, z_layer)])

    # dC/dsig of the outputs
    n_out = len(signals[-1])
    dsig = [2.0 / n_out * (s - t) for s, t in zip(signals[-1], targets)]
    if only is not None:
        dsig = [d if k == only else 0.0 for k, d in enumerate(dsig)]

    new_w = [[list(row) for row in rows] for rows in weights]
    new_b = [list(row_b) for row_b in biases]
    for layer in range(len(weights) - 1, -1, -1):
        dz = [
            d * FLOAT_FUNCS[f][1](v) for d, f, v in zip(dsig, funcs[layer], zs[layer])
        ]
        prev = signals[layer]
        for j, dz_j in enumerate(dz):
            for i, s in enumerate(prev):
                new_w[layer][j][i] -= lr * dz_j * s
            new_b[layer][j] -= lr * dz_j
        dsig = [
            sum(dz[j] * weights[layer][j][i] for j in range(len(dz)))
            for i in range(len(prev))
        ]
    return new_w, new_b


def assert_params_close(system, weights, biases, tol):
    got_w, got_b, _ = snapshot(system)
    for got, want in zip(got_w, weights):
        np.testing.assert_allclose(got, want, rtol=0, atol=tol)
    for got, want in zip(got_b, biases):
        np.testing.assert_allclose(got, want, rtol=0, atol=tol)


# module-level names


def test_module_names_match_the_legacy_api():
    for name in ["x", "y", "z", "Normal", "ReLU", "Sigmoid", "train"]:
        assert hasattr(compat, name)
    for name in ["nsystem", "nlayer", "nneuron"]:
        assert isinstance(getattr(compat, name), type)
    assert Normal == x
    assert ReLU == sympy.Max(0, x)
    assert Sigmoid == 1 / (1 + sympy.exp(x))


def test_legacy_sigmoid_is_decreasing_in_the_network():
    system = build((1, 1), [Sigmoid])
    system.children[1].children[0].w[0] = 1.0
    low, high = system.fastfeed([-2.0])[0], system.fastfeed([2.0])[0]
    assert low == pytest.approx(1 / (1 + math.exp(-2.0)), abs=1e-15)
    assert high == pytest.approx(1 / (1 + math.exp(2.0)), abs=1e-15)


# views


def test_weight_write_through_neuron_shows_in_network_at_once():
    system = build((2, 3, 1), [ReLU, Sigmoid])
    neuron = system.children[1].children[2]
    neuron.w[1] = 0.25
    assert system.network.layers[0].weights[2, 1] == 0.25
    neuron.w[0] -= 0.1
    assert system.network.layers[0].weights[2, 0] == pytest.approx(neuron.w[0])
    neuron.b = -0.5
    assert system.network.layers[0].bias[2] == -0.5


def test_network_write_shows_in_neuron_at_once():
    system = build((2, 3, 1), [ReLU, Sigmoid])
    net = system.network
    net.layers[1].weights[0, 2] = 0.125
    net.layers[1].bias[0] = 0.75
    out = system.out().children[0]
    assert out.w[2] == 0.125
    assert out.b == 0.75
    net.params[:] = 0.5
    assert out.w == [0.5, 0.5, 0.5]


def test_weight_view_behaves_like_a_list():
    system = build((3, 1), [ReLU])
    w = system.out().children[0].w
    w[:] = [0.5, 0.25, 0.125]
    assert len(w) == 3
    assert list(w) == [0.5, 0.25, 0.125]
    assert w == [0.5, 0.25, 0.125] and w != [0.5, 0.25]
    assert w[1:] == [0.25, 0.125]
    assert str(w) == repr([0.5, 0.25, 0.125])
    w -= [0.5, 0.25, 0.125]
    assert system.network.layers[0].weights.tolist() == [[0.0, 0.0, 0.0]]
    system.out().children[0].w = [1.0, 2.0, 3.0]
    assert np.asarray(w).tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="has 3 weights, got 2"):
        system.out().children[0].w = [1.0, 2.0]


def test_new_neuron_adds_a_row_to_its_layer_and_a_column_to_the_next():
    system = build((2, 3, 2), [ReLU, Sigmoid])
    kept = [list(n.w) for n in system.children[2].children]
    new = system.children[1].Add(ReLU)

    net = system.network
    assert net.layers[0].weights.shape == (4, 2)
    assert net.layers[1].weights.shape == (2, 4)
    assert len(new.w) == 2 and all(0.5 <= v < 1.0 for v in new.w)
    assert new.b == 0.0
    for neuron, old in zip(system.children[2].children, kept):
        assert list(neuron.w)[:3] == old
        assert 0.5 <= neuron.w[3] < 1.0


def test_views_taken_before_growth_address_the_current_arrays():
    system = build((2, 2, 1), [ReLU, Sigmoid])
    out = system.out().children[0]
    w = out.w
    system.children[1].Add(ReLU)
    system.children[0].Add(Normal)
    w[2] = 0.375
    assert len(w) == 3
    assert system.network.layers[1].weights[0, 2] == 0.375
    assert system.network.layers[0].weights.shape == (3, 3)


def test_empty_layers_fill_in_later():
    system = nsystem(seed=3)
    inputs, hidden, output = system.Add(), system.Add(), system.Add()
    out = output.Add(Sigmoid)  # before any hidden neuron or input
    assert system.network.sizes == [1, 1, 1]
    assert len(out.w) == 0
    out.b = 0.5
    assert system.fastfeed([]) == [pytest.approx(1 / (1 + math.exp(0.5)))]

    h = hidden.Add(ReLU)
    assert len(out.w) == 1 and 0.5 <= out.w[0] < 1.0
    assert len(h.w) == 0
    inputs.Add(Normal)
    inputs.Add(Normal)
    assert system.network.sizes == [2, 1, 1]
    assert len(h.w) == 2
    h.w[:] = [1.0, 2.0]
    out.w[0] = -1.0
    z_out = -(1.0 * 0.5 + 2.0 * 0.25) + 0.5
    assert system.fastfeed([0.5, 0.25])[0] == pytest.approx(1 / (1 + math.exp(z_out)))


def test_layers_added_later_rebuild_the_network_with_the_old_values():
    system = build((2, 3), [ReLU])
    before = system.network.params.copy()
    new = system.Add().Add(Sigmoid)
    assert system.network.sizes == [2, 3, 1]
    np.testing.assert_array_equal(system.network.params[: before.size], before)
    assert len(new.w) == 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=14))
def test_any_growth_order_keeps_views_and_shapes_consistent(moves):
    system = nsystem(seed=0)
    for _ in range(4):
        system.Add()
    for k, relu in moves:
        system.children[k].Add(ReLU if relu else Sigmoid)
    widths = [len(layer.children) for layer in system.children]
    net = system.network
    if net is None:
        assert sum(widths[1:]) == 0
        return
    depth = max(k for k, width in enumerate(widths) if width)
    assert len(net.layers) == depth
    for k in range(1, depth + 1):
        layer = net.layers[k - 1]
        assert layer.units == max(widths[k], 1)
        for j, neuron in enumerate(system.children[k].children):
            assert len(neuron.w) == widths[k - 1]
            neuron.w[:] = [0.5 + 0.01 * i for i in range(widths[k - 1])]
            row = layer.weights[j, : widths[k - 1]]
            assert row.tolist() == list(neuron.w)


def test_activation_assignment_changes_the_network_unit():
    system = build((1, 2), [ReLU])
    neuron = system.children[1].children[1]
    neuron.f = Sigmoid
    assert neuron.f == Sigmoid
    assert system.network.layers[0].activations[1] == pymlp.get_activation(Sigmoid)
    for n in system.children[1].children:
        n.w[0] = 1.0
    assert system.fastfeed([-1.0]) == pytest.approx([0.0, 1 / (1 + math.exp(-1.0))])


# per-neuron methods and signals


def test_activate_matches_per_neuron_activate_each():
    system = build((2, 3, 2), [ReLU, Sigmoid], seed=5)
    system.children[1].children[0].b = -1.0
    system.feed([0.4, -0.2])
    system.Activate()
    vectorised = [layer.GetAllSig() for layer in system.children]
    for layer in system.children:
        layer.ActivateLayer()
    per_neuron = [layer.GetAllSig() for layer in system.children]
    np.testing.assert_allclose(vectorised[1], per_neuron[1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(vectorised[2], per_neuron[2], rtol=0, atol=1e-15)
    assert vectorised[1][0] == 0.0  # the ReLU with a negative input


def test_provide_z_and_delta_hz_use_current_signals():
    system = build((2, 2), [Sigmoid])
    neuron = system.out().children[0]
    neuron.w[:] = [0.5, -1.0]
    neuron.b = 0.25
    system.feed([2.0, 1.0])
    assert system.out().ProvidePrevSig() == [2.0, 1.0]
    assert neuron.ProvideZ() == pytest.approx(0.25)
    assert neuron.deltaHZ() == pytest.approx(FLOAT_FUNCS[Sigmoid][1](0.25))
    neuron.ActivateEach()
    assert neuron.sig == pytest.approx(1 / (1 + math.exp(0.25)))


def test_signals_are_zero_before_activation_and_set_by_create_neurons():
    system = nsystem(seed=0)
    layers = system.CreateLayer(2, 2)
    made = system.CreateNeurons(3, layers[1], ReLU, 1)
    assert [n.sig for n in made] == [1.0, 1.0, 1.0]
    assert layers[0].GetAllSig() == [0.0, 0.0]
    assert system.ProvidePrevLayer(layers[0]) is layers[0]
    assert system.ProvidePrevLayer(layers[1]) is layers[0]
    assert layers[1].ProvidePrevNeu() == layers[0].children


def test_feed_with_none_prints_the_legacy_message_and_changes_nothing(capsys):
    system = build((2, 1), [Sigmoid])
    system.feed([0.5, 0.25])
    system.feed([0.1, None])
    assert capsys.readouterr().out == "Input size does not match\n"
    assert system.children[0].GetAllSig() == [0.5, 0.25]
    system.feed([0.1])
    assert capsys.readouterr().out == "Input size does not match\n"
    before = system.network.params.copy()
    train(system, [None, 0.2], [1])
    assert capsys.readouterr().out == "Input size does not match\n"
    np.testing.assert_array_equal(system.network.params, before)


def test_evaluate_is_the_mean_squared_error_of_current_signals():
    system = build((2, 2), [Sigmoid])
    signals = system.fastfeed([0.3, 0.6])
    expected = ((signals[0] - 1) ** 2 + (signals[1] - 0) ** 2) / 2
    assert system.evaluate([1, 0]) == pytest.approx(expected, rel=1e-15)


# printing


def test_to_string_formats():
    system = build((2, 2, 1), [ReLU, Sigmoid])
    for n in system.children[1].children:
        n.w[:] = [0.5, 0.25]
    out = system.out().children[0]
    out.w[:] = [1.0, -1.0]
    out.b = 0.5
    system.feed([1, 0])
    system.Activate()
    assert system.ToString() == (
        "Sys -->\n"
        "Layer 0 -->\n"
        "  (0)sig:1.0 weights:[] bias:0.0\n"
        "  (1)sig:0.0 weights:[] bias:0.0\n"
        "\n"
        "Layer 1 -->\n"
        "  (0)sig:0.5 weights:[0.5, 0.25] bias:0.0\n"
        "  (1)sig:0.5 weights:[0.5, 0.25] bias:0.0\n"
        "\n"
        "Layer 2 -->\n"
        f"  (0)sig:{1 / (1 + math.exp(0.5))} weights:[1.0, -1.0] bias:0.5\n"
        "\n"
    )
    assert system.ToStringOnlySig() == (
        "Sys -->"
        "\n Layer 0 -->\n(1.0) (0.0)  "
        "\n Layer 1 -->\n(0.5) (0.5)  "
        f"\n Layer 2 -->\n({1 / (1 + math.exp(0.5))})  "
    )


# exact steps


@pytest.mark.parametrize(
    ("sizes", "activations"),
    [
        ((2, 3, 2), [ReLU, Sigmoid]),
        ((2, 4, 4, 2), [ReLU, ReLU, Sigmoid]),
        ((3, 2, 3, 1), [sympy.tanh(x), Sigmoid, Normal]),
    ],
)
def test_train_is_one_exact_step_of_the_legacy_cost(sizes, activations):
    system = build(sizes, activations, seed=11, lr=0.3)
    rng = random.Random(4)
    for _ in range(5):
        inputs = [rng.uniform(-1, 1) for _ in range(sizes[0])]
        targets = [rng.uniform(0, 1) for _ in range(sizes[-1])]
        weights, biases, funcs = snapshot(system)
        want_w, want_b = reference_step(weights, biases, funcs, inputs, targets, 0.3)
        train(system, inputs, targets)
        assert_params_close(system, want_w, want_b, 1e-12)


def test_train_with_mixed_activations_in_a_layer_is_exact():
    system = build((2, 3, 2), [ReLU, Sigmoid], seed=2)
    system.children[1].children[1].f = sympy.tanh(x)
    system.children[2].children[0].f = Normal
    weights, biases, funcs = snapshot(system)
    want_w, want_b = reference_step(
        weights, biases, funcs, [0.3, -0.7], [0.2, 0.9], 0.1
    )
    train(system, [0.3, -0.7], [0.2, 0.9])
    assert_params_close(system, want_w, want_b, 1e-12)


def test_train_updates_signals_from_the_forward_pass():
    system = build((2, 3, 1), [ReLU, Sigmoid], seed=1)
    expected = system.fastfeed([0.2, 0.7])
    system.feed([0.0, 0.0])
    train(system, [0.2, 0.7], [1])
    assert system.out().GetAllSig() == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("k", [0, 1])
def test_back_is_one_exact_step_of_one_outputs_share(k):
    system = build((2, 4, 4, 2), [ReLU, ReLU, Sigmoid], seed=7)
    system.feed([0.3, 0.8])
    system.Activate()
    weights, biases, funcs = snapshot(system)
    targets = [0.9, 0.1]
    want_w, want_b = reference_step(
        weights, biases, funcs, [0.3, 0.8], targets, 0.1, only=k
    )
    system.out().children[k].back(predict=targets[k])
    assert_params_close(system, want_w, want_b, 1e-12)


def test_back_on_an_input_neuron_does_nothing():
    system = build((2, 1), [Sigmoid])
    before = system.network.params.copy()
    assert system.children[0].children[0].back(predict=1.0) == 0
    np.testing.assert_array_equal(system.network.params, before)


def test_descback_prints_one_line_per_path_then_steps_like_back(capsys):
    system = build((2, 4, 4, 2), [ReLU, ReLU, Sigmoid], seed=9)
    twin = build((2, 4, 4, 2), [ReLU, ReLU, Sigmoid], seed=9)
    for s in (system, twin):
        s.feed([0.3, 0.3])
        s.Activate()
    out = system.out().children[0]
    expected_first = 2 / 2 * (out.sig - 0.9) * out.deltaHZ()

    out.descback(predict=0.9)
    twin.out().children[0].back(predict=0.9)

    lines = capsys.readouterr().out.splitlines()
    # a line at every neuron a path reaches: 1 + 4 + 4 * 4
    assert len(lines) == 1 + 4 + 4 * 4
    label, value = lines[0].split(" => ")
    assert label == "(dCo/dZ3:0)"
    assert float(value) == pytest.approx(expected_first, rel=1e-12)
    assert lines[1].startswith("(dCo/dZ3:0)(dZ3:0/dH2:0)(dH2:0/dZ2:0) => ")
    assert lines[2].startswith(
        "(dCo/dZ3:0)(dZ3:0/dH2:0)(dH2:0/dZ2:0)(dZ2:0/dH1:0)(dH1:0/dZ1:0) => "
    )
    assert lines[6].startswith("(dCo/dZ3:0)(dZ3:0/dH2:1)(dH2:1/dZ2:1) => ")
    np.testing.assert_array_equal(system.network.params, twin.network.params)


def test_descback_path_values_multiply_along_the_path(capsys):
    system = build((1, 2, 1), [ReLU, Sigmoid], seed=4)
    system.feed([0.5])
    system.Activate()
    out = system.out().children[0]
    hidden = system.children[1].children
    top = 2 * (out.sig - 0.0) * out.deltaHZ()
    w_before = list(out.w)
    out.descback(predict=0.0, str=">")
    lines = capsys.readouterr().out.splitlines()
    label, value = lines[0].split(" => ")
    assert label == ">(dCo/dZ2:0)"
    assert float(value) == pytest.approx(top, rel=1e-12)
    for i, line in enumerate(lines[1:]):
        label, value = line.split(" => ")
        assert label == f">(dCo/dZ2:0)(dZ2:0/dH1:{i})(dH1:{i}/dZ1:{i})"
        slope = 1.0 if hidden[i].ProvideZ() > 0 else 0.0
        assert float(value) == pytest.approx(top * w_before[i] * slope, rel=1e-12)


@pytest.mark.parametrize("f_hidden", [RELU, LEGACY_SIGMOID])
def test_single_output_one_hidden_layer_matches_the_legacy_reference(f_hidden):
    sizes = (2, 3, 1)
    system = build(sizes, [f_hidden, Sigmoid], seed=6)
    legacy = LegacySystem(sizes, [f_hidden, LEGACY_SIGMOID], seed=0)
    weights, biases, _ = snapshot(system)
    legacy.set_parameters(weights, biases)
    rng = random.Random(1)
    for _ in range(4):
        inputs = [rng.uniform(0, 1), rng.uniform(0, 1)]
        target = [rng.choice((0, 1))]
        train(system, inputs, target)
        legacy.train(inputs, target)
    got_w, got_b, _ = snapshot(system)
    for got, want in zip(got_w, legacy.weights()):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
    for got, want in zip(got_b, legacy.biases()):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


def test_learning_rate_is_adjustable():
    slow = build((2, 2, 1), [ReLU, Sigmoid], seed=3, lr=0.1)
    fast = build((2, 2, 1), [ReLU, Sigmoid], seed=3, lr=0.4)
    start = slow.network.params.copy()
    train(slow, [0.5, 0.5], [1])
    train(fast, [0.5, 0.5], [1])
    np.testing.assert_allclose(
        fast.network.params - start, 4 * (slow.network.params - start), atol=1e-15
    )


@pytest.mark.parametrize("seed", range(4))
def test_several_outputs_all_approach_their_targets(seed):
    system = build((2, 4, 2), [ReLU, Sigmoid], seed=seed, lr=0.5)
    rng = random.Random(seed)
    low, high = [0, 1], [1, 0]

    def loss():
        system.fastfeed([0.1, 0.1])
        a = system.evaluate(low)
        system.fastfeed([0.9, 0.9])
        return a + system.evaluate(high)

    before = loss()
    for _ in range(1000):
        if rng.random() < 0.5:
            train(system, [rng.uniform(0, 0.3), rng.uniform(0, 0.3)], low)
        else:
            train(system, [rng.uniform(0.7, 1), rng.uniform(0.7, 1)], high)
    assert loss() < before / 10
    np.testing.assert_allclose(system.fastfeed([0.1, 0.1]), low, atol=0.2)
    np.testing.assert_allclose(system.fastfeed([0.9, 0.9]), high, atol=0.2)


# the network behind the legacy API


def test_network_is_a_plain_pymlp_network():
    system = build((2, 3, 1), [ReLU, Sigmoid], seed=0)
    net = system.network
    X = np.array([[0.1, 0.2], [0.7, 0.9]])
    assert net.predict(X).shape == (2, 1)
    assert pymlp.gradcheck(net, X, np.array([[0.0], [1.0]]), loss="mse") < 1e-5
    system.fastfeed([0.7, 0.9])
    assert system.out().GetAllSig()[0] == pytest.approx(net.predict(X)[1, 0])


def test_from_network_wraps_the_same_arrays():
    net = pymlp.MLP([2, 3, 2], activation="relu", output="sigmoid", seed=0)
    system = from_network(net, learning_rate=0.2)
    assert system.network is net
    assert [len(layer.children) for layer in system.children] == [2, 3, 2]
    neuron = system.children[2].children[1]
    neuron.w[0] = 0.5
    assert net.layers[1].weights[1, 0] == 0.5
    assert neuron.f == pymlp.get_activation("sigmoid").expr

    weights, biases, funcs = snapshot(system)
    want_w, want_b = reference_step(weights, biases, funcs, [0.4, 0.1], [1, 0], 0.2)
    train(system, [0.4, 0.1], [1, 0])
    assert_params_close(system, want_w, want_b, 1e-12)
    assert system.fastfeed([0.4, 0.1]) == pytest.approx(
        net.predict([[0.4, 0.1]])[0].tolist()
    )


# running legacy scripts


@pytest.mark.parametrize("script", SCRIPTS)
def test_legacy_script_runs_in_process(script, capsys):
    namespace = run_script(LEGACY / script)
    assert "mlp" not in sys.modules
    assert isinstance(namespace["sys"], nsystem)
    assert capsys.readouterr().out


def _run_cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pymlp.compat", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(ROOT),
        timeout=300,
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_legacy_script_runs_under_python_m_pymlp_compat(script):
    done = _run_cli(str(Path("tests") / "legacy" / script))
    assert done.returncode == 0, done.stderr
    assert done.stdout


def test_cli_passes_arguments_and_runs_in_the_scripts_folder():
    done = _run_cli("tests/legacy/two_cluster_random.py", "3")
    assert done.returncode == 0, done.stderr
    outputs = [line for line in done.stdout.splitlines() if line.startswith("[")]
    low, high = float(outputs[1][1:-1]), float(outputs[2][1:-1])
    assert low < 0.2 and high > 0.8


def test_cli_with_a_missing_script_exits_2_with_one_line(tmp_path):
    done = _run_cli(str(tmp_path / "absent.py"))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "script not found" in lines[0] and "absent.py" in lines[0]


@pytest.mark.parametrize("seed", range(5))
def test_two_cluster_script_learns(seed, capsys):
    namespace = run_script(LEGACY / "two_cluster_random.py", [str(seed)])
    system = namespace["sys"]
    assert system.fastfeed([0.1, 0.1])[0] < 0.2
    assert system.fastfeed([0.9, 0.9])[0] > 0.8


@pytest.mark.parametrize("seed", range(3))
def test_two_output_script_learns_both_outputs(seed, capsys):
    namespace = run_script(LEGACY / "two_outputs.py", [str(seed)])
    system = namespace["sys"]
    np.testing.assert_allclose(system.fastfeed([0.1, 0.1]), [0, 1], atol=0.2)
    np.testing.assert_allclose(system.fastfeed([0.9, 0.9]), [1, 0], atol=0.2)


def test_descback_script_prints_every_path(capsys):
    run_script(LEGACY / "descback_2442.py")
    lines = capsys.readouterr().out.splitlines()
    paths = [line for line in lines if " => " in line]
    assert len(paths) == 2 * (1 + 4 + 16)
    assert paths[0].startswith("(dCo/dZ3:0) => ")
    assert paths[21].startswith("(dCo/dZ3:1) => ")


def test_first_legacy_scripts_print_what_the_notes_show(capsys):
    run_script(LEGACY / "nlayer_signals.py")
    assert capsys.readouterr().out == "[0.0]\n[0.0]\n"
    run_script(LEGACY / "nsystem_io.py")
    assert capsys.readouterr().out == "nlayer(index=0, neurons=0)\n"


def test_network_saves_loads_and_fits_like_any_other(tmp_path):
    from pymlp.io import load

    system = build((2, 4, 1), [ReLU, Sigmoid], seed=2)
    net = system.network
    path = tmp_path / "legacy.npz"
    net.save(path)
    loaded = load(path)
    X = np.array([[0.1, 0.2], [0.8, 0.9]])
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))

    out = system.out().children[0]
    before = list(out.w)
    history = net.fit(X, [[0.0], [1.0]], loss="mse", epochs=3, batch_size=2, seed=0)
    assert len(history.loss) == 3
    assert list(out.w) == net.layers[1].weights[0].tolist() != before
    assert system.fastfeed([0.8, 0.9])[0] == pytest.approx(net.predict(X)[1, 0])


def test_softmax_network_trains_through_the_general_path():
    net = pymlp.MLP([3, 4, 3], activation="tanh", output="softmax", seed=1)
    twin = net.copy()
    system = from_network(net, learning_rate=0.2)
    inputs, targets = [0.2, -0.4, 0.9], [0.0, 1.0, 0.0]
    twin.loss_and_gradients([inputs], [targets], loss="mse")
    expected = twin.params - 0.2 * twin.grads
    train(system, inputs, targets)
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-15)
    assert system.out().children[0].f is None
    with pytest.raises(NotImplementedError, match="softmax"):
        system.out().children[0].ActivateEach()


def test_train_with_an_empty_last_layer_only_feeds_and_activates():
    system = build((2, 2), [ReLU])
    system.Add()
    before = system.network.params.copy()
    train(system, [0.5, 0.5], [])
    np.testing.assert_array_equal(system.network.params, before)
    assert system.children[1].GetAllSig() != [0.0, 0.0]
    assert system.fastfeed([0.5, 0.5]) == []


def test_unseeded_systems_follow_the_random_module():
    def weights():
        random.seed(42)
        return build((2, 3, 1), [ReLU, Sigmoid], seed=None).network.params.tolist()

    assert weights() == weights()
    assert build((2, 3, 1), [ReLU, Sigmoid], seed=None).network.params.size == 13
