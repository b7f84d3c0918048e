"""keras-zoo's tuning side: a KerasTuner hypermodel for every trainable architecture.

Hypermodels call the zoo's builders (they never copy their layers); `make_tuner` and
`run_search` wrap KerasTuner's tuners with checks made before the first trial, a trial
table written after every trial, and results returned as data.
"""

from tuning.hypermodels import (
    HYPERMODELS,
    TUNABLE,
    CNNHyperModel,
    LogisticRegressionHyperModel,
    LSTMHyperModel,
    MLPHyperModel,
    MNISTMLPHyperModel,
    SimpleRNNHyperModel,
    TransferHyperModel,
    ZooHyperModel,
    hypermodel,
)
from tuning.plots import plot_trials
from tuning.search import SearchResult, make_tuner, run_search, stepped_learning_rate

__all__ = [
    "HYPERMODELS",
    "TUNABLE",
    "CNNHyperModel",
    "LSTMHyperModel",
    "LogisticRegressionHyperModel",
    "MLPHyperModel",
    "MNISTMLPHyperModel",
    "SearchResult",
    "SimpleRNNHyperModel",
    "TransferHyperModel",
    "ZooHyperModel",
    "hypermodel",
    "make_tuner",
    "plot_trials",
    "run_search",
    "stepped_learning_rate",
]
