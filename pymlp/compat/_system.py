"""The legacy classes ``nsystem``, ``nlayer`` and ``nneuron`` over a Network.

Mapping
-------
Legacy layer 0 holds the input neurons: their signals are the network's
inputs. Legacy layer ``k >= 1`` is ``network.layers[k - 1]`` and its neuron
``j`` is unit ``j`` there: ``w`` is row ``j`` of the weight matrix, ``b``
entry ``j`` of the bias. The network covers the legacy layers up to the last
one that has neurons; it is ``None`` until a neuron exists beyond layer 0.

Growth
------
A new neuron adds a row to its layer's weights and, if the next layer has
neurons, a column to that layer's weights (``Network.add_units`` and
``Network.add_inputs``). A neuron in a layer past the network's end appends
layers: the network is rebuilt with the old parameters copied in place, and
``nsystem.network`` then returns the new object. A layer that is still empty
but lies between layers with neurons is held by one inert placeholder unit
(identity, all weights into and out of it zero), since a dense layer needs a
unit; its output is 0, so the next layer's pre-activation is its bias, as in
the legacy module, and gradient steps keep it at zero. The first neuron added
to such a layer takes the placeholder's place.

Views stay live under growth because nothing keeps an array: a neuron holds
its layer and its index, and each access of ``w``, ``b`` or ``f`` looks its
row up through the system's current network.

Signals
-------
``sig`` is kept by the system, one float array per legacy layer: input
signals come from ``feed``; ``Activate`` (and ``train``) runs one forward
pass, whose cached activations are copied in when a signal is next read.
Legacy code also sets signals directly (``CreateNeurons(..., sig)``), which a
forward cache could not hold.

Steps
-----
``train`` is one exact SGD step on the legacy cost; networks whose layers
each have one elementwise activation run it through a lean one-sample
``StepPlan`` (see ``_fast``), the others through ``Network._backward`` with
the mse loss. ``back`` and ``descback`` step from one neuron through the
layers' own ``backward``.
"""

import random

import numpy as np
import sympy

from ..activations import LEGACY_SIGMOID, get_activation, x
from ..layers import Dense
from ..losses import get_loss
from ..network import Network
from ._fast import StepPlan
from ._views import WeightView

__all__ = [
    "Normal",
    "ReLU",
    "Sigmoid",
    "from_network",
    "nlayer",
    "nneuron",
    "nsystem",
    "train",
    "x",
    "y",
    "z",
]

y = sympy.Symbol("y")
z = sympy.Symbol("z")

Normal = x
ReLU = sympy.Max(0, x)
Sigmoid = LEGACY_SIGMOID

LEGACY_LEARNING_RATE = 0.1
INPUT_MISMATCH = "Input size does not match"

_MSE = get_loss("mse")
_NO_WEIGHTS = np.zeros(0)


