"""Smoke tests of the benchmark suite: the smallest runs, checked for shape only.

No timing is asserted. Most runs happen in this process (``in_process=True``)
on tiny sizes; one test goes through a worker process to check the protocol.
scikit-learn and PyTorch parts are skipped when those are not installed.
"""

import json
import math

import numpy as np
import pytest

from benchmarks import __main__ as cli
from benchmarks import driver, machine, report, workloads

TINY_W1 = {"rows": 200, "epochs": 1, "rounds": 1, "seed": 0}
TINY_W3 = {
    "steps": {"default": 4, "legacy": 1, "sklearn": 2},
    "rounds": 1,
    "seed": 0,
    "sizes": [[2, 4, 2]],
}
TINY_KERNELS = {"shape": [8, 16], "repeats": 2, "rounds": 1}
PYMLP_SYSTEMS = ("pymlp-f64", "pymlp-f32")


def _rows_by_system(table):
    return {row["system"]: row for row in table["rows"]}


def _is_number(value):
    return isinstance(value, float) and math.isfinite(value)


def test_w1_reports_time_ratio_and_accuracy_for_pymlp():
    section = driver.run_training("W1", TINY_W1, in_process=True, systems=PYMLP_SYSTEMS)

    (table,) = section["tables"]
    rows = _rows_by_system(table)
    assert set(rows) == set(PYMLP_SYSTEMS)
    for row in rows.values():
        assert _is_number(row["median"]) and row["median"] > 0
        assert row["ratio"] == pytest.approx(1.0)
        assert 0.0 <= row["accuracy"] <= 1.0
    assert "W1" in table["title"]
    assert "| pymlp-f64 |" in report.markdown(table)


@pytest.mark.parametrize(
    ("module", "system"),
    [("sklearn", "sklearn-f64"), ("torch", "torch-f32"), ("torch", "torch-fused-f64")],
)
def test_w1_runs_other_libraries_against_pymlp(module, system):
    pytest.importorskip(module)
    systems = ("pymlp-f64", "pymlp-f32", system)

    section = driver.run_training("W1", TINY_W1, in_process=True, systems=systems)

    row = _rows_by_system(section["tables"][0])[system]
    if "median" in row and _is_number(row["median"]):
        assert row["ratio"] > 0
        assert 0.0 <= row["accuracy"] <= 1.0
    else:  # fused Adam on CPU may be missing: then a note says so
        assert any(system in note for note in section["tables"][0]["notes"])


def test_w3_times_pymlp_and_the_legacy_reference():
    systems = ("pymlp-train_step", "legacy", "compat")

    section = driver.run_online(TINY_W3, in_process=True, systems=systems)

    (table,) = section["tables"]
    rows = _rows_by_system(table)
    assert rows["pymlp-train_step"]["ratio"] == pytest.approx(1.0)
    assert rows["legacy"]["median"] > 0
    compat_ran = _is_number(rows["compat"].get("median", math.nan))
    compat_noted = any(note.startswith("compat:") for note in table["notes"])
    assert compat_ran or compat_noted


def test_kernels_compare_every_activation_both_ways():
    section = driver.run_kernels(TINY_KERNELS, in_process=True)

    rows = section["tables"][0]["rows"]
    cases = {(row["kernel"], row["system"]) for row in rows}
    for name in ("relu", "sigmoid", "tanh", "custom"):
        for op in ("value", "backward"):
            assert (f"{name} {op}", "pymlp") in cases
            assert (f"{name} {op}", "numpy") in cases
    assert all(row["median"] > 0 for row in rows)


def test_suite_report_is_json_with_machine_config_and_targets():
    config = {"kernels": TINY_KERNELS, "W3": TINY_W3}
    printed = []

    result = cli.run_suite(
        ["kernels", "W3"], config, in_process=True, echo=printed.append
    )

    decoded = json.loads(json.dumps(result, default=str))
    assert set(decoded) >= {"machine", "config", "workloads", "targets"}
    assert set(decoded["workloads"]) == {"kernels", "W3"}
    assert decoded["machine"]["versions"]["numpy"] == np.__version__
    assert decoded["workloads"]["W3"]["samples"]
    assert printed[0].startswith("### Machine")
    assert any(text.startswith("### Targets") for text in printed)


def test_worker_process_answers_in_serve_and_one_shot_mode():
    served = driver.interleave([("k", "pymlp+numpy", "kernels", TINY_KERNELS)], 2)
    once = driver.one_shot("pymlp-f64", "W1", TINY_W1)

    assert len(served["k"]) == 2
    assert all("result" in outcome for outcome in served["k"])
    assert 0.0 <= once["result"]["accuracy"] <= 1.0
    assert once["result"]["rss_peak_mib"] > 0


def test_machine_block_names_cpu_cores_threads_and_versions():
    block = machine.describe()

    assert block["cpu"]
    assert block["usable_cores"] >= 1
    assert block["blas_threads"] >= 1
    assert {"python", "numpy", "sympy", "pymlp"} <= set(block["versions"])


def test_child_environment_drops_openblas_overrides(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setenv("OPENBLAS_L2_SIZE", "1048576")

    env = machine.child_environment()

    assert "OPENBLAS_CORETYPE" not in env and "OPENBLAS_L2_SIZE" not in env
    assert machine.removed_overrides() == {
        "OPENBLAS_CORETYPE": "Haswell",
        "OPENBLAS_L2_SIZE": "1048576",
    }
    assert "Haswell" in cli.machine_markdown(machine.describe())


def test_training_flops_count_three_products_per_layer_but_one_less_first():
    # (3 -> 4 -> 2), 5 samples: 3*2*(12 + 8) - 2*12 = 96 per sample
    assert workloads.training_flops((3, 4, 2), 5) == 480


def test_batch_sizes_end_with_the_remainder():
    assert workloads.batch_sizes(10, 4) == [4, 4, 2]
    assert workloads.batch_sizes(8, 4) == [4, 4]


def test_target_table_says_met_missed_or_not_measured():
    descriptions = [target[1] for target in report.TARGETS]
    measured = {descriptions[0]: 1.0, descriptions[1]: 0.9, descriptions[4]: 500.0}

    verdicts = [row["verdict"] for row in report.target_table(measured)["rows"]]

    assert verdicts[0] == "met"  # 1.0 <= 1.15
    assert verdicts[1] == "missed"  # 0.9 > 0.6
    assert verdicts[2] == "not measured"
    assert verdicts[4] == "met"  # 500 >= 300


def test_only_refuses_an_unknown_workload(capsys):
    with pytest.raises(SystemExit):
        cli.parse_args(["--only", "W1,W9"])
    assert "unknown workload(s) W9" in capsys.readouterr().err


def test_only_defaults_to_every_workload():
    assert cli.parse_args([]).only == list(workloads.WORKLOADS)
    assert cli.parse_args(["--only", "W3, kernels"]).only == ["W3", "kernels"]
