# Legacy notes, part 1 (nlayer): neurons with a given activation, their signals.
from mlp import *
from sympy import *

x = Symbol("x")
ReLU = Max(0, x)

sys = nsystem()
layer1 = sys.Add()
layer1.Add(ReLU)
print(layer1.GetAllSig())
print(layer1.ProvidePrevSig())
