"""Transfer learning: a frozen base, the notes' head (GAP, Dense 256, Dropout 0.5), fine_tune()."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from zoo.models import budget
from zoo.models import preprocessing as prep
from zoo.models._base import check_common, finish, head_output, shared_args
from zoo.models.dense import dense_stack
from zoo.models.heads import resolve_head
from zoo.registry import register
from zoo.runtime import distribute
from zoo.utils import network as _network
from zoo.utils.lazy import keras
from zoo.utils.validation import (
    check_float,
    check_int,
    check_shape,
    invalid_type,
    invalid_value,
)

NOTES_INPUT_SHAPE = (32, 32, 3)
# Smallest input side each keras.applications model accepts; 32 for the rest.
_MIN_SIDE = {"InceptionV3": 75, "InceptionResNetV2": 75, "Xception": 71}


def application_names() -> list[str]:
    """The `keras.applications` model names a base can be given by."""
    import keras.applications as apps

    return sorted(n for n in dir(apps) if n[:1].isupper() and callable(getattr(apps, n)))


def _application(base: str) -> str:
    """Maps "vgg16", "mobilenet_v2", "ResNet50", ... to the application's class name."""
    by_key = {n.lower(): n for n in application_names()}
    key = base.lower().replace("_", "").replace("-", "")
    if key not in by_key:
        raise invalid_value("base", "must be a keras.applications model name (for example 'vgg16', "
                            "'resnet50', 'mobilenet_v2'), a path to a saved .keras model, or a keras.Model", base)
    return by_key[key]


def _layer_names(model: Any, limit: int = 8) -> str:
    names = [layer.name for layer in model.layers]
    return ", ".join(map(repr, names[:limit])) + (", ..." if len(names) > limit else "")


def _check_weights(app: str, weights: Any, input_shape: tuple[int, ...], shape_arg: str) -> None:
    if weights is not None and not isinstance(weights, (str, os.PathLike)):
        raise invalid_type("weights", "'imagenet', None or a path to a weights file", weights)
    if weights not in (None, "imagenet") and not os.path.isfile(weights):
        raise invalid_value("weights", "must be 'imagenet', None or an existing weights file", weights)
    if weights not in (None, "imagenet"):
        with open(weights, "rb") as f:
            if f.read(8) != b"\x89HDF\r\n\x1a\n":
                raise invalid_value("weights", f"must be an HDF5 (.h5) weights file of {app} without its top "
                                    "(this file is not HDF5)", weights)
    side = _MIN_SIDE.get(app, 32)
    if min(input_shape[:2]) < side:
        raise invalid_value(shape_arg, f"must be at least {side}x{side} for {app}",
                            input_shape if shape_arg == "input_shape" else input_shape[:2])
    if weights == "imagenet" and input_shape[2] != 3:
        raise invalid_value("input_shape", "must have 3 channels for ImageNet weights (or pass weights=None)",
                            input_shape)


def _is_weights_file_of(app: str, filename: str) -> bool:
    """Whether `filename` is one of `app`'s ImageNet "notop" weight files, by exact name.

    Keras names them ``<model>_weights_tf_dim_ordering_tf_kernels_notop.h5`` (VGG, ResNet,
    ...), ``<model>_notop.h5`` (EfficientNet, ConvNeXt) or, for MobileNets,
    ``mobilenet_<alpha>_<size>_tf_no_top.h5``; the model part must match exactly, so
    ``resnet50v2_...`` is never taken for ``resnet50``.
    """
    name = filename.lower()
    if not name.endswith(".h5") or ("notop" not in name and "no_top" not in name):
        return False
    model = name.split("_weights_")[0].split("_notop")[0].split("_tf_")[0]
    key = app.lower()
    if key == "mobilenet":  # mobilenet_1_0_224_tf_no_top.h5
        return name.startswith("mobilenet_") and name[len("mobilenet_"):][:1].isdigit()
    if key.startswith("mobilenetv3"):  # weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5
        return name.startswith(f"weights_mobilenet_v3_{key[len('mobilenetv3'):]}_")
    return model.replace("_", "").replace("-", "") == key


