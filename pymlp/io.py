"""Saving and loading networks: one ``.npz`` file, numeric arrays and a JSON header.

The file format
---------------
A model is a numpy ``.npz`` archive (a zip of ``.npy`` arrays, written by
``numpy.savez``) holding:

``header``
    A UTF-8 JSON document stored as a 1-D ``uint8`` array of its bytes.
``params``
    The network's flat parameter buffer, shape ``(n_params,)``, in the
    network's dtype, laid out layer by layer as ``W_0, b_0, W_1, b_1, ...``
    with each ``W_k`` of shape ``(units_k, n_in_k)`` in row-major order.
``optimizer/<name>``
    Only with a saved optimizer: each of its state arrays (``optimizer/m``
    and ``optimizer/v`` for Adam, ``optimizer/velocity`` for SGD with
    momentum), shape ``(n_params,)``.

The header is a JSON object::

    {"format": "pymlp", "version": 1, "dtype": "float64", "input_size": 4,
     "init": "auto",
     "layers": [{"units": 3, "init": null,
                 "activations": [{"tree": [...]}, {"tree": [...]}],
                 "runs": [[0, 2], [1, 1]]},
                {"units": 2, "init": null,
                 "activations": [{"name": "softmax"}], "runs": [[0, 2]]}],
     "metadata": {...},
     "optimizer": null}

Each layer lists its distinct activations once, in order of first use, and
``runs`` gives the unit-by-unit assignment as ``[activation index, count]``
pairs: units ``0..1`` use activation 0 and unit 2 activation 1 above. An
activation is ``{"name": "softmax"}`` or ``{"tree": ...}``, the expression
tree of its sympy expression (see :func:`expression_to_tree`). ``metadata``
is the network's ``metadata`` dict. ``optimizer`` is null, or
``{"config": optimizer.get_config(), "state": {...}}`` with the scalar
entries of ``optimizer.state_dict()`` (``type``, ``lr``, ``t``, ``size``,
``dtype``); its arrays are the ``optimizer/<name>`` entries of the archive.

Expression trees
----------------
A tree is a JSON list ``[node_name, child, ...]``. The leaves are
``["Symbol", "x"]``, ``["Integer", n]``, ``["Rational", p, q]``,
``["Float", m, e, precision]`` (the exact binary value ``m * 2**e`` and its
precision in bits, so a float survives bit for bit) and the constants
``["Pi"]``, ``["Exp1"]``, ``["BooleanTrue"]`` and ``["BooleanFalse"]``. Inner
nodes name sympy classes from a fixed list (``Add``, ``Mul``, ``Pow``,
``exp``, ``tanh``, ``Max``, ``Piecewise``, ``StrictGreaterThan``, ...; see
``FUNCTION_NODES``) and hold their arguments in sympy's order. Loading
rebuilds exactly that structure, without re-simplifying it, so the loaded
activation is the saved expression and runs on the same kernel.

Safety
------
Loading never unpickles (``numpy.load(..., allow_pickle=False)``) and never
evaluates text: no ``eval``, ``exec``, ``sympify`` or ``parse_expr``. A tree
is rebuilt only from the whitelisted node names above, with ``x`` as its one
symbol, at most ``MAX_TREE_DEPTH`` levels deep and ``MAX_TREE_NODES`` nodes
large. Any file that is not a valid model is refused with a ``ValueError``
naming the file and the problem, before anything is built.

Saving writes a temporary file in the destination folder and renames it onto
the destination, so an interrupted save leaves the old file (or no file),
never half a model.
"""

import contextlib
import json
import os
import stat
import tempfile
import zipfile
import zlib

import numpy as np
import sympy
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.logic.boolalg import Boolean

from .activations import get_activation, x
from .layers import Dense
from .network import Network
from .optimizers import Optimizer, optimizer_from_config

__all__ = [
    "FORMAT_VERSION",
    "FUNCTION_NODES",
    "MAX_TREE_DEPTH",
    "MAX_TREE_NODES",
    "save",
    "load",
    "load_optimizer",
    "expression_to_tree",
    "tree_to_expression",
]

