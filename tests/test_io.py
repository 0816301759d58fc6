"""Saving and loading: exact round trips, expression trees, hostile files."""

import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pymlp import Dense, Network
from pymlp.io import (
    FORMAT_VERSION,
    expression_to_tree,
    load,
    load_optimizer,
    save,
    tree_to_expression,
)
from pymlp.optimizers import SGD, Adam

x = sympy.Symbol("x")

CUSTOM = [
    sympy.sin(x),
    x**3 / (1 + x**2),
    sympy.Max(0.1 * x, x),
    1.7159 * sympy.tanh(2 * x / 3),
    sympy.Piecewise((x, x > 0), (sympy.exp(x) - 1, True)),
    x * sympy.erf(x),
    0.1 * x + sympy.sqrt(x**2 + 1),
]
ELEMENTWISE = [
    "identity",
    "relu",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "softplus",
    "elu",
    "gelu",
    "silu",
    1 / (1 + sympy.exp(x)),
    *CUSTOM,
]


def _same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _assert_same_network(net, loaded, X):
    assert loaded.sizes == net.sizes
    assert loaded.dtype == net.dtype
    assert _same_bits(loaded.params, net.params)
    for layer, twin in zip(net.layers, loaded.layers):
        assert [a.name for a in twin.activations] == [a.name for a in layer.activations]
        assert [str(a.expr) for a in twin.activations] == [
            str(a.expr) for a in layer.activations
        ]
        # the same cached Activation, hence the same kernels
        assert all(a is b for a, b in zip(twin.activations, layer.activations))
    assert _same_bits(loaded.predict(X), net.predict(X))


def _model(dtype="float64"):
    layers = [
        Dense(5, ["relu", "tanh", CUSTOM[0], CUSTOM[3], CUSTOM[4]]),
        Dense(3, CUSTOM[1]),
        Dense(2, "softmax"),
    ]
    return Network(4, layers, seed=3, dtype=dtype)


def _inputs(net, n=7, seed=0):
    return np.random.default_rng(seed).normal(size=(n, net.input_size)) * 3


def _header(path):
    with np.load(path, allow_pickle=False) as archive:
        return json.loads(archive["header"].tobytes().decode("utf-8"))


def _rewrite(path, header=None, raw_header=None, arrays=()):
    """Rewrite a model file with another header and/or arrays."""
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files}
    if header is not None:
        raw_header = json.dumps(header).encode("utf-8")
    if raw_header is not None:
        contents["header"] = np.frombuffer(raw_header, dtype=np.uint8)
    contents.update(dict(arrays))
    with open(path, "wb") as file:
        np.savez(file, **contents)


@pytest.fixture
def saved(tmp_path):
    net = _model()
    path = tmp_path / "model.npz"
    save(net, path)
    return net, path


# round trips


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_trip_is_bitwise_identical(tmp_path, dtype):
    net = _model(dtype)
    path = tmp_path / "model.npz"
    save(net, path)
    _assert_same_network(net, load(path), _inputs(net))


@pytest.mark.parametrize("activation", ELEMENTWISE, ids=str)
def test_every_activation_round_trips(tmp_path, activation):
    net = Network(3, [Dense(4, activation), Dense(2, activation)], seed=1)
    save(net, tmp_path / "m.npz")
    _assert_same_network(net, load(tmp_path / "m.npz"), _inputs(net))


