"""The zoo's input pipeline: every sample once per epoch, a new seeded order each epoch,
and the same training results as Keras's own array feeding."""

import numpy as np
import pytest

import zoo
from zoo.training import pipeline


def _epochs(ds, n=2):
    return [np.concatenate([b[1].numpy() for b in ds]) for _ in range(n)]


def test_each_epoch_is_a_new_permutation_of_every_sample_fixed_by_the_seed():
    x = np.arange(50, dtype="float32")[:, None]
    y = np.arange(50)
    ds = pipeline.dataset(x, y, batch_size=8, seed=3)
    assert int(ds.cardinality()) == 7
    first, second = _epochs(ds)
    assert sorted(first) == list(range(50)) and sorted(second) == list(range(50))
    assert list(first) != list(second) and list(first) != list(range(50))
    assert [len(b[1]) for b in ds] == [8] * 6 + [2]  # the remainder last, as model.fit does
    assert all((b[0].numpy()[:, 0] == b[1].numpy()).all() for b in ds)  # x and y stay paired
    again = _epochs(pipeline.dataset(x, y, batch_size=8, seed=3))
    assert [list(a) for a in again] == [list(first), list(second)]
    other = _epochs(pipeline.dataset(x, y, batch_size=8, seed=4))
    assert list(other[0]) != list(first)


def test_without_shuffle_the_order_is_kept_and_x_alone_gives_x_batches():
    x = np.arange(12, dtype="float64").reshape(6, 2)
    ds = pipeline.dataset(x, batch_size=4, shuffle=False)
    batches = [b.numpy() for b in ds]
    assert [b.shape for b in batches] == [(4, 2), (2, 2)]
    assert batches[0].dtype == np.float32  # float64 arrays train in the float policy, as in Keras
    np.testing.assert_array_equal(np.concatenate(batches), x)


def test_fit_gives_the_same_losses_as_keras_fit_on_the_arrays():
    import keras

    rng = np.random.default_rng(0)
    x = rng.random((90, 5)).astype("float32")
    y = (x.sum(1) > 2.5).astype("float32")
    logs = []
    for feed in ("zoo", "keras"):
        model = zoo.mlp(input_shape=(5,), task="binary", seed=0)
        keras.utils.set_random_seed(0)
        if feed == "zoo":
            history = zoo.fit(model, x, y, batch_size=16, epochs=3, shuffle=False, validation_split=0.2, verbose=0)
        else:
            history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, validation_split=0.2, verbose=0)
        logs.append(history.history)
    assert set(logs[0]) == set(logs[1]) >= {"loss", "val_loss", "accuracy"}
    for key in logs[0]:
        np.testing.assert_allclose(logs[0][key], logs[1][key], rtol=1e-5, err_msg=key)
    assert logs[0]["loss"][-1] < logs[0]["loss"][0]


def test_drop_remainder_gives_equal_batches_for_replicas():
    x, y = np.arange(50, dtype="float32")[:, None], np.arange(50)
    ds = pipeline.dataset(x, y, batch_size=8, seed=1, drop_remainder=True)
    assert int(ds.cardinality()) == 6 and [len(b[1]) for b in ds] == [8] * 6
    first, second = _epochs(ds)
    assert len(set(first)) == 48 and set(first) != set(second)  # a different 2 left out each epoch


def test_fit_splits_and_batches_sample_weights_as_keras_does():
    import keras

    rng = np.random.default_rng(1)
    x = rng.random((80, 4)).astype("float32")
    y = (x[:, 0] > 0.5).astype("float32")
    weights = rng.choice([0.0, 1.0, 3.0], 80).astype("float32")
    logs = []
    for feed in (zoo.fit, keras.Model.fit):
        model = zoo.mlp(input_shape=(4,), task="binary", seed=0)
        keras.utils.set_random_seed(0)
        logs.append(feed(model, x, y, sample_weight=weights, batch_size=16, epochs=2, shuffle=False,
                         validation_split=0.25, verbose=0).history)
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(logs[0][key], logs[1][key], rtol=1e-5, err_msg=key)


