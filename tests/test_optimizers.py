"""Tests of pymlp.optimizers: hand-computed steps, the chunked update against
whole-array references, in-place semantics, state and config round trips,
argument checks and learning-rate schedules."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymlp.optimizers import (
    SGD,
    Adam,
    ConstantLR,
    CosineLR,
    ExponentialLR,
    Optimizer,
    ReduceLROnPlateau,
    StepLR,
    get_optimizer,
    get_schedule,
    optimizer_from_config,
    schedule_from_config,
)

P0 = [1.0, -2.0]
GRADS = [[0.5, 0.25], [-1.0, 0.5], [0.25, 0.0]]


def run_steps(optimizer, n_steps, p0=P0, grads=GRADS, dtype=np.float64):
    """Step ``optimizer`` on a copy of ``p0``; return the params after each step."""
    params = np.array(p0, dtype=dtype)
    history = []
    for g in grads[:n_steps]:
        optimizer.step(params, np.array(g, dtype=dtype))
        history.append(params.tolist())
    return history


def assert_steps(history, expected, rel=1e-15):
    for got, want in zip(history, expected, strict=True):
        assert got == pytest.approx(want, rel=rel, abs=0.0)


# whole-array references, written from the formulas


def _ref_sgd(params, grads, velocity, lr, momentum, nesterov, weight_decay):
    g = grads + weight_decay * params
    if momentum == 0:
        return params - lr * g, velocity
    velocity = momentum * velocity + g
    if nesterov:
        return params - lr * (g + momentum * velocity), velocity
    return params - lr * velocity, velocity


def _ref_adam(params, grads, m, v, t, lr, betas, eps, weight_decay):
    beta1, beta2 = betas
    g = grads + weight_decay * params
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def compare_with_reference(
    config, size, dtype, rtol, n_steps=4, chunk_size=None, seed=0
):
    rng = np.random.default_rng(seed)
    params = rng.standard_normal(size).astype(dtype)
    ref = params.copy()
    optimizer = optimizer_from_config(config)
    optimizer.chunk_size = chunk_size
    kwargs = {k: v for k, v in config.items() if k != "type"}
    state = [np.zeros(size, dtype), np.zeros(size, dtype)]

    for t in range(1, n_steps + 1):
        grads = rng.standard_normal(size).astype(dtype)
        optimizer.step(params, grads)
        previous = ref
        if config["type"] == "Adam":
            ref, *state = _ref_adam(ref, grads, *state, t, **kwargs)
        else:
            ref, state[0] = _ref_sgd(ref, grads, state[0], **kwargs)

        # a parameter that lands near zero keeps the rounding error of its
        # step: the error is relative to the parameter or the step, the larger
        assert params.dtype == dtype
        atol = rtol * float(np.abs(ref - previous).max())
        np.testing.assert_allclose(params, ref, rtol=rtol, atol=atol)


SGD_CONFIGS = [
    {
        "type": "SGD",
        "lr": 0.05,
        "momentum": 0.0,
        "nesterov": False,
        "weight_decay": 0.0,
    },
    {
        "type": "SGD",
        "lr": 0.05,
        "momentum": 0.9,
        "nesterov": False,
        "weight_decay": 0.01,
    },
    {"type": "SGD", "lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.0},
]
ADAM_CONFIGS = [
    {
        "type": "Adam",
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
    },
    {
        "type": "Adam",
        "lr": 0.01,
        "betas": (0.8, 0.99),
        "eps": 1e-6,
        "weight_decay": 0.1,
    },
]
ALL_CONFIGS = SGD_CONFIGS + ADAM_CONFIGS


# hand-computed steps


def test_sgd_plain_steps_by_hand():
    # p -= 0.1 * g
    expected = [[0.95, -2.025], [1.05, -2.075], [1.025, -2.075]]
    assert_steps(run_steps(SGD(lr=0.1), 3), expected)


def test_sgd_momentum_steps_by_hand():
    # v1 = g1 = [0.5, 0.25]; v2 = 0.9 v1 + g2 = [-0.55, 0.725];
    # v3 = 0.9 v2 + g3 = [-0.245, 0.6525]; p -= 0.1 v
    expected = [[0.95, -2.025], [1.005, -2.0975], [1.0295, -2.16275]]
    assert_steps(run_steps(SGD(lr=0.1, momentum=0.9), 3), expected)


def test_sgd_nesterov_steps_by_hand():
    # same velocities as above; p -= 0.1 (g + 0.9 v):
    # g + 0.9 v = [0.95, 0.475], [-1.495, 1.1525], [0.0295, 0.58725]
    expected = [[0.905, -2.0475], [1.0545, -2.16275], [1.05155, -2.221475]]
    optimizer = SGD(lr=0.1, momentum=0.9, nesterov=True)
    assert_steps(run_steps(optimizer, 3), expected)


def test_sgd_weight_decay_steps_by_hand():
    # g' = g + 0.1 p: [0.6, 0.05], then at p1 = [0.94, -2.005]: [-0.906, 0.2995]
    expected = [[0.94, -2.005], [1.0306, -2.03495]]
    assert_steps(run_steps(SGD(lr=0.1, weight_decay=0.1), 2), expected)


def test_sgd_momentum_and_weight_decay_steps_by_hand():
    # g1' = [0.6, 0.05] = v1, p1 = [0.94, -2.005]; g2' = [-0.906, 0.2995],
    # v2 = 0.5 v1 + g2' = [-0.606, 0.3245], p2 = p1 - 0.1 v2
    expected = [[0.94, -2.005], [1.0006, -2.03745]]
    optimizer = SGD(lr=0.1, momentum=0.5, weight_decay=0.1)
    assert_steps(run_steps(optimizer, 2), expected)


def test_adam_steps_by_hand():
    lr, eps = 0.1, 1e-8
    # step 1: m = 0.1 g1 = [0.05, 0.025], v = 0.001 g1^2 = [0.00025, 0.0000625],
    # bias corrections 0.1 and 0.001: m_hat = [0.5, 0.25], v_hat = [0.25, 0.0625]
    p1 = [1.0 - lr * 0.5 / (0.5 + eps), -2.0 - lr * 0.25 / (0.25 + eps)]
    # step 2: m = 0.9 m + 0.1 g2 = [-0.055, 0.0725],
    # v = 0.999 v + 0.001 g2^2 = [0.00124975, 0.0003124375],
    # bias corrections 0.19 and 0.001999
    p2 = [
        p1[0] - lr * (-0.055 / 0.19) / (math.sqrt(0.00124975 / 0.001999) + eps),
        p1[1] - lr * (0.0725 / 0.19) / (math.sqrt(0.0003124375 / 0.001999) + eps),
    ]
    # step 3: m = [-0.0245, 0.06525], v = [0.00131100025, 0.0003121250625],
    # bias corrections 0.271 and 0.002997001
    p3 = [
        p2[0] - lr * (-0.0245 / 0.271) / (math.sqrt(0.00131100025 / 0.002997001) + eps),
        p2[1]
        - lr * (0.06525 / 0.271) / (math.sqrt(0.0003121250625 / 0.002997001) + eps),
    ]
    assert_steps(run_steps(Adam(lr=lr, eps=eps), 3), [p1, p2, p3])


def test_adam_weight_decay_steps_by_hand():
    lr, eps = 0.1, 1e-8
    # step 1: g' = g1 + 0.5 p0 = [1.0, -0.75]; the first step moves each
    # parameter by lr * g' / (|g'| + eps)
    p1 = [1.0 - lr * 1.0 / (1.0 + eps), -2.0 + lr * 0.75 / (0.75 + eps)]
    # step 2: g' = g2 + 0.5 p1
    g2 = [-1.0 + 0.5 * p1[0], 0.5 + 0.5 * p1[1]]
    m = [0.09 + 0.1 * g2[0], -0.0675 + 0.1 * g2[1]]
    v = [0.000999 + 0.001 * g2[0] ** 2, 0.000561937500 + 0.001 * g2[1] ** 2]
    p2 = [
        p - lr * (mi / 0.19) / (math.sqrt(vi / 0.001999) + eps)
        for p, mi, vi in zip(p1, m, v, strict=True)
    ]
    optimizer = Adam(lr=lr, eps=eps, weight_decay=0.5)
    assert_steps(run_steps(optimizer, 2), [p1, p2])


# chunked update against the whole-array references


@pytest.mark.parametrize("config", ALL_CONFIGS, ids=lambda c: str(c))
@pytest.mark.parametrize(("dtype", "rtol"), [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_chunked_update_matches_reference_on_large_buffer(config, dtype, rtol):
    compare_with_reference(config, 100_003, dtype, rtol)


@pytest.mark.parametrize("config", ALL_CONFIGS, ids=lambda c: str(c))
def test_small_chunks_match_reference(config):
    # 100_003 is not a multiple of 4096: the last chunk is a partial one
    compare_with_reference(config, 100_003, np.float64, 1e-12, chunk_size=4096)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 5000),
    chunk_size=st.one_of(st.none(), st.integers(1, 1200)),
    config=st.sampled_from(ALL_CONFIGS),
    float32=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_chunked_update_matches_reference_for_any_size(
    size, chunk_size, config, float32, seed
):
    dtype, rtol = (np.float32, 1e-5) if float32 else (np.float64, 1e-12)
    compare_with_reference(
        config, size, dtype, rtol, n_steps=3, chunk_size=chunk_size, seed=seed
    )


# in-place semantics


@pytest.mark.parametrize("config", ALL_CONFIGS, ids=lambda c: str(c))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_updates_params_in_place(config, dtype):
    rng = np.random.default_rng(1)
    params = rng.standard_normal(70_001).astype(dtype)
    weights = params[10:40].reshape(5, 6)
    before = weights.copy()
    address = params.ctypes.data
    grads = rng.standard_normal(params.shape[0]).astype(dtype)
    grads_before = grads.copy()
    optimizer = optimizer_from_config(config)

    for _ in range(2):
        optimizer.step(params, grads)

    assert params.ctypes.data == address
    assert params.dtype == dtype
    assert weights.base is params
    assert not np.array_equal(weights, before)
    np.testing.assert_array_equal(weights, params[10:40].reshape(5, 6))
    np.testing.assert_array_equal(grads, grads_before)


def test_step_returns_none_and_counts_steps():
    optimizer = Adam()
    params, grads = np.ones(3), np.ones(3)
    assert optimizer.step(params, grads) is None
    optimizer.step(params, grads)
    assert optimizer.t == 2


# buffer checks


@pytest.mark.parametrize("optimizer", [SGD(), SGD(momentum=0.9), Adam()])
def test_size_change_raises_and_reset_allows_it(optimizer):
    optimizer.step(np.zeros(5), np.ones(5))
    with pytest.raises(ValueError, match=r"5 parameters.*got 6.*reset\(\)"):
        optimizer.step(np.zeros(6), np.ones(6))
    optimizer.reset()
    assert optimizer.t == 0
    optimizer.step(np.zeros(6), np.ones(6))


def test_dtype_change_raises():
    optimizer = Adam()
    optimizer.step(np.zeros(5), np.ones(5))
    params = np.zeros(5, np.float32)
    with pytest.raises(ValueError, match=r"float64.*float32.*reset\(\)"):
        optimizer.step(params, np.ones(5, np.float32))


@pytest.mark.parametrize(
    ("params", "grads", "match"),
    [
        (np.zeros((2, 3)), np.zeros((2, 3)), "1-D"),
        ([0.0, 1.0], np.zeros(2), "1-D"),
        (np.zeros(3, int), np.zeros(3, int), "floating"),
        (np.zeros(3), np.zeros(4), r"shape \(3,\)"),
        (np.zeros(3), np.zeros(3, np.float32), "dtype of params"),
    ],
)
def test_bad_buffers_raise(params, grads, match):
    with pytest.raises(ValueError, match=match):
        Adam().step(params, grads)


# state and config


@pytest.mark.parametrize("config", ALL_CONFIGS, ids=lambda c: str(c))
def test_state_dict_round_trip_continues_identically(config):
    rng = np.random.default_rng(2)
    params = rng.standard_normal(40_000)
    grads = [rng.standard_normal(40_000) for _ in range(5)]
    first = optimizer_from_config(config)
    for g in grads[:3]:
        first.step(params, g)
    first.lr = first.lr / 2

    state = first.state_dict()
    second = optimizer_from_config(config)
    second.load_state_dict(state)
    copy = params.copy()
    for g in grads[3:]:
        first.step(params, g)
        second.step(copy, g)

    np.testing.assert_array_equal(params, copy)
    assert second.t == first.t == 5
    assert second.lr == first.lr


def test_state_dict_is_json_scalars_and_array_copies():
    optimizer = Adam()
    optimizer.step(np.zeros(4, np.float32), np.ones(4, np.float32))
    state = optimizer.state_dict()
    scalars = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
    assert json.loads(json.dumps(scalars)) == {
        "type": "Adam",
        "lr": 0.001,
        "t": 1,
        "size": 4,
        "dtype": "float32",
    }
    assert sorted(set(state) - set(scalars)) == ["m", "v"]
    state["m"][:] = 99.0
    assert optimizer.state_dict()["m"][0] != 99.0


def test_state_dict_before_first_step_round_trips():
    state = SGD(lr=0.5).state_dict()
    assert state == {"type": "SGD", "lr": 0.5, "t": 0, "size": None, "dtype": None}
    optimizer = SGD()
    optimizer.load_state_dict(state)
    assert optimizer.lr == 0.5
    optimizer.step(np.zeros(3), np.ones(3))


def _adam_state():
    optimizer = Adam()
    optimizer.step(np.zeros(4), np.ones(4))
    return optimizer.state_dict()


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda s: s.update(type="SGD"), "type 'SGD'"),
        (lambda s: s.pop("v"), "keys"),
        (lambda s: s.update(extra=1), "keys"),
        (lambda s: s.update(m=np.zeros(5)), r"state\['m'\].*shape \(4,\)"),
        (lambda s: s.update(v=np.zeros(4, np.float32)), r"state\['v'\].*float64"),
        (lambda s: s.update(t=-1), r"state\['t'\]"),
        (lambda s: s.update(dtype="int64"), "floating numpy dtype.*'int64'"),
        (lambda s: s.update(dtype=None), r"state\['dtype'\] must name"),
    ],
)
def test_load_state_dict_rejects_bad_state(edit, match):
    state = _adam_state()
    edit(state)
    optimizer = Adam()
    with pytest.raises(ValueError, match=match):
        optimizer.load_state_dict(state)
    assert optimizer.t == 0


def test_load_state_dict_refuses_velocity_without_momentum():
    source = SGD(momentum=0.9)
    source.step(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="velocity"):
        SGD().load_state_dict(source.state_dict())


@pytest.mark.parametrize("optimizer", [SGD(0.1, 0.9, True, 1e-4), Adam(0.01)])
def test_config_round_trip(optimizer):
    config = optimizer.get_config()
    assert json.loads(json.dumps(config)) == config
    rebuilt = optimizer_from_config(json.loads(json.dumps(config)))
    assert type(rebuilt) is type(optimizer)
    assert rebuilt.get_config() == config


def test_adam_config_lists_hyper_parameters():
    config = Adam(lr=0.002, betas=(0.8, 0.9), eps=1e-7, weight_decay=0.1).get_config()
    assert config == {
        "type": "Adam",
        "lr": 0.002,
        "betas": [0.8, 0.9],
        "eps": 1e-7,
        "weight_decay": 0.1,
    }


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"type": "RMSprop", "lr": 0.1}, "unknown optimizer type 'RMSprop'"),
        ({"lr": 0.1}, "'type'"),
        ({"type": "SGD", "rate": 0.1}, "invalid SGD config"),
    ],
)
def test_optimizer_from_config_rejects_bad_config(config, match):
    with pytest.raises(ValueError, match=match):
        optimizer_from_config(config)


def test_get_optimizer_resolves_names_and_instances():
    adam = Adam()
    assert get_optimizer(adam) is adam
    assert isinstance(get_optimizer("ADAM"), Adam)
    sgd = get_optimizer("sgd", lr=0.3)
    assert isinstance(sgd, SGD) and isinstance(sgd, Optimizer)
    assert sgd.lr == 0.3


@pytest.mark.parametrize("spec", ["rmsprop", 3, None])
def test_get_optimizer_rejects_unknown_spec(spec):
    with pytest.raises(ValueError, match=r"\['adam', 'sgd'\]"):
        get_optimizer(spec)


def test_get_optimizer_refuses_lr_with_instance():
    with pytest.raises(ValueError, match="lr=0.1"):
        get_optimizer(Adam(), lr=0.1)


# hyper-parameter checks


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: SGD(lr=0.0), r"lr must be in \(0.0, inf\], got 0.0"),
        (lambda: SGD(lr=-1), "lr .* got -1.0"),
        (lambda: SGD(lr=float("nan")), "lr .* got nan"),
        (lambda: SGD(lr="fast"), "lr must be a real number, got 'fast'"),
        (lambda: SGD(momentum=1.0), r"momentum must be in \[0.0, 1.0\), got 1.0"),
        (lambda: SGD(momentum=-0.1), "momentum .* got -0.1"),
        (lambda: SGD(nesterov=True), "nesterov=True needs momentum > 0"),
        (lambda: SGD(momentum=0.9, nesterov="yes"), "nesterov must be"),
        (lambda: SGD(weight_decay=-1e-4), "weight_decay .* got -0.0001"),
        (lambda: Adam(lr=0), "lr .* got 0.0"),
        (lambda: Adam(betas=(1.0, 0.999)), r"betas\[0\] .* got 1.0"),
        (lambda: Adam(betas=(0.9, -0.5)), r"betas\[1\] .* got -0.5"),
        (lambda: Adam(betas=0.9), "betas must be a pair"),
        (lambda: Adam(eps=-1e-8), "eps .* got -1e-08"),
        (lambda: Adam(weight_decay=-1), "weight_decay .* got -1.0"),
    ],
)
def test_bad_hyper_parameters_raise(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_lr_assignment_accepts_zero_and_rejects_negative():
    optimizer = SGD(lr=0.1)
    optimizer.lr = 0.0
    params = np.ones(3)
    optimizer.step(params, np.ones(3))
    np.testing.assert_array_equal(params, np.ones(3))
    with pytest.raises(ValueError, match="lr .* got -0.5"):
        optimizer.lr = -0.5


# learning-rate schedules


def schedule_values(schedule, base_lr, n_epochs, metrics=None):
    metrics = metrics or [None] * n_epochs
    return [
        schedule.learning_rate(epoch, base_lr, metrics[epoch])
        for epoch in range(n_epochs)
    ]


def test_constant_schedule():
    assert schedule_values(ConstantLR(), 0.3, 4) == [0.3, 0.3, 0.3, 0.3]


def test_step_schedule():
    values = schedule_values(StepLR(step_size=2, gamma=0.5), 1.0, 7)
    assert values == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_exponential_schedule():
    values = schedule_values(ExponentialLR(gamma=0.5), 2.0, 5)
    assert values == [2.0, 1.0, 0.5, 0.25, 0.125]


def test_cosine_schedule():
    values = schedule_values(CosineLR(total_epochs=4), 1.0, 7)
    expected = [1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0, 0.0, 0.0]
    assert values == pytest.approx(expected, rel=1e-15, abs=1e-16)


def test_cosine_schedule_with_floor():
    values = schedule_values(CosineLR(total_epochs=2, min_lr=0.1), 1.1, 4)
    assert values == pytest.approx([1.1, 0.6, 0.1, 0.1], rel=1e-15)


def test_plateau_schedule_follows_scripted_metrics():
    schedule = ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0.1)
    metrics = [None, 1.0, 0.95, 0.92, 0.85, 0.9, 0.8, 0.7, 0.7, 0.7]
    values = schedule_values(schedule, 1.0, len(metrics), metrics)
    # 1.0 improves; 0.95, 0.92 are within min_delta: cut at epoch 3;
    # 0.85 improves; 0.9, 0.8 do not beat 0.75: cut at epoch 6;
    # 0.7 improves; two more 0.7: cut at epoch 9
    assert values == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]


def test_plateau_schedule_respects_min_lr_and_resets():
    schedule = ReduceLROnPlateau(factor=0.1, patience=1, min_delta=0.0, min_lr=0.02)
    metrics = [None, 1.0, 1.0, 1.0, 1.0]
    values = schedule_values(schedule, 1.0, 5, metrics)
    assert values == pytest.approx([1.0, 1.0, 0.1, 0.02, 0.02], rel=1e-15)
    schedule.reset()
    assert schedule.learning_rate(0, 0.5, None) == 0.5
    assert schedule.best == math.inf and schedule.wait == 0


def test_plateau_schedule_with_zero_patience_cuts_at_first_stall():
    schedule = ReduceLROnPlateau(factor=0.5, patience=0)
    values = schedule_values(schedule, 1.0, 4, [None, 1.0, 2.0, 0.5])
    assert values == [1.0, 1.0, 0.5, 0.5]


@pytest.mark.parametrize(
    "schedule",
    [
        ConstantLR(),
        StepLR(3, 0.5),
        ExponentialLR(0.9),
        CosineLR(10, 1e-4),
        ReduceLROnPlateau(0.2, 3, 0.0, 1e-5),
    ],
    ids=lambda s: type(s).__name__,
)
def test_schedule_config_round_trip(schedule):
    config = schedule.get_config()
    assert json.loads(json.dumps(config)) == config
    rebuilt = schedule_from_config(config)
    assert type(rebuilt) is type(schedule)
    assert rebuilt.get_config() == config


def test_get_schedule_resolves_specs():
    step = StepLR(5)
    assert get_schedule(step) is step
    assert isinstance(get_schedule(None), ConstantLR)
    assert isinstance(get_schedule("Constant"), ConstantLR)
    plateau = get_schedule("plateau")
    assert isinstance(plateau, ReduceLROnPlateau) and plateau.patience == 10


@pytest.mark.parametrize(
    ("name", "example"),
    [("step", "StepLR"), ("exponential", "ExponentialLR"), ("cosine", "CosineLR")],
)
def test_get_schedule_asks_for_instance_when_arguments_are_required(name, example):
    with pytest.raises(ValueError, match=f"pass an instance such as {example}\\("):
        get_schedule(name)


@pytest.mark.parametrize("spec", ["linear", 0.1])
def test_get_schedule_rejects_unknown_spec(spec):
    with pytest.raises(ValueError, match=r"could not interpret schedule.*'constant'"):
        get_schedule(spec)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: StepLR(0), "step_size must be an integer >= 1, got 0"),
        (lambda: StepLR(2.5), "step_size .* got 2.5"),
        (lambda: StepLR(2, gamma=0.0), r"gamma must be in \(0.0, inf\], got 0.0"),
        (lambda: ExponentialLR(-0.5), "gamma .* got -0.5"),
        (lambda: CosineLR(0), "total_epochs must be an integer >= 1, got 0"),
        (lambda: CosineLR(10, min_lr=-1.0), "min_lr .* got -1.0"),
        (lambda: ReduceLROnPlateau(factor=1.0), r"factor must be in \(0.0, 1.0\)"),
        (lambda: ReduceLROnPlateau(patience=-1), "patience .* got -1"),
        (lambda: ReduceLROnPlateau(min_delta=-0.1), "min_delta .* got -0.1"),
        (lambda: ReduceLROnPlateau(min_lr=float("inf")), "min_lr .* got inf"),
    ],
)
def test_bad_schedule_arguments_raise(build, match):
    with pytest.raises(ValueError, match=match):
        build()