FORMAT_VERSION = 1
"""Version of the file format written by :func:`save`."""

_FORMAT_NAME = "pymlp"
_DTYPES = ("float32", "float64")
_OPTIMIZER_PREFIX = "optimizer/"
_ZIP_SIGNATURE = b"PK"

MAX_TREE_DEPTH = 100
"""Deepest expression tree :func:`tree_to_expression` accepts."""

MAX_TREE_NODES = 10_000
"""Largest expression tree, in nodes, :func:`tree_to_expression` accepts."""

# Largest precision, in bits, of a stored Float (about 3000 decimal digits)
# and largest magnitude of its binary exponent.
_MAX_FLOAT_PRECISION = 10_000
_MAX_FLOAT_EXPONENT = 1 << 40

_FUNCTION_CLASSES = (
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.exp,
    sympy.log,
    sympy.sin,
    sympy.cos,
    sympy.tan,
    sympy.asin,
    sympy.acos,
    sympy.atan,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.asinh,
    sympy.acosh,
    sympy.atanh,
    sympy.sech,
    sympy.erf,
    sympy.erfc,
    sympy.Abs,
    sympy.sign,
    sympy.re,
    sympy.im,
    sympy.floor,
    sympy.ceiling,
    sympy.Max,
    sympy.Min,
    sympy.Heaviside,
    sympy.Piecewise,
    ExprCondPair,
    sympy.StrictGreaterThan,
    sympy.GreaterThan,
    sympy.StrictLessThan,
    sympy.LessThan,
    sympy.Equality,
    sympy.Unequality,
    sympy.And,
    sympy.Or,
    sympy.Not,
)
FUNCTION_NODES = tuple(cls.__name__ for cls in _FUNCTION_CLASSES)
"""Names of the inner nodes an expression tree may use."""

_FUNCTIONS = dict(zip(FUNCTION_NODES, _FUNCTION_CLASSES, strict=True))
_CONSTANTS = {
    "Pi": sympy.pi,
    "Exp1": sympy.E,
    "BooleanTrue": sympy.true,
    "BooleanFalse": sympy.false,
}
_LEAVES = ("Symbol", "Integer", "Rational", "Float", *_CONSTANTS)

# What each node takes as arguments: numbers (Expr), truth values (Boolean)
# or (value, condition) pairs; every other node takes numbers. Checked before
# construction, since evaluate=False skips sympy's own checks.
_LOGIC = (sympy.And, sympy.Or, sympy.Not)
_ARGUMENT_KIND = {cls: "truth value" for cls in _LOGIC}
_ARGUMENT_KIND[sympy.Piecewise] = "(value, condition) pair"
_KIND_CHECKS = {
    "number": lambda arg: isinstance(arg, sympy.Expr),
    "truth value": lambda arg: isinstance(arg, Boolean),
    "(value, condition) pair": lambda arg: isinstance(arg, ExprCondPair),
}


# ---------------------------------------------------------------------------
# expression trees
# ---------------------------------------------------------------------------


def expression_to_tree(expr):
    """Write a sympy expression in ``x`` as a JSON-able tree of nested lists.

    Parameters
    ----------
    expr : sympy.Basic
        An expression in the symbol ``x`` built from the nodes this module
        knows (see ``FUNCTION_NODES`` and the module docstring).

    Returns
    -------
    list
        ``[node_name, child, ...]``; :func:`tree_to_expression` turns it back
        into an expression equal to ``expr``.

    Raises
    ------
    TypeError
        If ``expr`` is not a sympy object.
    ValueError
        For a symbol other than ``x``, a node outside the whitelist, or a
        tree deeper than ``MAX_TREE_DEPTH`` or larger than ``MAX_TREE_NODES``.

    Examples
    --------
    >>> expression_to_tree(sympy.tanh(x) + 1)
    ['Add', ['Integer', 1], ['tanh', ['Symbol', 'x']]]
    """
    if not isinstance(expr, sympy.Basic):
        raise TypeError(
            f"expr must be a sympy expression in x, got {type(expr).__name__}"
        )
    return _to_tree(expr, expr, 1, [0])