class nsystem:
    """A legacy network: a list of layers over one :class:`pymlp.Network`.

    Parameters
    ----------
    seed : int or None
        Seed of the ``numpy.random.default_rng`` that draws new weights,
        uniform in [0.5, 1) as in the legacy module (biases start at 0). With
        None the seed is drawn from Python's ``random`` module, so a legacy
        script that calls ``random.seed`` is reproducible.
    learning_rate : float
        Step size of ``train`` and ``back``; the legacy module used 0.1.

    Attributes
    ----------
    children : list of nlayer
        The layers, inputs first.
    learning_rate : float
    network : pymlp.Network or None
        The network holding every weight and bias (read-only attribute).

    Examples
    --------
    >>> from pymlp.compat import nsystem, ReLU, Sigmoid, train
    >>> net = nsystem(seed=0)
    >>> layers = net.CreateLayer(3, 2)
    >>> hidden = net.CreateNeurons(4, layers[1], ReLU, 0)
    >>> out = net.CreateNeurons(1, layers[2], Sigmoid, 0)
    >>> train(net, [0.1, 0.2], [0])
    >>> net.network.sizes
    [2, 4, 1]
    """

    def __init__(self, seed=None, learning_rate=LEGACY_LEARNING_RATE):
        if seed is None:
            seed = random.getrandbits(64)
        self.children = []
        self.learning_rate = learning_rate
        self._rng = np.random.default_rng(seed)
        self._net = None
        self._sig = []
        self._pending = None
        self._x_row = None
        self._targets = None
        self._plan = None

    @property
    def network(self):
        """The :class:`pymlp.Network` behind the legacy layers, or None."""
        return self._net

    def __repr__(self):
        widths = [len(layer.children) for layer in self.children]
        return f"nsystem(layers={widths})"

    # structure

    def Add(self):
        """Append an empty layer and return it."""
        layer = nlayer(self, len(self.children))
        self.children.append(layer)
        self._sig.append(np.zeros(0))
        return layer

    def CreateLayer(self, number=1, inputSize=1):
        """Append ``number`` layers, the first with ``inputSize`` input neurons.

        Returns
        -------
        list of nlayer
            The new layers.
        """
        layers = [self.Add() for _ in range(number)]
        if layers:
            for _ in range(inputSize):
                layers[0].Add(Normal)
        return layers

    def CreateNeurons(self, number, layer, function, sig):
        """Add ``number`` neurons with activation ``function`` and signal ``sig``.

        Returns
        -------
        list of nneuron
        """
        if layer.sys is not self:
            raise ValueError(
                "CreateNeurons got a layer of another nsystem; pass one of "
                "this system's layers"
            )
        neurons = []
        for _ in range(number):
            neuron = layer.Add(function)
            neuron.sig = sig
            neurons.append(neuron)
        return neurons

    def ProvidePrevLayer(self, layer):
        """The layer before ``layer``; layer 0 for layer 0."""
        return self.children[max(layer.index - 1, 0)]

    def out(self):
        """The last layer."""
        return self.children[-1]

    # signals

    def feed(self, input):
        """Set the input signals from ``input[i]``, one per neuron of layer 0.

        If an entry is None, or there are fewer entries than input neurons,
        print ``Input size does not match`` and change nothing.
        """
        self._feed(input)

    def Activate(self):
        """Compute every layer after the first for the input last fed."""
        if self._net is not None:
            self._forward()

    def fastfeed(self, input):
        """``feed``, ``Activate``, then return the output signals as a list."""
        self.feed(input)
        self.Activate()
        return self.out().GetAllSig() if self.children else []

    def evaluate(self, result):
        """Mean over output neurons of ``(sig - result[i])**2``, no new forward."""
        signals = self.out().GetAllSig()
        if not signals:
            raise ValueError("evaluate needs output neurons; the last layer is empty")
        errors = [(sig - target) ** 2 for sig, target in zip(signals, result)]
        return sum(errors) / len(signals)

    # printing

    def ToString(self):
        """``"Sys -->\\n"`` then each layer's ``ToString()`` and a newline."""
        return "Sys -->\n" + "".join(layer.ToString() + "\n" for layer in self.children)

    def ToStringOnlySig(self):
        """``"Sys -->"`` then each layer's ``ToStringOnlySig()`` and a space."""
        return "Sys -->" + "".join(
            layer.ToStringOnlySig() + " " for layer in self.children
        )

    # internals: signals and steps

    def _width(self, k):
        return len(self.children[k].children)

    def _signals(self, k):
        """The signal array of legacy layer ``k``, shape (width,)."""
        if self._pending is not None:
            self._sync_signals()
        return self._sig[k]

    def _sync_signals(self):
        """Copy the activations of the last one-sample forward pass into ``sig``."""
        activations, self._pending = self._pending, None
        for signals, A in zip(self._sig[1:], activations):
            if signals.size:
                signals[:] = A[0, : signals.size]

    def _feed(self, values):
        """Write the input signals; False (after the legacy message) if unusable."""
        inputs = self._sig[0] if self._sig else _NO_WEIGHTS
        head = values[: inputs.size]
        if len(head) < inputs.size or None in head:
            print(INPUT_MISMATCH)
            return False
        if inputs.size:
            inputs[:] = head
        return True

    def _input_row(self):
        """The input signals as the (1, input_size) batch of one forward pass."""
        inputs, dtype = self._sig[0], self._net.dtype
        if self._x_row is None or self._x_row[0] is not inputs:
            # a view, which feed writes through; an empty layer 0 has the
            # placeholder input, always 0
            empty = inputs.size == 0
            row = np.zeros((1, 1)) if empty else inputs.reshape(1, -1)
            self._x_row = (inputs, row)
        row = self._x_row[1]
        return row if row.dtype == dtype else row.astype(dtype)

    def _step_plan(self):
        """The lean one-sample plan for the current network, or None."""
        plan = self._plan
        if plan is None or not plan.is_current(self._net):
            plan = StepPlan(self._net) if StepPlan.supports(self._net) else None
            self._plan = plan
        return plan

    def _forward(self):
        """One forward pass of the input signals; copy the activations to ``sig``.

        Returns the plan that ran it, or None if the network's general path
        did.
        """
        plan = self._step_plan()
        X = self._input_row()
        if plan is not None:
            # the plan's buffers stay put until its next forward pass: copy
            # them into ``sig`` only when a signal is read
            plan.forward(X)
            self._pending = plan.activations()
            return plan
        self._net._forward(X)
        self._pending = [layer._A for layer in self._net.layers]
        self._sync_signals()
        return None

    def _step_from(self, i, dA):
        """One SGD step from ``dA = dLoss/dA`` of network layer ``i`` down.

        Layers above ``i`` do not depend on the loss and keep their values;
        the layers up to ``i`` fill a prefix of the flat buffers.
        """
        layers = self._net.layers
        for k in range(i, -1, -1):
            dA = layers[k].backward(dA=dA, need_dA_prev=k > 0)
        end = sum(layer.n_params for layer in layers[: i + 1])
        self._net.params[:end] -= self.learning_rate * self._net.grads[:end]

    def _target_row(self, result, n_out):
        if len(result) < n_out:
            raise ValueError(
                f"train expected {n_out} targets, one per output neuron, got "
                f"{len(result)}"
            )
        if self._targets is None or self._targets.shape[1] != n_out:
            self._targets = np.empty((1, n_out), self._net.dtype)
        self._targets[0] = result[:n_out]
        return self._targets

    # internals: growth

    def _weight_row(self, k, j):
        """Neuron ``j`` of legacy layer ``k``: its row of the current weights."""
        if k == 0:
            return _NO_WEIGHTS
        return self._net.layers[k - 1].weights[j, : self._width(k - 1)]

    def _draw(self, n_rows, n_cols, live):
        """Legacy initial weights, or zeros where a placeholder is involved."""
        if live:
            return self._rng.uniform(0.5, 1.0, (n_rows, n_cols))
        return np.zeros((n_rows, n_cols))

    def _grow(self, k, activation):
        """Make room in the network for one more neuron in legacy layer ``k``."""
        if self._pending is not None:
            self._sync_signals()
        depth = 0 if self._net is None else len(self._net.layers)
        if k == 0:
            if self._net is not None:
                self._grow_input()
        elif k <= depth:
            self._grow_unit(k, activation, depth)
        else:
            self._extend(k, activation, depth)

    def _grow_input(self):
        n_next = self._width(1)
        column = self._draw(max(n_next, 1), 1, n_next > 0)
        if self._width(0) == 0:
            self._net.layers[0].weights[:, :1] = column
        else:
            self._net.add_inputs(1, weights=column)

    def _grow_unit(self, k, activation, depth):
        net = self._net
        n_prev = self._width(k - 1)
        row = self._draw(1, max(n_prev, 1), n_prev > 0)
        column = None
        if k < depth:
            n_next = self._width(k + 1)
            column = self._draw(max(n_next, 1), 1, n_next > 0)

        if self._width(k) > 0:
            net.add_units(k - 1, 1, activation, weights=row, next_weights=column)
            return

        # the new neuron takes the placeholder's place
        layer = net.layers[k - 1]
        layer.weights[:1] = row
        layer.bias[0] = 0.0
        layer.set_activation(0, activation)
        if column is not None:
            net.layers[k].weights[:, :1] = column

    def _extend(self, k, activation, depth):
        old = self._net
        layers = []
        if old is not None:
            layers = [
                Dense(layer.units, list(layer.activations), init=layer.init)
                for layer in old.layers
            ]
        layers += [Dense(1, None) for _ in range(depth + 1, k)]
        layers.append(Dense(1, activation))
        dtype = "float64" if old is None else old.dtype.name
        net = Network(max(self._width(0), 1), layers, dtype=dtype)

        # old layers keep their values: the layout puts them first
        net.params[:] = 0.0
        if old is not None:
            net.params[: old.n_params] = old.params
            net.metadata = old.metadata
        n_prev = self._width(k - 1)
        net.layers[-1].weights[...] = self._draw(1, max(n_prev, 1), n_prev > 0)
        self._net = net


