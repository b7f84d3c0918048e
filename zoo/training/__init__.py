"""How a model learns: the input pipeline and `fit`, target checks, the multi-worker loop, `train`."""

from zoo.training.job import TrainResult, train
from zoo.training.pipeline import dataset, fit, split_validation

__all__ = ["TrainResult", "dataset", "fit", "split_validation", "train"]