def _to_tree(node, whole, depth, count):
    """The tree of ``node``, a part of ``whole``; ``count`` tallies nodes."""
    _check_size(depth, count)
    if isinstance(node, sympy.Symbol):
        if node.name != "x" or node != x:
            raise ValueError(
                f"cannot store {whole}: its symbol {node.name!r} is not the plain "
                "symbol x (pymlp.x); write activations in x alone"
            )
        return ["Symbol", "x"]
    if isinstance(node, sympy.Integer):
        return ["Integer", int(node)]
    if isinstance(node, sympy.Rational):
        return ["Rational", int(node.p), int(node.q)]
    if isinstance(node, sympy.Float):
        sign, mantissa, exponent, _ = node._mpf_
        return ["Float", -mantissa if sign else mantissa, exponent, node._prec]

    name = type(node).__name__
    if name in _CONSTANTS and node is _CONSTANTS[name]:
        return [name]
    if _FUNCTIONS.get(name) is not type(node):
        raise ValueError(
            f"cannot store {whole}: it contains {node} (a sympy {name}), which "
            "pymlp files do not support; supported nodes are "
            f"{', '.join(_LEAVES + FUNCTION_NODES)}"
        )
    return [name] + [_to_tree(arg, whole, depth + 1, count) for arg in node.args]


def tree_to_expression(tree):
    """Rebuild a sympy expression from a tree made by :func:`expression_to_tree`.

    Only the whitelisted node names are understood, and the only symbol is
    ``x``; nothing in the tree is evaluated as code. The structure is rebuilt
    as stored (sympy's ``evaluate=False``), so the result equals the saved
    expression.

    Parameters
    ----------
    tree : list
        Nested lists ``[node_name, child, ...]`` as decoded from JSON.

    Returns
    -------
    sympy.Basic

    Raises
    ------
    ValueError
        For an unknown node name, a symbol other than ``x``, a malformed
        node, or a tree deeper than ``MAX_TREE_DEPTH`` or larger than
        ``MAX_TREE_NODES``.

    Examples
    --------
    >>> tree_to_expression(["tanh", ["Symbol", "x"]])
    tanh(x)
    """
    return _from_tree(tree, 1, [0])


def _from_tree(node, depth, count):
    _check_size(depth, count)
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise ValueError(
            "each expression node must be a list [name, argument, ...] with a "
            f"string name, got {_short(node)}"
        )
    name, args = node[0], node[1:]
    if name in _FUNCTIONS:
        children = [_from_tree(arg, depth + 1, count) for arg in args]
        return _build(name, children)
    if name in _CONSTANTS:
        _expect_arguments(node, 0)
        return _CONSTANTS[name]
    if name == "Symbol":
        _expect_arguments(node, 1)
        if args[0] != "x":
            raise ValueError(
                f"expression symbol {_short(args[0])} is not allowed: an activation "
                "is an expression in x alone"
            )
        return x
    if name == "Integer":
        _expect_arguments(node, 1)
        return sympy.Integer(_integer(args[0], node))
    if name == "Rational":
        _expect_arguments(node, 2)
        p, q = _integer(args[0], node), _integer(args[1], node)
        if q < 1:
            raise ValueError(f"Rational needs a positive denominator, got {q}")
        return sympy.Rational(p, q)
    if name == "Float":
        _expect_arguments(node, 3)
        return _float(*(_integer(arg, node) for arg in args))
    raise ValueError(
        f"unknown expression node {_short(name)}: expected one of "
        f"{', '.join(_LEAVES + FUNCTION_NODES)}"
    )


