"""Properties of the one data validation path (issue 17): `zoo.fit` and `tuning.run_search` either
train to a finite loss, or refuse with ``Received:`` before any training starts."""

import contextlib
import functools
import math
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import zoo

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HEADS = ("binary", "multiclass", "bounded", "multilabel")
BAD = (float("nan"), float("inf"), -float("inf"), 1e39)
VALID = {"binary": ["01", "unit"], "multiclass": ["012"], "bounded": ["unit"], "multilabel": ["multihot2"]}


@functools.cache
def _model(head):
    small = {"input_shape": (3,), "hidden_layers": 1, "units": 4, "seed": 0}
    kwargs = {"binary": {"task": "binary"}, "multiclass": {"task": "multiclass", "outputs": 3},
              "bounded": {"task": "regression", "bounds": (0, 1)}, "multilabel": {"task": "multilabel", "outputs": 2}}
    return zoo.mlp(**small, **kwargs[head])


@st.composite
def fit_inputs(draw):
    """Random shapes, dtypes, non-finite values and label sets, valid or not, for one of the heads."""
    head = draw(st.sampled_from(HEADS))
    n = draw(st.integers(2, 12))
    features = draw(st.sampled_from([3, 3, 3, 3, 2, 4]))
    dtype = draw(st.sampled_from(["float32", "float32", "float64", "int32", "uint8", "bool", "complex64"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = (rng.random((n, features)) * 10).astype(dtype)
    if dtype.startswith("float") and draw(st.integers(0, 2)) == 0:
        x = x.astype("float64")
        x[draw(st.integers(0, n - 1)), draw(st.integers(0, features - 1))] = draw(st.sampled_from(BAD))
    labels = draw(st.one_of(st.sampled_from(VALID[head]),  # as often labels the head can learn as any others
                            st.sampled_from(["01", "012", "0123", "neg", "unit", "wide", "onehot3", "multihot2",
                                             "nan"])))
    y = {"01": lambda: rng.integers(0, 2, n), "012": lambda: rng.integers(0, 3, n),
         "0123": lambda: rng.integers(0, 4, n), "neg": lambda: rng.integers(-1, 1, n),
         "unit": lambda: rng.random(n), "wide": lambda: rng.random(n) * 100,
         "onehot3": lambda: np.eye(3)[rng.integers(0, 3, n)], "multihot2": lambda: rng.integers(0, 2, (n, 2)),
         "nan": lambda: np.where(np.arange(n) == 0, np.nan, rng.random(n))}[labels]()
    if draw(st.integers(0, 3)) == 0:  # the wrong count now and then
        y = y[: max(1, n - draw(st.integers(0, 1)))]
    return head, x, y


@pytest.fixture
def fit_calls(monkeypatch):
    """Counts `keras.Model.fit` calls: a refusal must come with none."""
    import keras

    calls = []
    original = keras.Model.fit

    def spy(self, *args, **kwargs):
        calls.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy)
    return calls


@contextlib.contextmanager
def refusal(fit_calls):
    """Lets a refusal through when it says ``Received:`` and came before any `fit`; yields whether it came."""
    refused = []
    try:
        yield refused
    except (ValueError, TypeError) as err:
        assert "Received:" in str(err), str(err)
        assert not fit_calls, f"refused after training started: {err}"
        event("refused")
        refused.append(err)


@SETTINGS
@given(fit_inputs())
def test_fit_trains_to_a_finite_loss_or_refuses_before_any_work(fit_calls, case):
    head, x, y = case
    fit_calls.clear()
    with refusal(fit_calls) as refused:
        history = zoo.fit(_model(head), x, y, epochs=1, batch_size=4, verbose=0)
    if refused:
        return
    event("trained")
    assert fit_calls
    assert all(math.isfinite(v) for v in history.history["loss"]), (head, x, y, history.history)


@functools.cache
def _hypermodel(head):
    import tuning

    kwargs = {"binary": {"task": "binary"}, "multiclass": {"task": "multiclass", "outputs": 3},
              "bounded": {"task": "regression", "bounds": (0, 1)}, "multilabel": {"task": "multilabel", "outputs": 2}}
    return tuning.MLPHyperModel(input_shape=(3,), hidden_layers=1, seed=0, **kwargs[head])


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(fit_inputs())
def test_run_search_trains_to_a_finite_score_or_refuses_before_the_first_trial(fit_calls, case):
    import tuning

    head, x, y = case
    fit_calls.clear()
    with tempfile.TemporaryDirectory() as folder:
        tuner = tuning.make_tuner("random", _hypermodel(head), max_trials=1, directory=folder, overwrite=True,
                                  objective="val_loss", prune=False)
        with refusal(fit_calls) as refused:
            result = tuning.run_search(tuner, np.concatenate([x, x]) if len(x) == len(y) else x,
                                       np.concatenate([y, y]) if len(x) == len(y) else y,
                                       epochs=1, batch_size=4, validation_split=0.5)
    if refused:
        return
    event("searched")
    assert [t["status"] for t in result.trials] == ["COMPLETED"], result.trials
    assert result.best_score is not None and math.isfinite(result.best_score), result.trials