class nlayer:
    """One legacy layer: a list of neurons at a position in an ``nsystem``.

    Attributes
    ----------
    children : list of nneuron
    index : int
        Position in ``sys.children``; 0 is the input layer.
    sys : nsystem
    """

    def __init__(self, system, index):
        self.sys = system
        self.index = index
        self.children = []

    def __repr__(self):
        return f"nlayer(index={self.index}, neurons={len(self.children)})"

    def Add(self, f=Normal):
        """Add a neuron whose activation is the sympy expression ``f``."""
        activation = get_activation(f)
        self.sys._grow(self.index, activation)
        return self._append(f)

    def _append(self, f):
        neuron = nneuron(self, len(self.children), f)
        self.children.append(neuron)
        signals = self.sys._signals(self.index)
        self.sys._sig[self.index] = np.append(signals, 0.0)
        return neuron

    def GetAllSig(self):
        """The signals of this layer's neurons, as a list of floats."""
        return self.sys._signals(self.index).tolist()

    def ProvidePrevSig(self):
        """The signals of the previous layer (layer 0's own for layer 0)."""
        return self.sys.ProvidePrevLayer(self).GetAllSig()

    def ProvidePrevNeu(self):
        """The neurons of the previous layer (layer 0's own for layer 0)."""
        return self.sys.ProvidePrevLayer(self).children

    def ActivateLayer(self):
        """Activate each neuron in order; layer 0 keeps its fed signals."""
        if self.index > 0:
            for neuron in self.children:
                neuron.ActivateEach()

    def ToString(self):
        """``"Layer {index} -->\\n"`` then each neuron's line and a newline."""
        lines = "".join(neuron.ToString() + "\n" for neuron in self.children)
        return f"Layer {self.index} -->\n" + lines

    def ToStringOnlySig(self):
        """``"\\n Layer {index} -->\\n"`` then each ``(sig)`` and a space."""
        signals = "".join(neuron.ToStringOnlySig() + " " for neuron in self.children)
        return f"\n Layer {self.index} -->\n" + signals