def _build(name, children):
    """Instantiate a whitelisted sympy class on already rebuilt arguments."""
    cls = _FUNCTIONS[name]
    if cls is ExprCondPair:
        kinds = ["number", "truth value"]
    else:
        kinds = [_ARGUMENT_KIND.get(cls, "number")] * len(children)
    for position, (kind, child) in enumerate(zip(kinds, children)):
        if not _KIND_CHECKS[kind](child):
            raise ValueError(
                f"argument {position} of a {name} node must be a {kind}, got "
                f"{_short(str(child))}"
            )
    try:
        if cls is ExprCondPair:
            return cls(*children)
        return cls(*children, evaluate=False)
    except Exception as error:
        # the whitelisted constructors signal bad arguments in many ways
        raise ValueError(
            f"cannot build a {name} node from arguments "
            f"{_short([str(child) for child in children])}: {error}"
        ) from None


def _float(mantissa, exponent, precision):
    """The sympy Float ``mantissa * 2**exponent`` with ``precision`` bits."""
    if not 1 <= precision <= _MAX_FLOAT_PRECISION:
        raise ValueError(
            f"Float precision must be 1 to {_MAX_FLOAT_PRECISION} bits, got {precision}"
        )
    if abs(mantissa).bit_length() > precision or abs(exponent) > _MAX_FLOAT_EXPONENT:
        raise ValueError(
            f"Float {mantissa} * 2**{exponent} does not fit {precision} bits of "
            f"precision and an exponent within +-{_MAX_FLOAT_EXPONENT}"
        )
    if mantissa == 0:
        return sympy.Float(0, precision=precision)
    return sympy.Float(
        (int(mantissa < 0), abs(mantissa), exponent), precision=precision
    )


def _integer(value, node):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"expected integers in the expression node {_short(node)}, got "
            f"{_short(value)}"
        )
    return value


def _expect_arguments(node, n):
    if len(node) != n + 1:
        raise ValueError(
            f"expression node {node[0]} takes {n} argument(s), got {len(node) - 1}: "
            f"{_short(node)}"
        )


def _check_size(depth, count):
    count[0] += 1
    if depth > MAX_TREE_DEPTH:
        raise ValueError(
            f"expression tree is deeper than {MAX_TREE_DEPTH} levels; pymlp "
            "stores only smaller activations"
        )
    if count[0] > MAX_TREE_NODES:
        raise ValueError(
            f"expression tree has more than {MAX_TREE_NODES} nodes; pymlp "
            "stores only smaller activations"
        )


def _short(value, limit=80):
    """``repr(value)`` cut to ``limit`` characters for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------
# saving
# ---------------------------------------------------------------------------


def save(net, path, optimizer=None):
    """Write a network, and optionally its optimizer, to one ``.npz`` file.

    Parameters
    ----------
    net : Network
        The network; its parameters, activations, sizes, dtype and
        ``metadata`` are saved. The metadata goes through JSON: tuples come
        back as lists and dict keys as strings.
    path : str or os.PathLike
        Destination. The file is written exactly there: no ``.npz`` suffix is
        added. An existing file is replaced in one step.
    optimizer : Optimizer, optional
        Saved with its configuration and state, so that training can resume
        exactly (see :func:`load_optimizer`).

    Raises
    ------
    TypeError
        If ``net`` is not a Network, ``optimizer`` not an Optimizer, or
        ``net.metadata`` not a JSON-serialisable dict.
    ValueError
        If a parameter is NaN or infinite, an activation cannot be stored
        (see :func:`expression_to_tree`), or the optimizer's state belongs to
        a network of another size or dtype.

    Examples
    --------
    >>> import os, tempfile
    >>> from pymlp import MLP
    >>> net = MLP([4, 8, 3], output="softmax", seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save(net, path)
    >>> load(path).sizes
    [4, 8, 3]
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a pymlp.Network, got {type(net).__name__}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a pymlp Optimizer or None, got "
            f"{type(optimizer).__name__}"
        )
    if not np.isfinite(net.params).all():
        raise ValueError(
            "the network has NaN or infinite parameters and cannot be saved; "
            "reinitialise or retrain it with a smaller learning rate"
        )

    header = _network_header(net)
    arrays = {"params": net.params}
    header["optimizer"] = None
    if optimizer is not None:
        header["optimizer"], optimizer_arrays = _optimizer_parts(net, optimizer)
        arrays.update(optimizer_arrays)
    try:
        text = json.dumps(header, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"net.metadata must hold only JSON data (dict, list, str, int, float, "
            f"bool, None): {error}; convert numpy arrays with .tolist()"
        ) from None
    arrays["header"] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    _write_atomically(os.fsdecode(os.fspath(path)), arrays)


