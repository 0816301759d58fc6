# Legacy notes, part 4: two output neurons, each with its own target. The
# legacy walk trained only one of them; the exact step trains both.
# Optional argument: the seed of the random module (default 0).
import random
from sys import argv

import mlp

random.seed(int(argv[1]) if len(argv) > 1 else 0)
sys = mlp.nsystem()
sys.learning_rate = 0.5
layers = sys.CreateLayer(3, 2)
sys.CreateNeurons(4, layers[1], mlp.ReLU, 0)
sys.CreateNeurons(2, layers[2], mlp.Sigmoid, 0)

LOW, HIGH = [0, 1], [1, 0]
for _round in range(2):
    counts = [0, 0]
    for _ in range(500):
        rand = random.choice((0, 1))
        counts[rand] += 1
        if rand == 0:
            mlp.train(sys, [random.uniform(0, 0.3), random.uniform(0, 0.3)], LOW)
        else:
            mlp.train(sys, [random.uniform(0.7, 1), random.uniform(0.7, 1)], HIGH)
    print(f"train for 0 -> {counts[0]} / 1 -> {counts[1]}")
    sys.fastfeed([1, 1])
    print("evaluates for [1,1]", sys.evaluate(HIGH))
    sys.fastfeed([0.1, 0.1])
    print("evaluates for [0.1,0.1]", sys.evaluate(LOW))

print(sys.fastfeed([0.5, 0.5]), "([0.5,0.5])")
print(sys.fastfeed([0.1, 0.1]), "([0.1,0.1])")
print(sys.fastfeed([0.9, 0.9]), "([0.9,0.9])")
print(sys.fastfeed([0, 1]), "[0,1]")
print(sys.fastfeed([33, 33]), "[33,33]")
