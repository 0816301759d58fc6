"""The ``pymlp`` command (also ``python -m pymlp``).

Subcommands
-----------
``demo``
    Train on the bundled handwritten digits and report; ``--toy`` replays the
    original two-cluster task instead.
``train``
    Train on a CSV file: text columns one-hot encoded, numeric columns
    standardised, the task (classification or regression) detected from the
    target, a stratified held-out split scored against a trivial baseline.
    The model file keeps the preprocessing in ``Network.metadata``.
``predict``
    Apply a trained model, with its preprocessing, to a CSV file.
``info``
    Describe a model file.

Errors a user can make (a missing file or column, a ragged CSV, a bad
option) end the command with exit code 2 and one line on stderr,
``pymlp: error: ...``. :func:`main` returns the exit code instead of exiting,
so the command can be run in-process.
"""

import argparse
import ast
import csv
import math
import os
import re
import sys
import time
from datetime import UTC, datetime

import numpy as np
import sympy

from . import __version__
from .activations import BUILTIN_NAMES, get_activation, x
from .datasets import load_digits, make_two_clusters, train_test_split
from .network import MLP
from .optimizers import SGD, Adam
from .tabular import Preprocessor, TargetEncoder, detect_task, read_csv

__all__ = ["main", "parse_activation"]

PLOT_HINT = 'plot skipped: matplotlib is not installed (pip install "pymlp[plot]")'

# ---------------------------------------------------------------------------
# activation expressions typed on the command line
# ---------------------------------------------------------------------------
#
# The text is never evaluated. It passes three gates, then the expression is
# built node by node from Python's parse tree:
#   1. a short string of letters, digits, spaces and + - * / ^ ( ) . , only,
#      with no "__", "lambda" or "import" in it;
#   2. no "." except inside a number (no attribute access);
#   3. Python's own parser, whose tree may hold only numbers, x, pi, E, calls
#      of the whitelisted functions and + - * / ** -- no attributes,
#      subscripts, keywords, comparisons or anything else.
# Gate 3 also bounds powers: sympy evaluates 9^9^9 exactly, which would take
# hours, so a constant exponent must be a small plain number.

_T = sympy.Dummy("t")
_FUNCTIONS = {
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "Abs": sympy.Abs,
    "max": sympy.Max,
    "Max": sympy.Max,
    "min": sympy.Min,
    "Min": sympy.Min,
    "sign": sympy.sign,
    "Heaviside": sympy.Heaviside,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "atan": sympy.atan,
    "asinh": sympy.asinh,
    "erf": sympy.erf,
    "sigmoid": sympy.Lambda(_T, 1 / (1 + sympy.exp(-_T))),
}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
_CONSTANT_VALUES = {"pi": math.pi, "E": math.e}
_EXPR_CHARS = re.compile(r"[A-Za-z0-9_ +\-*/^().,]*")
_BANNED = ("__", "lambda", "import")
_MAX_EXPR_LENGTH = 200
_MAX_EXPONENT = 100
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_OPERATORS = tuple(_BINARY)


class _ExpressionError(ValueError):
    """An activation expression that is not allowed; the message says why."""


def parse_activation(text):
    """An :class:`~pymlp.Activation` from a built-in name or an expression in x.

    Parameters
    ----------
    text : str
        A built-in name (``"relu"``, ``"tanh"``, ...) or an expression such as
        ``"tanh(x)*1.7159"`` or ``"x/(1 + abs(x))"``; ``^`` means power.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        With a one-line reason: an unknown name, another symbol than x, a
        character or construct outside the small safe grammar.

    Examples
    --------
    >>> parse_activation("tanh(x)*1.7159").name
    '1.7159*tanh(x)'
    """
    spec = text.strip()
    if re.fullmatch(r"[A-Za-z_]+", spec) and spec != "x":
        if spec in _FUNCTIONS and spec.lower() not in BUILTIN_NAMES:
            raise ValueError(
                f"--activation {text!r}: {spec} is a function; write it as an "
                f"expression in x, e.g. {spec}(x)"
            )
        try:
            return get_activation(spec)
        except ValueError as exc:
            raise ValueError(f"--activation: {exc}") from None
    try:
        expr = _parse_expression(spec)
        return get_activation(expr)
    except ValueError as exc:
        raise ValueError(f"--activation {text!r}: {exc}") from None


