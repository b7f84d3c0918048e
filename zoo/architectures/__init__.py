"""Architecture families; importing this package registers every builder."""

from zoo.architectures.convolutional import cnn
from zoo.architectures.mlp import mlp, mnist_mlp
from zoo.architectures.neurons import logistic_regression, mcculloch_pitts, neuron, perceptron
from zoo.architectures.recurrent import lstm, simple_rnn
from zoo.architectures.transfer import fine_tune, transfer

__all__ = [
    "cnn",
    "fine_tune",
    "logistic_regression",
    "lstm",
    "mcculloch_pitts",
    "mlp",
    "mnist_mlp",
    "neuron",
    "perceptron",
    "simple_rnn",
    "transfer",
]
