"""Every invalid argument is refused with its name and the received value, before any layer exists."""

import numpy as np
import pytest

import zoo
from zoo.heads import head_for

CASES = [
    # (builder, kwargs, exception, argument named in the message)
    ("mlp", dict(task="clustering"), ValueError, "task"),
    ("mlp", dict(task="multiclass"), ValueError, "outputs"),
    ("mlp", dict(task="multiclass", outputs=1), ValueError, "outputs"),
    ("mlp", dict(task="binary", outputs=3), ValueError, "outputs"),
    ("mlp", dict(task="multilabel", outputs=1), ValueError, "outputs"),
    ("mlp", dict(task="multiclass", outputs=3.5), TypeError, "outputs"),
    ("mlp", dict(input_shape=(0, 3)), ValueError, "input_shape"),
    ("mlp", dict(input_shape=(None, 3)), ValueError, "input_shape"),
    ("mlp", dict(input_shape="30"), TypeError, "input_shape"),
    ("mlp", dict(hidden_layers=0), ValueError, "hidden_layers"),
    ("mlp", dict(hidden_layers=2.0), TypeError, "hidden_layers"),
    ("mlp", dict(hidden_layers=3, units=(64, 32)), ValueError, "units"),
    ("mlp", dict(units=0), ValueError, "units"),
    ("mlp", dict(units="wide"), TypeError, "units"),
    ("mlp", dict(activation="softmax"), ValueError, "activation"),
    ("mlp", dict(activation="swish_typo"), ValueError, "activation"),
    ("mlp", dict(dropout=1.0), ValueError, "dropout"),
    ("mlp", dict(dropout=-0.1), ValueError, "dropout"),
    ("mlp", dict(optimizer="adamm"), ValueError, "optimizer"),
    ("mlp", dict(optimizer=42), TypeError, "optimizer"),
    ("mlp", dict(learning_rate=0.0), ValueError, "learning_rate"),
    ("mlp", dict(learning_rate=float("nan")), ValueError, "learning_rate"),
    ("mlp", dict(task="multiclass", outputs=3, label_format="onehot"), ValueError, "label_format"),
    ("mlp", dict(task="regression", bounds=(5, 1)), ValueError, "bounds"),
    ("mlp", dict(task="regression", bounds="negative"), ValueError, "bounds"),
    ("mlp", dict(task="binary", bounds=(0, 1)), ValueError, "bounds"),
    ("mlp", dict(task="regression", outliers="l1"), ValueError, "outliers"),
    ("mlp", dict(compile="yes"), TypeError, "compile"),
    ("mlp", dict(seed=-1), ValueError, "seed"),
    ("mlp", dict(name=""), ValueError, "name"),
    ("mlp", dict(name=3), TypeError, "name"),
    ("mlp", dict(strategy="gpu"), TypeError, "strategy"),
    ("neuron", dict(input_shape=(4,)), ValueError, "weights"),
    ("neuron", dict(activation="softmax"), ValueError, "activation"),
    ("neuron", dict(bias="high"), TypeError, "bias"),
    ("neuron", dict(weights=[0.5, "x", 0.8]), TypeError, "weights"),
    ("neuron", dict(weights="abc"), TypeError, "weights"),
    ("neuron", dict(input_shape=(2, 2)), ValueError, "input_shape"),
    ("mcculloch_pitts", dict(threshold=3), ValueError, "threshold"),
    ("mcculloch_pitts", dict(threshold=-1), ValueError, "threshold"),
    ("perceptron", dict(learning_rate=-1.0), ValueError, "learning_rate"),
    ("logistic_regression", dict(task="regression"), ValueError, "task"),
    ("mnist_mlp", dict(outputs=1), ValueError, "outputs"),
]


@pytest.fixture
def no_layers(monkeypatch):
    """Fails the test if a builder creates an input or a layer before raising."""
    import keras

    def boom(*args, **kwargs):
        raise AssertionError("a layer was built before the arguments were validated")

    for attr in ("Input",):
        monkeypatch.setattr(keras, attr, boom)
    monkeypatch.setattr(keras.layers, "Dense", boom)


@pytest.mark.parametrize("name, kwargs, exc, argument", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_invalid_argument_is_refused_clearly(name, kwargs, exc, argument, no_layers):
    with pytest.raises(exc) as info:
        zoo.build(name, **kwargs)
    message = str(info.value)
    assert f"`{argument}`" in message
    assert "Received: " in message


def test_there_are_at_least_fifteen_distinct_cases():
    assert len({(c[0], c[3], repr(c[1])) for c in CASES}) >= 15


def test_unknown_model_name_suggests_the_closest():
    with pytest.raises(ValueError, match=r"Did you mean 'mlp'.*Received: name='mpl'"):
        zoo.build("mpl")
    with pytest.raises(ValueError, match="Registered models: .*perceptron"):
        zoo.describe("zzz")


def test_learning_rate_with_an_optimizer_object_is_refused():
    import keras

    with pytest.raises(ValueError, match="learning_rate"):
        zoo.mlp(optimizer=keras.optimizers.SGD(), learning_rate=0.1)
    assert float(zoo.mlp(optimizer=keras.optimizers.SGD(0.1), learning_rate=None).optimizer.learning_rate) == pytest.approx(0.1)


def test_head_for_refuses_unknown_task_and_outputs():
    with pytest.raises(ValueError, match="Received: task='ordinal'"):
        head_for("ordinal")
    with pytest.raises(TypeError, match="Received: outputs='3'"):
        head_for("multiclass", "3")


@pytest.mark.parametrize("kwargs, argument", [(dict(bounds=(0, 1)), "bounds"), (dict(outliers=True), "outliers")])
def test_regression_only_arguments_are_named_on_other_tasks(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}` applies to task='regression' only"):
        head_for("binary", **kwargs)
