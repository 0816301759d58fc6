# Legacy notes, part 2 (learning rate): one cluster after the other, ReLU output.
import random

import mlp

random.seed(2)
sys = mlp.nsystem()
layers = sys.CreateLayer(3, 2)
sys.CreateNeurons(2, layers[1], mlp.ReLU, 0)
sys.CreateNeurons(1, layers[2], mlp.ReLU, 0)

for _ in range(500):
    mlp.train(sys, [random.uniform(0, 0.3), random.uniform(0, 0.3)], [0])
for _ in range(500):
    mlp.train(sys, [random.uniform(0.7, 1), random.uniform(0.7, 1)], [1])

print(sys.fastfeed([0.5, 0.5]))
print(sys.fastfeed([0.1, 0.1]))
print(sys.fastfeed([1, 1]))
print(sys.ToString())
