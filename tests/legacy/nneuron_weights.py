# Legacy notes, part 1 (nneuron): weights, weighted sum, activation of each neuron.
from mlp import *
from sympy import *

x = Symbol("x")
ReLU = Max(0, x)

sys = nsystem()
layer1 = sys.Add()
layer1.Add(ReLU)
hidden = sys.Add()
hidden.Add(ReLU)
hidden.Add(ReLU)
sys.feed([0.5])
for layer in (layer1, hidden):
    for n in layer.children:
        print(n.w)
        print(n.ProvideZ() + n.b)
        n.ActivateEach()
print(hidden.GetAllSig())