class nneuron:
    """One legacy neuron: unit ``index`` of its layer in the network.

    Attributes
    ----------
    layer : nlayer
    index : int
    w : WeightView
        Live weights, one per neuron of the previous layer (empty for an
        input neuron).
    b : float
        The bias; assigning writes the network's bias vector.
    sig : float
        The signal from the last ``feed`` (input neurons) or ``Activate``.
    f : sympy.Expr
        The activation; assigning changes the unit's activation in the
        network.
    """

    def __init__(self, layer, index, f):
        self.layer = layer
        self.index = index
        self._f = f

    def __repr__(self):
        return f"nneuron(layer={self.layer.index}, index={self.index})"

    # values, live in the network

    @property
    def w(self):
        """The weights as a live list-like view; see :class:`WeightView`."""
        return WeightView(self)

    @w.setter
    def w(self, values):
        if isinstance(values, WeightView) and values._neuron is self:
            return  # ``n.w -= ...`` already changed the row in place
        row = self._weight_row()
        values = np.asarray(values, dtype=row.dtype)
        if values.shape != row.shape:
            raise ValueError(
                f"w of neuron {self.layer.index}:{self.index} has {row.size} "
                f"weights, got {values.size}; assign one per previous neuron"
            )
        row[...] = values

    @property
    def b(self):
        """The bias, a float (0.0 for an input neuron, which has none)."""
        if self.layer.index == 0:
            return 0.0
        return float(self._unit_layer().bias[self.index])

    @b.setter
    def b(self, value):
        if self.layer.index == 0:
            raise ValueError(
                "input neurons (layer 0) have no bias: their signal is the input "
                "itself; set a bias on a neuron of layer 1 or later"
            )
        self._unit_layer().bias[self.index] = value

    @property
    def sig(self):
        """The neuron's signal, a float."""
        return float(self.layer.sys._signals(self.layer.index)[self.index])

    @sig.setter
    def sig(self, value):
        self.layer.sys._signals(self.layer.index)[self.index] = value

    @property
    def f(self):
        """The activation, a sympy expression in ``x`` (None for softmax)."""
        return self._f

    @f.setter
    def f(self, expr):
        activation = get_activation(expr)
        if self.layer.index > 0:
            self._unit_layer().set_activation(self.index, activation)
        self._f = expr

    # per-neuron computations

    def ProvideZ(self):
        """``sum(w[i] * prev_sig[i]) + b``; an input neuron gives its signal."""
        k = self.layer.index
        if k == 0:
            return self.sig
        prev = self.layer.sys._signals(k - 1)
        return float(np.dot(self._weight_row(), prev)) + self.b

    def ActivateEach(self):
        """Set ``sig = f(ProvideZ())``; an input neuron keeps its fed signal."""
        if self.layer.index > 0:
            z_value = np.array([self.ProvideZ()])
            self.sig = self._activation()(z_value)[0]

    def deltaHZ(self):
        """``f'(ProvideZ())``, the slope of the activation (left one at a kink)."""
        z_value = np.array([self.ProvideZ()])
        return float(self._activation().derivative(z_value)[0])

    def back(self, predict=None, t=None):
        """One exact gradient step from this neuron's share of the cost.

        Without ``t`` the neuron is taken as an output: the step descends
        ``(1/n) * (sig - predict)**2``, ``n`` the width of its layer, at the
        current weights (a fresh forward pass with the last fed input). With
        ``t``, ``t`` is ``dC/dsig`` of this neuron and the step descends along
        it. Every weight and bias up to this neuron's layer moves by
        ``-learning_rate`` times its gradient. Returns 0 for an input neuron.
        """
        if self.layer.index == 0:
            return 0
        i, dA = self._upstream(predict, t)
        self.layer.sys._step_from(i, dA)
        return None

    def descback(self, predict=None, t=None, str=""):
        """``back``, after printing one line per chain-rule path from this neuron.

        The lines follow the legacy walk, depth first with previous neurons
        in index order, e.g. ``(dCo/dZ3:0)(dZ3:0/dH2:1)(dH2:1/dZ2:1) => v``,
        where ``v`` is ``dC/dZ`` of the path's last neuron along that path,
        from the weights before the step. ``str`` prefixes every line.
        """
        k = self.layer.index
        if k == 0:
            return 0
        i, dA = self._upstream(predict, t)
        system = self.layer.sys
        slopes = [_unit_slopes(layer) for layer in system._net.layers[: i + 1]]
        start = float(dA[0, self.index]) * slopes[i][self.index]
        own = f"(dCo/dZ{k}:{self.index})" if t is None else _unit_label(k, self.index)
        _print_paths(system, k, self.index, start, str + own, slopes)
        system._step_from(i, dA)
        return None

    # printing

    def ToString(self):
        """``"  ({index})sig:{sig} weights:{w} bias:{b}"``."""
        return f"  ({self.index})sig:{self.sig} weights:{self.w} bias:{self.b}"

    def ToStringOnlySig(self):
        """``"({sig})"``."""
        return f"({self.sig})"

    # internals

    def _weight_row(self):
        return self.layer.sys._weight_row(self.layer.index, self.index)

    def _unit_layer(self):
        return self.layer.sys._net.layers[self.layer.index - 1]

    def _activation(self):
        if self.layer.index == 0:
            return get_activation(self._f)
        activation = self._unit_layer().activations[self.index]
        if not activation.elementwise:
            raise NotImplementedError(
                "per-neuron activation is not supported for softmax units, which "
                "depend on the whole layer; use Activate() instead"
            )
        return activation

    def _upstream(self, predict, t):
        """Fresh forward pass; (network layer, dC/dA of that layer)."""
        system = self.layer.sys
        i = self.layer.index - 1
        if t is None and predict is None:
            raise TypeError(
                "back needs predict=<target of this output neuron> (or t=dC/dsig "
                "when walking back from a later layer)"
            )
        system._net._forward(system._input_row())
        layer = system._net.layers[i]
        dA = np.zeros((1, layer.units), system._net.dtype)
        if t is None:
            signal = layer._A[0, self.index]
            dA[0, self.index] = 2.0 / len(self.layer.children) * (signal - predict)
        else:
            dA[0, self.index] = t
        return i, dA


