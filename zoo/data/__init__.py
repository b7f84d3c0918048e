"""Datasets (`datasets`) and task preparation (`tasks`: arrays and builder keywords for a model)."""

from zoo.data import datasets, tasks

__all__ = ["datasets", "tasks"]
