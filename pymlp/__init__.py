"""pymlp: fast multilayer perceptrons in numpy, activations as sympy expressions."""