def _ensure_imagenet_weights(app: str) -> None:
    """Fails within seconds when the weights are neither cached nor downloadable."""
    folder = os.path.join(_network.keras_home(), "models")
    cached = os.path.isdir(folder) and any(_is_weights_file_of(app, f) for f in os.listdir(folder))
    if cached or _network.reachable():
        return
    raise ConnectionError(
        f"Cannot download the ImageNet weights of {app}: no network and no cached copy in {folder}. "
        "Alternatives: weights=None (random initialisation), weights='path/to/weights.h5' (a local "
        "file), or base=<a zoo model or a saved .keras file> such as a CNN pretrained with zoo.cnn()."
    )


def _features(model: Any, base_layer: str | None) -> Any:
    """The tensor of `model` that the new head reads: `base_layer`'s output, else the last
    feature map (4-D output), else the input of the model's ``head`` layer."""
    if base_layer is not None:
        if base_layer not in [layer.name for layer in model.layers]:
            raise invalid_value("base_layer", f"must name a layer of the base ({_layer_names(model)})", base_layer)
        return model.get_layer(base_layer).output
    maps = [layer for layer in model.layers[1:] if len(layer.output.shape) == 4]
    if maps:
        return maps[-1].output
    try:
        return model.get_layer("head").input
    except ValueError:
        raise invalid_value("base", "has no feature map and no 'head' layer; pass base_layer= to name the "
                            "layer whose output the new head reads", model.name) from None


def _model_base(base: Any, base_layer: str | None) -> Any:
    source = base
    if isinstance(base, (str, os.PathLike)):
        from zoo.models.saving import load_model

        source = load_model(base)
    else:  # a copy, so neither model's training or freezing changes the other
        source = keras.models.clone_model(base)
        source.set_weights(base.get_weights())
    return keras.Model(source.inputs, _features(source, base_layer), name="base")


def _is_plain_graph(model: Any) -> bool:
    """A Functional or Sequential model with known inputs: one `clone_model` can copy."""
    if type(model).__name__ not in ("Functional", "Sequential") or not type(model).__module__.startswith("keras."):
        return False
    try:
        return bool(model.inputs)
    except (AttributeError, ValueError):
        return False


def _is_path(base: Any) -> bool:
    return isinstance(base, os.PathLike) or (isinstance(base, str) and base.endswith(".keras"))


