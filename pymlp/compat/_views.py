"""``WeightView``: a legacy neuron's ``w``, addressed through its network.

A view holds only its neuron. Every read and write asks the neuron for its
row of the current weight matrix, so the view stays correct after the
network grows and its parameter buffer is reallocated.
"""

import numpy as np

__all__ = ["WeightView"]


class WeightView:
    """The weights of one legacy neuron, live in the network's weight matrix.

    ``w[i]`` multiplies the signal of neuron ``i`` of the previous layer; it
    is ``network.layers[k - 1].weights[j, i]`` for neuron ``j`` of legacy
    layer ``k``. The view indexes, assigns, iterates, prints and compares like
    a list of floats, and ``w[i] -= step`` or ``w -= steps`` change the
    matrix in place. ``numpy.asarray(w)`` is the row itself (a view), valid
    until the network next grows.

    Examples
    --------
    >>> from pymlp.compat import nsystem, ReLU
    >>> net = nsystem(seed=0)
    >>> inputs = net.CreateLayer(2, 2)[0]
    >>> neuron = net.children[1].Add(ReLU)
    >>> neuron.w[1] = 0.25
    >>> float(net.network.layers[0].weights[0, 1])
    0.25
    """

    __slots__ = ("_neuron",)
    __hash__ = None

    def __init__(self, neuron):
        self._neuron = neuron

    def _row(self):
        return self._neuron._weight_row()

    def tolist(self):
        """The weights as a list of Python floats."""
        return self._row().tolist()

    def __len__(self):
        return self._row().size

    def __getitem__(self, index):
        return self._row()[index].tolist()

    def __setitem__(self, index, value):
        self._row()[index] = value

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self):
        return repr(self.tolist())

    def __eq__(self, other):
        if isinstance(other, WeightView):
            return self.tolist() == other.tolist()
        if isinstance(other, np.ndarray):
            return self.tolist() == other.tolist()
        if isinstance(other, (list, tuple)):
            return self.tolist() == list(other)
        return NotImplemented

    def __array__(self, dtype=None, copy=None):
        row = self._row()
        if dtype is not None and row.dtype != dtype:
            return row.astype(dtype)
        return row.copy() if copy else row

    # in-place arithmetic on the whole row: ``n.w -= steps``

    def __iadd__(self, other):
        self._row()[...] += np.asarray(other)
        return self

    def __isub__(self, other):
        self._row()[...] -= np.asarray(other)
        return self

    def __imul__(self, other):
        self._row()[...] *= np.asarray(other)
        return self

    def __itruediv__(self, other):
        self._row()[...] /= np.asarray(other)
        return self