def test_float_constant_round_trips_exactly():
    for value in (0.1, 1.7159, -2.5e-300, 1e300, 0.0):
        expr = sympy.Float(value) * x
        back = tree_to_expression(expression_to_tree(expr))
        assert back == expr and str(back) == str(expr)
    precise = sympy.Float("0.12345678901234567890123456789", precision=120)
    back = tree_to_expression(expression_to_tree(precise))
    assert back == precise and back._prec == precise._prec


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.data(),
    input_size=st.integers(1, 4),
    widths=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    dtype=st.sampled_from(["float64", "float32"]),
    softmax_output=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_architectures_round_trip(
    tmp_path, data, input_size, widths, dtype, softmax_output, seed
):
    layers = []
    for k, units in enumerate(widths):
        if softmax_output and k == len(widths) - 1:
            layers.append(Dense(units, "softmax"))
        elif data.draw(st.booleans()):
            layers.append(Dense(units, data.draw(st.sampled_from(ELEMENTWISE))))
        else:
            choice = st.sampled_from(ELEMENTWISE)
            per_unit = data.draw(st.lists(choice, min_size=units, max_size=units))
            layers.append(Dense(units, per_unit))
    net = Network(input_size, layers, seed=seed, dtype=dtype)
    net.metadata = {"seed": seed, "widths": widths}
    path = tmp_path / "model.npz"
    save(net, path)
    loaded = load(path)
    _assert_same_network(net, loaded, _inputs(net, seed=seed))
    assert loaded.metadata == net.metadata


def test_round_trip_in_a_fresh_process(saved, tmp_path):
    # a new interpreter has no cached kernels: it compiles the loaded trees
    net, path = saved
    X = _inputs(net)
    np.save(tmp_path / "X.npy", X)
    script = (
        "import sys, numpy as np\n"
        "from pymlp.io import load\n"
        "net = load(sys.argv[1])\n"
        "np.save(sys.argv[3], net.predict(np.load(sys.argv[2])))\n"
        "print([a.name for layer in net.layers for a in layer.activations])\n"
    )
    out = tmp_path / "out.npy"
    result = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "X.npy"), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    names = [a.name for layer in net.layers for a in layer.activations]
    assert result.stdout.strip() == str(names)
    assert _same_bits(np.load(out), net.predict(X))


def test_metadata_round_trips(tmp_path):
    net = _model()
    net.metadata = {
        "preprocessing": {"mean": [0.5, -1.25], "scale": [2.0, 0.1]},
        "classes": ["cat", "dog"],
        "epochs": 12,
        "note": "trained on digits \u00e9",
        "best": None,
    }
    save(net, tmp_path / "m.npz")
    assert load(tmp_path / "m.npz").metadata == net.metadata


def test_path_without_suffix_lands_exactly_there(tmp_path):
    net = _model()
    save(net, str(tmp_path / "model"))
    assert sorted(os.listdir(tmp_path)) == ["model"]
    _assert_same_network(net, load(str(tmp_path / "model")), _inputs(net))


def test_network_save_delegates_here(tmp_path):
    net = _model()
    net.save(tmp_path / "m.npz")
    _assert_same_network(net, load(tmp_path / "m.npz"), _inputs(net))


def test_header_is_json_bytes_in_a_uint8_array(saved):
    _, path = saved
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["header", "params"]
        assert archive["header"].dtype == np.uint8
    header = _header(path)
    assert header["format"] == "pymlp" and header["version"] == FORMAT_VERSION
    assert header["layers"][0]["runs"] == [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1]]
    assert header["layers"][2]["activations"] == [{"name": "softmax"}]


# expression trees

_LEAVES = st.one_of(
    st.just(x),
    st.integers(-5, 5).map(sympy.Integer),
    st.fractions(max_denominator=7).map(sympy.Rational),
    st.floats(-100, 100, allow_nan=False).map(sympy.Float),
    st.sampled_from([sympy.pi, sympy.E]),
)
_UNARY = [
    sympy.exp,
    sympy.log,
    sympy.sin,
    sympy.cos,
    sympy.tanh,
    sympy.atan,
    sympy.erf,
    sympy.Abs,
    sympy.sign,
    sympy.sqrt,
]


def _safely(f, *args):
    """``f(*args)``, or None where sympy refuses the combination."""
    try:
        return f(*args)
    except (TypeError, ValueError, ArithmeticError):
        return None


def _extend(children):
    unary = st.builds(_safely, st.sampled_from(_UNARY), children)
    binary = st.builds(
        _safely,
        st.sampled_from([sympy.Add, sympy.Mul, sympy.Max, sympy.Min]),
        children,
        children,
    )
    power = st.builds(
        _safely, st.just(sympy.Pow), children, st.integers(-3, 3).map(sympy.Integer)
    )
    piecewise = st.builds(
        lambda a, b, c: _safely(sympy.Piecewise, (a, x > c), (b, True)),
        children,
        children,
        st.integers(-2, 2),
    )
    either = st.one_of(unary, binary, power, piecewise)
    return either.filter(lambda expr: expr is not None)


_EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=8)
_UNSUPPORTED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)


@settings(max_examples=100, deadline=None)
@given(_EXPRESSIONS)
def test_expression_tree_round_trips(expr):
    assume(not any(expr.has(bad) for bad in _UNSUPPORTED))
    tree = expression_to_tree(expr)
    assert json.loads(json.dumps(tree)) == tree
    back = tree_to_expression(json.loads(json.dumps(tree)))
    assert back == expr
    assert str(back) == str(expr)


def test_tree_of_an_expression_reads_naturally():
    tree = expression_to_tree(1 / (1 + sympy.exp(-x)))
    assert tree == [
        "Pow",
        ["Add", ["Integer", 1], ["exp", ["Mul", ["Integer", -1], ["Symbol", "x"]]]],
        ["Integer", -1],
    ]


@pytest.mark.parametrize(
    "expr, match",
    [
        (sympy.Symbol("y") * x, "symbol 'y'"),
        (sympy.besselj(0, x), "besselj"),
        (sympy.Function("f")(x), "f"),
    ],
)
def test_unsupported_expressions_are_refused_on_save(expr, match):
    with pytest.raises(ValueError, match=match):
        expression_to_tree(expr)


@pytest.mark.parametrize(
    "tree, match",
    [
        (["__import__", ["Symbol", "x"]], "unknown expression node '__import__'"),
        (["eval", ["Symbol", "x"]], "unknown expression node 'eval'"),
        (["Symbol", "y"], "symbol 'y' is not allowed"),
        (["Symbol", "__import__('os')"], "is not allowed"),
        (["Integer", "7"], "expected integers"),
        (["Integer", True], "expected integers"),
        (["Rational", 1, 0], "positive denominator"),
        (["Float", 1, 0, 0], "precision"),
        (["Float", 2**60, 0, 53], "does not fit"),
        (["exp"], "cannot build a exp node"),
        (["Pi", 3], "takes 0 argument"),
        ("x", "must be a list"),
        ([], "must be a list"),
        ([["Symbol", "x"]], "must be a list"),
    ],
)
def test_malformed_trees_are_refused(tree, match):
    with pytest.raises(ValueError, match=match):
        tree_to_expression(tree)


def test_tree_size_is_bounded():
    deep = ["Symbol", "x"]
    for _ in range(200):
        deep = ["sin", deep]
    with pytest.raises(ValueError, match="deeper than"):
        tree_to_expression(deep)
    wide = ["Add"] + [["Integer", k] for k in range(20_000)]
    with pytest.raises(ValueError, match="more than"):
        tree_to_expression(wide)


# optimizer state


def _train(net, optimizer, steps, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        X = rng.normal(size=(8, net.input_size)).astype(net.dtype)
        Y = rng.normal(size=(8, net.n_outputs)).astype(net.dtype)
        net.train_step(X, Y, "mse", optimizer)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: Adam(1e-2, betas=(0.8, 0.99), weight_decay=1e-3),
        lambda: SGD(0.05, momentum=0.9, nesterov=True),
        lambda: SGD(0.05),
    ],
    ids=["adam", "sgd-nesterov", "sgd"],
)
def test_optimizer_continues_identically_after_load(tmp_path, dtype, make):
    layers = [Dense(6, "tanh"), Dense(2, x * sympy.erf(x))]
    net = Network(3, layers, seed=0, dtype=dtype)
    optimizer = make()
    _train(net, optimizer, 4)
    save(net, tmp_path / "m.npz", optimizer=optimizer)

    loaded, resumed = load(tmp_path / "m.npz"), load_optimizer(tmp_path / "m.npz")
    assert type(resumed) is type(optimizer)
    assert resumed.get_config() == optimizer.get_config()
    assert resumed.t == optimizer.t == 4
    _train(net, optimizer, 3, seed=1)
    _train(loaded, resumed, 3, seed=1)
    assert _same_bits(loaded.params, net.params)


