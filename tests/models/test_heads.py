"""The head-rule table of DESIGN.md / seed 001, row by row, and infer_head on every target kind."""

import dataclasses

import numpy as np
import pytest

import zoo
from zoo.models.heads import Head, head_for, infer_head


@pytest.mark.parametrize(
    "kwargs, units, activation, loss, metrics, rescale",
    [
        (dict(task="binary"), 1, "sigmoid", "binary_crossentropy", ("accuracy", "auc"), None),
        (dict(task="multilabel", outputs=4), 4, "sigmoid", "binary_crossentropy",
         ("binary_accuracy", "multilabel_auc"), None),
        (dict(task="multiclass", outputs=3), 3, "softmax", "sparse_categorical_crossentropy", ("accuracy",), None),
        (dict(task="multiclass", outputs=3, label_format="one_hot"), 3, "softmax",
         "categorical_crossentropy", ("accuracy",), None),
        (dict(task="regression"), 1, "linear", "mean_squared_error", ("mae", "rmse"), None),
        (dict(task="regression", outputs=2, outliers=True), 2, "linear", "huber", ("mae", "rmse"), None),
        (dict(task="regression", outliers="mae"), 1, "linear", "mean_absolute_error", ("mae", "rmse"), None),
        (dict(task="regression", bounds="positive"), 1, "softplus", "mean_squared_error", ("mae", "rmse"), None),
        (dict(task="regression", bounds=(2, None)), 1, "softplus", "mean_squared_error", ("mae", "rmse"), (1.0, 2.0)),
        (dict(task="regression", bounds=(None, 3)), 1, "softplus", "mean_squared_error", ("mae", "rmse"), (-1.0, 3.0)),
        (dict(task="regression", bounds=(0, 1)), 1, "sigmoid", "mean_squared_error", ("mae", "rmse"), None),
        (dict(task="regression", bounds=(-1, 1)), 1, "tanh", "mean_squared_error", ("mae", "rmse"), None),
        (dict(task="regression", bounds=(10, 20)), 1, "sigmoid", "mean_squared_error", ("mae", "rmse"), (10.0, 10.0)),
    ],
)
def test_head_table(kwargs, units, activation, loss, metrics, rescale):
    head = head_for(**kwargs)
    assert (head.task, head.units, head.activation, head.loss, head.metrics, head.rescale) == (
        kwargs["task"], units, activation, loss, metrics, rescale)


def test_head_is_frozen():
    head = head_for("binary")
    with pytest.raises(dataclasses.FrozenInstanceError):
        head.units = 2


def test_activation_and_loss_must_agree():
    # Seed 000's PyTorch model: softmax output fed to a loss that applies softmax again.
    with pytest.raises(ValueError, match="must agree with task='multiclass' and loss='sparse_categorical_crossentropy'"):
        Head("multiclass", 10, "linear", "sparse_categorical_crossentropy", ("accuracy",))
    with pytest.raises(ValueError, match="must agree"):
        Head("binary", 1, "softmax", "binary_crossentropy", ("accuracy",))


@pytest.mark.parametrize("bounds", [(0.0, 5.0), (-3.0, 2.0), (2.0, None), (None, -1.0), (-1, 1)])
def test_bounded_regression_output_stays_in_bounds(bounds):
    model = zoo.mlp(input_shape=(3,), task="regression", bounds=bounds, seed=0)
    x = np.random.default_rng(0).normal(scale=100.0, size=(256, 3)).astype("float32")
    y = model.predict(x, verbose=0)
    low, high = bounds
    if low is not None:
        assert y.min() >= low
    if high is not None:
        assert y.max() <= high
    assert y.max() - y.min() > 0


def test_compiled_model_uses_the_head():
    model = zoo.mlp(input_shape=(4,), task="multiclass", outputs=3, label_format="one_hot")
    assert model.loss == "categorical_crossentropy"
    assert model.get_layer("head").activation.__name__ == "softmax"
    assert model.output_shape == (None, 3)


@pytest.mark.parametrize("builder", ["mlp", "logistic_regression"])
def test_a_head_can_be_passed_as_task(builder):
    head = infer_head(np.array([[0, 1, 1], [1, 0, 0], [1, 1, 0]]))
    model = zoo.build(builder, input_shape=(4,), task=head)
    assert model.output_shape == (None, 3) and model.loss == "binary_crossentropy"


def test_logistic_regression_refuses_a_regression_head():
    with pytest.raises(ValueError, match="Received: task='regression'"):
        zoo.logistic_regression(task=head_for("regression"))


