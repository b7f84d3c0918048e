"""keras-zoo: compiled, tunable Keras 3 models for the classic neural-network architectures.

``import zoo`` registers every builder without importing Keras or TensorFlow; Keras is
imported when the first model is built.
"""

from zoo import training
from zoo.data import datasets
from zoo.models import (
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
from zoo.models.export import export
from zoo.models.heads import TASKS, Head, head_for, infer_head
from zoo.models.initializers import initializer_for
from zoo.models.saving import load_model, save_model
from zoo.registry import build, describe, list_models, register
from zoo.runtime.distribute import get_distribution, get_strategy
from zoo.training import pipeline
from zoo.training.job import train
from zoo.training.pipeline import fit
from zoo.viz import diagrams, plots

__version__ = "0.1.0"


__all__ = [
    "TASKS",
    "Head",
    "build",
    "cnn",
    "datasets",
    "fine_tune",
    "fit",
    "describe",
    "diagrams",
    "export",
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
