"""Sequence, convolutional and transfer models: the notes' figures, learning, freezing."""

import time

import keras
import numpy as np
import pytest

import zoo
from zoo.data import datasets


def test_simple_rnn_is_the_notes_sine_model():
    model = zoo.simple_rnn()
    assert model.count_params() == 1_121
    assert model.get_layer("simple_rnn_1").output.shape == (None, 20, 32)
    assert model.get_layer("simple_rnn_1").count_params() == 1_088
    assert model.output_shape == (None, 20, 1)
    assert model.loss == "mean_squared_error" and type(model.optimizer).__name__ == "Adam"


def test_lstm_is_the_notes_classifier():
    model = zoo.lstm()
    assert model.count_params() == 52_549
    assert [layer.name for layer in model.layers] == ["input", "lstm_1", "lstm_2", "head"]
    assert model.get_layer("lstm_1").output.shape == (None, 100, 64)
    assert model.output_shape == (None, 5)
    assert model.get_layer("head").activation.__name__ == "softmax"
    assert zoo.lstm(label_format="one_hot").loss == "categorical_crossentropy"  # the notes' choice


def test_recurrent_variants_take_any_task():
    assert zoo.lstm(task="binary").output_shape == (None, 1)
    assert zoo.simple_rnn(return_sequences=False, task="regression", outputs=3).output_shape == (None, 3)
    stacked = zoo.simple_rnn(recurrent_layers=3, units=(16, 8, 4))
    assert [stacked.get_layer(f"simple_rnn_{i}").units for i in (1, 2, 3)] == [16, 8, 4]


def test_cnn_is_the_notes_model():
    model = zoo.cnn()
    assert model.count_params() == 225_034
    assert model.get_layer("conv_block2_pool").output.shape == (None, 5, 5, 64)
    assert model.get_layer("flatten").output.shape == (None, 1_600)
    assert model.get_layer("dense_1").count_params() == 204_928


@pytest.mark.parametrize("shape, pools", [((8, 8, 1), ["conv_block1_pool"]),
                                          ((32, 32, 3), ["conv_block1_pool", "conv_block2_pool"])])
def test_cnn_runs_on_other_image_shapes(shape, pools):
    model = zoo.cnn(input_shape=shape)
    assert [layer.name for layer in model.layers if layer.name.endswith("_pool")] == pools
    assert model.predict(np.zeros((2, *shape), "float32"), verbose=0).shape == (2, 10)


@pytest.mark.parametrize("shape, match", [((2, 2, 1), r"`kernel_size` must fit the 2x2 input map.*padding='same'"),
                                          ((4, 4, 1), r"conv block 2 needs at least a 3x3 map.*padding='same'")])
def test_cnn_refuses_maps_too_small_for_its_blocks(shape, match):
    with pytest.raises(ValueError, match=match):
        zoo.cnn(input_shape=shape)
    assert zoo.cnn(input_shape=shape, padding="same").output_shape == (None, 10)


@pytest.mark.slow
def test_simple_rnn_learns_the_sine_sequence():
    x, y = datasets.sine_sequences(64, seed=0)
    model = zoo.simple_rnn(learning_rate=1e-2, seed=0)
    model.fit(x, y, epochs=60, batch_size=16, verbose=0)
    mse = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    assert mse < 0.02 * float(np.var(y))


@pytest.fixture(scope="module")
def digits_cnn():
    """A zoo CNN pretrained on digits 0-4 (the source task for transfer)."""
    (x, y), (xt, yt) = datasets.digits()
    low, low_t = y < 5, yt < 5
    model = zoo.cnn(input_shape=(8, 8, 1), outputs=5, seed=0)
    model.fit(x[low], y[low], epochs=15, batch_size=32, verbose=0)
    accuracy = model.evaluate(xt[low_t], yt[low_t], verbose=0, return_dict=True)["accuracy"]
    return model, accuracy


@pytest.mark.slow
def test_cnn_learns_digits():
    (x, y), (xt, yt) = datasets.digits()
    model = zoo.cnn(input_shape=(8, 8, 1), seed=0)
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert model.evaluate(xt, yt, verbose=0, return_dict=True)["accuracy"] >= 0.93