def _parse_expression(text):
    """A sympy expression from ``text``, after the gates described above."""
    if not text:
        raise _ExpressionError("the expression is empty")
    if len(text) > _MAX_EXPR_LENGTH:
        raise _ExpressionError(
            f"expected at most {_MAX_EXPR_LENGTH} characters, got {len(text)}"
        )
    if not _EXPR_CHARS.fullmatch(text):
        bad = next(c for c in text if not _EXPR_CHARS.fullmatch(c))
        raise _ExpressionError(
            f"the character {bad!r} is not allowed; use x, numbers, + - * / ^, "
            "parentheses and functions such as tanh(x)"
        )
    for word in _BANNED:
        if word in text:
            raise _ExpressionError(f"{word!r} is not allowed in an expression")
    if re.search(r"(?<![0-9])\.(?![0-9])", text):
        raise _ExpressionError("'.' is only allowed inside a number such as 1.5")

    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise _ExpressionError("not a valid expression") from None
    _check_node(tree.body)
    try:
        return _build(tree.body)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise _ExpressionError(f"sympy could not evaluate it ({exc})") from None


def _build(node):
    """The sympy expression of a tree that passed :func:`_check_node`."""
    if isinstance(node, ast.Constant):
        return (
            sympy.Integer(node.value)
            if isinstance(node.value, int)
            else (sympy.Float(node.value))
        )
    if isinstance(node, ast.Name):
        return x if node.id == "x" else _CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_build(node.left), _build(node.right))
    return _FUNCTIONS[node.func.id](*(_build(arg) for arg in node.args))


def _check_node(node):
    """Refuse any part of the parsed tree outside the safe grammar."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _ExpressionError(f"{node.value!r} is not a real number")
    elif isinstance(node, ast.Name):
        _check_name(node.id)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        _check_node(node.operand)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, _OPERATORS):
        _check_node(node.left)
        _check_node(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(node.left, node.right)
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in _FUNCTIONS:
            raise _ExpressionError(
                f"unknown function {ast.unparse(node.func)!r}; allowed: "
                f"{', '.join(sorted(_FUNCTIONS))}"
            )
        if node.keywords or not node.args:
            raise _ExpressionError(f"call {name}() with arguments only, as {name}(x)")
        for arg in node.args:
            _check_node(arg)
    else:
        raise _ExpressionError(
            f"{ast.unparse(node)!r} is not allowed; use x, numbers, + - * / ^ "
            "and functions such as tanh(x)"
        )


def _check_name(name):
    if name == "x" or name in _CONSTANTS:
        return
    if name in _FUNCTIONS:
        raise _ExpressionError(f"{name} is a function; call it, as in {name}(x)")
    raise _ExpressionError(
        f"unknown symbol {name!r}: an activation is an expression in x alone "
        f"(functions: {', '.join(sorted(_FUNCTIONS))}; constants: pi, E)"
    )


def _check_power(base, exponent):
    """Keep sympy from evaluating huge exact powers such as 9^9^9."""
    if _mentions_x(exponent):
        if _has_power(exponent):
            raise _ExpressionError("an exponent in x may not contain another power")
    else:
        value = _small_constant(exponent)
        if value is None or abs(value) > _MAX_EXPONENT:
            raise _ExpressionError(
                f"the exponent {ast.unparse(exponent)!r} must be a number from "
                f"-{_MAX_EXPONENT} to {_MAX_EXPONENT} or an expression in x"
            )
    if not _mentions_x(base) and _has_power(base):
        raise _ExpressionError(
            f"{ast.unparse(base)!r} is a power of a constant; write its value"
        )


def _mentions_x(node):
    return any(isinstance(n, ast.Name) and n.id == "x" for n in ast.walk(node))


def _has_power(node):
    return any(
        isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(node)
    )


def _small_constant(node):
    """The float value of numbers combined by + - * /, or None for anything else."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in _CONSTANT_VALUES:
        return _CONSTANT_VALUES[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _small_constant(node.operand)
        if value is None or isinstance(node.op, ast.UAdd):
            return value
        return -value
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Pow):
        left, right = _small_constant(node.left), _small_constant(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return left / right if right else None
    return None


# ---------------------------------------------------------------------------
# argument types
# ---------------------------------------------------------------------------


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a fraction between 0 and 1 such as 0.2, got {text!r}"
        )
    return value


def _hidden_sizes(text):
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected layer widths as positive integers separated by commas, "
            f"such as 64,32; got {text!r}"
        )
    return [int(part) for part in parts]


# ---------------------------------------------------------------------------
# the parser
# ---------------------------------------------------------------------------


