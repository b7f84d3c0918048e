"""Architecture families; importing this package registers every builder."""

from zoo.models.convolutional import cnn
from zoo.models.dense import mlp, mnist_mlp
from zoo.models.neurons import logistic_regression, mcculloch_pitts, neuron, perceptron
from zoo.models.recurrent import lstm, simple_rnn
from zoo.models.transfer import fine_tune, transfer

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