def test_split_validation_holds_out_the_last_fraction_like_keras():
    x, y = np.arange(10), np.arange(10) * 2
    (xt, yt), (xv, yv) = pipeline.split_validation(x, y, 0.25)  # floor(7.5): 7 kept
    assert list(xt) == list(range(7)) and list(yv) == [14, 16, 18]
    (xt, none), (xv, none_v) = pipeline.split_validation(x, None, 0.5)
    assert none is None and none_v is None and len(xv) == 5


@pytest.mark.parametrize("call, error, name", [
    (lambda: pipeline.dataset("abc"), TypeError, "x"),
    (lambda: pipeline.dataset(np.zeros((0, 3))), ValueError, "x"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), np.zeros(5)), ValueError, "y"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), batch_size=0), ValueError, "batch_size"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), shuffle="yes"), TypeError, "shuffle"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), seed=-2), ValueError, "seed"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), sample_weight=np.ones(4)), ValueError, "sample_weight"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), np.zeros(4), np.ones(3)), ValueError, "sample_weight"),
    (lambda: pipeline.dataset(np.zeros((4, 3)), batch_size=5, drop_remainder=True), ValueError, "batch_size"),
    (lambda: zoo.fit("model", np.zeros((4, 3))), TypeError, "model"),
    (lambda: zoo.fit(zoo.mlp(input_shape=(3,)), np.zeros((4, 3)), np.zeros(4), validation_split=1.0),
     ValueError, "validation_split"),
    (lambda: zoo.fit(zoo.mlp(input_shape=(3,)), np.zeros((1, 3)), np.zeros(1), validation_split=0.5),
     ValueError, "validation_split"),
    (lambda: zoo.fit(zoo.mlp(input_shape=(3,)), np.zeros((4, 3)), np.zeros(4), validation_split=0.5,
                     validation_data=(np.zeros((2, 3)), np.zeros(2))), ValueError, "validation_split"),
    (lambda: zoo.fit(zoo.mlp(input_shape=(3,)), np.zeros((4, 3)), np.zeros(4), validation_data=np.zeros(3)),
     TypeError, "validation_data"),
])
def test_bad_inputs_are_named(call, error, name):
    with pytest.raises(error, match=rf"`{name}`.*Received"):
        call()


def test_validation_batches_grow_with_small_inputs_only():
    small, image = np.zeros((5, 28, 28), "float32"), np.zeros((5, 224, 224, 3), "float32")
    assert pipeline._validation_batch_size(32, small) == pipeline.VALIDATION_BATCH
    assert pipeline._validation_batch_size(32, image) == 32  # 600 KB a sample: the training batch
    assert pipeline._validation_batch_size(4096, small) == 4096
    float_sized = pipeline.VALIDATION_BATCH_BYTES // (224 * 224 * 3 * 4)
    assert pipeline._validation_batch_size(8, image) == float_sized
    assert pipeline._validation_batch_size(8, image.astype("uint8")) == float_sized  # sized as the float32 it becomes
    x, y = np.random.default_rng(0).random((40, 3)).astype("float32"), np.arange(40) % 2
    logs = []
    for validation_batch_size in (None, 4):  # the default (one batch of 10) against Keras-sized batches
        model = zoo.mlp(input_shape=(3,), task="binary", seed=0)
        import keras

        keras.utils.set_random_seed(0)
        history = zoo.fit(model, x, y, epochs=2, batch_size=4, verbose=0, shuffle=False,
                          validation_data=(x[:10].tolist(), y[:10].tolist(), np.linspace(0.5, 2, 10)),
                          validation_batch_size=validation_batch_size)
        logs.append(history.history)
    for key in ("val_loss", "val_accuracy"):
        np.testing.assert_allclose(logs[0][key], logs[1][key], rtol=1e-5, err_msg=key)
    with pytest.raises(ValueError, match=r"validation_batch_size.*Received: validation_batch_size=0"):
        zoo.fit(model, x, y, validation_split=0.2, validation_batch_size=0)
