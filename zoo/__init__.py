"""keras-zoo: compiled, tunable Keras 3 models for the classic neural-network architectures.

``import zoo`` registers every builder without importing Keras or TensorFlow; Keras is
imported when the first model is built.
"""

from zoo import datasets, diagrams, pipeline, plots, training
from zoo.architectures import (
    cnn,
    fine_tune,
    logistic_regression,
    lstm,
    mcculloch_pitts,
    mlp,
    mnist_mlp,
    neuron,
    perceptron,
    simple_rnn,
    transfer,
)
from zoo.distribute import get_distribution, get_strategy
from zoo.pipeline import fit
from zoo.heads import TASKS, Head, Task, head_for, infer_head
from zoo.initializers import initializer_for
from zoo.registry import build, describe, list_models, register
from zoo.saving import load_model, save_model
from zoo.training import train

__version__ = "0.1.0"

__all__ = [
    "TASKS",
    "Head",
    "Task",
    "build",
    "cnn",
    "datasets",
    "fine_tune",
    "fit",
    "describe",
    "diagrams",
    "get_distribution",
    "get_strategy",
    "head_for",
    "infer_head",
    "initializer_for",
    "list_models",
    "load_model",
    "logistic_regression",
    "lstm",
    "mcculloch_pitts",
    "mlp",
    "mnist_mlp",
    "neuron",
    "perceptron",
    "pipeline",
    "plots",
    "register",
    "save_model",
    "simple_rnn",
    "train",
    "training",
    "transfer",
]