def test_adam_before_its_first_step_round_trips(tmp_path):
    net = _model()
    save(net, tmp_path / "m.npz", optimizer=Adam(3e-4))
    resumed = load_optimizer(tmp_path / "m.npz")
    assert resumed.get_config() == Adam(3e-4).get_config() and resumed.t == 0


def test_no_optimizer_saved_gives_none(saved):
    assert load_optimizer(saved[1]) is None


def test_optimizer_of_another_network_is_refused(tmp_path):
    optimizer = Adam()
    _train(Network(2, [Dense(1, "identity")], seed=0), optimizer, 1)
    with pytest.raises(ValueError, match="optimizer holds state for 3 parameters"):
        save(_model(), tmp_path / "m.npz", optimizer=optimizer)
    assert os.listdir(tmp_path) == []


# refusing what cannot be saved


def test_non_finite_parameters_are_not_saved(tmp_path):
    net = _model()
    net.params[0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        save(net, tmp_path / "m.npz")


def test_metadata_must_be_json(tmp_path):
    net = _model()
    net.metadata = {"mean": np.zeros(3)}
    with pytest.raises(TypeError, match="tolist"):
        save(net, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


# hostile and damaged files


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load(tmp_path / "nope.npz")


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(ValueError, match=r"junk\.npz.*not an \.npz archive"):
        load(path)


def test_a_pickle_is_refused_unopened(tmp_path):
    path = tmp_path / "evil.npz"
    path.write_bytes(b"\x80\x04\x95" + b"cos\nsystem\n" * 10)
    with pytest.raises(ValueError, match="not an .npz archive"):
        load(path)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.99])
def test_truncated_file_is_refused(saved, keep):
    _, path = saved
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"model\.npz"):
        load(path)


def test_object_array_is_refused(saved, tmp_path):
    _, path = saved
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files}
    contents["params"] = np.array([{"a": 1}, None], dtype=object)
    with open(path, "wb") as file:
        np.savez(file, **contents)  # pickles the object array
    with pytest.raises(ValueError, match="Python objects"):
        load(path)


def test_npy_file_is_refused(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match="not an .npz archive"):
        load(path)


def test_npz_without_header_is_refused(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(ValueError, match="no 'header'"):
        load(path)


def test_header_not_json_is_refused(saved):
    _rewrite(saved[1], raw_header=b"{not json")
    with pytest.raises(ValueError, match="header is not valid JSON"):
        load(saved[1])


def test_header_not_bytes_is_refused(saved):
    _rewrite(saved[1], arrays={"header": np.array([1.0, 2.0])})
    with pytest.raises(ValueError, match="uint8 array"):
        load(saved[1])


def test_other_format_is_refused(saved):
    header = _header(saved[1])
    header["format"] = "keras"
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="format is 'keras'"):
        load(saved[1])


def test_newer_version_is_refused(saved):
    header = _header(saved[1])
    header["version"] = 99
    _rewrite(saved[1], header)
    message = "saved by a newer pymlp: format version 99, this pymlp reads 1"
    with pytest.raises(ValueError, match=message):
        load(saved[1])


@pytest.mark.parametrize("version", [0, "1", 1.5, None, True])
def test_unknown_version_is_refused(saved, version):
    header = _header(saved[1])
    header["version"] = version
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="unknown format version"):
        load(saved[1])


def test_wrong_dtype_is_refused(saved):
    header = _header(saved[1])
    header["dtype"] = "float16"
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="dtype 'float16'"):
        load(saved[1])


def test_params_of_the_wrong_size_are_refused(saved):
    net, path = saved
    _rewrite(path, arrays={"params": np.zeros(net.n_params + 1)})
    with pytest.raises(ValueError, match=r"need \(\d+,\) parameters"):
        load(path)


def test_params_disagreeing_with_layer_sizes_are_refused(saved):
    header = _header(saved[1])
    header["layers"][1]["units"] = 4
    header["layers"][1]["runs"] = [[0, 4]]
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="layer sizes"):
        load(saved[1])


