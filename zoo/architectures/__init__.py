"""Architecture families; importing this package registers every builder."""

from zoo.architectures.mlp import mlp, mnist_mlp
from zoo.architectures.neurons import logistic_regression, mcculloch_pitts, neuron, perceptron

__all__ = ["logistic_regression", "mcculloch_pitts", "mlp", "mnist_mlp", "neuron", "perceptron"]