# --- infer_head --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "y, task, units, loss",
    [
        (np.array([0, 1, 1, 0]), "binary", 1, "binary_crossentropy"),
        (np.array([0.0, 1.0, 1.0]), "binary", 1, "binary_crossentropy"),
        (np.array([True, False]), "binary", 1, "binary_crossentropy"),
        (np.array([[0], [1], [1]]), "binary", 1, "binary_crossentropy"),
        (np.array([0, 2, 1, 2]), "multiclass", 3, "sparse_categorical_crossentropy"),
        (np.eye(4)[[0, 1, 2, 3, 1]], "multiclass", 4, "categorical_crossentropy"),
        (np.array([[1, 0, 1], [0, 0, 1], [1, 1, 0]]), "multilabel", 3, "binary_crossentropy"),
        (np.array([0.5, 1.7, -2.25]), "regression", 1, "mean_squared_error"),
        (np.array([[0.5, 1.0], [1.7, 2.5]]), "regression", 2, "mean_squared_error"),
    ],
)
def test_infer_head(y, task, units, loss):
    head = infer_head(y)
    assert (head.task, head.units, head.loss) == (task, units, loss)
    assert task in head.reason


def test_infer_head_reports_missing_class_ids_and_positive_targets():
    assert "never appear" in infer_head(np.array([0, 3, 3, 1])).reason
    assert "bounds='positive'" in infer_head(np.array([0.5, 2.5])).reason


@pytest.mark.parametrize(
    "y, match",
    [
        (np.array([1.0, np.nan, 0.0]), "NaN"),
        (np.array([1, 1, 1]), "only one class"),
        (np.array([0, 0]), "only one class"),
        (np.array([-1, 0, 2]), "class ids must be >= 0"),
        (np.array([1, "a", 2.0], dtype=object), "mixed or string"),
        (np.array(["cat", "dog"]), "mixed or string"),
        (np.array([1.0, 2.0, 3.0]), "task='multiclass'"),
        (np.array([]), "empty"),
        (np.zeros((2, 2, 2)), "1-D or 2-D"),
        (np.array([[1, 0], [1, 0]]), "only one class"),
        (np.array([[3, 4], [5, 6]]), "2-D integer"),
    ],
)
def test_infer_head_refuses_ambiguous_or_invalid_targets(y, match):
    with pytest.raises(ValueError, match=match) as info:
        infer_head(y)
    assert "Received: y with shape=" in str(info.value)


@pytest.mark.parametrize(
    "activation, cls",
    [("sigmoid", "GlorotUniform"), ("tanh", "GlorotUniform"), ("softmax", "GlorotUniform"),
     ("linear", "GlorotUniform"), ("relu", "HeNormal"), ("leaky_relu", "HeNormal"),
     ("elu", "HeNormal"), ("selu", "LecunNormal")],
)
def test_initializer_for(activation, cls):
    assert type(zoo.initializer_for(activation)).__name__ == cls


@pytest.mark.parametrize("activation, cls", [("relu", "HeNormal"), ("selu", "LecunNormal"), ("tanh", "GlorotUniform")])
def test_recurrent_kernels_use_the_activations_initializer(activation, cls):
    model = zoo.simple_rnn(activation=activation)
    assert type(model.get_layer("simple_rnn_1").cell.kernel_initializer).__name__ == cls


@pytest.mark.parametrize("activation, cls", [("relu", "HeNormal"), ("selu", "LecunNormal"), ("tanh", "GlorotUniform")])
def test_hidden_layers_use_the_activations_initializer(activation, cls):
    model = zoo.mlp(input_shape=(3,), activation=activation, dropout=0.1)
    assert type(model.get_layer("dense_1").kernel_initializer).__name__ == cls
    dropout = type(model.get_layer("dropout_1")).__name__
    assert dropout == ("AlphaDropout" if activation == "selu" else "Dropout")


@pytest.mark.parametrize("bounds", [(-1e38, 1e38), (0, 3e38), (-3e38, None), (None, 3e38)])
def test_bounds_near_the_float32_limit_still_predict_finite_values(bounds):
    model = zoo.mlp((3,), task="regression", bounds=bounds, seed=0)
    out = model.predict(np.linspace(-50, 50, 12, dtype="float32").reshape(4, 3), verbose=0)
    assert np.all(np.isfinite(out))
    low, high = (-np.inf if bounds[0] is None else bounds[0]), (np.inf if bounds[1] is None else bounds[1])
    assert np.all((out >= low) & (out <= high))


def test_unbounded_regression_heads_are_rescaled_to_the_targets():
    from zoo.data.tasks import prepare

    data = prepare("mlp", "diabetes", seed=0)
    scale, offset = data.head.rescale
    assert scale == pytest.approx(float(np.std(data.y_train)), rel=1e-6)
    assert offset == pytest.approx(float(np.mean(data.y_train)), rel=1e-6)
    assert "rescaled" in data.head.reason
    model = zoo.mlp(**data.builder_kwargs, seed=0)
    untrained = model.predict(data.x_test, verbose=0).ravel()
    assert abs(untrained.mean() - offset) < scale, "an untrained model already predicts at the targets' scale"
    assert prepare("mlp", "breast_cancer").head.rescale is None