class _UsageError(Exception):
    """A command line argparse refused; main turns it into one line and exit 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage block."""

    def error(self, message):
        raise _UsageError(f"{message} (see '{self.prog} --help')")


_MAIN_EPILOG = """\
examples:
  pymlp demo                       train on handwritten digits, ~2 s
  pymlp demo --toy                 the original two-cluster task
  pymlp train data.csv --target species --out model.npz
  pymlp predict model.npz new.csv --out predictions.csv
  pymlp info model.npz
"""

_DEMO_EPILOG = """\
The digits demo trains a 64-128-10 network (relu, softmax, Adam) on 80% of
the 1797 bundled UCI digit images and scores it on the other 20%.

examples:
  pymlp demo
  pymlp demo --epochs 60 --seed 1 --out digits.npz --plot digits.png
  pymlp demo --toy
"""

_TRAIN_EPILOG = """\
Text columns are one-hot encoded and numeric columns standardised with the
statistics of the training rows; the model file keeps that preprocessing, so
'pymlp predict' needs nothing else. A text target, or an integer target with
few values, means classification; any other numeric target, regression.

examples:
  pymlp train iris.csv --target species
  pymlp train houses.csv --target price --hidden 64,64 --epochs 300 \\
      --activation "tanh(x)*1.7159" --out houses.npz --plot curves.png
"""

_PREDICT_EPILOG = """\
The data needs the feature columns the model was trained on (in any order);
the target column may be absent. A category not seen in training is encoded
as all zeros and reported on stderr.

examples:
  pymlp predict model.npz new.csv
  pymlp predict model.npz new.csv --out predictions.csv
"""

_INFO_EPILOG = """\
example:
  pymlp info model.npz
"""


def _build_parser():
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="pymlp",
        description="Train and use multilayer perceptrons from the command line.",
        epilog=_MAIN_EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    demo = commands.add_parser(
        "demo",
        help="train on the bundled handwritten digits",
        description="Train a network on the bundled UCI handwritten digits.",
        epilog=_DEMO_EPILOG,
        formatter_class=formatter,
    )
    demo.add_argument(
        "--toy",
        action="store_true",
        help="replay the original two-cluster task with a 2-4-1 network instead",
    )
    demo.add_argument(
        "--epochs",
        type=_positive_int,
        help="passes over the training rows (default: 40, or 150 with --toy)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument(
        "--out",
        metavar="PATH",
        help="model file (default: pymlp-digits.npz, or pymlp-toy.npz with --toy)",
    )
    demo.add_argument(
        "--plot",
        metavar="PATH",
        help="PNG to draw, needs matplotlib (default: pymlp-digits.png, or "
        "pymlp-toy.png with --toy)",
    )
    demo.add_argument("--no-plot", action="store_true", help="draw no PNG")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=_run_demo)

    train = commands.add_parser(
        "train",
        help="train a model on a CSV file",
        description="Train a network on a CSV file with a header row.",
        epilog=_TRAIN_EPILOG,
        formatter_class=formatter,
    )
    train.add_argument("data", metavar="DATA.csv", help="the training data")
    train.add_argument(
        "--target", required=True, metavar="COLUMN", help="the column to predict"
    )
    train.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=[64, 32],
        metavar="N,N,...",
        help="widths of the hidden layers (default: 64,32)",
    )
    train.add_argument(
        "--activation",
        default="relu",
        metavar="NAME|EXPR",
        help="hidden activation: one of " + ", ".join(BUILTIN_NAMES[:-1]) + ", or "
        "an expression in x such as 'tanh(x)*1.7159' (default: relu)",
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        default=200,
        help="most passes over the training rows (default: 200)",
    )
    train.add_argument(
        "--batch-size", type=_positive_int, default=32, help="(default: 32)"
    )
    train.add_argument(
        "--lr",
        type=_positive_float,
        help="learning rate (default: 0.001 for adam, 0.01 for sgd)",
    )
    train.add_argument(
        "--optimizer",
        choices=("adam", "sgd"),
        default="adam",
        help="adam, or sgd with momentum 0.9 (default: adam)",
    )
    train.add_argument(
        "--patience",
        type=_non_negative_int,
        default=20,
        help="stop after this many epochs without a better validation loss, "
        "0 never stops early (default: 20)",
    )
    train.add_argument(
        "--test-size",
        type=_fraction,
        default=0.2,
        help="fraction of the rows held out for the final score (default: 0.2)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    train.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="(default: auto, from the target column)",
    )
    train.add_argument(
        "--out",
        default="model.npz",
        metavar="PATH",
        help="model file to write (default: model.npz)",
    )
    train.add_argument(
        "--plot", metavar="PATH", help="also draw the loss curves to this PNG"
    )
    train.add_argument(
        "--quiet", action="store_true", help="no progress bar, only the results"
    )
    train.set_defaults(run=_run_train)

    predict = commands.add_parser(
        "predict",
        help="apply a trained model to a CSV file",
        description="Predict the target for each row of a CSV file.",
        epilog=_PREDICT_EPILOG,
        formatter_class=formatter,
    )
    predict.add_argument("model", metavar="MODEL.npz", help="from 'pymlp train'")
    predict.add_argument("data", metavar="DATA.csv", help="rows to predict")
    predict.add_argument(
        "--out",
        metavar="PATH",
        help="CSV file for the predictions (default: standard output)",
    )
    predict.set_defaults(run=_run_predict)

    info = commands.add_parser(
        "info",
        help="describe a model file",
        description="Show a model's layers, size and training summary.",
        epilog=_INFO_EPILOG,
        formatter_class=formatter,
    )
    info.add_argument("model", metavar="MODEL.npz")
    info.set_defaults(run=_run_info)
    return parser