@pytest.mark.slow
def test_transfer_from_digits_0_4_to_5_9_keeps_the_base_frozen(digits_cnn, tmp_path):
    source, source_accuracy = digits_cnn
    assert source_accuracy >= 0.93
    (x, y), (xt, yt) = datasets.digits()
    high, high_t = y >= 5, yt >= 5
    path = zoo.save_model(source, tmp_path / "digits04.keras")
    model = zoo.transfer(base=path, outputs=5, dropout=0.2, learning_rate=1e-2, seed=0)
    base = model.get_layer("base")
    assert not base.trainable and not base.trainable_weights
    before = [w.copy() for w in base.get_weights()]
    model.fit(x[high], y[high] - 5, epochs=20, batch_size=32, verbose=0)
    for b, a in zip(before, base.get_weights()):
        np.testing.assert_array_equal(a, b)
    accuracy = model.evaluate(xt[high_t], yt[high_t] - 5, verbose=0, return_dict=True)["accuracy"]
    assert accuracy >= 0.8

    zoo.fine_tune(model, layers=2, learning_rate=1e-4)
    tuned = [layer.name for layer in base.layers if layer.trainable and layer.weights]
    assert tuned == ["conv_block2_conv"]
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-4)
    frozen_first = base.get_layer("conv_block1_conv").get_weights()[0].copy()
    top_before = base.get_layer("conv_block2_conv").get_weights()[0].copy()
    model.fit(x[high], y[high] - 5, epochs=1, batch_size=32, verbose=0)
    assert not np.array_equal(base.get_layer("conv_block2_conv").get_weights()[0], top_before)
    np.testing.assert_array_equal(base.get_layer("conv_block1_conv").get_weights()[0], frozen_first)


def test_transfer_copies_a_model_base(digits_cnn):
    source, _ = digits_cnn
    model = zoo.transfer(base=source, outputs=5)
    assert model.input_shape == (None, 8, 8, 1)
    assert model.get_layer("base").output.shape == (None, 1, 1, 64)
    zoo.fine_tune(model, layers=3)
    assert all(layer.trainable for layer in source.layers), "the source model must not be touched"


def test_fine_tune_keeps_batchnorm_frozen():
    import keras

    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.Conv2D(4, 3, name="top")(x)
    model = zoo.transfer(base=keras.Model(inputs, x), outputs=3)
    zoo.fine_tune(model, layers=4)
    base = model.get_layer("base")
    assert base.get_layer("top").trainable and base.get_layer("conv").trainable
    assert not base.get_layer("bn").trainable


def test_transfer_default_is_vgg16_with_the_notes_head():
    model = zoo.transfer(weights=None)
    assert [layer.name for layer in model.layers] == ["input", "preprocess", "base", "pool", "dense_1", "dropout_1",
                                                  "head"]
    assert model.get_layer("dense_1").units == 256 and model.get_layer("dropout_1").rate == 0.5
    assert model.get_layer("base").count_params() == 14_714_688  # VGG16 without its top
    assert model.count_params() - model.get_layer("base").count_params() == 256 * 512 + 256 + 2_570


def test_imagenet_offline_fails_fast_naming_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(zoo.utils.network, "reachable", lambda *a, **k: False)
    start = time.perf_counter()
    with pytest.raises(ConnectionError) as info:
        zoo.transfer()
    assert time.perf_counter() - start < 5
    message = str(info.value)
    assert str(tmp_path / "models") in message
    assert "weights=None" in message and "base=" in message


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(base="vgg17"), ValueError, "Received: base='vgg17'"),
        (dict(base=3), TypeError, "Received: base=3"),
        (dict(base="missing.keras"), ValueError, "existing .keras file"),
        (dict(weights=None, input_shape=(16, 16, 3)), ValueError, "at least 32x32 for VGG16"),
        (dict(input_shape=(32, 32, 1)), ValueError, "3 channels for ImageNet"),
        (dict(base="inception_v3", weights=None, input_shape=(64, 64, 3)), ValueError, "at least 75x75"),
        (dict(weights="nowhere.h5"), ValueError, "Received: weights='nowhere.h5'"),
        (dict(weights=None, units=0), ValueError, "Received: units=0"),
    ],
)
def test_transfer_refuses_invalid_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        zoo.transfer(**kwargs)


