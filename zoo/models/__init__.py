"""What a model is: heads, initializers, custom layers, preprocessing, size budget, saving, and one
module per architecture family (a trunk with thin registered variants). Importing this package
registers every builder.
"""

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