def main(argv=None):
    """Run the ``pymlp`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a usage or data error (after one
        line on stderr, ``pymlp: error: ...``), 130 when interrupted.
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except (_UsageError, ValueError, OSError) as exc:
        print(f"pymlp: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pymlp: interrupted", file=sys.stderr)
        return 130


def _one_line(exc):
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return " ".join(str(exc).split())


# ---------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------


class _EpochBar:
    """A tqdm bar over epochs, advanced by fit's callback; nothing when disabled."""

    def __init__(self, epochs, enabled):
        from tqdm.auto import tqdm

        self._bar = tqdm(
            total=epochs, desc="training", unit="epoch", disable=not enabled
        )

    def __call__(self, epoch, logs):
        shown = {"loss": "loss", "val_loss": "val_loss", "val_accuracy": "val_acc"}
        self._bar.set_postfix_str(
            ", ".join(
                f"{short}={logs[key]:.3f}"
                for key, short in shown.items()
                if key in logs
            ),
            refresh=False,
        )
        self._bar.update(1)

    def close(self):
        self._bar.close()


def _fit(net, X, Y, *, show_bar, **kwargs):
    """``net.fit`` with an epoch bar; a diverging run becomes a ValueError."""
    from .training import DivergenceError

    bar = _EpochBar(kwargs["epochs"], show_bar)
    try:
        return net.fit(X, Y, callbacks=(bar,), verbose=0, **kwargs)
    except DivergenceError as exc:
        raise ValueError(f"{exc}; try a smaller --lr") from None
    finally:
        bar.close()


def _check_writable(*paths):
    """Refuse, before any work, an output path whose folder does not exist."""
    for path in paths:
        if path is None:
            continue
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise ValueError(f"cannot write {path}: the folder {folder} does not exist")
        if os.path.isdir(path):
            raise ValueError(f"cannot write {path}: it is a folder; give a file name")


def _load_model(path):
    from .io import load

    if not os.path.isfile(path):
        raise ValueError(f"no such file: {path}")
    return load(path)


def _save_model(net, path):
    from .io import save

    save(net, path)