def test_transfer_refuses_a_mismatched_input_shape(digits_cnn):
    with pytest.raises(ValueError, match=r"must match the base model's input \(8, 8, 1\)"):
        zoo.transfer(base=digits_cnn[0], input_shape=(16, 16, 1))


def test_fine_tune_refuses_invalid_arguments():
    with pytest.raises(ValueError, match="must come from zoo.transfer"):
        zoo.fine_tune(zoo.mlp())
    model = zoo.transfer(weights=None)
    with pytest.raises(ValueError, match="Received: layers=0"):
        zoo.fine_tune(model, layers=0)
    with pytest.raises(ValueError, match="Received: learning_rate=-1"):
        zoo.fine_tune(model, learning_rate=-1.0)
    with pytest.raises(TypeError, match="Received: model='vgg'"):
        zoo.fine_tune("vgg")


@pytest.mark.parametrize(
    "builder, kwargs, match",
    [
        ("simple_rnn", dict(input_shape=(20,)), "Received: input_shape=(20,)"),
        ("lstm", dict(recurrent_layers=0), "Received: recurrent_layers=0"),
        ("lstm", dict(units=(64,)), "Received: units=(64,)"),
        ("simple_rnn", dict(return_sequences="yes"), "Received: return_sequences='yes'"),
        ("cnn", dict(padding="full"), "Received: padding='full'"),
        ("cnn", dict(filters=(32, 0)), "Received: filters=(32, 0)"),
        ("cnn", dict(input_shape=(28, 28)), "Received: input_shape=(28, 28)"),
        ("cnn", dict(kernel_size=0), "Received: kernel_size=0"),
    ],
)
def test_sequence_and_conv_builders_refuse_invalid_arguments(builder, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match.replace("(", r"\(").replace(")", r"\)")):
        zoo.build(builder, **kwargs)


def test_fine_tune_keeps_the_whole_optimizer_configuration(digits_cnn):
    optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True, clipnorm=1.0)
    model = zoo.transfer(base=digits_cnn[0], outputs=5, optimizer=optimizer, learning_rate=None)
    zoo.fine_tune(model, layers=2, learning_rate=1e-4)
    config = model.optimizer.get_config()
    assert isinstance(model.optimizer, keras.optimizers.SGD) and model.optimizer is not optimizer
    assert (config["momentum"], config["nesterov"], config["clipnorm"]) == (0.9, True, 1.0)
    assert config["learning_rate"] == pytest.approx(1e-4)


@pytest.mark.parametrize("app, filename, match", [
    ("ResNet50", "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", True),
    ("ResNet50", "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5", False),
    ("ResNet50V2", "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5", True),
    ("VGG16", "vgg16_weights_tf_dim_ordering_tf_kernels.h5", False),  # with its top: not a base
    ("VGG19", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", False),
    ("EfficientNetB0", "efficientnetb0_notop.h5", True),
    ("EfficientNetB1", "efficientnetb0_notop.h5", False),
    ("MobileNet", "mobilenet_1_0_224_tf_no_top.h5", True),
    ("MobileNet", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5", False),
    ("MobileNetV2", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5", True),
    ("MobileNetV3Large", "weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5", True),
    ("MobileNetV3Small", "weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5", False),
])
def test_imagenet_cache_matches_the_exact_weights_file(app, filename, match):
    from zoo.models.transfer import _is_weights_file_of

    assert _is_weights_file_of(app, filename) is match


def test_a_resnet50v2_file_in_the_cache_does_not_make_resnet50_look_cached(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(zoo.utils.network, "reachable", lambda *a, **k: False)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5").write_bytes(b"")
    with pytest.raises(ConnectionError, match="Cannot download the ImageNet weights of ResNet50"):
        zoo.transfer(base="resnet50")