def _network_header(net):
    if not isinstance(net.metadata, dict):
        raise TypeError(
            f"net.metadata must be a dict, got {type(net.metadata).__name__}"
        )
    return {
        "format": _FORMAT_NAME,
        "version": FORMAT_VERSION,
        "dtype": net.dtype.name,
        "input_size": net.input_size,
        "init": net.init,
        "layers": [_layer_header(layer) for layer in net.layers],
        "metadata": net.metadata,
    }


def _layer_header(layer):
    """Distinct activations in order of first use, and the runs of units."""
    index = {}
    runs = []
    for act in layer.activations:
        k = index.setdefault(act, len(index))
        if runs and runs[-1][0] == k:
            runs[-1][1] += 1
        else:
            runs.append([k, 1])
    return {
        "units": layer.units,
        "init": layer.init,
        "activations": [_describe(act) for act in index],
        "runs": runs,
    }


def _describe(act):
    if not act.elementwise:
        return {"name": act.name}
    tree = expression_to_tree(act.expr)
    if tree_to_expression(tree) != act.expr:
        raise ValueError(
            f"activation {act.name} would not load back as the same expression; "
            "write it with plain sympy nodes in x"
        )
    return {"tree": tree}


def _optimizer_parts(net, optimizer):
    """(header entry, arrays) for an optimizer and its state."""
    state = optimizer.state_dict()
    size, dtype = state["size"], state["dtype"]
    if size is not None and (size != net.n_params or dtype != net.dtype.name):
        raise ValueError(
            f"the optimizer holds state for {size} parameters of dtype {dtype}, "
            f"but the network has {net.n_params} of dtype {net.dtype.name}; save "
            "the optimizer that trains this network"
        )
    scalars = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
    arrays = {
        _OPTIMIZER_PREFIX + k: v for k, v in state.items() if isinstance(v, np.ndarray)
    }
    return {"config": optimizer.get_config(), "state": scalars}, arrays