def _summary_stamp():
    return {
        "pymlp_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _layers_text(net):
    """``64 -> 128 relu -> 10 softmax``."""
    parts = [str(net.input_size)]
    for layer in net.layers:
        parts.append(f"{layer.units} {_activation_name(layer)}")
    return " -> ".join(parts)


def _activation_name(layer):
    act = layer.activation
    if isinstance(act, list):
        return "mixed(" + ", ".join(sorted({a.name for a in act})) + ")"
    return act.name


def _new_figure(width, height):
    """A matplotlib Figure drawn without pyplot; ImportError without matplotlib."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


# ---------------------------------------------------------------------------
# pymlp demo
# ---------------------------------------------------------------------------

_DIGITS_EPOCHS = 40
_TOY_EPOCHS = 150
_TOY_POINTS = [(0.5, 0.5), (0.1, 0.1), (0.9, 0.9), (0.0, 1.0)]


def _run_demo(args):
    if args.toy:
        return _demo_toy(args)
    return _demo_digits(args)


def _demo_digits(args):
    started = time.perf_counter()
    out = args.out or "pymlp-digits.npz"
    plot = None if args.no_plot else args.plot or "pymlp-digits.png"
    epochs = args.epochs or _DIGITS_EPOCHS
    _check_writable(out, plot)

    X, y, images = load_digits(return_images=True)
    X = X / 16.0
    rows = np.arange(len(y))
    train, test, _, _ = train_test_split(rows, y, 0.2, seed=args.seed, stratify=y)
    net = MLP([64, 128, 10], activation="relu", output="softmax", seed=args.seed)
    print(
        f"handwritten digits: {len(y)} images of 8x8 pixels, {len(train)} for "
        f"training, {len(test)} held out"
    )
    print(f"network: {_layers_text(net)}, {net.n_params:,} parameters, Adam")

    # train
    fit_started = time.perf_counter()
    history = _fit(
        net,
        X[train],
        y[train],
        show_bar=not args.quiet,
        loss="cross_entropy",
        optimizer=Adam(1e-3),
        epochs=epochs,
        batch_size=32,
        seed=args.seed,
        validation_split=0.1,
    )
    seconds = time.perf_counter() - fit_started

    # score the held-out images
    predicted = net.predict(X[test]).argmax(axis=1)
    truth = y[test]
    accuracy = float(np.mean(predicted == truth))
    print(
        f"held-out accuracy: {accuracy:.1%} ({int(np.sum(predicted == truth))} "
        f"of {len(test)} images), trained in {seconds:.1f} s"
    )
    print(_per_class_table(truth, predicted))

    net.metadata = _digits_metadata(len(train), len(test), history, accuracy, seconds)
    _save_model(net, out)
    print(f"model saved to {out} (see: pymlp info {out})")
    if plot:
        wrong = np.flatnonzero(predicted != truth)[:8]
        _report_plot(
            lambda: _plot_digits(
                plot, history, images[test[wrong]], truth[wrong], predicted[wrong]
            ),
            plot,
        )
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def _per_class_table(truth, predicted):
    """Correct/total, recall and precision per digit, as three aligned rows."""
    labels = range(10)
    header = ["digit"] + [str(k) for k in labels]
    correct = ["correct"]
    recall = ["recall"]
    precision = ["precision"]
    for k in labels:
        hits = int(np.sum((truth == k) & (predicted == k)))
        total = int(np.sum(truth == k))
        claimed = int(np.sum(predicted == k))
        correct.append(f"{hits}/{total}")
        recall.append(f"{hits / total:.0%}" if total else "-")
        precision.append(f"{hits / claimed:.0%}" if claimed else "-")
    lines = []
    for row in (header, correct, recall, precision):
        lines.append(f"{row[0]:<10}" + "".join(f"{cell:>6}" for cell in row[1:]))
    return "\n".join(lines)


def _digits_metadata(n_train, n_test, history, accuracy, seconds):
    """Preprocessing (pixel / 16) and a summary, so predict and info work."""
    features = [
        {"name": f"pixel{i}", "kind": "numeric", "mean": 0.0, "std": 16.0}
        for i in range(64)
    ]
    target = {
        "name": "digit",
        "task": "classification",
        "classes": [str(k) for k in range(10)],
    }
    return {
        "preprocessing": {"features": features, "target": target},
        "training": {
            "command": "pymlp demo",
            "data": "bundled UCI handwritten digits",
            "task": "classification",
            "train_rows": n_train,
            "test_rows": n_test,
            "optimizer": "adam",
            "lr": 1e-3,
            "batch_size": 32,
            "epochs_run": history.epochs_run,
            "seconds": round(seconds, 2),
            "test": {"accuracy": accuracy},
            **_summary_stamp(),
        },
    }


def _report_plot(draw, path):
    """Call ``draw``; say where the PNG went, or how to get matplotlib."""
    try:
        draw()
    except ImportError:
        print(PLOT_HINT)
        return
    print(f"plot saved to {path}")


def _plot_digits(path, history, images, truth, predicted):
    fig = _new_figure(10, 4)
    grid = fig.add_gridspec(2, 6)
    ax = fig.add_subplot(grid[:, :2])
    epochs = np.arange(1, history.epochs_run + 1)
    ax.plot(epochs, history.loss, label="training")
    if history.val_loss:
        ax.plot(epochs, history.val_loss, label="validation")
    ax.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
    ax.legend()
    for k in range(8):
        ax = fig.add_subplot(grid[k // 4, 2 + k % 4])
        ax.set_axis_off()
        if k < len(images):
            ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=16)
            ax.set_title(f"true {truth[k]}, said {predicted[k]}", fontsize=9)
    if not len(images):
        fig.text(0.67, 0.5, "no misclassified digits", ha="center")
    else:
        fig.suptitle("loss curves and misclassified held-out digits")
    fig.savefig(path, format="png")


def _demo_toy(args):
    started = time.perf_counter()
    out = args.out or "pymlp-toy.npz"
    plot = None if args.no_plot else args.plot or "pymlp-toy.png"
    epochs = args.epochs or _TOY_EPOCHS
    _check_writable(out, plot)

    X, y = make_two_clusters(200, seed=args.seed)
    net = MLP([2, 4, 1], activation="sigmoid", output="sigmoid", seed=args.seed)
    print(
        "two clusters, as in the original notes: points near (0.1, 0.1) are 0, "
        "near (0.9, 0.9) are 1"
    )
    print(
        f"network: {_layers_text(net)}, {net.n_params} parameters, binary "
        f"cross-entropy, {len(y)} points"
    )
    fit_started = time.perf_counter()
    history = _fit(
        net,
        X,
        y,
        show_bar=not args.quiet,
        loss="binary_cross_entropy",
        optimizer=Adam(0.05),
        epochs=epochs,
        batch_size=32,
        seed=args.seed,
    )
    seconds = time.perf_counter() - fit_started
    accuracy = float(np.mean((net.predict(X)[:, 0] > 0.5) == (y > 0.5)))
    print(f"training accuracy: {accuracy:.1%}, trained in {seconds:.1f} s")
    outputs = net.predict(np.array(_TOY_POINTS))[:, 0]
    for (a, b), value in zip(_TOY_POINTS, outputs):
        print(f"  fastfeed([{a}, {b}]) -> {value:.4f}")

    net.metadata = {
        "training": {
            "command": "pymlp demo --toy",
            "data": "two clusters (pymlp.datasets.make_two_clusters)",
            "task": "binary classification, sigmoid output",
            "train_rows": len(y),
            "optimizer": "adam",
            "lr": 0.05,
            "epochs_run": history.epochs_run,
            "seconds": round(seconds, 2),
            "train": {"accuracy": accuracy},
            **_summary_stamp(),
        }
    }
    _save_model(net, out)
    print(f"model saved to {out}")
    if plot:
        _report_plot(lambda: _plot_boundary(plot, net, X, y), plot)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def _plot_boundary(path, net, X, y):
    grid = np.linspace(0.0, 1.0, 101)
    gx, gy = np.meshgrid(grid, grid)
    out = net.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)

    fig = _new_figure(5, 4.4)
    ax = fig.add_subplot()
    filled = ax.contourf(gx, gy, out, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
    ax.contour(gx, gy, out, levels=[0.5], colors="black", linewidths=1.5)
    fig.colorbar(filled, ax=ax, label="network output")
    for label, marker, face in ((0, "o", "white"), (1, "s", "black")):
        points = X[y == label]
        ax.scatter(
            points[:, 0],
            points[:, 1],
            s=12,
            marker=marker,
            facecolors=face,
            edgecolors="black",
            linewidths=0.5,
            label=f"class {label}",
        )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel="input 1",
        ylabel="input 2",
        title="2-4-1 network: output over the unit square",
    )
    ax.legend(loc="upper left")
    fig.savefig(path, format="png")


# ---------------------------------------------------------------------------
# pymlp train
# ---------------------------------------------------------------------------


def _run_train(args):
    say = _Speaker(args.quiet)
    _check_writable(args.out, args.plot)
    activation = parse_activation(args.activation)
    table = read_csv(args.data)
    table.index(args.target)
    features = [column for column in table.columns if column != args.target]
    if not features:
        raise ValueError(
            f"{table.name} has no column besides the target {args.target!r}; "
            "add feature columns"
        )
    kinds = [table.kind(column) for column in features]
    if args.task == "auto":
        task, reason = detect_task(table, args.target)
    else:
        task, reason = args.task, "--task"
    TargetEncoder.check(table, args.target, task)

    # split by rows; statistics come from the training rows only
    rows = np.arange(table.n_rows)
    strata = table.cells(args.target) if task == "classification" else None
    train, test, _, _ = train_test_split(
        rows, rows, args.test_size, seed=args.seed, stratify=strata
    )
    target = TargetEncoder.fit(table, args.target, task, train)
    prep = Preprocessor.fit(table, features, train)
    X_train, _ = prep.transform(table, train)
    X_test, unseen = prep.transform(table, test)
    y_train = target.encode(table, train)

    n_numeric = kinds.count("numeric")
    say(
        f"data: {table.name}, {table.n_rows} rows, {len(features)} feature "
        f"columns ({n_numeric} numeric, {len(features) - n_numeric} text) -> "
        f"{prep.n_inputs} inputs"
    )
    if task == "classification":
        say(
            f"task: classification of {args.target!r} into "
            f"{len(target.classes)} classes ({reason})"
        )
    else:
        say(f"task: regression of {args.target!r} ({reason})")
    for column, count in unseen.items():
        say.note(
            f"column {column!r}: {count} held-out row(s) with a category not "
            "seen in training, encoded as all zeros"
        )

    classify = task == "classification"
    net = MLP(
        [prep.n_inputs, *args.hidden, target.n_outputs],
        activation=activation,
        output="softmax" if classify else None,
        seed=args.seed,
    )
    say(f"network: {_layers_text(net)}, {net.n_params:,} parameters")

    # train, with early stopping on a validation part of the training rows
    patience = args.patience if len(train) >= 20 else 0
    lr = args.lr or (1e-3 if args.optimizer == "adam" else 1e-2)
    optimizer = Adam(lr) if args.optimizer == "adam" else SGD(lr, momentum=0.9)
    started = time.perf_counter()
    history = _fit(
        net,
        X_train,
        y_train,
        show_bar=not args.quiet,
        loss="cross_entropy" if classify else "mse",
        optimizer=optimizer,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation_split=0.1 if patience else 0.0,
        early_stopping=patience or None,
    )
    seconds = time.perf_counter() - started
    if history.stopped_early:
        say(
            f"stopped early after {history.epochs_run} epochs, kept the weights "
            f"of epoch {history.best_epoch + 1}; {seconds:.1f} s"
        )
    else:
        say(f"trained {history.epochs_run} epochs in {seconds:.1f} s")

    # score the held-out rows against a trivial baseline
    predicted = target.decode(net.predict(X_test))
    truth = target.values(table, test)
    if classify:
        scores, metric, baseline = _classification_scores(
            table, args.target, train, truth, predicted
        )
    else:
        scores, metric, baseline = _regression_scores(target.mean, truth, predicted)
    print(f"held-out {metric} on {len(test)} rows (baseline, {baseline})")

    net.metadata = {
        "preprocessing": {"features": prep.features, "target": target.to_dict()},
        "training": {
            "command": "pymlp train",
            "data": table.name,
            "rows": table.n_rows,
            "train_rows": len(train),
            "test_rows": len(test),
            "task": task,
            "task_reason": reason,
            "hidden": args.hidden,
            "activation": activation.name,
            "optimizer": args.optimizer,
            "lr": lr,
            "batch_size": args.batch_size,
            "epochs": args.epochs,
            "epochs_run": history.epochs_run,
            "stopped_early": history.stopped_early,
            "weights_from_epoch": (
                None if history.best_epoch is None else history.best_epoch + 1
            ),
            "seed": args.seed,
            "seconds": round(seconds, 2),
            **scores,
            **_summary_stamp(),
        },
    }
    _save_model(net, args.out)
    print(f"model saved to {args.out}")
    if args.plot:
        _report_plot(lambda: history.plot(args.plot), args.plot)
    return 0


class _Speaker:
    """Progress lines on stdout and notes on stderr, both silenced by --quiet."""

    def __init__(self, quiet):
        self.quiet = quiet

    def __call__(self, line):
        if not self.quiet:
            print(line)

    def note(self, line):
        if not self.quiet:
            print(f"pymlp: note: {line}", file=sys.stderr)


def _classification_scores(table, column, train, truth, predicted):
    labels, counts = np.unique(table.cells(column, train), return_counts=True)
    majority = str(labels[np.argmax(counts)])
    accuracy = float(np.mean(predicted == truth))
    baseline = float(np.mean(truth == majority))
    scores = {"test": {"accuracy": accuracy}, "baseline": {"accuracy": baseline}}
    return scores, f"accuracy {accuracy:.3f}", f"always {majority!r}: {baseline:.3f}"


def _regression_scores(train_mean, truth, predicted):
    def rmse_r2(guess):
        residual = float(np.sum((truth - guess) ** 2))
        spread = float(np.sum((truth - truth.mean()) ** 2))
        r2 = 1.0 - residual / spread if spread > 0 else None
        return math.sqrt(residual / len(truth)), r2

    rmse, r2 = rmse_r2(predicted)
    base_rmse, base_r2 = rmse_r2(np.full_like(truth, train_mean))
    scores = {
        "test": {"rmse": rmse, "r2": r2},
        "baseline": {"rmse": base_rmse, "r2": base_r2},
    }
    metric = f"RMSE {rmse:.4g}, R^2 {_fmt(r2)}"
    baseline = (
        f"the training mean {train_mean:.4g}: RMSE {base_rmse:.4g}, R^2 {_fmt(base_r2)}"
    )
    return scores, metric, baseline


def _fmt(value):
    return "n/a" if value is None else f"{value:.3f}"


# ---------------------------------------------------------------------------
# pymlp predict
# ---------------------------------------------------------------------------


def _run_predict(args):
    _check_writable(args.out)
    net = _load_model(args.model)
    prep, target = _preprocessing(net, args.model)
    table = read_csv(args.data)
    X, unseen = prep.transform(table)
    for column, count in unseen.items():
        print(
            f"pymlp: note: column {column!r}: {count} row(s) with a category not "
            "seen in training, encoded as all zeros",
            file=sys.stderr,
        )
    values = target.decode(net.predict(X))
    if target.task == "regression":
        values = [f"{value:.10g}" for value in values]

    if args.out is None:
        _write_column(sys.stdout, target.name, values)
    else:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            _write_column(f, target.name, values)
        print(f"{len(values)} predictions written to {args.out}", file=sys.stderr)
    return 0


def _preprocessing(net, path):
    """The Preprocessor and TargetEncoder stored with a model by train or demo."""
    spec = net.metadata.get("preprocessing")
    if not isinstance(spec, dict):
        raise ValueError(
            f"{path} holds no preprocessing: it was not made by 'pymlp train'; "
            "load it with pymlp.io.load and call net.predict in Python"
        )
    try:
        prep = Preprocessor.from_dict(spec)
        target = TargetEncoder.from_dict(spec["target"])
        consistent = prep.n_inputs == net.input_size
        consistent &= target.n_outputs == net.n_outputs
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path} has damaged preprocessing metadata ({exc})") from None
    if not consistent:
        raise ValueError(
            f"{path} has preprocessing for {prep.n_inputs} inputs and "
            f"{target.n_outputs} outputs but a network of {net.input_size} and "
            f"{net.n_outputs}; the file was altered"
        )
    return prep, target


def _write_column(stream, name, values):
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([name])
    writer.writerows([value] for value in values)


# ---------------------------------------------------------------------------
# pymlp info
# ---------------------------------------------------------------------------


def _run_info(args):
    net = _load_model(args.model)
    print(f"model: {args.model}")
    print(f"layers: {_layers_text(net)}")
    print(f"parameters: {net.n_params:,}")
    print(f"dtype: {net.dtype.name}")

    spec = net.metadata.get("preprocessing")
    if isinstance(spec, dict):
        prep, target = _preprocessing(net, args.model)
        print(_target_text(target))
        print(_features_text(prep))
    training = net.metadata.get("training")
    if isinstance(training, dict):
        print("training:")
        for key, value in training.items():
            print(f"  {key}: {_value_text(value)}")
    other = sorted(set(net.metadata) - {"preprocessing", "training"})
    if other:
        print(f"other metadata: {', '.join(other)}")
    return 0


def _target_text(target):
    if target.task == "classification":
        classes = ", ".join(target.classes[:12])
        more = ", ..." if len(target.classes) > 12 else ""
        return (
            f"target: {target.name!r}, classification into {len(target.classes)} "
            f"classes: {classes}{more}"
        )
    return (
        f"target: {target.name!r}, regression (training mean {target.mean:.4g}, "
        f"std {target.std:.4g})"
    )


def _features_text(prep):
    lines = [f"features: {len(prep.features)} columns -> {prep.n_inputs} inputs"]
    if len(prep.features) > 12:
        kinds = [feature["kind"] for feature in prep.features]
        names = ", ".join(prep.columns[:4])
        lines.append(
            f"  {names}, ... ({kinds.count('numeric')} numeric, "
            f"{kinds.count('text')} text)"
        )
        return "\n".join(lines)
    width = max(len(name) for name in prep.columns)
    for feature in prep.features:
        name = feature["name"].ljust(width)
        if feature["kind"] == "numeric":
            lines.append(
                f"  {name}  numeric, mean {feature['mean']:.4g}, "
                f"std {feature['std']:.4g}"
            )
        else:
            categories = feature["categories"]
            shown = ", ".join(repr(c) for c in categories[:6])
            more = ", ..." if len(categories) > 6 else ""
            lines.append(f"  {name}  text, {len(categories)} categories: {shown}{more}")
    return "\n".join(lines)


def _value_text(value):
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