def train(sys, inputData, result):
    """One online training step of the legacy cost, exactly.

    Feed ``inputData``, run one forward pass (the signals are updated), then
    move every weight and bias by ``-sys.learning_rate`` times the gradient
    of ``C = (1/n_out) * sum_k (sig_k - result[k])**2``, computed by the
    network's batched backward pass (loss ``"mse"`` on a batch of one).
    If the input does not fit, print ``Input size does not match`` and stop.

    Examples
    --------
    >>> from pymlp.compat import nsystem, ReLU, Sigmoid, train
    >>> net = nsystem(seed=1)
    >>> layers = net.CreateLayer(3, 2)
    >>> _ = net.CreateNeurons(2, layers[1], ReLU, 0)
    >>> _ = net.CreateNeurons(1, layers[2], Sigmoid, 0)
    >>> before = net.fastfeed([0.9, 0.9])[0]
    >>> for _ in range(20):
    ...     train(net, [0.9, 0.9], [1])
    >>> net.fastfeed([0.9, 0.9])[0] > before
    True
    """
    if not sys._feed(inputData):
        return
    out = sys.out()
    if out.index == 0 or not out.children:
        sys.Activate()  # nothing to learn: the legacy loop had no outputs
        return
    targets = sys._target_row(result, len(out.children))
    plan = sys._forward()
    if plan is not None:
        plan.step(targets, sys.learning_rate)
        return
    net = sys._net
    net._backward(targets, _MSE)
    net.params -= sys.learning_rate * net.grads


