"""The default heads learn real scikit-learn datasets (bundled: no download)."""

import numpy as np
import pytest

import zoo
from zoo.data import datasets


@pytest.mark.slow
def test_breast_cancer_binary_head_learns():
    (x, y), (xt, yt) = datasets.breast_cancer()
    model = zoo.mlp(input_shape=x.shape[1:], task=zoo.infer_head(y), seed=0)
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    scores = model.evaluate(xt, yt, verbose=0, return_dict=True)
    assert scores["accuracy"] >= 0.93 and scores["auc"] >= 0.95


@pytest.mark.slow
def test_iris_multiclass_head_learns():
    (x, y), (xt, yt) = datasets.iris()
    model = zoo.mlp(input_shape=(4,), task="multiclass", outputs=3, seed=0)
    model.fit(x, y, epochs=60, batch_size=16, verbose=0)
    assert model.evaluate(xt, yt, verbose=0, return_dict=True)["accuracy"] >= 0.9


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_diabetes_regression_head_beats_the_mean(seed):
    import keras

    keras.utils.set_random_seed(seed)  # fit's shuffling; the test owns the global state
    (x, y), (xt, yt) = datasets.diabetes()
    model = zoo.mlp(input_shape=(10,), task="regression", hidden_layers=1, units=16,
                    learning_rate=5e-2, seed=seed)
    stop = keras.callbacks.EarlyStopping(patience=20, restore_best_weights=True)
    model.fit(x, y, epochs=300, batch_size=32, validation_split=0.2, callbacks=[stop], verbose=0)
    mse = model.evaluate(xt, yt, verbose=0, return_dict=True)["loss"]
    baseline = float(np.mean((yt - y.mean()) ** 2))  # predicting the training mean
    assert mse < 0.8 * baseline


def test_fast_compile_defaults_give_the_plain_compile_loss_every_epoch():
    import keras

    from zoo.runtime.compile import compile_defaults

    rng = np.random.default_rng(0)
    x = rng.random((200, 28, 28)).astype("float32")
    y = rng.integers(0, 10, 200)
    histories, epoch_logs = [], []
    for fast in (True, False):
        model = zoo.mnist_mlp(seed=0, compile=fast)
        if not fast:
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                          jit_compile=False)
        assert model.steps_per_execution == (compile_defaults()["steps_per_execution"] if fast else 1)
        seen = []
        logger = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs["loss"]))
        keras.utils.set_random_seed(0)
        # Through the zoo's pipeline, as zoo.train feeds it: the same seeded order both ways.
        histories.append(zoo.fit(model, x, y, epochs=3, batch_size=16, verbose=0, callbacks=[logger]).history)
        epoch_logs.append(seen)
    fast, plain = histories
    assert compile_defaults()["steps_per_execution"] > 1
    np.testing.assert_allclose(fast["loss"], plain["loss"], rtol=1e-5)
    np.testing.assert_allclose(fast["accuracy"], plain["accuracy"], rtol=1e-6)
    assert epoch_logs[0] == fast["loss"] and len(epoch_logs[0]) == 3


def test_xla_is_chosen_per_fit_call_by_its_length_and_never_for_convolutions_on_a_cpu(monkeypatch):
    import keras
    import tensorflow as tf

    from zoo.runtime import compile as zoo_compile

    if keras.backend.backend() != "tensorflow" or tf.config.list_logical_devices("GPU"):
        pytest.skip("jit_compile is the zoo's choice on a TensorFlow CPU only")
    mlp, rnn = zoo.mnist_mlp(), zoo.simple_rnn(input_shape=(5, 2))
    cnn, lstm = zoo.cnn(input_shape=(12, 12, 1), outputs=3), zoo.lstm(input_shape=(5, 2), task="binary")
    assert [m.jit_compile for m in (mlp, rnn, cnn, lstm)] == [False] * 4  # built without: most fits are short
    many = zoo_compile.XLA_MIN_STEPS
    assert zoo_compile.use_xla(mlp, many) and zoo_compile.use_xla(rnn, many)
    assert not zoo_compile.use_xla(mlp, many - 1)
    assert not zoo_compile.use_xla(cnn, 10 * many)  # 2-3x slower with XLA on CPU
    assert not zoo_compile.use_xla(lstm, 10 * many)  # its fused kernel: as fast without XLA, and no compile

    x = np.random.default_rng(0).random((64, 28, 28)).astype("float32")
    y = np.arange(64) % 10
    zoo.fit(mlp, x, y, batch_size=32, epochs=2, verbose=0)  # 4 steps
    assert mlp.jit_compile is False
    monkeypatch.setattr(zoo_compile, "XLA_MIN_STEPS", 4)
    first = mlp.train_function
    zoo.fit(mlp, x, y, batch_size=32, epochs=2, verbose=0)
    assert mlp.jit_compile is True and mlp.train_function is not first  # made again with XLA
    zoo.fit(mlp, x, y, batch_size=32, epochs=1, verbose=0, jit_compile=False)
    assert mlp.jit_compile is False
    with pytest.raises(ValueError, match=r'jit_compile. must be "auto", True or False.*yes'):
        zoo.fit(mlp, x, y, jit_compile="yes")
    with pytest.raises(TypeError, match=r"jit_compile.*Received: jit_compile=array"):
        zoo.fit(mlp, x, y, jit_compile=np.array([1, 2]))
    zoo.fit(mlp, x, y, batch_size=32, epochs=1, verbose=0, jit_compile=True)
    monkeypatch.setattr(zoo_compile, "XLA_MIN_STEPS", 3)
    zoo.fit(mlp, x, y, batch_size=32, epochs=2, steps_per_epoch=1, verbose=0)  # 2 steps, not 4
    assert mlp.jit_compile is False
    # A model compiled by its user keeps the user's setting, even a zoo model compiled again.
    mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=True)
    assert zoo_compile.use_xla(mlp, 1) is None
    zoo.fit(mlp, x, y, batch_size=32, epochs=1, verbose=0)
    assert mlp.jit_compile is True

    # Where Keras refuses XLA (op determinism, for one) the step functions are not made again.
    from keras.src.trainers import trainer as keras_trainer

    monkeypatch.setattr(keras_trainer, "model_supports_jit", lambda model: False)
    mlp = zoo.mnist_mlp()
    assert zoo_compile.use_xla(mlp, 10**6) is False
    zoo.fit(mlp, x, y, batch_size=32, epochs=1, verbose=0)
    made = mlp.train_function
    with pytest.warns(UserWarning, match="jit_compile"):
        zoo.fit(mlp, x, y, batch_size=32, epochs=1, verbose=0, jit_compile=True)
    assert mlp.jit_compile is False and mlp.train_function is made



@pytest.mark.parametrize("model, steps, error, name", [
    ("mlp", 10, TypeError, "model"), (None, 10, TypeError, "model"),
    ("built", -1, ValueError, "steps"), ("built", 2.5, TypeError, "steps"), ("built", float("nan"), TypeError, "steps"),
])
def test_xla_choice_and_zoo_compile_refuse_bad_input(model, steps, error, name):
    from zoo.runtime.compile import compile_model, use_xla

    model = zoo.mnist_mlp() if model == "built" else model
    with pytest.raises(error, match=rf"`{name}`.*Received: {name}="):
        use_xla(model, steps)
    if name == "model":
        with pytest.raises(TypeError, match=r"`model` must be a keras.Model.*Received: model="):
            compile_model(model, optimizer="sgd", loss="mse")
