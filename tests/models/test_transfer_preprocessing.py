"""Transfer models carry their base's own ImageNet preprocessing and an optional resize (issue 9)."""

import inspect
import re

import keras
import numpy as np
import pytest

import zoo
from zoo.models import preprocessing
from zoo.models.layers import ImagePreprocessing

# One application per keras.applications family, with the module that holds its preprocess_input.
FAMILIES = {
    "VGG16": "vgg16", "ResNet50": "resnet", "ResNet50V2": "resnet_v2", "MobileNetV2": "mobilenet_v2",
    "InceptionV3": "inception_v3", "Xception": "xception", "DenseNet121": "densenet",
    "EfficientNetB0": "efficientnet", "ConvNeXtTiny": "convnext", "MobileNetV3Small": "mobilenet_v3",
}


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype("float32")


def _keras_preprocess(app, images):
    module = inspect.getmodule(getattr(keras.applications, app))
    return np.asarray(module.preprocess_input(images.copy()))


def _preprocessing_block(model, images):
    """What the model feeds its base: the layers between ``input`` and ``base``, applied in order."""
    x = images
    for layer in model.layers[1:]:
        if layer.name == "base":
            return np.asarray(x)
        x = layer(x)
    raise AssertionError("no base layer")


@pytest.mark.slow
@pytest.mark.parametrize("app", sorted(FAMILIES))
@pytest.mark.parametrize("input_range", [(0, 1), (0, 255)])
def test_preprocessing_block_equals_keras_preprocess_input(app, input_range):
    model = zoo.transfer(input_shape=(75, 75, 3), base=app, weights=None, input_range=input_range,
                         units=4, outputs=2, compile=False)
    images = _images((2, 75, 75, 3))
    fed = images / 255.0 if input_range == (0, 1) else images
    expected = _keras_preprocess(app, images)
    np.testing.assert_allclose(_preprocessing_block(model, fed), expected, atol=1e-4, rtol=0)


@pytest.mark.parametrize("app", keras_apps := sorted(n for n in dir(keras.applications) if n[:1].isupper()))
def test_every_application_has_the_mode_of_its_preprocess_input(app):
    images = _images((2, 4, 4, 3), seed=1)
    layer = ImagePreprocessing(preprocessing.mode_for(app), (0, 1))
    np.testing.assert_allclose(np.asarray(layer(images / 255.0)), _keras_preprocess(app, images), atol=1e-4, rtol=0)


def test_input_range_none_adds_no_preprocessing_and_a_zoo_base_gets_none():
    names = [layer.name for layer in zoo.transfer(weights=None, input_range=None, compile=False).layers]
    assert "preprocess" not in names and names[1] == "base"
    names = [layer.name for layer in zoo.transfer(base=zoo.cnn(), outputs=3, compile=False).layers]
    assert "preprocess" not in names and "resize" not in names
    asked = zoo.transfer(base=zoo.cnn(), outputs=3, preprocessing="tf", input_range=(0, 255), compile=False)
    assert asked.get_layer("preprocess").mode == "tf"


def test_resize_runs_the_base_at_the_requested_size():
    small = zoo.transfer(weights=None, units=4, compile=False)
    assert tuple(small.get_layer("base").output.shape[1:3]) == (1, 1)  # the notes' 32x32 on VGG16
    model = zoo.transfer(weights=None, units=4, resize=(64, 64), compile=False)
    assert tuple(model.input_shape[1:]) == (32, 32, 3)
    assert tuple(model.get_layer("base").output.shape[1:3]) == (2, 2)
    assert model.predict(_images((2, 32, 32, 3)) / 255, verbose=0).shape == (2, 10)


def test_saves_and_loads_in_safe_mode_with_the_same_predictions(tmp_path):
    model = zoo.transfer(base="mobilenet_v2", weights=None, resize=(40, 40), units=4, outputs=3, seed=0)
    images = _images((3, 32, 32, 3)) / 255
    path = str(tmp_path / "cifar.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert [layer.name for layer in loaded.layers[:3]] == ["input", "resize", "preprocess"]
    assert loaded.get_layer("preprocess").get_config()["input_range"] == [0.0, 1.0]
    np.testing.assert_allclose(loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-5)
    zoo.fine_tune(loaded, layers=3)  # out_relu, Conv_1_bn (BatchNorm stays frozen), Conv_1
    base = loaded.get_layer("base")
    assert base.get_layer("Conv_1").trainable and not base.get_layer("Conv_1_bn").trainable
    assert not base.get_layer("block_16_project").trainable


@pytest.mark.parametrize(
    "kwargs, exc, received",
    [
        (dict(input_range=(0, 2)), ValueError, "input_range=(0, 2)"),
        (dict(input_range=(-1, 1)), ValueError, "input_range=(-1, 1)"),
        (dict(input_range="0-1"), TypeError, "input_range='0-1'"),
        (dict(input_range=(0, 1, 2)), TypeError, "input_range=(0, 1, 2)"),
        (dict(input_range=(0, True)), TypeError, "input_range=(0, True)"),
        (dict(resize=(0, 224)), ValueError, "resize=(0, 224)"),
        (dict(resize=(224,)), ValueError, "resize=(224,)"),
        (dict(resize=(224, 224, 3)), ValueError, "resize=(224, 224, 3)"),
        (dict(resize=224), TypeError, "resize=224"),
        (dict(resize=(16, 16)), ValueError, "resize=(16, 16)"),
        (dict(resize=(2.5, 3)), ValueError, "resize=(2.5, 3)"),
        (dict(preprocessing="bgr"), ValueError, "preprocessing='bgr'"),
        (dict(preprocessing=None), TypeError, "preprocessing=None"),
        (dict(preprocessing="caffe", input_shape=(32, 32, 1)), ValueError, "input_shape=(32, 32, 1)"),
    ],
)
def test_bad_input_range_resize_and_preprocessing_are_refused(kwargs, exc, received):
    with pytest.raises(exc, match="Received: " + re.escape(received)) as info:
        zoo.transfer(weights=None, **kwargs)
    assert f"`{received.split('=')[0]}`" in str(info.value)