def from_network(net, learning_rate=LEGACY_LEARNING_RATE, seed=None):
    """Wrap an existing :class:`pymlp.Network` in the legacy API.

    The neurons are views over ``net`` itself: ``sys.network is net`` until
    legacy code appends a layer. Signals start at 0.

    Parameters
    ----------
    net : pymlp.Network
    learning_rate : float
    seed : int or None
        Seed for the weights of neurons added later.

    Returns
    -------
    nsystem
    """
    if not isinstance(net, Network):
        raise TypeError(f"from_network needs a pymlp.Network, got {type(net).__name__}")
    system = nsystem(seed=seed, learning_rate=learning_rate)
    inputs = system.Add()
    for _ in range(net.input_size):
        inputs._append(Normal)
    for dense in net.layers:
        layer = system.Add()
        for activation in dense.activations:
            layer._append(activation.expr)
    system._net = net
    return system


# helpers


def _unit_slopes(layer):
    """``f'(Z)`` of each unit of a layer for the cached sample, as floats."""
    slopes = []
    for j, activation in enumerate(layer.activations):
        if not activation.elementwise:
            raise NotImplementedError(
                "descback is not supported through softmax units, whose slope "
                "couples the whole layer; use back instead"
            )
        slopes.append(float(activation.derivative(layer._Z[0, j : j + 1])[0]))
    return slopes


def _unit_label(k, j):
    return f"(dH{k}:{j}/dZ{k}:{j})"


def _print_paths(system, k, j, value, text, slopes):
    """Print this path's line, then extend it to each neuron of layer k - 1."""
    print(f"{text} => {value}")
    if k == 1:
        return
    weights = system._net.layers[k - 1].weights
    for p in range(system._width(k - 1)):
        passed = value * float(weights[j, p]) * slopes[k - 2][p]
        link = f"(dZ{k}:{j}/dH{k - 1}:{p})" + _unit_label(k - 1, p)
        _print_paths(system, k - 1, p, passed, text + link, slopes)