@register(family="transfer", input_kind="image", offline={"weights": None}, smoke={"units": 8}, params=14_848_586)
@shared_args()
def transfer(
    input_shape: Sequence[int] | None = None,
    *,
    base: Any = "vgg16",
    weights: Any = "imagenet",
    base_layer: str | None = None,
    input_range: Any = (0, 1),
    resize: Sequence[int] | None = None,
    preprocessing: str = "auto",
    task: Any = "multiclass", outputs: int | None = None, bounds: Any = None, outliers: bool | str = False,
    units: int = 256,
    dropout: float = 0.5,
    optimizer: Any = "adam", learning_rate: float | None = 1e-3, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """Transfer learning: a frozen base + GlobalAveragePooling, Dense 256 ReLU, Dropout 0.5, head.

    The notes' VGG16-on-CIFAR-10 model by default (seed 003). The base runs in
    inference mode (``training=False``) so its BatchNorm statistics stay as trained.
    Unfreeze its top layers afterwards with `fine_tune`.

    Args:
        input_shape: ``(height, width, channels)``; None means the base model's own
            input shape, or (32, 32, 3) (CIFAR-10) for a `keras.applications` base.
        base: A `keras.applications` name ("vgg16", "resnet50", "mobilenet_v2", ...),
            a `keras.Model` (copied, e.g. a trained `zoo.cnn`), or a path to a saved
            ``.keras`` model: the last two work fully offline.
        weights: For an application base: "imagenet" (downloaded once through Keras's
            cache), None (random) or a weights file. A model base brings its own.
        base_layer: For a model base: the layer whose output the new head reads;
            None takes the last feature map (4-D output) or else the input of ``head``.
        input_range: The range of the images you will feed: (0, 1) like `zoo.data.datasets`
            (the default), (0, 255) for raw pixels, or None when you preprocess them
            yourself. The model maps this range to what the base was trained on.
        resize: ``(height, width)`` to resize the images to inside the model before the
            base (e.g. (224, 224) for 32x32 CIFAR images on an ImageNet base), or None
            (the default: the base runs at `input_shape`, as in the notes, which keeps
            the model as cheap as the notes' one; a 32x32 image then reaches VGG16's
            last block as a 1x1 map, so pass a resize when accuracy matters more).
        preprocessing: "auto" builds the application's own preprocessing (see the
            README's table) and none for a model base; "caffe", "tf", "torch" or "none"
            force a mode (also for a model base).
        outputs: Classes (None: the notes' 10 for multiclass), labels or targets.
        units: Width of the dense layer (256 in the notes).
        dropout: Dropout after the dense layer (0.5 in the notes).
        seed: Seed for the layers the zoo adds (an application base with
            ``weights=None`` is initialised by Keras).
        {shared_args}

    Returns:
        A `keras.Model` with layers ``input``, ``resize`` (with `resize`), ``preprocess``
        (when the base needs it), ``base`` (frozen), ``pool``, ``dense_1``, ``dropout_1``,
        ``head``.

    Raises:
        ValueError: For invalid arguments, including input sizes or channel counts the
            application does not accept.
        ConnectionError: For ``weights="imagenet"`` offline without a cached copy.
    """
    head = resolve_head(task, outputs, default_classes=10, label_format=label_format,
                        bounds=bounds, outliers=outliers)
    check_int("units", units, minimum=1)
    name, seeds = check_common(optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                               seed=seed, name=name, default_name="transfer", dropout=dropout)
    if base_layer is not None and not isinstance(base_layer, str):
        raise invalid_type("base_layer", "a layer name or None", base_layer)
    input_range = prep.check_input_range(input_range)
    resize = prep.check_resize(resize)
    app = None
    if isinstance(base, str) and not _is_path(base):
        app = _application(base)
        input_shape = check_shape("input_shape", NOTES_INPUT_SHAPE if input_shape is None else input_shape,
                                  ndims=(3,))
        base_shape = input_shape if resize is None else (*resize, input_shape[2])
        _check_weights(app, weights, base_shape, "input_shape" if resize is None else "resize")
        if weights == "imagenet":
            _ensure_imagenet_weights(app)
    elif _is_path(base):
        if not os.path.isfile(base):
            raise invalid_value("base", "must be an existing .keras file when given as a path", str(base))
    elif not isinstance(base, keras.Model):
        raise invalid_type("base", "a keras.applications name, a keras.Model or a .keras path", base)
    elif not _is_plain_graph(base):
        raise invalid_value("base", "must be a functional keras.Model (e.g. a zoo.cnn or zoo.mlp) whose "
                            "layers can be copied; a subclassed model or a perceptron cannot be a base", base.name)
    mode = prep.resolve_mode(preprocessing, app)
    if input_range is None and preprocessing not in ("auto", "none"):
        raise invalid_value("preprocessing", "needs input_range (0, 1) or (0, 255) to map the images from; "
                            "with input_range=None pass preprocessing='none' (you preprocess yourself)", preprocessing)
    if resize is not None:  # the resized RGB images of a batch alone must fit (a lower bound)
        need, have = budget.estimate_bytes(0, budget.prod(resize) * 3), budget.memory_bytes()
        if need > have // 2:
            raise invalid_value("resize", f"gives batches of resized images that need at least {need / 2**30:,.1f} "
                                f"GiB, more than half of this machine's {have / 2**30:,.1f} GiB", resize)

    with distribute.scope(strategy):
        if app is not None:
            base_model = getattr(keras.applications, app)(include_top=False, weights=weights,
                                                          input_shape=base_shape)
            base_model = keras.Model(base_model.inputs, base_model.output, name="base")
        else:
            base_model = _model_base(base, base_layer)
            expected = tuple(base_model.input_shape[1:])
            input_shape = expected if input_shape is None else check_shape("input_shape", input_shape)
            base_shape = input_shape if resize is None else (*resize, input_shape[-1])
            if tuple(base_shape) != expected:
                what = "input_shape" if resize is None else "resize"
                raise invalid_value(what, f"must match the base model's input {expected}",
                                    input_shape if resize is None else resize)
        inputs = keras.Input(shape=input_shape, name="input")
        x = inputs
        if resize is not None:
            if len(input_shape) != 3:
                raise invalid_value("resize", "applies to images (height, width, channels) only", resize)
            x = keras.layers.Resizing(*resize, name="resize")(x)
        if input_range is not None and mode is not None and (mode, input_range) != ("none", (0.0, 255.0)):
            if mode in ("caffe", "torch") and input_shape[-1] != 3:
                raise invalid_value("input_shape", f"must have 3 (RGB) channels for the {mode!r} "
                                    "preprocessing of this base (or pass input_range=None)", input_shape)
            from zoo.models.layers import ImagePreprocessing

            x = ImagePreprocessing(mode, input_range, name="preprocess")(x)
        base_model.trainable = False
        x = base_model(x, training=False)
        if len(x.shape) == 4:
            x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
        x = dense_stack(x, (units,), activation="relu", dropout=dropout, seeds=seeds)
        return finish(inputs, head_output(x, head, seeds), name=name, head=head,
                      optimizer=optimizer, learning_rate=learning_rate, compile=compile)


def fine_tune(model: Any, layers: int = 4, *, learning_rate: float = 1e-5) -> Any:
    """Unfreezes the top `layers` layers of a `transfer` model's base and recompiles.

    BatchNormalization layers stay frozen (their statistics would drift on a small
    dataset). The optimizer restarts with its whole configuration (momentum, betas,
    clipping, ...) at the low `learning_rate` and fresh slots; loss and metrics are kept.

    Args:
        model: A model built by `zoo.transfer` (it has a layer named ``base``).
        layers: How many of the base's top layers to unfreeze.
        learning_rate: The new, low learning rate.

    Returns:
        The same model, recompiled.

    Raises:
        ValueError: If `model` has no ``base`` layer, is not compiled, or `layers` is
            out of range.
    """
    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a keras.Model built by zoo.transfer", model)
    try:
        base = model.get_layer("base")
    except ValueError:
        raise invalid_value("model", "must come from zoo.transfer (a layer named 'base')", model.name) from None
    if not isinstance(base, keras.Model):
        raise invalid_value("model", "must come from zoo.transfer: its layer 'base' must be the frozen base "
                            f"model, not a {type(base).__name__}", model.name)
    if not model.compiled:
        raise invalid_value("model", "must be compiled before fine-tuning", model.name)
    layers = check_int("layers", layers, minimum=1, maximum=len(base.layers))
    learning_rate = check_float("learning_rate", learning_rate, minimum=0.0, exclusive_minimum=True)
    base.trainable = True
    for layer in base.layers[:-layers]:
        layer.trainable = False
    for layer in base.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    config = keras.saving.deserialize_keras_object(model.get_compile_config())
    optimizer_config = {**model.optimizer.get_config(), "learning_rate": learning_rate}
    config["optimizer"] = type(model.optimizer).from_config(optimizer_config)
    model.compile(**config)
    return model
