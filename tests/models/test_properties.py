"""Property-based tests of the head rules and validation (Hypothesis, issue 8)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import zoo
from zoo.models.heads import Head, infer_head

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

targets = st.one_of(
    hnp.arrays(np.int64, st.integers(1, 40), elements=st.integers(-3, 12)),
    hnp.arrays(np.int64, st.tuples(st.integers(1, 30), st.integers(1, 5)), elements=st.integers(0, 1)),
    hnp.arrays(np.float64, st.integers(1, 40), elements=st.one_of(st.floats(-1e6, 1e6), st.just(float("nan")))),
    hnp.arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 4)),
               elements=st.floats(0, 1, allow_nan=False)),
    hnp.arrays(np.bool_, st.integers(1, 30)),
    hnp.arrays(np.float32, st.tuples(st.integers(1, 10), st.integers(1, 3), st.integers(1, 2))),
)


def _assert_consistent(head: Head, y: np.ndarray) -> None:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    assert head.reason, "every inferred head says why"
    values = np.unique(y.astype(np.float64))
    if head.task == "binary":
        assert y.ndim == 1 and set(values.tolist()) == {0.0, 1.0} and head.units == 1
    elif head.task == "multiclass" and head.label_format == "sparse":
        assert y.ndim == 1 and np.all(values == np.round(values)) and values.min() == 0
        assert head.units == int(values.max()) + 1 >= 2
    elif head.task == "multiclass":
        assert y.ndim == 2 and head.units == y.shape[1] and np.allclose(y.sum(axis=1), 1, atol=1e-6)
    elif head.task == "multilabel":
        assert y.ndim == 2 and head.units == y.shape[1] and set(values.tolist()) <= {0.0, 1.0}
        assert np.any(y.sum(axis=1) > 1), "rows with at most one 1 are never called multilabel"
    else:
        assert head.task == "regression" and np.all(np.isfinite(y))
        assert head.units == (1 if y.ndim == 1 else y.shape[1])
        assert not np.all(values == np.round(values)), "whole-number floats are never guessed as regression"


@SETTINGS
@given(targets)
def test_infer_head_is_consistent_with_the_data_or_refuses(y):
    try:
        head = infer_head(y)
    except (ValueError, TypeError) as error:
        assert "Received:" in str(error) and "`y`" in str(error)
        return
    _assert_consistent(head, y)


mlp_arguments = st.fixed_dictionaries({}, optional={
    "input_shape": st.one_of(st.tuples(st.integers(-1, 6)), st.tuples(st.integers(1, 3), st.integers(0, 3)),
                             st.just(()), st.just("4")),
    "task": st.sampled_from(["binary", "multiclass", "multilabel", "regression", "clustering", None]),
    "outputs": st.one_of(st.none(), st.integers(-1, 5), st.floats(0, 4), st.just("3")),
    "hidden_layers": st.one_of(st.integers(-1, 3), st.just(2.0)),
    "units": st.one_of(st.integers(-1, 16), st.tuples(st.integers(0, 8), st.integers(0, 8))),
    "dropout": st.one_of(st.floats(-0.5, 1.5), st.just(float("nan")), st.just("0.1")),
    "activation": st.sampled_from(["relu", "tanh", "sigmoid", "softmax", "nope"]),
    "bounds": st.one_of(st.none(), st.just("positive"),
                        st.tuples(st.one_of(st.none(), st.floats(-1e39, 1e39)),
                                  st.one_of(st.none(), st.floats(-1e39, 1e39)))),
    "label_format": st.sampled_from(["sparse", "one_hot", "onehot"]),
    "seed": st.one_of(st.none(), st.integers(-2, 2**65)),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mlp_arguments)
def test_mlp_builds_a_model_matching_its_head_or_refuses(kwargs):
    try:
        model = zoo.mlp(**kwargs, compile=False)
    except (ValueError, TypeError) as error:
        assert "Received:" in str(error), str(error)
        return
    head_layer = model.get_layer("head")
    task = kwargs.get("task", "binary")
    assert model.output_shape[-1] == head_layer.units
    activation = head_layer.get_config()["activation"]
    if task == "multiclass":
        assert activation == "softmax" and head_layer.units >= 2
    elif task in ("binary", "multilabel"):
        assert activation == "sigmoid"
    else:
        assert activation in ("linear", "softplus", "sigmoid", "tanh")
    out = model.predict(np.zeros((2, *model.input_shape[1:]), "float32"), verbose=0)
    assert np.all(np.isfinite(out)), "a built model never predicts NaN or inf"