def test_runs_must_cover_the_units(saved):
    header = _header(saved[1])
    header["layers"][0]["runs"] = [[0, 2], [7, 3]]
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="runs must be"):
        load(saved[1])


def test_nan_params_are_refused(saved):
    net, path = saved
    params = net.params.copy()
    params[3] = np.nan
    _rewrite(path, arrays={"params": params})
    with pytest.raises(ValueError, match="NaN or infinite"):
        load(path)


def test_params_of_another_dtype_are_refused(saved):
    net, path = saved
    _rewrite(path, arrays={"params": net.params.astype(np.float32)})
    with pytest.raises(ValueError, match="expected float64"):
        load(path)


def test_extra_arrays_are_refused(saved):
    _rewrite(saved[1], arrays={"extra": np.zeros(2)})
    with pytest.raises(ValueError, match="unexpected array 'extra'"):
        load(saved[1])


@pytest.mark.parametrize(
    "tree, match",
    [
        (["__import__", ["Symbol", "x"]], "'__import__'"),
        (["eval", ["Symbol", "x"]], "'eval'"),
        (["Mul", ["Symbol", "y"], ["Symbol", "x"]], "symbol 'y'"),
    ],
)
def test_hostile_trees_in_a_file_are_refused(saved, tree, match):
    header = _header(saved[1])
    header["layers"][1]["activations"] = [{"tree": tree}]
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match=rf"model\.npz: layers\[1\].*{match}"):
        load(saved[1])


def test_a_crafted_tree_executes_nothing(saved, tmp_path):
    sentinel = tmp_path / "sentinel"
    code = f"open({str(sentinel)!r}, 'w').close()"
    header = _header(saved[1])
    hostile = [
        ["exec", code],
        ["eval", code],
        ["Symbol", f"__import__('builtins').exec({code!r})"],
        ["Add", ["Symbol", code], ["Symbol", "x"]],
        ["Integer", code],
        ["Float", code, 0, 53],
    ]
    for tree in hostile:
        header["layers"][1]["activations"] = [{"tree": tree}]
        _rewrite(saved[1], header)
        with pytest.raises(ValueError):
            load(saved[1])
    header["metadata"] = {"note": code}
    header["layers"][1]["activations"] = [{"name": code}]
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="must be"):
        load(saved[1])
    assert not sentinel.exists()


def test_softmax_in_a_hidden_layer_is_refused(saved):
    header = _header(saved[1])
    header["layers"][1]["activations"] = [{"name": "softmax"}]
    _rewrite(saved[1], header)
    with pytest.raises(ValueError, match="invalid network.*softmax"):
        load(saved[1])


def test_corrupted_optimizer_is_refused(tmp_path):
    net = _model()
    optimizer = Adam()
    _train(net, optimizer, 1)
    path = tmp_path / "m.npz"
    save(net, path, optimizer=optimizer)
    header = _header(path)
    header["optimizer"]["config"]["type"] = "Lion"
    _rewrite(path, header)
    with pytest.raises(ValueError, match="saved optimizer is invalid.*Lion"):
        load_optimizer(path)


def test_loading_a_bad_file_leaves_it_and_the_folder_unchanged(saved, tmp_path):
    _, path = saved
    path.write_bytes(path.read_bytes()[:100])
    before = path.read_bytes()
    with pytest.raises(ValueError):
        load(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


# atomic writes


def test_failed_save_keeps_the_old_file_and_leaves_no_temporary(
    saved, tmp_path, monkeypatch
):
    _, path = saved
    before = path.read_bytes()

    def broken_savez(file, **arrays):
        file.write(b"PK\x03\x04 half a model")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        save(_model("float32"), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_interrupted_save_leaves_no_temporary(tmp_path, monkeypatch):
    def interrupted(file, **arrays):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(_model(), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_save_replaces_an_existing_model(saved):
    _, path = saved
    other = _model("float32")
    save(other, path)
    assert load(path).dtype == np.float32
    assert zipfile.is_zipfile(path)
