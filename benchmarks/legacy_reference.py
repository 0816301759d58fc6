"""The legacy per-neuron algorithm, rebuilt as a scalar reference.

This is the baseline the benchmarks time pymlp against and an independent
reference for the tests. It follows the behaviour described in
``LEGACY_API.md``: every neuron is a Python object, every number a sympy
number, an activation is evaluated by substituting ``z`` into its expression,
its derivative is differentiated symbolically again at every use, and
backpropagation walks every path from an output neuron down to the inputs.

The walk from one output neuron visits a neuron of layer ``l`` once per path
to that output, that is ``widths[l + 1] * ... * widths[-2]`` times, so the work
grows as the product of the hidden widths. It also updates weights while it
walks: the value passed down a connection uses the weight from before that
connection's update, but a neuron visited a second time (or by a later output
neuron) takes its derivative at a pre-activation computed from its already
updated weights and bias, with its inputs' signals left as they were. With a
single output and at most one hidden layer each neuron is visited once before
its own update, and a step is exactly ``-lr`` times the gradient of the cost
``C = (1 / n_out) * sum_k (sig_k - y_k)**2``; otherwise it is so only up to
terms of order ``lr``.

Nothing here imports pymlp.
"""

import random

import sympy

x = sympy.Symbol("x")

NORMAL = x
RELU = sympy.Max(0, x)
# The legacy sigmoid, decreasing in x; kept with its original sign.
LEGACY_SIGMOID = 1 / (1 + sympy.exp(x))
TANH = sympy.tanh(x)

LEGACY_LEARNING_RATE = 0.1


class LegacyNeuron:
    """One unit: its weights, bias and signal as sympy numbers.

    Parameters
    ----------
    layer : LegacyLayer
        The layer it belongs to.
    index : int
        Its position in that layer.
    f : sympy.Expr
        Its activation, an expression in ``x``.
    """

    def __init__(self, layer, index, f):
        self.layer = layer
        self.index = index
        self.f = f
        self.w = []
        self.b = sympy.Integer(0)
        self.sig = sympy.Integer(0)
        self.visits = 0

    def provide_z(self):
        """``sum_i w[i] * prev_sig[i] + b`` from the current signals."""
        z = self.b
        for w_i, neuron in zip(self.w, self.layer.previous().neurons, strict=True):
            z = z + w_i * neuron.sig
        return z

    def activate(self):
        """Set ``sig`` to ``f(z)``."""
        self.sig = self.f.subs(x, self.provide_z())

    def derivative(self):
        """``f'(z)``, differentiating ``f`` afresh as the legacy code did."""
        return sympy.diff(self.f, x).subs(x, self.provide_z())

    def back(self, predict, t=None):
        """Walk back from this neuron along every path, updating as it goes.

        Parameters
        ----------
        predict : number
            The target of the output neuron the walk started from.
        t : sympy number or None
            dC/d(this neuron's signal) along the current path; ``None`` marks
            the output neuron where the walk starts.
        """
        self.visits += 1
        if self.layer.index == 0:
            return
        lr = self.layer.system.lr

        # dC/dz along this path
        if t is None:
            n_out = len(self.layer.neurons)
            temp = 2 / n_out * (self.sig - predict) * self.derivative()
        else:
            temp = t * self.derivative()

        for i, neuron in enumerate(self.layer.previous().neurons):
            passed = temp * self.w[i]
            self.w[i] -= lr * temp * neuron.sig
            neuron.back(predict, t=passed)
        self.b -= lr * temp


class LegacyLayer:
    """A list of neurons with its position in the network."""

    def __init__(self, system, index):
        self.system = system
        self.index = index
        self.neurons = []

    def previous(self):
        """The layer before this one; layer 0 for layer 0."""
        return self.system.layers[max(self.index - 1, 0)]

    def activate(self):
        """Activate each neuron in order; layer 0 keeps its fed signals."""
        if self.index == 0:
            return
        for neuron in self.neurons:
            neuron.activate()


