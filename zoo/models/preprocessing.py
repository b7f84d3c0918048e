"""Which input preprocessing each `keras.applications` base was trained with.

The table follows each application module's ``preprocess_input`` (keras.applications
leaves calling it to the user; `zoo.transfer` builds it into the model instead).
"""

from __future__ import annotations

import numbers
from typing import Any

from zoo.utils.validation import check_choice, check_shape, invalid_type, invalid_value

# Class-name prefixes, longest first where one prefix starts another (ResNet50V2 before ResNet).
_FAMILY_MODES: tuple[tuple[str, str], ...] = (
    ("VGG", "caffe"),
    ("ResNet50V2", "tf"), ("ResNet101V2", "tf"), ("ResNet152V2", "tf"),
    ("ResNet", "caffe"),
    ("MobileNetV3", "none"),
    ("MobileNet", "tf"),
    ("InceptionResNet", "tf"), ("Inception", "tf"), ("Xception", "tf"), ("NASNet", "tf"),
    ("DenseNet", "torch"),
    ("EfficientNet", "none"), ("ConvNeXt", "none"), ("RegNet", "none"),
)
MODES = ("caffe", "tf", "torch", "none")
INPUT_RANGES = ((0, 1), (0, 255))


def mode_for(app: str) -> str:
    """The preprocessing mode of a `keras.applications` class name (e.g. "VGG16" -> "caffe").

    Raises:
        ValueError: For an application the table does not know.
    """
    for prefix, mode in _FAMILY_MODES:
        if app.startswith(prefix):
            return mode
    raise invalid_value("base", "has no known preprocessing mode; pass preprocessing='caffe', 'tf', "
                        "'torch' or 'none'", app)


def check_input_range(value: Any) -> tuple[float, float] | None:
    """Checks `input_range`: (0, 1), (0, 255) or None ("I preprocess myself")."""
    if value is None:
        return None
    if (not isinstance(value, (tuple, list)) or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in value)):
        raise invalid_type("input_range", "(0, 1), (0, 255) or None", value)
    if tuple(value) not in INPUT_RANGES:
        raise invalid_value("input_range", "must be (0, 1) (zoo.data.datasets' images), (0, 255) (raw pixels) "
                            "or None (you preprocess the images yourself)", value)
    return float(value[0]), float(value[1])


def check_resize(value: Any) -> tuple[int, int] | None:
    """Checks `resize`: None or ``(height, width)`` of positive ints."""
    if value is None:
        return None
    if not isinstance(value, (tuple, list)):
        raise invalid_type("resize", "None or (height, width)", value)
    return check_shape("resize", value, ndims=(2,))


def resolve_mode(preprocessing: Any, app: str | None) -> str | None:
    """The mode to build: `preprocessing` itself, or for "auto" the application's own mode.

    Returns None (add no preprocessing) for "auto" with a model base (`app` None): a zoo
    model or `.keras` file already takes the images it was trained on.
    """
    if not isinstance(preprocessing, str):
        raise invalid_type("preprocessing", f"one of {('auto',) + MODES}", preprocessing)
    check_choice("preprocessing", preprocessing, ("auto",) + MODES)
    if preprocessing != "auto":
        return preprocessing
    return None if app is None else mode_for(app)
