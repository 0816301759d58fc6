"""Tests for the pymlp command (pymlp.cli) and its CSV preprocessing (pymlp.tabular).

Most run ``main([...])`` in-process; two run ``python -m pymlp`` for real.
"""

import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy

from pymlp import io as pymlp_io
from pymlp.cli import main, parse_activation
from pymlp.network import MLP
from pymlp.tabular import Preprocessor, TargetEncoder, detect_task, read_csv

REPO = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    """``main(argv)`` -> (exit code, stdout, stderr)."""
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_column(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [row[0] for row in rows[1:]]


def assert_usage_error(code, err, match):
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pymlp: error: ")
    assert re.search(match, lines[0]), lines[0]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _classification_rows(n, seed):
    """label = 'yes' when (size > 5) differs from (color == 'red'); noise is noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        size = rng.uniform(0, 10)
        color = str(rng.choice(["red", "green", "blue"]))
        label = "yes" if (size > 5) != (color == "red") else "no"
        rows.append([f"{size:.3f}", color, f"{rng.normal():.3f}", label])
    return rows


@pytest.fixture
def cls_csv(workdir):
    header = ["size", "color", "noise", "label"]
    return write_csv(workdir / "cls.csv", header, _classification_rows(300, 0))


@pytest.fixture
def reg_csv(workdir):
    rng = np.random.default_rng(1)
    rows = []
    for _ in range(300):
        a, b = rng.normal(size=2)
        kind = str(rng.choice(["p", "q"]))
        y = 3 * a - 2 * b + (1.5 if kind == "p" else -1.5) + 10 + rng.normal(0, 0.5)
        rows.append([f"{a:.4f}", f"{b:.4f}", kind, f"{y:.4f}"])
    return write_csv(workdir / "reg.csv", ["a", "b", "kind", "y"], rows)


@pytest.fixture
def cls_model(capsys, cls_csv):
    code, _, _ = run(capsys, "train", cls_csv, "--target", "label", "--quiet")
    assert code == 0
    return cls_csv.parent / "model.npz"


# --- the command as a process ----------------------------------------------


def _python_m(*argv, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "pymlp", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_python_m_pymlp_help_lists_commands_and_examples(tmp_path):
    done = _python_m("--help", cwd=tmp_path)
    assert done.returncode == 0
    for word in ("demo", "train", "predict", "info", "examples:"):
        assert word in done.stdout
    assert done.stdout.startswith("usage: pymlp")


def test_python_m_pymlp_demo_toy_runs_end_to_end(tmp_path):
    done = _python_m("demo", "--toy", "--epochs", "30", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for point in ("[0.5, 0.5]", "[0.1, 0.1]", "[0.9, 0.9]", "[0.0, 1.0]"):
        assert f"fastfeed({point}) -> " in done.stdout
    assert (tmp_path / "pymlp-toy.npz").is_file()
    assert "pymlp-toy.png" in done.stdout or 'pip install "pymlp[plot]"' in done.stdout


# --- help -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["demo", "train", "predict", "info"])
def test_every_subcommand_help_shows_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert re.search(r"examples?:\n  pymlp " + command, out)


def test_version_flag(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and re.fullmatch(r"\d+\.\d+\.\d+\s*", out)


# --- demo -------------------------------------------------------------------


def test_demo_short_run_reports_and_saves_the_model(capsys, workdir):
    code, out, _ = run(capsys, "demo", "--epochs", "3", "--no-plot", "--quiet")
    assert code == 0
    assert re.search(r"held-out accuracy: \d+\.\d% \(\d+ of 360 images\)", out)
    assert re.search(r"trained in \d+\.\d s", out)
    assert re.search(r"^digit\s+0\s+1 .* 9$", out, re.MULTILINE)
    assert re.search(r"^correct\s+\d+/\d+", out, re.MULTILINE)
    assert re.search(r"^precision\s+\d+%", out, re.MULTILINE)
    assert (workdir / "pymlp-digits.npz").is_file()
    assert not (workdir / "pymlp-digits.png").exists()


def test_demo_default_settings_reach_95_percent(capsys, workdir):
    started = time.perf_counter()
    code, out, _ = run(capsys, "demo", "--no-plot", "--quiet", "--out", "d.npz")
    assert code == 0
    accuracy = float(re.search(r"held-out accuracy: ([\d.]+)%", out).group(1))
    assert accuracy >= 95.0
    assert time.perf_counter() - started < 30


def test_demo_model_predicts_digits_from_a_csv(capsys, workdir):
    run(capsys, "demo", "--epochs", "15", "--no-plot", "--quiet")
    from pymlp.datasets import load_digits

    X, y = load_digits()
    header = [f"pixel{i}" for i in range(64)]
    write_csv(workdir / "digits.csv", header, X[:50].astype(int).tolist())
    code, out, _ = run(capsys, "predict", "pymlp-digits.npz", "digits.csv")
    assert code == 0
    labels = out.split()
    assert labels[0] == "digit"
    assert np.mean(np.array(labels[1:], dtype=int) == y[:50]) >= 0.9


def test_demo_plots_loss_and_misclassified_digits(capsys, workdir):
    pytest.importorskip("matplotlib")
    code, out, _ = run(capsys, "demo", "--epochs", "2", "--quiet", "--plot", "d.png")
    assert code == 0
    assert "plot saved to d.png" in out
    assert (workdir / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_toy_plots_the_decision_boundary(capsys, workdir):
    pytest.importorskip("matplotlib")
    code, out, _ = run(capsys, "demo", "--toy", "--epochs", "5", "--quiet")
    assert code == 0
    assert (workdir / "pymlp-toy.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_toy_learns_the_two_clusters(capsys, workdir):
    code, out, _ = run(capsys, "demo", "--toy", "--no-plot", "--quiet")
    assert code == 0
    assert "training accuracy: 100.0%" in out
    low = float(re.search(r"fastfeed\(\[0.1, 0.1\]\) -> ([\d.]+)", out).group(1))
    high = float(re.search(r"fastfeed\(\[0.9, 0.9\]\) -> ([\d.]+)", out).group(1))
    assert low < 0.1 and high > 0.9


def test_demo_without_matplotlib_says_how_to_get_it(capsys, workdir, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    code, out, _ = run(capsys, "demo", "--epochs", "1", "--quiet")
    assert code == 0
    hints = [line for line in out.splitlines() if "pymlp[plot]" in line]
    assert hints == [
        'plot skipped: matplotlib is not installed (pip install "pymlp[plot]")'
    ]
    assert not (workdir / "pymlp-digits.png").exists()


# --- train and predict -------------------------------------------------------


def test_classification_round_trip(capsys, cls_csv, workdir):
    code, out, _ = run(capsys, "train", cls_csv, "--target", "label", "--out", "c.npz")
    assert code == 0
    assert "task: classification of 'label' into 2 classes (text target)" in out
    assert "2 numeric, 1 text" in out
    match = re.search(
        r"held-out accuracy ([\d.]+) on 60 rows "
        r"\(baseline, always '(yes|no)': ([\d.]+)\)",
        out,
    )
    accuracy, baseline = float(match.group(1)), float(match.group(3))
    assert accuracy >= 0.85 and accuracy > baseline + 0.2

    # predictions for fresh rows, the target column absent
    fresh = _classification_rows(200, seed=7)
    write_csv(
        workdir / "new.csv", ["noise", "color", "size"], [r[2::-1] for r in fresh]
    )
    code, out, err = run(capsys, "predict", "c.npz", "new.csv", "--out", "p.csv")
    assert code == 0
    assert "200 predictions written to p.csv" in err
    header, labels = read_column(workdir / "p.csv")
    assert header == ["label"]
    assert set(labels) <= {"yes", "no"}
    assert np.mean([p == r[3] for p, r in zip(labels, fresh)]) >= 0.85


def test_regression_round_trip(capsys, reg_csv, workdir):
    code, out, _ = run(capsys, "train", reg_csv, "--target", "y", "--quiet")
    assert code == 0
    r2, base_r2 = (float(v) for v in re.findall(r"R\^2 (-?[\d.]+)", out))
    assert r2 > 0.8 and base_r2 < 0.1
    assert re.search(r"baseline, the training mean \d+\.\d+: RMSE", out)

    # the target column present in the data is ignored; output to stdout
    code, out, _ = run(capsys, "predict", "model.npz", reg_csv)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "y" and len(lines) == 301
    predicted = np.array(lines[1:], dtype=float)
    truth = read_csv(reg_csv).numbers("y")
    r2_all = 1 - np.sum((truth - predicted) ** 2) / np.sum((truth - truth.mean()) ** 2)
    assert r2_all > 0.8


def test_model_file_carries_the_preprocessing(capsys, cls_model):
    net = pymlp_io.load(cls_model)
    prep = net.metadata["preprocessing"]
    kinds = {f["name"]: f["kind"] for f in prep["features"]}
    assert kinds == {"size": "numeric", "color": "text", "noise": "numeric"}
    color = next(f for f in prep["features"] if f["name"] == "color")
    assert color["categories"] == ["blue", "green", "red"]
    size = next(f for f in prep["features"] if f["name"] == "size")
    assert 4 < size["mean"] < 6 and 2 < size["std"] < 4
    assert prep["target"] == {
        "name": "label",
        "task": "classification",
        "classes": ["no", "yes"],
    }
    summary = net.metadata["training"]
    assert summary["train_rows"] == 240 and summary["test_rows"] == 60
    assert 0.0 <= summary["test"]["accuracy"] <= 1.0
    assert net.sizes == [5, 64, 32, 2]


def test_regression_target_is_standardised_and_restored(capsys, reg_csv):
    run(capsys, "train", reg_csv, "--target", "y", "--quiet", "--epochs", "3")
    target = pymlp_io.load("model.npz").metadata["preprocessing"]["target"]
    assert target["task"] == "regression"
    assert 9 < target["mean"] < 11 and 3 < target["std"] < 5


def test_unseen_category_is_encoded_as_zeros_and_reported(capsys, cls_model, workdir):
    rows = [["7.0", "purple", "0"], ["2.0", "mauve", "0"], ["3.0", "red", "1"]]
    write_csv(workdir / "odd.csv", ["size", "color", "noise"], rows)
    code, out, err = run(capsys, "predict", cls_model, "odd.csv")
    assert code == 0
    assert err.strip() == (
        "pymlp: note: column 'color': 2 row(s) with a category not seen in "
        "training, encoded as all zeros"
    )
    assert len(out.splitlines()) == 4


def test_info_describes_layers_preprocessing_and_training(capsys, cls_model):
    code, out, _ = run(capsys, "info", cls_model)
    assert code == 0
    assert "layers: 5 -> 64 relu -> 32 relu -> 2 softmax" in out
    assert "parameters: 2,530" in out
    assert "dtype: float64" in out
    assert "target: 'label', classification into 2 classes: no, yes" in out
    assert re.search(r"color\s+text, 3 categories: 'blue', 'green', 'red'", out)
    assert re.search(r"size\s+numeric, mean [\d.]+, std [\d.]+", out)
    assert "command: pymlp train" in out and "data: cls.csv" in out


def test_info_works_on_a_model_saved_from_python(capsys, workdir):
    pymlp_io.save(MLP([3, 4, 1], seed=0), "plain.npz")
    code, out, _ = run(capsys, "info", "plain.npz")
    assert code == 0
    assert "layers: 3 -> 4 relu -> 1 identity" in out and "parameters: 21" in out


def test_expression_activation_sgd_and_plot_options(capsys, cls_csv, workdir):
    args = ["train", cls_csv, "--target", "label", "--quiet", "--epochs", "20"]
    args += ["--activation", "tanh(x)*1.7159", "--optimizer", "sgd", "--lr", "0.05"]
    args += ["--hidden", "16", "--plot", "curves.png"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    net = pymlp_io.load("model.npz")
    assert net.sizes == [5, 16, 2]
    assert net.layers[0].activation.name == "1.7159*tanh(x)"
    assert net.metadata["training"]["optimizer"] == "sgd"
    has_plot = (workdir / "curves.png").is_file()
    assert has_plot == ("plot saved to curves.png" in out)
    assert has_plot or "pymlp[plot]" in out


def test_train_reports_progress_unless_quiet(capsys, cls_csv):
    code, out, err = run(capsys, "train", cls_csv, "--target", "label", "--epochs", "3")
    assert code == 0
    assert out.startswith("data: cls.csv, 300 rows, 3 feature columns")
    assert "network: 5 -> 64 relu -> 32 relu -> 2 softmax" in out
    assert "training:" in err  # the epoch bar
    code, out, err = run(
        capsys, "train", cls_csv, "--target", "label", "--epochs", "3", "--quiet"
    )
    assert len(out.splitlines()) == 2 and err == ""


def test_integer_target_with_few_values_is_classification(capsys, workdir):
    rng = np.random.default_rng(0)
    rows = [[f"{v:.3f}", int(v > 0) + int(v > 1)] for v in rng.normal(size=200)]
    write_csv(workdir / "grades.csv", ["score", "grade"], rows)
    code, out, _ = run(
        capsys, "train", "grades.csv", "--target", "grade", "--epochs", "5"
    )
    assert code == 0
    assert "into 3 classes (integer target with 3 values)" in out
    code, out, _ = run(
        capsys,
        "train",
        "grades.csv",
        "--target",
        "grade",
        "--epochs",
        "5",
        "--task",
        "regression",
    )
    assert code == 0 and "task: regression of 'grade' (--task)" in out


# --- error cases --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "argv", "match"),
    [
        (None, ["--target", "y"], r"no such file: .*missing\.csv"),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "c"],
            r"has no column 'c'; its columns are 'a', 'b'",
        ),
        ("", ["--target", "a"], r"data\.csv is empty"),
        ("a,b\n", ["--target", "a"], r"header but no data rows"),
        (
            "a,b\n1,2\n3\n4,5\n",
            ["--target", "b"],
            r"data\.csv line 3: expected 2 fields as in the header, got 1",
        ),
        (
            "a,b\n1,x\n2,x\n3,x\n",
            ["--target", "b"],
            r"target 'b' has the single value 'x' in all 3 rows",
        ),
        (
            "a,b\n1,x\n2,y\nfoo,x\n4,y\n",
            ["--target", "b"],
            r"line 4: column 'a' holds numbers but this cell is 'foo'",
        ),
        (
            "a,b\n1,x\n,y\n3,x\n4,y\n",
            ["--target", "b"],
            r"line 3: numeric column 'a' is empty",
        ),
        ("a,b\n1,x\n2,\n3,y\n", ["--target", "b"], r"line 3: the target 'b' is empty"),
        (
            "a,b\n1,x\n2,y\n",
            ["--target", "b", "--task", "regression"],
            r"line 2: regression needs a numeric target but 'b' is 'x'",
        ),
        ("a,a\n1,2\n", ["--target", "a"], r"line 1: column 'a' appears twice"),
        ("b\n1\n2\n", ["--target", "b"], r"no column besides the target 'b'"),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "b", "--activation", "tanh(y)"],
            r"--activation 'tanh\(y\)': unknown symbol 'y'",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "b", "--activation", "swoosh"],
            r"unknown activation 'swoosh'",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "b", "--hidden", "64,x"],
            r"argument --hidden: expected layer widths .* got '64,x'",
        ),
        ("a,b\n1,2\n3,4\n", ["--target", "b", "--hidden", "0"], r"argument --hidden"),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "b", "--epochs", "0"],
            r"argument --epochs: expected a positive integer, got '0'",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "b", "--test-size", "1.5"],
            r"argument --test-size: expected a fraction",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--target", "b", "--out", "nowhere/m.npz"],
            r"cannot write nowhere/m\.npz: the folder .* does not exist",
        ),
        ("a,b\n1,2\n3,4\n", [], r"required: --target"),
    ],
)
def test_train_errors_are_one_line_with_exit_code_2(capsys, workdir, text, argv, match):
    path = workdir / ("missing.csv" if text is None else "data.csv")
    if text is not None:
        path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "train", path.name, *argv)
    assert_usage_error(code, err, match)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        ("csv", r"cannot load .*m\.npz: not an \.npz archive"),
        ("none", r"no such file: m\.npz"),
        ("plain", r"m\.npz holds no preprocessing: it was not made by 'pymlp train'"),
    ],
)
def test_predict_refuses_what_is_not_a_trained_model(capsys, workdir, make, match):
    write_csv(workdir / "d.csv", ["a"], [[1]])
    if make == "csv":
        (workdir / "m.npz").write_text("a,b\n1,2\n")
    elif make == "plain":
        pymlp_io.save(MLP([1, 2], seed=0), workdir / "m.npz")
    code, _, err = run(capsys, "predict", "m.npz", "d.csv")
    assert_usage_error(code, err, match)


def test_info_refuses_a_file_that_is_not_a_model(capsys, workdir):
    (workdir / "notes.npz").write_bytes(b"hello")
    code, _, err = run(capsys, "info", "notes.npz")
    assert_usage_error(code, err, r"cannot load notes\.npz")


def test_predict_lists_every_missing_feature_column(capsys, cls_model, workdir):
    write_csv(workdir / "d.csv", ["noise"], [[1]])
    code, _, err = run(capsys, "predict", cls_model, "d.csv")
    assert_usage_error(code, err, r"lacks the feature columns 'size', 'color'")


def test_predict_names_a_non_numeric_cell(capsys, cls_model, workdir):
    write_csv(
        workdir / "d.csv", ["size", "color", "noise"], [[1, "red", 0], [2, "red", "?"]]
    )
    code, _, err = run(capsys, "predict", cls_model, "d.csv")
    assert_usage_error(code, err, r"d\.csv line 3: numeric column 'noise' is '\?'")


def test_unknown_command_and_missing_command(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert_usage_error(code, err, r"invalid choice: 'frobnicate'")
    code, _, err = run(capsys)
    assert_usage_error(code, err, r"required: COMMAND")


# --- activation expressions ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("relu", "relu"),
        ("Tanh", "tanh"),
        ("tanh(x)*1.7159", "1.7159*tanh(x)"),
        ("max(0, x)", "relu"),
        ("1/(1 + exp(-x))", "sigmoid"),
        ("x^2 + x", "x**2 + x"),
        ("x*sigmoid(1.702*x)", None),
        ("x/(1 + abs(x))", "x/(Abs(x) + 1)"),
        ("1e-2*x + x", "1.01*x"),
    ],
)
def test_parse_activation_accepts_names_and_expressions_in_x(text, name):
    activation = parse_activation(text)
    if name is not None:
        assert activation.name == name
    z = np.linspace(-3, 3, 7)
    assert np.all(np.isfinite(activation(z)))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("__import__('os').system('echo hi')", r"character \"'\" is not allowed"),
        ("x.__class__", r"'__' is not allowed"),
        ("x.real", r"'\.' is only allowed inside a number"),
        ("lambda x: x", r"character ':'|'lambda' is not allowed"),
        ("import os", r"'import' is not allowed"),
        ("exec(x)", r"unknown function 'exec'"),
        ("open(x)", r"unknown function 'open'"),
        ("x; x", r"character ';'"),
        ("tanh(y)", r"unknown symbol 'y'"),
        ("x + z", r"unknown symbol 'z'"),
        ("exp", r"exp is a function"),
        ("9^9^9", r"exponent '9 \*\* 9' must be a number"),
        ("x^(2^100)", r"exponent '2 \*\* 100' must be a number"),
        ("2^(x^2)", r"an exponent in x may not contain another power"),
        ("(9^9)^9", r"power of a constant"),
        ("x^1000", r"exponent '1000' must be a number from -100 to 100"),
        ("2", r"does not depend on x"),
        ("tanh(x", r"not a valid expression"),
        ("+".join(["x"] * 101), r"at most 200 characters, got 201"),
        ("", r"empty"),
    ],
)
def test_parse_activation_refuses_unsafe_or_foreign_input(text, match):
    started = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        parse_activation(text)
    assert time.perf_counter() - started < 2


def test_parse_activation_never_evaluates_text(monkeypatch):
    import sympy.parsing.sympy_parser as sympy_parser

    def refuse(*args, **kwargs):
        raise AssertionError("text was handed to sympy's parser")

    monkeypatch.setattr(sympy_parser, "parse_expr", refuse)
    monkeypatch.setattr(sympy_parser, "eval_expr", refuse)
    x = sympy.Symbol("x")
    assert parse_activation("x^3").expr == x**3
    assert parse_activation("tanh(x)*1.7159").expr == 1.7159 * sympy.tanh(x)
    assert parse_activation("x/(1 + abs(x))").expr == x / (1 + sympy.Abs(x))
    assert parse_activation("-x/2 + pi").expr == -x / 2 + sympy.pi
    for text in ("__import__('os')", "x.real", "getattr(x, 'y')", "x[0]"):
        with pytest.raises(ValueError):
            parse_activation(text)


# --- tabular --------------------------------------------------------------------


def test_read_csv_handles_quotes_bom_blank_lines_and_spaces(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(b'\xef\xbb\xbfname, n\n"Smith, J", 1\n\n  x , 2\n')
    table = read_csv(path)
    assert table.columns == ["name", "n"]
    assert table.rows == [["Smith, J", "1"], ["x", "2"]]
    assert table.lines == [2, 4]
    assert table.kind("name") == "text" and table.kind("n") == "numeric"


def test_preprocessor_learns_statistics_from_training_rows_only(tmp_path):
    path = write_csv(
        tmp_path / "t.csv", ["v", "c"], [[1, "a"], [3, "b"], [100, "z"], [5, "a"]]
    )
    table = read_csv(path)
    prep = Preprocessor.fit(table, ["v", "c"], rows=[0, 1, 3])
    numeric, text = prep.features
    assert numeric["mean"] == pytest.approx(3.0)
    assert numeric["std"] == pytest.approx(np.std([1, 3, 5]))
    assert text["categories"] == ["a", "b"]
    X, unseen = prep.transform(table)
    np.testing.assert_allclose(X[2], [(100 - 3) / np.std([1, 3, 5]), 0, 0])
    assert unseen == {"c": 1}
    assert Preprocessor.from_dict(prep.to_dict()).features == prep.features


def test_constant_numeric_column_keeps_unit_scale(tmp_path):
    table = read_csv(write_csv(tmp_path / "t.csv", ["v"], [[2], [2]]))
    X, _ = Preprocessor.fit(table, ["v"]).transform(table)
    np.testing.assert_array_equal(X, [[0.0], [0.0]])


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["a", "b"] * 50, "classification"),
        ([0, 1] * 20, "classification"),
        ([0, 1, 2] * 40, "classification"),
        ([0.5, 1.5] * 50, "regression"),
        (list(range(100)), "regression"),
        ([k % 10 for k in range(100)], "regression"),  # 10 values > 5% of 100
    ],
)
def test_detect_task(tmp_path, values, task):
    table = read_csv(write_csv(tmp_path / "t.csv", ["y"], [[v] for v in values]))
    assert detect_task(table, "y")[0] == task


def test_numeric_class_labels_sort_by_value_and_decode_to_their_text(tmp_path):
    table = read_csv(write_csv(tmp_path / "t.csv", ["y"], [[10], [9], [2], [10]]))
    target = TargetEncoder.fit(table, "y", "classification")
    assert target.classes == ["2", "9", "10"]
    np.testing.assert_array_equal(target.encode(table, [0, 1, 2]), [2, 1, 0])
    assert list(target.decode(np.eye(3))) == ["2", "9", "10"]