class LegacySystem:
    """A legacy network of ``LegacyNeuron`` objects.

    Parameters
    ----------
    sizes : sequence of int
        Widths of the layers, inputs first, e.g. ``(2, 4, 1)``.
    activations : sympy.Expr or sequence of sympy.Expr
        One activation for every layer after the inputs, or one expression
        per such layer (``len(sizes) - 1`` of them). Inputs use ``NORMAL``.
    seed : int or None
        Seed of the ``random.Random`` that draws the initial weights,
        uniform in [0.5, 1), layer by layer, neuron by neuron. Biases start
        at 0.
    lr : float, default 0.1
        Learning rate of ``back``; the legacy code had 0.1 built in.

    Examples
    --------
    >>> net = LegacySystem((2, 2, 1), LEGACY_SIGMOID, seed=0)
    >>> net.train([0.1, 0.2], [0.0])
    >>> len(net.weights()), len(net.weights()[0])
    (2, 2)
    """

    def __init__(self, sizes, activations, seed=None, lr=LEGACY_LEARNING_RATE):
        sizes = [int(size) for size in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"sizes must list at least two positive layer widths, got {sizes}"
            )
        if isinstance(activations, sympy.Basic):
            activations = [activations] * (len(sizes) - 1)
        activations = list(activations)
        if len(activations) != len(sizes) - 1:
            raise ValueError(
                f"expected one activation or {len(sizes) - 1} (one per layer "
                f"after the inputs), got {len(activations)}"
            )

        self.lr = lr
        self.layers = []
        rng = random.Random(seed)
        for index, (size, f) in enumerate(
            zip(sizes, [NORMAL, *activations], strict=True)
        ):
            layer = LegacyLayer(self, index)
            self.layers.append(layer)
            for j in range(size):
                neuron = LegacyNeuron(layer, j, f)
                if index > 0:
                    width = sizes[index - 1]
                    neuron.w = [
                        sympy.Float(rng.uniform(0.5, 1.0)) for _ in range(width)
                    ]
                layer.neurons.append(neuron)

    def feed(self, inputs):
        """Set the input signals."""
        neurons = self.layers[0].neurons
        if len(inputs) != len(neurons):
            raise ValueError(f"expected {len(neurons)} inputs, got {len(inputs)}")
        for neuron, value in zip(neurons, inputs, strict=True):
            neuron.sig = sympy.sympify(value)

    def activate(self):
        """Forward pass: activate every layer after the inputs, in order."""
        for layer in self.layers[1:]:
            layer.activate()

    def outputs(self):
        """The output signals as floats."""
        return [float(neuron.sig) for neuron in self.layers[-1].neurons]

    def fastfeed(self, inputs):
        """Feed, activate, and return the output signals as floats."""
        self.feed(inputs)
        self.activate()
        return self.outputs()

    def evaluate(self, targets):
        """Legacy cost of the current signals: mean of ``(sig_k - y_k)**2``."""
        outputs = self.outputs()
        errors = [(o - t) ** 2 for o, t in zip(outputs, targets, strict=True)]
        return sum(errors) / len(errors)

    def train(self, inputs, targets):
        """One legacy online step: feed, activate, walk back from each output."""
        self.feed(inputs)
        self.activate()
        out = self.layers[-1].neurons
        if len(targets) != len(out):
            raise ValueError(f"expected {len(out)} targets, got {len(targets)}")
        for neuron, target in zip(out, targets, strict=True):
            neuron.back(target)

    def weights(self):
        """Weights as floats: per layer after the inputs, row j = neuron j's."""
        return [
            [[float(w_i) for w_i in neuron.w] for neuron in layer.neurons]
            for layer in self.layers[1:]
        ]

    def biases(self):
        """Biases as floats: per layer after the inputs, one per neuron."""
        return [
            [float(neuron.b) for neuron in layer.neurons] for layer in self.layers[1:]
        ]

    def set_parameters(self, weights, biases):
        """Replace all weights and biases, given as ``weights()``/``biases()``."""
        for layer, rows, row_b in zip(self.layers[1:], weights, biases, strict=True):
            width = len(layer.previous().neurons)
            if len(rows) != len(layer.neurons) or len(row_b) != len(layer.neurons):
                raise ValueError(
                    f"layer {layer.index}: expected {len(layer.neurons)} rows of "
                    f"weights and biases, got {len(rows)} and {len(row_b)}"
                )
            for neuron, row, b in zip(layer.neurons, rows, row_b, strict=True):
                if len(row) != width:
                    raise ValueError(
                        f"layer {layer.index}: expected {width} weights per "
                        f"neuron, got {len(row)}"
                    )
                neuron.w = [sympy.Float(float(w_i)) for w_i in row]
                neuron.b = sympy.Float(float(b))

    def visit_counts(self):
        """How often ``back`` has entered each neuron, per layer, inputs first."""
        return [[neuron.visits for neuron in layer.neurons] for layer in self.layers]
