# Legacy notes, part 1 (nsystem): add a layer, feed, activate, read the output.
from mlp import *

sys = nsystem()
layer1 = sys.Add()
sys.feed([1, 0])
sys.Activate()
result = sys.out()
print(result)
