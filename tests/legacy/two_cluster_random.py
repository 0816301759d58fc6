# Legacy notes, parts 2 and 3: the two clusters in random order, a 2-4-1
# network with ReLU hidden units and the (decreasing) legacy Sigmoid output.
# Optional argument: the seed of the random module (default 0).
import random
from sys import argv

from mlp import *

random.seed(int(argv[1]) if len(argv) > 1 else 0)
sys = nsystem()
sys.learning_rate = 0.5  # the adjustable rate the notes asked for
layers = sys.CreateLayer(3, 2)
sys.CreateNeurons(4, layers[1], ReLU, 0)
sys.CreateNeurons(1, layers[2], Sigmoid, 0)

counts = [0, 0]
for _ in range(500):
    rand = random.choice((0, 1))
    counts[rand] += 1
    if rand == 0:
        train(sys, [random.uniform(0, 0.3), random.uniform(0, 0.3)], [0])
    else:
        train(sys, [random.uniform(0.7, 1), random.uniform(0.7, 1)], [1])

print(f"train for 0 -> {counts[0]} / 1 -> {counts[1]}")
sys.fastfeed([1, 1])
print("evaluates for [1,1]", sys.evaluate([1]))
sys.fastfeed([0.1, 0.1])
print("evaluates for [0.1,0.1]", sys.evaluate([0]))
print(sys.fastfeed([0.5, 0.5]))
print(sys.fastfeed([0.1, 0.1]))
print(sys.fastfeed([0.9, 0.9]))
print(sys.fastfeed([0, 1]))
print(sys.fastfeed([33, 33]))
print(sys.ToString())
