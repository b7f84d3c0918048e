"""zoo.export / `zoo export`: every registered model as a SavedModel and as ONNX, loaded back and compared."""

import importlib.util
import os

import numpy as np
import pytest

import zoo
from zoo import registry

HAVE_ONNX = all(importlib.util.find_spec(name) for name in ("tf2onnx", "onnx", "onnxruntime"))
ONNX_REASON = "ONNX export needs tf2onnx, onnx and onnxruntime: pip install -e .[export]"


def _small(name):
    """The registered model at a small input shape (transfer over a tiny zoo CNN, not VGG16)."""
    entry = registry.get_entry(name)
    if name == "transfer":
        base = zoo.cnn(input_shape=(8, 8, 1), filters=(4, 8), units=8, outputs=3, seed=0)
        return zoo.transfer(base=base, units=8, outputs=3, seed=0)
    return zoo.build(name, **{**entry.offline, **entry.smoke})


def _inputs(model):
    return np.random.default_rng(0).random((5, *model.inputs[0].shape[1:]), dtype="float32")


def _saved_model_predictions(path, x):
    import tensorflow as tf

    loaded = tf.saved_model.load(path)  # held while it runs: its variables live in it
    return loaded.serve(x).numpy()


def _onnx_predictions(path, x):
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", registry.list_models())
def test_every_registered_model_exports_and_predicts_like_keras(name, tmp_path):
    model = _small(name)
    x = _inputs(model)
    expected = model.predict(x, verbose=0)
    saved = zoo.export(model, tmp_path / name, format="saved_model")
    assert os.path.isfile(os.path.join(saved, "saved_model.pb"))
    np.testing.assert_allclose(_saved_model_predictions(saved, x), expected, atol=1e-5, rtol=0)
    if not HAVE_ONNX:
        pytest.skip(ONNX_REASON)
    onnx_path = zoo.export(model, str(tmp_path / f"{name}.onnx"), format="onnx")
    np.testing.assert_allclose(_onnx_predictions(onnx_path, x), expected, atol=1e-5, rtol=0)
    assert sorted(os.listdir(tmp_path)) == sorted([name, f"{name}.onnx"]), "no temporary files left"


def test_exported_weights_are_the_models_not_fresh_ones(tmp_path):
    model = zoo.mlp(input_shape=(4,), task="binary", seed=0)
    x = _inputs(model)
    model.set_weights([w + 0.5 for w in model.get_weights()])
    path = zoo.export(model, tmp_path / "m")
    np.testing.assert_allclose(_saved_model_predictions(path, x), model.predict(x, verbose=0), atol=1e-5)
    assert not np.allclose(zoo.mlp(input_shape=(4,), task="binary", seed=0).predict(x, verbose=0),
                           model.predict(x, verbose=0), atol=1e-3)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"format": "tflite"}, ValueError, "Received: format='tflite'"),
    ({"format": "onnx"}, ValueError, "must end in '.onnx'"),
    ({"path": "m.onnx"}, ValueError, "must be a folder name for format='saved_model'"),
    ({"path": 3}, TypeError, "Received: path=3"),
    ({"overwrite": "yes"}, TypeError, "Received: overwrite='yes'"),
    ({"model": "nope.txt"}, ValueError, "must end in '.keras'"),
    ({"model": [1, 2]}, TypeError, "Received: model=[1, 2]"),
])
def test_bad_arguments_are_refused_before_any_work(kwargs, error, message, tmp_path):
    args = {"model": zoo.mlp(input_shape=(4,), task="binary"), "path": "m", **kwargs}
    if isinstance(args["path"], str):
        args["path"] = str(tmp_path / args["path"])
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        zoo.export(args.pop("model"), args.pop("path"), **args)
    assert os.listdir(tmp_path) == [], "nothing written"


def test_an_existing_export_is_kept_unless_overwrite(tmp_path):
    model = zoo.mlp(input_shape=(4,), task="binary", seed=0)
    path = zoo.export(model, tmp_path / "m")
    with pytest.raises(ValueError, match="already exists; pass overwrite=True"):
        zoo.export(model, path)
    zoo.export(zoo.mlp(input_shape=(4,), task="binary", seed=1), path, overwrite=True)
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_a_model_that_cannot_be_exported_is_refused_naming_the_reason(tmp_path, monkeypatch):
    import keras

    a, b = keras.Input((2,)), keras.Input((3,))
    two_inputs = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])))
    with pytest.raises(ValueError, match="cannot be exported to saved_model: the model has 2 inputs"):
        zoo.export(two_inputs, tmp_path / "two")
    model = zoo.mlp(input_shape=(4,), task="binary")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tf2onnx" else object())
    with pytest.raises(ValueError, match=r"ONNX export needs tf2onnx, which are not installed \(pip install"):
        zoo.export(model, str(tmp_path / "m.onnx"), format="onnx")
    assert os.listdir(tmp_path) == []


def test_a_failing_export_leaves_nothing_half_written(tmp_path, monkeypatch):
    model = zoo.mlp(input_shape=(4,), task="binary")

    def broken(self, path, **kwargs):
        os.makedirs(path)
        open(os.path.join(path, "saved_model.pb"), "w").close()
        raise RuntimeError("disk full")
    monkeypatch.setattr(type(model), "export", broken)
    with pytest.raises(ValueError, match="cannot be exported to saved_model: RuntimeError: disk full"):
        zoo.export(model, tmp_path / "m")
    assert os.listdir(tmp_path) == []


def test_zoo_export_command_writes_a_savedmodel_and_refuses_in_one_line(tmp_path, capsys):
    from zoo.app.cli import main

    model_path = zoo.save_model(zoo.mlp(input_shape=(4,), task="binary"), str(tmp_path / "m.keras"))
    assert main(["export", model_path, "--format", "saved_model"]) == 0
    assert os.path.isfile(tmp_path / "m_saved_model" / "saved_model.pb")
    assert f"exported {model_path} as saved_model" in capsys.readouterr().out
    assert main(["export", model_path]) == 2
    err = capsys.readouterr().err
    assert "zoo export: error: `path` already exists" in err and "Received: path=" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