def _write_atomically(path, arrays):
    """Write ``arrays`` to a temporary .npz beside ``path``, then rename it."""
    folder = os.path.dirname(os.path.abspath(path))
    mode = _file_mode(path)
    fd, temporary = tempfile.mkstemp(
        dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".npz"
    )
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _file_mode(path):
    """Permission bits for the saved file: the replaced file's, else the umask's."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------


def load(path):
    """Read a network written by :func:`save`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Network
        The same sizes, dtype, activations (the same expressions, hence the
        same kernels), parameters and ``metadata``: its predictions are
        bitwise identical to the saved network's.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is not a valid pymlp model, saying what is wrong: not an
        ``.npz`` archive, truncated, no or malformed header, another format
        or a newer version, a disallowed expression, parameters of the wrong
        size or not finite. The file is only read, never changed.
    """
    path = os.fsdecode(os.fspath(path))
    header, arrays = _read(path)
    activations = [
        [_activation(path, k, i, desc) for i, desc in enumerate(spec["acts"])]
        for k, spec in enumerate(header["layers"])
    ]
    try:
        layers = [
            Dense(
                spec["units"],
                [acts[i] for i, n in spec["runs"] for _ in range(n)],
                init=spec["init"],
            )
            for spec, acts in zip(header["layers"], activations, strict=True)
        ]
        net = Network(
            header["input_size"],
            layers,
            seed=0,
            dtype=header["dtype"],
            init=header["init"],
        )
    except (TypeError, ValueError) as error:
        raise _refuse(
            path, f"the header describes an invalid network: {error}"
        ) from None
    net.params[...] = arrays["params"]
    net.metadata = header["metadata"]
    return net


def load_optimizer(path):
    """Read the optimizer saved alongside a network, state included.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save` (or ``Network.save``).

    Returns
    -------
    Optimizer or None
        A new optimizer with the saved configuration, step count and state
        arrays, ready to continue training the network from :func:`load`
        exactly where it stopped; None if the file holds no optimizer.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is not a valid pymlp model or its optimizer part is
        invalid.
    """
    path = os.fsdecode(os.fspath(path))
    header, arrays = _read(path)
    saved = header["optimizer"]
    if saved is None:
        return None
    state = dict(saved["state"])
    for name, array in arrays.items():
        if name.startswith(_OPTIMIZER_PREFIX):
            state[name[len(_OPTIMIZER_PREFIX) :]] = array
    try:
        optimizer = optimizer_from_config(saved["config"])
        optimizer.load_state_dict(state)
    except (TypeError, ValueError) as error:
        raise _refuse(path, f"the saved optimizer is invalid: {error}") from None
    return optimizer


def _refuse(path, reason):
    return ValueError(f"cannot load {path}: {reason}")


def _read(path):
    """The checked header and arrays of a model file."""
    arrays = _read_arrays(path)
    if "header" not in arrays:
        raise _refuse(path, "no 'header' array; this .npz was not written by pymlp")
    header = _parse_header(path, arrays["header"])
    _check_arrays(path, header, arrays)
    return header, arrays


def _read_arrays(path):
    """Every array of the .npz at ``path``, read without unpickling."""
    with open(path, "rb") as file:
        if not file.read(4).startswith(_ZIP_SIGNATURE):
            raise _refuse(
                path,
                "not an .npz archive (it does not start with the zip signature); "
                "pymlp models are .npz files written by pymlp.save",
            )
        file.seek(0)
        try:
            archive = np.load(file, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
            raise _refuse(
                path, f"damaged or truncated .npz archive ({error})"
            ) from None
        with archive:
            arrays = {}
            for name in archive.files:
                try:
                    arrays[name] = archive[name]
                except (
                    ValueError,
                    OSError,
                    EOFError,
                    NotImplementedError,
                    zipfile.BadZipFile,
                    zlib.error,
                ) as error:
                    raise _refuse(
                        path,
                        f"array {name!r} cannot be read ({error}); the file is "
                        "damaged or holds Python objects, which pymlp never "
                        "unpickles",
                    ) from None
    return arrays


def _parse_header(path, raw):
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise _refuse(
            path,
            f"the header must be a 1-D uint8 array of JSON bytes, got dtype "
            f"{raw.dtype} and shape {raw.shape}",
        )
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _refuse(path, f"the header is not valid JSON ({error})") from None
    if not isinstance(header, dict):
        raise _refuse(path, "the header is not a JSON object")
    if header.get("format") != _FORMAT_NAME:
        raise _refuse(
            path,
            f"format is {_short(header.get('format'))}, expected "
            f"{_FORMAT_NAME!r}; this is not a pymlp model",
        )
    version = header.get("version")
    if type(version) is not int or version < 1:
        raise _refuse(
            path,
            f"unknown format version {_short(version)}, this pymlp reads "
            f"{FORMAT_VERSION}",
        )
    if version > FORMAT_VERSION:
        raise _refuse(
            path,
            f"saved by a newer pymlp: format version {version}, this pymlp reads "
            f"{FORMAT_VERSION}; upgrade pymlp to load it",
        )
    for key, kind in (("metadata", dict), ("layers", list)):
        if not isinstance(header.get(key), kind):
            raise _refuse(path, f"header entry {key!r} must be a JSON {kind.__name__}")
    if header.get("dtype") not in _DTYPES:
        raise _refuse(
            path,
            f"dtype {_short(header.get('dtype'))} is not one of {', '.join(_DTYPES)}",
        )
    for key in ("input_size", "init", "optimizer"):
        if key not in header:
            raise _refuse(path, f"the header has no {key!r} entry")
    if not _is_count(header["input_size"]):
        raise _refuse(path, "input_size must be a positive integer")
    header["layers"] = [
        _parse_layer(path, k, spec) for k, spec in enumerate(header["layers"])
    ]
    if header["optimizer"] is not None:
        _parse_optimizer(path, header["optimizer"])
    return header


def _parse_layer(path, k, spec):
    """Check a layer entry; its runs must cover its units exactly."""
    where = f"layers[{k}]"
    if not isinstance(spec, dict):
        raise _refuse(path, f"{where} must be a JSON object")
    units, acts, runs = spec.get("units"), spec.get("activations"), spec.get("runs")
    if not _is_count(units):
        raise _refuse(path, f"{where} units must be a positive integer")
    if not isinstance(acts, list) or not acts:
        raise _refuse(path, f"{where} needs a non-empty list of activations")
    if "init" not in spec:
        raise _refuse(path, f"{where} has no 'init' entry")
    valid_runs = isinstance(runs, list) and all(
        isinstance(run, list)
        and len(run) == 2
        and _is_count(run[1])
        and isinstance(run[0], int)
        and not isinstance(run[0], bool)
        and 0 <= run[0] < len(acts)
        for run in runs
    )
    if not valid_runs or sum(count for _, count in runs) != units:
        raise _refuse(
            path,
            f"{where} runs must be [activation index, count] pairs whose counts "
            f"add up to its {units} units",
        )
    return {"units": units, "init": spec["init"], "acts": acts, "runs": runs}


def _parse_optimizer(path, saved):
    if (
        not isinstance(saved, dict)
        or not isinstance(saved.get("config"), dict)
        or not isinstance(saved.get("state"), dict)
    ):
        raise _refuse(
            path, "the optimizer entry must be an object with 'config' and 'state'"
        )


def _check_arrays(path, header, arrays):
    """Names, dtype, size and values of the arrays against the header."""
    has_optimizer = header["optimizer"] is not None
    for name in arrays:
        allowed = name in ("header", "params") or (
            has_optimizer and name.startswith(_OPTIMIZER_PREFIX)
        )
        if not allowed:
            raise _refuse(path, f"unexpected array {name!r} in the file")
    if "params" not in arrays:
        raise _refuse(path, "no 'params' array")

    sizes = [header["input_size"]] + [spec["units"] for spec in header["layers"]]
    expected = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes, sizes[1:]))
    dtype = np.dtype(header["dtype"])
    for name, array in arrays.items():
        if name == "header":
            continue
        if array.dtype.kind != "f" or array.dtype.itemsize != dtype.itemsize:
            raise _refuse(
                path, f"array {name!r} has dtype {array.dtype}, expected {dtype.name}"
            )
        if array.shape != (expected,):
            raise _refuse(
                path,
                f"array {name!r} has shape {array.shape}, but layer sizes {sizes} "
                f"need ({expected},) parameters",
            )
        if not np.isfinite(array).all():
            raise _refuse(path, f"array {name!r} contains NaN or infinite values")
        arrays[name] = array.astype(dtype, copy=False)


def _activation(path, k, i, desc):
    """The Activation described by entry ``i`` of layer ``k``."""
    where = f"layers[{k}] activation {i}"
    if desc == {"name": "softmax"}:
        return get_activation("softmax")
    if not isinstance(desc, dict) or set(desc) != {"tree"}:
        raise _refuse(
            path,
            f"{where} must be {{'name': 'softmax'}} or {{'tree': ...}}, got "
            f"{_short(desc)}",
        )
    try:
        expr = tree_to_expression(desc["tree"])
    except ValueError as error:
        raise _refuse(path, f"{where}: {error}") from None
    if not isinstance(expr, sympy.Expr):
        raise _refuse(path, f"{where} is {expr}, not a numeric expression")
    try:
        return get_activation(expr)
    except Exception as error:
        # a well-formed tree can still be an expression sympy cannot handle
        raise _refuse(
            path, f"{where} is not a usable activation: {type(error).__name__}: {error}"
        ) from None


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
