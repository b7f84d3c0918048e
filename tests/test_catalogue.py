"""Issue 17's catalogue: every public function of `zoo` and `tuning` and every CLI subcommand refuses bad input clearly.

Each case asserts the exception type, the argument's name in backticks and ``Received:``
(for the CLI: a non-zero exit and one line on stderr naming the flag). Training and
searching are patched to fail the test if they start: a refusal must come first.
`test_every_public_function_has_a_case` and `test_every_subcommand_has_a_case` fail when
a new public function or subcommand arrives without a case.
"""

import contextlib
import functools
import io
import json
import subprocess
import sys
import types

import numpy as np
import pytest
from helpers import env_var

import tuning
import zoo
from zoo.app import cli

NAN, INF = float("nan"), float("inf")
RNG = np.random.default_rng(0)
X = RNG.random((24, 3)).astype("float32")
Y_BIN = np.arange(24) % 2
Y_MC = np.arange(24) % 3
Y_REG = RNG.random(24).astype("float32")
IMAGES = RNG.random((6, 8, 8, 3)).astype("float32")


def _with(array, index, value):
    array = np.array(array, dtype="float64")
    array[index] = value
    return array


@functools.cache
def model(kind):
    """Tiny compiled models, built once for the whole catalogue."""
    small = {"input_shape": (3,), "hidden_layers": 1, "units": 4}
    if kind == "binary":
        return zoo.mlp(task="binary", **small)
    if kind == "multiclass":
        return zoo.mlp(task="multiclass", outputs=3, **small)
    if kind == "multilabel":
        return zoo.mlp(task="multilabel", outputs=3, **small)
    if kind == "regression":
        return zoo.mlp(task="regression", **small)
    if kind == "bounded":
        return zoo.mlp(task="regression", bounds=(0, 1), **small)
    if kind == "transfer":
        base = zoo.cnn(input_shape=(8, 8, 3), filters=(4,), units=8, outputs=3)
        return zoo.transfer(base=base, preprocessing="tf", input_range=(0, 1), outputs=3, units=8)
    if kind == "plane3":
        return zoo.mlp(input_shape=(3,), task="binary", hidden_layers=1, units=2)
    if kind == "plane_mc":
        return zoo.mlp(input_shape=(2,), task="multiclass", outputs=3, hidden_layers=1, units=2)
    raise KeyError(kind)


_TUNE_DIR = None


def _tune_dir():
    global _TUNE_DIR
    if _TUNE_DIR is None:
        import tempfile

        _TUNE_DIR = tempfile.mkdtemp(prefix="zoo-catalogue-")
    return _TUNE_DIR


@pytest.fixture(scope="module", autouse=True)
def _remove_tune_dir():
    """The cached tuners' folder goes when the catalogue is done."""
    yield
    import shutil

    if _TUNE_DIR is not None:
        shutil.rmtree(_TUNE_DIR, ignore_errors=True)


@functools.cache
def hm(kind="binary"):
    fixed = {"binary": {"task": "binary"}, "multiclass": {"task": "multiclass", "outputs": 3},
             "bounded": {"task": "regression", "bounds": (0, 1)}}[kind]
    return tuning.MLPHyperModel(input_shape=(3,), **fixed)


@functools.cache
def tuner(kind="binary"):
    return tuning.make_tuner("random", hm(kind), max_trials=1, directory=_tune_dir(), project_name=f"cat_{kind}",
                             overwrite=True)


def fit(kind="binary", x=X, y=None, **kwargs):
    y = {"binary": Y_BIN, "multiclass": Y_MC, "multilabel": np.eye(3)[Y_MC], "regression": Y_REG,
         "bounded": Y_REG}.get(kind) if y is None else y
    return zoo.fit(model(kind), x, y, **{"verbose": 0, **kwargs})


def search(x=X, y=Y_BIN, kind="binary", **kwargs):
    return tuning.run_search(tuner(kind), x, y, **kwargs)


def train(tmp, **kwargs):
    kwargs = {"dataset": "iris", "epochs": 1, "out": str(tmp / "train"), "verbose": 0, **kwargs}
    return zoo.train(kwargs.pop("architecture", "mlp"), **kwargs)


def _file(tmp, name="afile", content="x"):
    path = tmp / name
    path.write_text(content)
    return path


def _folder(tmp, name):
    path = tmp / name
    path.mkdir(exist_ok=True)
    return path


def _figure():
    return zoo.plots.pyplot().figure()


def _trials_json(tmp, data):
    return _file(tmp, "trials.json", json.dumps(data))


def _tf_config(value):
    from zoo.runtime import distribute

    with env_var("TF_CONFIG", json.dumps(value)):
        return distribute.tf_config_cluster()


def _strategy_env(value):
    from zoo.runtime import distribute

    with env_var("ZOO_STRATEGY", value):
        return distribute.get_strategy()


def _panel(kind="binary", x=None, y=None):
    x = RNG.random((6, 2)).astype("float32") if x is None else x
    y = np.array([0, 1] * 3) if y is None else y
    m = model(kind) if kind in ("plane3", "plane_mc") else zoo.perceptron()
    return ("panel", m, x, y)


def _objective(name, direction):
    import keras_tuner as kt

    return kt.Objective(name, direction)


# (surface, label, call(tmp), exception, argument named in the message)
def _tiny():
    return zoo.mlp(input_shape=(3,), task="binary", hidden_layers=1, units=2)


def _existing(path):
    path.mkdir()
    return path


CASES = [
    # zoo.fit: class 1 (non-finite data), 2 (labels against the head), 3 (raw errors), 4 (blame)
    ("zoo.fit", "x nan", lambda t: fit(x=_with(X, (3, 1), NAN)), ValueError, "x"),
    ("zoo.fit", "x inf", lambda t: fit(x=_with(X, (0, 0), INF)), ValueError, "x"),
    ("zoo.fit", "x -inf", lambda t: fit(x=_with(X, (5, 2), -INF)), ValueError, "x"),
    ("zoo.fit", "x float64 beyond float32", lambda t: fit(x=_with(X, (1, 1), 1e300)), ValueError, "x"),
    ("zoo.fit", "x complex", lambda t: fit(x=X + 1j), TypeError, "x"),
    ("zoo.fit", "x strings", lambda t: fit(x=np.full((24, 3), "a")), TypeError, "x"),
    ("zoo.fit", "x objects", lambda t: fit(x=np.array([[object()] * 3] * 24)), TypeError, "x"),
    ("zoo.fit", "x None", lambda t: fit(x=None), TypeError, "x"),
    ("zoo.fit", "x dict", lambda t: fit(x={"a": X}), TypeError, "x"),
    ("zoo.fit", "x string", lambda t: fit(x="data.csv"), TypeError, "x"),
    ("zoo.fit", "x ragged list", lambda t: fit(x=[[1, 2, 3], [1, 2]], y=[0, 1]), ValueError, "x"),
    ("zoo.fit", "x empty", lambda t: fit(x=np.zeros((0, 3)), y=np.zeros(0)), ValueError, "x"),
    ("zoo.fit", "x scalar", lambda t: fit(x=np.float32(3.0), y=Y_BIN), ValueError, "x"),
    ("zoo.fit", "x four features", lambda t: fit(x=RNG.random((24, 4))), ValueError, "x"),
    ("zoo.fit", "x extra axis", lambda t: fit(x=X[..., None]), ValueError, "x"),
    ("zoo.fit", "y nan", lambda t: fit("regression", y=_with(Y_REG, 4, NAN)), ValueError, "y"),
    ("zoo.fit", "y inf", lambda t: fit("regression", y=_with(Y_REG, 0, INF)), ValueError, "y"),
    ("zoo.fit", "y complex", lambda t: fit("regression", y=Y_REG + 1j), TypeError, "y"),
    ("zoo.fit", "y strings", lambda t: fit(y=np.array(["a", "b"] * 12)), TypeError, "y"),
    ("zoo.fit", "y ragged", lambda t: fit(x=X[:2], y=[[0, 1], [1]]), ValueError, "y"),
    ("zoo.fit", "y shorter", lambda t: fit(y=Y_BIN[:20]), ValueError, "y"),
    ("zoo.fit", "binary head, labels 0-2", lambda t: fit(y=Y_MC), ValueError, "y"),
    ("zoo.fit", "binary head, label -1", lambda t: fit(y=Y_BIN - 1), ValueError, "y"),
    ("zoo.fit", "binary head, two columns", lambda t: fit(y=np.eye(2)[Y_BIN]), ValueError, "y"),
    ("zoo.fit", "multilabel holding 2", lambda t: fit("multilabel", y=2 * np.eye(3)[Y_MC]), ValueError, "y"),
    ("zoo.fit", "multilabel, 1-D labels of its width", lambda t: fit("multilabel", x=X[:3], y=np.array([0, 1, 1])),
     ValueError, "y"),
    ("zoo.fit", "multiclass, multi-hot rows", lambda t: fit("multiclass", x=X[:2], y=np.array([[0, 1], [1, 1]])),
     ValueError, "y"),
    ("zoo.fit", "multiclass, one-hot of another width", lambda t: fit("multiclass", y=np.eye(2)[Y_BIN]), ValueError,
     "y"),
    ("zoo.fit", "multilabel width 2", lambda t: fit("multilabel", y=np.eye(2)[Y_BIN]), ValueError, "y"),
    ("zoo.fit", "multiclass label beyond outputs", lambda t: fit("multiclass", y=np.arange(24) % 4), ValueError, "y"),
    ("zoo.fit", "multiclass float labels", lambda t: fit("multiclass", y=Y_MC + 0.5), ValueError, "y"),
    ("zoo.fit", "multiclass negative label", lambda t: fit("multiclass", y=Y_MC - 1), ValueError, "y"),
    ("zoo.fit", "one-hot rows on a sparse head", lambda t: fit("multiclass", y=np.eye(3)[Y_MC]), ValueError, "y"),
    ("zoo.fit", "bounds (0, 1), targets to 100", lambda t: fit("bounded", y=Y_REG * 100), ValueError, "y"),
    ("zoo.fit", "bounds (0, 1), negative targets", lambda t: fit("bounded", y=Y_REG - 2), ValueError, "y"),
    ("zoo.fit", "regression, two target columns", lambda t: fit("regression", y=np.c_[Y_REG, Y_REG]),
     ValueError, "y"),
    ("zoo.fit", "validation x/y lengths", lambda t: fit(validation_data=(X[:5], Y_BIN[:4])),
     ValueError, "validation_data"),
    ("zoo.fit", "validation x nan", lambda t: fit(validation_data=(_with(X, (2, 2), NAN), Y_BIN)),
     ValueError, "validation_data"),
    ("zoo.fit", "validation y nan", lambda t: fit("regression", validation_data=(X, _with(Y_REG, 1, NAN))),
     ValueError, "validation_data"),
    ("zoo.fit", "validation labels outside head", lambda t: fit(validation_data=(X, Y_MC)),
     ValueError, "validation_data"),
    ("zoo.fit", "validation width", lambda t: fit(validation_data=(RNG.random((4, 5)), Y_BIN[:4])),
     ValueError, "validation_data"),
    ("zoo.fit", "validation complex", lambda t: fit(validation_data=(X + 1j, Y_BIN)), TypeError, "validation_data"),
    ("zoo.fit", "validation not a tuple", lambda t: fit(validation_data=X), TypeError, "validation_data"),
    ("zoo.fit", "validation 4-tuple", lambda t: fit(validation_data=(X, Y_BIN, None, None)),
     TypeError, "validation_data"),
    ("zoo.fit", "validation weights nan", lambda t: fit(validation_data=(X, Y_BIN, _with(np.ones(24), 0, NAN))),
     ValueError, "validation_data"),
    ("zoo.fit", "validation split and data", lambda t: fit(validation_split=0.2, validation_data=(X, Y_BIN)),
     ValueError, "validation_split"),
    ("zoo.fit", "validation_split 1", lambda t: fit(validation_split=1.0), ValueError, "validation_split"),
    ("zoo.fit", "validation_split negative", lambda t: fit(validation_split=-0.1), ValueError, "validation_split"),
    ("zoo.fit", "validation_split str", lambda t: fit(validation_split="0.2"), TypeError, "validation_split"),
    ("zoo.fit", "validation_split nan", lambda t: fit(validation_split=NAN), ValueError, "validation_split"),
    ("zoo.fit", "split leaves no training", lambda t: fit(validation_split=0.99), ValueError, "validation_split"),
    ("zoo.fit", "epochs str", lambda t: fit(epochs="3"), TypeError, "epochs"),
    ("zoo.fit", "epochs negative", lambda t: fit(epochs=-1), ValueError, "epochs"),
    ("zoo.fit", "epochs 0", lambda t: fit(epochs=0), ValueError, "epochs"),
    ("zoo.fit", "epochs float", lambda t: fit(epochs=2.0), TypeError, "epochs"),
    ("zoo.fit", "epochs bool", lambda t: fit(epochs=True), TypeError, "epochs"),
    ("zoo.fit", "batch_size 0", lambda t: fit(batch_size=0), ValueError, "batch_size"),
    ("zoo.fit", "batch_size 2**62", lambda t: fit(batch_size=2**62), ValueError, "batch_size"),
    ("zoo.fit", "batch_size str", lambda t: fit(batch_size="32"), TypeError, "batch_size"),
    ("zoo.fit", "batch_size float", lambda t: fit(batch_size=1.5), TypeError, "batch_size"),
    ("zoo.fit", "shuffle str", lambda t: fit(shuffle="yes"), TypeError, "shuffle"),
    ("zoo.fit", "seed negative", lambda t: fit(seed=-1), ValueError, "seed"),
    ("zoo.fit", "seed str", lambda t: fit(seed="0"), TypeError, "seed"),
    ("zoo.fit", "class_weight missing a class", lambda t: fit(class_weight={0: 1.0}), ValueError, "class_weight"),
    ("zoo.fit", "class_weight nan", lambda t: fit(class_weight={0: 1.0, 1: NAN}), ValueError, "class_weight"),
    ("zoo.fit", "class_weight negative", lambda t: fit(class_weight={0: 1.0, 1: -2.0}), ValueError, "class_weight"),
    ("zoo.fit", "class_weight extra class", lambda t: fit(class_weight={0: 1, 1: 1, 2: 1}), ValueError,
     "class_weight"),
    ("zoo.fit", "class_weight str key", lambda t: fit(class_weight={"0": 1, "1": 1}), ValueError, "class_weight"),
    ("zoo.fit", "class_weight str", lambda t: fit(class_weight="balanced"), TypeError, "class_weight"),
    ("zoo.fit", "class_weight on regression", lambda t: fit("regression", class_weight={0: 1.0}),
     ValueError, "class_weight"),
    ("zoo.fit", "class_weight multiclass missing", lambda t: fit("multiclass", class_weight={0: 1, 1: 1}),
     ValueError, "class_weight"),
    ("zoo.fit", "sample_weight 2-D", lambda t: fit(sample_weight=np.ones((24, 2))), ValueError, "sample_weight"),
    ("zoo.fit", "sample_weight nan", lambda t: fit(sample_weight=_with(np.ones(24), 3, NAN)), ValueError,
     "sample_weight"),
    ("zoo.fit", "sample_weight negative", lambda t: fit(sample_weight=-np.ones(24)), ValueError, "sample_weight"),
    ("zoo.fit", "sample_weight length", lambda t: fit(sample_weight=np.ones(23)), ValueError, "sample_weight"),
    ("zoo.fit", "sample_weight all zero", lambda t: fit(sample_weight=np.zeros(24)), ValueError, "sample_weight"),
    ("zoo.fit", "sample_weight strings", lambda t: fit(sample_weight=np.full(24, "w")), TypeError, "sample_weight"),
    ("zoo.fit", "callbacks str", lambda t: fit(callbacks="x"), TypeError, "callbacks"),
    ("zoo.fit", "callbacks of functions", lambda t: fit(callbacks=[print]), TypeError, "callbacks"),
    ("zoo.fit", "verbose 7", lambda t: fit(verbose=7), ValueError, "verbose"),
    ("zoo.fit", "initial_epoch negative", lambda t: fit(initial_epoch=-3), ValueError, "initial_epoch"),
    ("zoo.fit", "initial_epoch past epochs", lambda t: fit(epochs=2, initial_epoch=2), ValueError, "initial_epoch"),
    ("zoo.fit", "validation_freq 0", lambda t: fit(validation_split=0.25, validation_freq=0), ValueError,
     "validation_freq"),
    ("zoo.fit", "validation_batch_size 0", lambda t: fit(validation_split=0.25, validation_batch_size=0), ValueError,
     "validation_batch_size"),
    ("zoo.fit", "validation_batch_size str", lambda t: fit(validation_split=0.25, validation_batch_size="64"),
     TypeError, "validation_batch_size"),
    ("zoo.fit", "jit_compile str", lambda t: fit(jit_compile="yes"), ValueError, "jit_compile"),
    ("zoo.fit", "jit_compile None", lambda t: fit(jit_compile=None), TypeError, "jit_compile"),
    ("zoo.fit", "jit_compile array", lambda t: fit(jit_compile=np.array([1, 2])), TypeError, "jit_compile"),
    ("zoo.fit", "model str", lambda t: zoo.fit("mlp", X, Y_BIN), TypeError, "model"),
    ("zoo.fit", "model None", lambda t: zoo.fit(None, X, Y_BIN), TypeError, "model"),
    ("zoo.fit", "uint8 0-255 into input_range (0, 1)",
     lambda t: zoo.fit(model("transfer"), (IMAGES * 255).astype("uint8"), np.arange(6) % 3, verbose=0),
     ValueError, "x"),
    ("zoo.fit", "transfer image shape", lambda t: zoo.fit(model("transfer"), IMAGES[:, :4], np.arange(6) % 3),
     ValueError, "x"),
    ("zoo.fit", "transfer validation 0-255",
     lambda t: zoo.fit(model("transfer"), IMAGES, np.arange(6) % 3, validation_data=(IMAGES * 255, np.arange(6) % 3)),
     ValueError, "validation_data"),
    # zoo.pipeline.dataset
    ("zoo.pipeline.dataset", "x None", lambda t: zoo.pipeline.dataset(None), TypeError, "x"),
    ("zoo.pipeline.dataset", "x ragged", lambda t: zoo.pipeline.dataset([[1, 2], [3]], [0, 1]), ValueError, "x"),
    ("zoo.pipeline.dataset", "x nan", lambda t: zoo.pipeline.dataset(_with(X, (7, 0), NAN), Y_BIN), ValueError, "x"),
    ("zoo.pipeline.dataset", "x complex", lambda t: zoo.pipeline.dataset(X + 2j), TypeError, "x"),
    ("zoo.pipeline.dataset", "x empty", lambda t: zoo.pipeline.dataset(np.zeros((0, 2))), ValueError, "x"),
    ("zoo.pipeline.dataset", "x beyond float32", lambda t: zoo.pipeline.dataset(_with(X, (0, 0), -1e39)),
     ValueError, "x"),
    ("zoo.pipeline.dataset", "y nan", lambda t: zoo.pipeline.dataset(X, _with(Y_REG, 9, NAN)), ValueError, "y"),
    ("zoo.pipeline.dataset", "y length", lambda t: zoo.pipeline.dataset(X, Y_BIN[:3]), ValueError, "y"),
    ("zoo.pipeline.dataset", "weights without y", lambda t: zoo.pipeline.dataset(X, None, np.ones(24)), ValueError,
     "sample_weight"),
    ("zoo.pipeline.dataset", "weights 2-D", lambda t: zoo.pipeline.dataset(X, Y_BIN, np.ones((24, 2))), ValueError,
     "sample_weight"),
    ("zoo.pipeline.dataset", "batch_size 0", lambda t: zoo.pipeline.dataset(X, batch_size=0), ValueError,
     "batch_size"),
    ("zoo.pipeline.dataset", "batch_size 2**40", lambda t: zoo.pipeline.dataset(X, batch_size=2**40), ValueError,
     "batch_size"),
    ("zoo.pipeline.dataset", "batch_size str", lambda t: zoo.pipeline.dataset(X, batch_size="8"), TypeError,
     "batch_size"),
    ("zoo.pipeline.dataset", "shuffle int", lambda t: zoo.pipeline.dataset(X, shuffle=1), TypeError, "shuffle"),
    ("zoo.pipeline.dataset", "seed negative", lambda t: zoo.pipeline.dataset(X, seed=-1), ValueError, "seed"),
    ("zoo.pipeline.dataset", "drop_remainder str", lambda t: zoo.pipeline.dataset(X, drop_remainder="no"),
     TypeError, "drop_remainder"),
    ("zoo.pipeline.dataset", "drop_remainder, batch > n",
     lambda t: zoo.pipeline.dataset(X, batch_size=100, drop_remainder=True), ValueError, "batch_size"),
    ("zoo.pipeline.fit", "through the module", lambda t: zoo.pipeline.fit(model("binary"), X, Y_MC), ValueError,
     "y"),
    # split_validation
    ("zoo.training.split_validation", "negative", lambda t: zoo.training.split_validation(X, Y_BIN, -0.2),
     ValueError, "validation_split"),
    ("zoo.training.split_validation", "above 1", lambda t: zoo.training.split_validation(X, Y_BIN, 1.5),
     ValueError, "validation_split"),
    ("zoo.training.split_validation", "str", lambda t: zoo.training.split_validation(X, Y_BIN, "0.2"),
     TypeError, "validation_split"),
    ("zoo.training.split_validation", "nan", lambda t: zoo.training.split_validation(X, Y_BIN, NAN),
     ValueError, "validation_split"),
    ("zoo.training.split_validation", "leaves no training", lambda t: zoo.training.split_validation(
        X[:2], Y_BIN[:2], 0.6), ValueError, "validation_split"),
    ("zoo.training.split_validation", "y length", lambda t: zoo.training.split_validation(X, Y_BIN[:5], 0.2),
     ValueError, "y"),
    # zoo.train: class 5 and 6
    ("zoo.train", "unknown architecture", lambda t: train(t, architecture="mpl"), ValueError, "name"),
    ("zoo.train", "architecture int", lambda t: train(t, architecture=3), TypeError, "name"),
    ("zoo.train", "unknown dataset", lambda t: train(t, dataset="mnistt"), ValueError, "dataset"),
    ("zoo.train", "regression on iris", lambda t: train(t, task="regression"), ValueError, "task"),
    ("zoo.train", "multiclass on diabetes", lambda t: train(t, dataset="diabetes", task="multiclass"), ValueError,
     "task"),
    ("zoo.train", "binary on diabetes", lambda t: train(t, dataset="diabetes", task="binary"), ValueError, "task"),
    ("zoo.train", "unknown task", lambda t: train(t, task="clustering"), ValueError, "task"),
    ("zoo.train", "epochs 0", lambda t: train(t, epochs=0), ValueError, "epochs"),
    ("zoo.train", "epochs str", lambda t: train(t, epochs="5"), TypeError, "epochs"),
    ("zoo.train", "batch_size 0", lambda t: train(t, batch_size=0), ValueError, "batch_size"),
    ("zoo.train", "patience negative", lambda t: train(t, patience=-1), ValueError, "patience"),
    ("zoo.train", "validation_split 0", lambda t: train(t, validation_split=0.0), ValueError, "validation_split"),
    ("zoo.train", "validation_split 1", lambda t: train(t, validation_split=1), ValueError, "validation_split"),
    ("zoo.train", "tensorboard str", lambda t: train(t, tensorboard="yes"), TypeError, "tensorboard"),
    ("zoo.train", "out is a file", lambda t: train(t, out=str(_file(t))), ValueError, "out"),
    ("zoo.train", "out below a file", lambda t: train(t, out=str(_file(t) / "sub")), ValueError, "out"),
    ("zoo.train", "out int", lambda t: train(t, out=3), TypeError, "out"),
    ("zoo.train", "out empty", lambda t: train(t, out=""), ValueError, "out"),
    ("zoo.train", "callbacks str", lambda t: train(t, callbacks="x"), TypeError, "callbacks"),
    ("zoo.train", "callbacks of ints", lambda t: train(t, callbacks=[1]), TypeError, "callbacks"),
    ("zoo.train", "verbose 3", lambda t: train(t, verbose=3), ValueError, "verbose"),
    ("zoo.train", "verbose word", lambda t: train(t, verbose="loud"), ValueError, "verbose"),
    ("zoo.train", "Head with other outputs", lambda t: train(t, dataset="breast_cancer", task=zoo.head_for("binary"),
                                                               outputs=3), ValueError, "outputs"),
    ("zoo.train", "Head with bounds", lambda t: train(t, dataset="diabetes", task=zoo.head_for("regression"),
                                                        bounds=(0, 1)), ValueError, "bounds"),
    ("zoo.train", "bounded Head, targets beyond",
     lambda t: train(t, dataset="diabetes", task=zoo.head_for("regression", bounds=(0, 1))), ValueError, "y"),
    ("zoo.train", "input_shape override", lambda t: train(t, input_shape=(5,)), ValueError, "x"),
    ("zoo.train", "unknown builder keyword", lambda t: train(t, foo=1), TypeError, "foo"),
    ("zoo.train", "builder keyword typo", lambda t: train(t, hidden_layer=2), TypeError, "hidden_layer"),
    ("zoo.train", "seed negative", lambda t: train(t, seed=-1), ValueError, "seed"),
    # tuning.run_search (class 1, 2, 7)
    ("tuning.run_search", "tuner str", lambda t: tuning.run_search("random", X, Y_BIN), TypeError, "tuner"),
    ("tuning.run_search", "epochs 0", lambda t: search(epochs=0), ValueError, "epochs"),
    ("tuning.run_search", "epochs str", lambda t: search(epochs="2"), TypeError, "epochs"),
    ("tuning.run_search", "batch_size 0", lambda t: search(batch_size=0), ValueError, "batch_size"),
    ("tuning.run_search", "batch_size -3", lambda t: search(batch_size=-3), ValueError, "batch_size"),
    ("tuning.run_search", "refit str", lambda t: search(refit="yes"), TypeError, "refit"),
    ("tuning.run_search", "x nan", lambda t: search(x=_with(X, (2, 1), NAN)), ValueError, "x"),
    ("tuning.run_search", "x inf", lambda t: search(x=_with(X, (0, 2), INF)), ValueError, "x"),
    ("tuning.run_search", "x beyond float32", lambda t: search(x=_with(X, (0, 2), 3.5e38)), ValueError, "x"),
    ("tuning.run_search", "x complex", lambda t: search(x=X + 1j), TypeError, "x"),
    ("tuning.run_search", "x ragged", lambda t: search(x=[[1, 2, 3], [1]], y=[0, 1]), ValueError, "x"),
    ("tuning.run_search", "x None", lambda t: search(x=None), TypeError, "x"),
    ("tuning.run_search", "x wrong width", lambda t: search(x=RNG.random((24, 5))), ValueError, "x"),
    ("tuning.run_search", "y nan", lambda t: search(y=_with(Y_BIN, 0, NAN)), ValueError, "y"),
    ("tuning.run_search", "labels outside binary head", lambda t: search(y=Y_MC), ValueError, "y"),
    ("tuning.run_search", "one-hot on sparse head", lambda t: search(y=np.eye(3)[Y_MC], kind="multiclass"),
     ValueError, "y"),
    ("tuning.run_search", "bounded targets beyond", lambda t: search(y=Y_REG * 50, kind="bounded"), ValueError, "y"),
    ("tuning.run_search", "y shorter", lambda t: search(y=Y_BIN[:10]), ValueError, "y"),
    ("tuning.run_search", "validation lengths", lambda t: search(validation_data=(X[:6], Y_BIN[:5])), ValueError,
     "validation_data"),
    ("tuning.run_search", "validation nan", lambda t: search(validation_data=(_with(X, (0, 0), NAN), Y_BIN)),
     ValueError, "validation_data"),
    ("tuning.run_search", "validation labels", lambda t: search(validation_data=(X, Y_MC)), ValueError,
     "validation_data"),
    ("tuning.run_search", "validation width", lambda t: search(validation_data=(RNG.random((4, 2)), Y_BIN[:4])),
     ValueError, "validation_data"),
    ("tuning.run_search", "validation triple", lambda t: search(validation_data=(X, Y_BIN, np.ones(24))), TypeError,
     "validation_data"),
    ("tuning.run_search", "validation_split 0", lambda t: search(validation_split=0.0), ValueError,
     "validation_split"),
    ("tuning.run_search", "split leaves no training", lambda t: search(validation_split=0.999), ValueError,
     "validation_split"),
    ("tuning.run_search", "class_weight missing", lambda t: search(class_weight={1: 2.0}), ValueError,
     "class_weight"),
    ("tuning.run_search", "sample_weight", lambda t: search(sample_weight=np.ones(24)), ValueError, "sample_weight"),
    # tuning.make_tuner (class 7)
    ("tuning.make_tuner", "kind typo", lambda t: tuning.make_tuner("randm", hm(), directory=str(t)), ValueError,
     "kind"),
    ("tuning.make_tuner", "kind int", lambda t: tuning.make_tuner(3, hm(), directory=str(t)), ValueError, "kind"),
    ("tuning.make_tuner", "hypermodel str", lambda t: tuning.make_tuner("random", "mlp", directory=str(t)),
     TypeError, "hypermodel"),
    ("tuning.make_tuner", "max_trials 0", lambda t: tuning.make_tuner("random", hm(), max_trials=0,
                                                                      directory=str(t)), ValueError, "max_trials"),
    ("tuning.make_tuner", "max_epochs 0", lambda t: tuning.make_tuner("hyperband", hm(), max_epochs=0,
                                                                      directory=str(t)), ValueError, "max_epochs"),
    ("tuning.make_tuner", "executions 0", lambda t: tuning.make_tuner("random", hm(), executions_per_trial=0,
                                                                      directory=str(t)), ValueError,
     "executions_per_trial"),
    ("tuning.make_tuner", "seed negative", lambda t: tuning.make_tuner("random", hm(), seed=-1, directory=str(t)),
     ValueError, "seed"),
    ("tuning.make_tuner", "overwrite str", lambda t: tuning.make_tuner("random", hm(), overwrite="yes",
                                                                       directory=str(t)), TypeError, "overwrite"),
    ("tuning.make_tuner", "prune int", lambda t: tuning.make_tuner("random", hm(), prune=1, directory=str(t)),
     TypeError, "prune"),
    ("tuning.make_tuner", "time_budget word", lambda t: tuning.make_tuner("random", hm(), time_budget="soon",
                                                                          directory=str(t)), ValueError,
     "time_budget"),
    ("tuning.make_tuner", "time_budget negative", lambda t: tuning.make_tuner("random", hm(), time_budget=-5,
                                                                              directory=str(t)), ValueError,
     "time_budget"),
    ("tuning.make_tuner", "objective typo", lambda t: tuning.make_tuner("random", hm(), objective="val_acc",
                                                                        directory=str(t)), ValueError, "objective"),
    ("tuning.make_tuner", "objective int", lambda t: tuning.make_tuner("random", hm(), objective=3,
                                                                       directory=str(t)), TypeError, "objective"),
    ("tuning.make_tuner", "Objective 'up'", lambda t: tuning.make_tuner(
        "random", hm(), objective=_objective("val_accuracy", "up"), directory=str(t)), ValueError, "objective"),
    ("tuning.make_tuner", "directory int", lambda t: tuning.make_tuner("random", hm(), directory=3), TypeError,
     "directory"),
    ("tuning.make_tuner", "directory is a file", lambda t: tuning.make_tuner("random", hm(), directory=str(_file(t))),
     ValueError, "directory"),
    ("tuning.make_tuner", "directory below a file",
     lambda t: tuning.make_tuner("random", hm(), directory=str(_file(t) / "sub")), ValueError, "directory"),
    ("tuning.make_tuner", "project_name int", lambda t: tuning.make_tuner("random", hm(), project_name=3,
                                                                          directory=str(t)), TypeError,
     "project_name"),
    ("tuning.make_tuner", "project_name path", lambda t: tuning.make_tuner("random", hm(), project_name="a/b",
                                                                           directory=str(t)), ValueError,
     "project_name"),
    ("tuning.make_tuner", "project_name blank", lambda t: tuning.make_tuner("random", hm(), project_name=" ",
                                                                            directory=str(t)), ValueError,
     "project_name"),
    ("tuning.make_tuner", "hyperparameters str", lambda t: tuning.make_tuner("random", hm(), hyperparameters="x",
                                                                             directory=str(t)), TypeError,
     "hyperparameters"),
    ("tuning.make_tuner", "grid over an open range", lambda t: tuning.make_tuner("grid", hm(), directory=str(t)),
     ValueError, "kind"),
    ("tuning.make_tuner", "project of another kind", lambda t: (
        tuning.make_tuner("random", hm(), directory=str(t), project_name="p"),
        tuning.make_tuner("bayesian", hm(), directory=str(t), project_name="p")), ValueError, "kind"),
    # hypermodels (class 7)
    ("tuning.hypermodel", "unknown", lambda t: tuning.hypermodel("mpl"), ValueError, "name"),
    ("tuning.hypermodel", "untunable", lambda t: tuning.hypermodel("perceptron"), ValueError, "name"),
    ("tuning.hypermodel", "seed negative", lambda t: tuning.hypermodel("mlp", seed=-1), ValueError, "seed"),
    ("tuning.hypermodel", "compile fixed", lambda t: tuning.hypermodel("mlp", compile=False), ValueError, "compile"),
    ("tuning.hypermodel", "unknown argument", lambda t: tuning.hypermodel("mlp", foo=1), TypeError, "foo"),
    ("tuning.hypermodel", "units per layer, layers searched", lambda t: tuning.hypermodel("mlp", units=(64, 32, 16)),
     ValueError, "units"),
    ("tuning.ZooHyperModel", "unknown architecture", lambda t: tuning.ZooHyperModel("nosuch"), ValueError,
     "architecture"),
    ("tuning.ZooHyperModel", "no architecture", lambda t: tuning.ZooHyperModel(), ValueError, "architecture"),
    ("tuning.MLPHyperModel", "another architecture", lambda t: tuning.MLPHyperModel("cnn"), ValueError,
     "architecture"),
    ("tuning.MLPHyperModel", "fixed units tuple", lambda t: tuning.MLPHyperModel(units=(64, 32, 16)), ValueError,
     "units"),
    ("tuning.MLPHyperModel", "bad fixed dropout", lambda t: tuning.MLPHyperModel(dropout=2.0), ValueError,
     "dropout"),
    ("tuning.CNNHyperModel", "another architecture", lambda t: tuning.CNNHyperModel("mlp"), ValueError,
     "architecture"),
    ("tuning.CNNHyperModel", "bad kernel", lambda t: tuning.CNNHyperModel(kernel_size=0), ValueError, "kernel_size"),
    ("tuning.LSTMHyperModel", "units 0", lambda t: tuning.LSTMHyperModel(units=0), ValueError, "units"),
    ("tuning.LSTMHyperModel", "units tuple", lambda t: tuning.LSTMHyperModel(units=(8, 4)), ValueError, "units"),
    ("tuning.SimpleRNNHyperModel", "dropout 2", lambda t: tuning.SimpleRNNHyperModel(dropout=2.0), ValueError,
     "dropout"),
    ("tuning.MNISTMLPHyperModel", "outputs 1", lambda t: tuning.MNISTMLPHyperModel(outputs=1), ValueError,
     "outputs"),
    ("tuning.LogisticRegressionHyperModel", "regression", lambda t: tuning.LogisticRegressionHyperModel(
        task="regression"), ValueError, "task"),
    ("tuning.TransferHyperModel", "unknown base", lambda t: tuning.TransferHyperModel(base="vgg17"), ValueError,
     "base"),
    ("tuning.stepped_learning_rate", "low 0", lambda t: tuning.stepped_learning_rate(0.0), ValueError, "low"),
    ("tuning.stepped_learning_rate", "high below low", lambda t: tuning.stepped_learning_rate(1e-2, 1e-3),
     ValueError, "high"),
    ("tuning.stepped_learning_rate", "low str", lambda t: tuning.stepped_learning_rate("1e-3"), TypeError, "low"),
    ("tuning.stepped_learning_rate", "high inf", lambda t: tuning.stepped_learning_rate(1e-3, INF), ValueError,
     "high"),
    # tuning.plot_trials (class 7, 8)
    ("tuning.plot_trials", "empty table", lambda t: tuning.plot_trials([], t / "t.png"), ValueError, "table"),
    ("tuning.plot_trials", "garbage JSON", lambda t: tuning.plot_trials(_file(t, "g.json", "{oops"), t / "t.png"),
     ValueError, "table"),
    ("tuning.plot_trials", "missing file", lambda t: tuning.plot_trials(str(t / "none.json"), t / "t.png"),
     ValueError, "table"),
    ("tuning.plot_trials", "JSON without trials", lambda t: tuning.plot_trials(_trials_json(t, {"a": 1}),
                                                                               t / "t.png"), ValueError, "table"),
    ("tuning.plot_trials", "rows of strings", lambda t: tuning.plot_trials(["a", "b"], t / "t.png"), ValueError,
     "table"),
    ("tuning.plot_trials", "string scores", lambda t: tuning.plot_trials([{"status": "COMPLETED", "score": "0.9"}],
                                                                         t / "t.png"), ValueError, "table"),
    ("tuning.plot_trials", "table int", lambda t: tuning.plot_trials(3, t / "t.png"), TypeError, "table"),
    ("tuning.plot_trials", "direction up", lambda t: tuning.plot_trials([{"status": "COMPLETED", "score": 1.0}],
                                                                        t / "t.png", direction="up"), ValueError,
     "direction"),
    ("tuning.plot_trials", "objective int", lambda t: tuning.plot_trials([{"status": "COMPLETED", "score": 1.0}],
                                                                         t / "t.png", objective=3), TypeError,
     "objective"),
    ("tuning.plot_trials", "path .txt", lambda t: tuning.plot_trials([{"status": "COMPLETED", "score": 1.0}],
                                                                     t / "t.txt"), ValueError, "path"),
    ("tuning.plot_trials", "path is a folder", lambda t: tuning.plot_trials([{"status": "COMPLETED", "score": 1.0}],
                                                                            _folder(t, "d.png")), ValueError, "path"),
    ("tuning.plot_trials", "parent is a file", lambda t: tuning.plot_trials([{"status": "COMPLETED", "score": 1.0}],
                                                                            _file(t) / "t.png"), ValueError, "path"),
    # diagrams (class 8, 9)
    ("zoo.diagrams.export_diagram", "dpi negative", lambda t: zoo.diagrams.export_diagram(model("binary"), t / "d",
                                                                                          dpi=-5), ValueError, "dpi"),
    ("zoo.diagrams.export_diagram", "dpi word", lambda t: zoo.diagrams.export_diagram(model("binary"), t / "d",
                                                                                      dpi="high"), TypeError, "dpi"),
    ("zoo.diagrams.export_diagram", "dpi huge", lambda t: zoo.diagrams.export_diagram(model("binary"), t / "d",
                                                                                      dpi=10**6), ValueError, "dpi"),
    ("zoo.diagrams.export_diagram", "path empty", lambda t: zoo.diagrams.export_diagram(model("binary"), ""),
     ValueError, "path"),
    ("zoo.diagrams.export_diagram", "parent is a file",
     lambda t: zoo.diagrams.export_diagram(model("binary"), _file(t) / "d"), ValueError, "path"),
    ("zoo.diagrams.export_diagram", "target is a folder",
     lambda t: zoo.diagrams.export_diagram(model("binary"), _folder(t, "d.png") if False else _folder(t, "m.dot")),
     ValueError, "path"),
    ("zoo.diagrams.export_diagram", "path int", lambda t: zoo.diagrams.export_diagram(model("binary"), 3),
     TypeError, "path"),
    ("zoo.diagrams.export_diagram", "model str", lambda t: zoo.diagrams.export_diagram("mlp", t / "d"), TypeError,
     "model"),
    ("zoo.diagrams.export_diagram", "formats str", lambda t: zoo.diagrams.export_diagram(model("binary"), t / "d",
                                                                                         formats="png"), TypeError,
     "formats"),
    ("zoo.diagrams.export_diagram", "formats gif", lambda t: zoo.diagrams.export_diagram(model("binary"), t / "d",
                                                                                         formats=["gif"]), ValueError,
     "formats"),
    ("zoo.diagrams.export_diagram", "rankdir BT", lambda t: zoo.diagrams.export_diagram(model("binary"), t / "d",
                                                                                        rankdir="BT"), ValueError,
     "rankdir"),
    ("zoo.diagrams.export_diagram", "show_shapes str", lambda t: zoo.diagrams.export_diagram(
        model("binary"), t / "d", show_shapes="yes"), TypeError, "show_shapes"),
    ("zoo.diagrams.export_registered", "one name as a string", lambda t: zoo.diagrams.export_registered("cnn", t),
     TypeError, "names"),
    ("zoo.diagrams.export_registered", "no names", lambda t: zoo.diagrams.export_registered([], t), ValueError,
     "names"),
    ("zoo.diagrams.export_registered", "unknown name", lambda t: zoo.diagrams.export_registered(["nope"], t),
     ValueError, "name"),
    ("zoo.diagrams.export_registered", "names int", lambda t: zoo.diagrams.export_registered(3, t), ValueError,
     "names"),
    ("zoo.diagrams.export_registered", "formats gif", lambda t: zoo.diagrams.export_registered(
        ["mlp"], t, formats=["gif"]), ValueError, "formats"),
    ("zoo.diagrams.export_registered", "out is a file", lambda t: zoo.diagrams.export_registered(["mlp"], _file(t)),
     ValueError, "out"),
    # plots (class 8, 9)
    ("zoo.plots.plot_history", "empty", lambda t: zoo.plots.plot_history({}, t / "h.png"), TypeError, "history"),
    ("zoo.plots.plot_history", "str", lambda t: zoo.plots.plot_history("loss", t / "h.png"), TypeError, "history"),
    ("zoo.plots.plot_history", "validation only", lambda t: zoo.plots.plot_history({"val_loss": [1.0, 0.5]},
                                                                                   t / "h.png"), ValueError, "history"),
    ("zoo.plots.plot_history", "unequal lengths", lambda t: zoo.plots.plot_history(
        {"loss": [1.0, 0.5], "val_loss": [1.0]}, t / "h.png"), ValueError, "history"),
    ("zoo.plots.plot_history", "string values", lambda t: zoo.plots.plot_history({"loss": ["a"]}, t / "h.png"),
     ValueError, "history"),
    ("zoo.plots.plot_history", "scalar values", lambda t: zoo.plots.plot_history({"loss": 0.5}, t / "h.png"),
     TypeError, "history"),
    ("zoo.plots.plot_history", "path .txt", lambda t: zoo.plots.plot_history({"loss": [1.0]}, t / "h.txt"),
     ValueError, "path"),
    ("zoo.plots.plot_history", "path is a folder", lambda t: zoo.plots.plot_history({"loss": [1.0]},
                                                                                    _folder(t, "h.png")),
     ValueError, "path"),
    ("zoo.plots.plot_history", "title int", lambda t: zoo.plots.plot_history({"loss": [1.0]}, t / "h.png", title=3),
     TypeError, "title"),
    ("zoo.plots.plot_activations", "names str", lambda t: zoo.plots.plot_activations(t / "a.png", names="relu"),
     TypeError, "names"),
    ("zoo.plots.plot_activations", "names empty", lambda t: zoo.plots.plot_activations(t / "a.png", names=[]),
     ValueError, "names"),
    ("zoo.plots.plot_activations", "unknown name", lambda t: zoo.plots.plot_activations(t / "a.png", names=["gelu"]),
     ValueError, "names"),
    ("zoo.plots.plot_activations", "z_range nan", lambda t: zoo.plots.plot_activations(t / "a.png",
                                                                                       z_range=(0, NAN)),
     ValueError, "z_range"),
    ("zoo.plots.plot_activations", "z_range reversed", lambda t: zoo.plots.plot_activations(t / "a.png",
                                                                                            z_range=(5, -5)),
     ValueError, "z_range"),
    ("zoo.plots.plot_activations", "z_range str", lambda t: zoo.plots.plot_activations(t / "a.png", z_range="wide"),
     TypeError, "z_range"),
    ("zoo.plots.plot_activations", "path below a file", lambda t: zoo.plots.plot_activations(_file(t) / "a.png"),
     ValueError, "path"),
    ("zoo.plots.activation_values", "unknown name", lambda t: zoo.plots.activation_values("gelu", [0.0]),
     ValueError, "name"),
    ("zoo.plots.activation_values", "z words", lambda t: zoo.plots.activation_values("relu", "abc"), TypeError, "z"),
    ("zoo.plots.activation_values", "z nan", lambda t: zoo.plots.activation_values("relu", [0.0, NAN]), ValueError,
     "z"),
    ("zoo.plots.activation_values", "z 2-D", lambda t: zoo.plots.activation_values("relu", np.zeros((2, 2))),
     ValueError, "z"),
    ("zoo.plots.plot_decision_boundaries", "no panels", lambda t: zoo.plots.plot_decision_boundaries([], t / "b.png"),
     ValueError, "panels"),
    ("zoo.plots.plot_decision_boundaries", "3-feature model", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel("plane3")], t / "b.png"), ValueError, "panels"),
    ("zoo.plots.plot_decision_boundaries", "multiclass model", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel("plane_mc")], t / "b.png"), ValueError, "panels"),
    ("zoo.plots.plot_decision_boundaries", "resolution 0", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel()], t / "b.png", resolution=0), ValueError, "resolution"),
    ("zoo.plots.plot_decision_boundaries", "resolution str", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel()], t / "b.png", resolution="high"), TypeError, "resolution"),
    ("zoo.plots.plot_decision_boundaries", "panel pair", lambda t: zoo.plots.plot_decision_boundaries(
        [("a", None)], t / "b.png"), TypeError, "panels"),
    ("zoo.plots.plot_decision_boundaries", "labels 0-2", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel(y=np.arange(6) % 3)], t / "b.png"), ValueError, "panels"),
    ("zoo.plots.plot_decision_boundaries", "points nan", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel(x=_with(np.zeros((6, 2)), (0, 0), NAN))], t / "b.png"), ValueError, "panels"),
    ("zoo.plots.plot_decision_boundaries", "path .jpg", lambda t: zoo.plots.plot_decision_boundaries(
        [_panel()], t / "b.jpg"), ValueError, "path"),
    ("zoo.plots.check_figure_path", "int", lambda t: zoo.plots.check_figure_path(3), TypeError, "path"),
    ("zoo.plots.check_figure_path", "folder", lambda t: zoo.plots.check_figure_path(_folder(t, "f.svg")), ValueError,
     "path"),
    ("zoo.plots.save_figure", "path .gif", lambda t: zoo.plots.save_figure(_figure(), t / "f.gif"), ValueError,
     "path"),
    # datasets (class 10)
    ("zoo.datasets.mnist_source", "subset 'yes'", lambda t: zoo.datasets.mnist_source(subset="yes"), TypeError,
     "subset"),
    ("zoo.export", "path 3", lambda t: zoo.export(_tiny(), 3), TypeError, "path"),
    ("zoo.export", "format tflite", lambda t: zoo.export(_tiny(), t / "m", format="tflite"), ValueError, "format"),
    ("zoo.export", "overwrite 'yes'", lambda t: zoo.export(_tiny(), t / "m", overwrite="yes"), TypeError,
     "overwrite"),
    ("zoo.export", "onnx without .onnx", lambda t: zoo.export(_tiny(), t / "m", format="onnx"), ValueError, "path"),
    ("zoo.export", "saved_model named .onnx", lambda t: zoo.export(_tiny(), t / "m.onnx"), ValueError, "path"),
    ("zoo.export", "existing path", lambda t: zoo.export(_tiny(), _existing(t / "m")), ValueError, "path"),
    ("zoo.export", "model 42", lambda t: zoo.export(42, t / "m"), TypeError, "model"),
    ("zoo.datasets.sine_sequences", "seed -1", lambda t: zoo.datasets.sine_sequences(seed=-1), ValueError, "seed"),
    ("zoo.datasets.sine_sequences", "10**12 samples", lambda t: zoo.datasets.sine_sequences(10**12), ValueError,
     "samples"),
    ("zoo.datasets.sine_sequences", "samples 0", lambda t: zoo.datasets.sine_sequences(0), ValueError, "samples"),
    ("zoo.datasets.sine_sequences", "timesteps 1", lambda t: zoo.datasets.sine_sequences(timesteps=1), ValueError,
     "timesteps"),
    ("zoo.datasets.sine_sequences", "seed str", lambda t: zoo.datasets.sine_sequences(seed="0"), TypeError, "seed"),
    ("zoo.datasets.sequence_classes", "classes 1", lambda t: zoo.datasets.sequence_classes(classes=1), ValueError,
     "classes"),
    ("zoo.datasets.sequence_classes", "samples 5", lambda t: zoo.datasets.sequence_classes(samples=5), ValueError,
     "samples"),
    ("zoo.datasets.sequence_classes", "seed -1", lambda t: zoo.datasets.sequence_classes(seed=-1), ValueError,
     "seed"),
    ("zoo.datasets.sequence_classes", "too large", lambda t: zoo.datasets.sequence_classes(samples=10**9),
     ValueError, "samples"),
    ("zoo.datasets.digits", "flatten str", lambda t: zoo.datasets.digits(flatten="yes"), TypeError, "flatten"),
    ("zoo.datasets.iris", "seed -1", lambda t: zoo.datasets.iris(seed=-1), ValueError, "seed"),
    ("zoo.datasets.breast_cancer", "test_size 2", lambda t: zoo.datasets.breast_cancer(test_size=2.0), ValueError,
     "test_size"),
    ("zoo.datasets.diabetes", "test_size str", lambda t: zoo.datasets.diabetes(test_size="x"), TypeError,
     "test_size"),
    ("zoo.datasets.mnist", "flatten str (before any download)", lambda t: zoo.datasets.mnist(flatten="x"),
     TypeError, "flatten"),
    ("zoo.datasets.cifar10", "flatten int (before any download)", lambda t: zoo.datasets.cifar10(flatten=1),
     TypeError, "flatten"),
    # transfer, load, strategy, TF_CONFIG (class 10), heads (class 6)
    ("zoo.transfer", "resize beyond memory", lambda t: zoo.transfer(weights=None, resize=(100_000, 100_000)),
     ValueError, "resize"),
    ("zoo.transfer", "tf preprocessing without input_range",
     lambda t: zoo.transfer(weights=None, preprocessing="tf", input_range=None), ValueError, "preprocessing"),
    ("zoo.transfer", "Head with outputs", lambda t: zoo.transfer(weights=None, task=zoo.head_for("binary"),
                                                                outputs=4), ValueError, "outputs"),
    ("zoo.fine_tune", "layers str", lambda t: zoo.fine_tune("model", layers="all"), TypeError, "model"),
    ("zoo.load_model", "unknown option", lambda t: zoo.load_model(t / "m.keras", foo=1), TypeError, "foo"),
    ("zoo.load_model", "folder", lambda t: zoo.load_model(_folder(t, "m.keras")), ValueError, "path"),
    ("zoo.load_model", "path None", lambda t: zoo.load_model(None), TypeError, "path"),
    ("zoo.save_model", "path int", lambda t: zoo.save_model(model("binary"), 3), TypeError, "path"),
    ("zoo.save_model", "below a file", lambda t: zoo.save_model(model("binary"), _file(t) / "m.keras"), ValueError,
     "path"),
    ("zoo.get_strategy", "kind int", lambda t: zoo.get_strategy(3), TypeError, "kind"),
    ("zoo.get_strategy", "kind typo", lambda t: zoo.get_strategy("mirorred"), ValueError, "kind"),
    ("zoo.get_strategy", "ZOO_STRATEGY unknown", lambda t: _strategy_env("gpu"), ValueError, "ZOO_STRATEGY"),
    ("zoo.get_strategy", "ZOO_STRATEGY=mirrored on one device", lambda t: _strategy_env("mirrored"), ValueError,
     "ZOO_STRATEGY"),
    ("TF_CONFIG", "cluster a list", lambda t: _tf_config({"cluster": ["a:1"]}), ValueError, "TF_CONFIG"),
    ("TF_CONFIG", "addresses not strings", lambda t: _tf_config({"cluster": {"worker": [1, 2]},
                                                                 "task": {"type": "worker", "index": 0}}),
     ValueError, "TF_CONFIG"),
    ("TF_CONFIG", "no task", lambda t: _tf_config({"cluster": {"worker": ["a:1"]}}), ValueError, "TF_CONFIG"),
    ("TF_CONFIG", "task index beyond", lambda t: _tf_config({"cluster": {"worker": ["a:1"]},
                                                             "task": {"type": "worker", "index": 3}}),
     ValueError, "TF_CONFIG"),
    ("TF_CONFIG", "task type not in cluster", lambda t: _tf_config({"cluster": {"worker": ["a:1"]},
                                                                    "task": {"type": "chief", "index": 0}}),
     ValueError, "TF_CONFIG"),
    ("zoo.head_for", "outputs bool", lambda t: zoo.head_for("binary", outputs=True), TypeError, "outputs"),
    ("zoo.head_for", "task int", lambda t: zoo.head_for(3), ValueError, "task"),
    ("zoo.infer_head", "strings", lambda t: zoo.infer_head(["a", "b"]), ValueError, "y"),
    ("zoo.initializer_for", "unknown activation", lambda t: zoo.initializer_for("swishh"), ValueError, "activation"),
    ("zoo.initializer_for", "seed negative", lambda t: zoo.initializer_for("relu", seed=-1), ValueError, "seed"),
    ("zoo.build", "Head with bounds", lambda t: zoo.build("mlp", task=zoo.head_for("regression"), bounds=(0, 1)),
     ValueError, "bounds"),
    ("zoo.build", "Head with outliers", lambda t: zoo.build("mlp", task=zoo.head_for("regression"), outliers=True),
     ValueError, "outliers"),
    ("zoo.build", "Head with other outputs", lambda t: zoo.build("lstm", task=zoo.head_for("multiclass", 3),
                                                                 outputs=5), ValueError, "outputs"),
    ("zoo.describe", "name int", lambda t: zoo.describe(3), TypeError, "name"),
    ("zoo.list_models", "pattern int", lambda t: zoo.list_models(3), TypeError, "pattern"),
    ("zoo.list_models", "family unknown", lambda t: zoo.list_models(family="cnn"), ValueError, "family"),
    ("zoo.register", "family int", lambda t: zoo.register(family=3), TypeError, "family"),
    ("zoo.register", "tasks as one string", lambda t: zoo.register(family="dense", tasks="binary"), TypeError,
     "tasks"),
    ("zoo.register", "unknown input_kind", lambda t: zoo.register(family="dense", input_kind="pixels"), ValueError,
     "input_kind"),
    ("zoo.register", "not a function", lambda t: zoo.register(family="dense", name="toy17")(3), TypeError, "fn"),
]

# Public names a catalogue case cannot exercise (no arguments, or data holders), with the reason.
EXEMPT = {
    "zoo.get_distribution": "takes no arguments",
    "zoo.diagrams.has_dot": "takes no arguments",
    "zoo.plots.pyplot": "takes no arguments",
    "zoo.training.TrainResult": "a result holder built by train()",
    "tuning.SearchResult": "a result holder built by run_search()",
}
# Covered by tests/test_errors.py (every builder, Head, infer_head, load/save, fine_tune).
COVERED_ELSEWHERE = {"zoo.Head", "zoo.load_model", "zoo.save_model", "zoo.fine_tune"}


def _public_functions():
    """Every public callable of `zoo` and `tuning`: their __all__, and the modules in it (their __all__, or
    the functions and classes they define), by object so that an alias (zoo.fit, zoo.pipeline.fit) is one."""
    found = {}
    for package in (zoo, tuning):
        for attr in package.__all__:
            value = getattr(package, attr)
            if isinstance(value, types.ModuleType):
                inner = getattr(value, "__all__", None) or [
                    n for n, m in vars(value).items()
                    if not n.startswith("_") and getattr(m, "__module__", None) == value.__name__]
                for n in inner:
                    member = getattr(value, n)
                    if callable(member) and not n.isupper():
                        found.setdefault(id(member), (f"{package.__name__}.{attr}.{n}", member))
            elif callable(value) and not attr.isupper():
                found.setdefault(id(value), (f"{package.__name__}.{attr}", value))
    builders = {id(zoo.registry.get_entry(n).builder) for n in zoo.list_models()}  # test_errors.py's CASES
    return {key: name for key, (name, _) in found.items() if key not in builders}


def _resolve(surface):
    value = {"zoo": zoo, "tuning": tuning}.get(surface.split(".")[0])
    for part in surface.split(".")[1:]:
        value = getattr(value, part, None)
    return value


@pytest.fixture
def no_work(monkeypatch):
    """Fails the test if training or a search starts before the refusal."""
    import keras
    import keras_tuner as kt

    def boom(*args, **kwargs):
        raise AssertionError("training or a search started before the arguments were refused")

    monkeypatch.setattr(keras.Model, "fit", boom)
    monkeypatch.setattr(kt.Tuner, "search", boom)


@pytest.mark.parametrize("surface, label, call, exc, argument", CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_public_call_refuses_bad_input_clearly(surface, label, call, exc, argument, tmp_path, no_work):
    with pytest.raises(exc) as info:
        call(tmp_path)
    message = str(info.value)
    assert f"`{argument}`" in message, message
    assert "Received: " in message, message
    assert ".tmp-" not in message, "the message names the target, never a temporary file"
    leftovers = [p.name for p in tmp_path.rglob(".tmp-*")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    assert not list(tmp_path.rglob("history.csv")), "nothing half-written"


def test_every_public_function_has_a_case():
    covered = {id(_resolve(name)) for name in {c[0] for c in CASES} | set(EXEMPT) | COVERED_ELSEWHERE}
    missing = sorted(name for key, name in _public_functions().items() if key not in covered)
    assert not missing, f"public functions without a catalogue case: {missing}"


# (subcommand, argv, text the one-line error must contain)
CLI_CASES = [
    ("list", ["list", "--family", "nope"], "Received: family='nope'"),
    ("list", ["list", "--bogus"], "unrecognized arguments"),
    ("describe", ["describe", "mpl"], "Received: name='mpl'"),
    ("describe", ["describe"], "the following arguments are required"),
    ("build", ["build", "nope"], "Received: name='nope'"),
    ("build", ["build", "mlp", "--save", "m.h5"], "Received: --save='m.h5'"),
    ("build", ["build", "mlp", "--set", "units=0"], "Received: units=0"),
    ("build", ["build", "mlp", "--set", "task=foo"], "Received: task='foo'"),
    ("build", ["build", "mlp", "--set", "=3"], "expected KEY=VALUE"),
    ("tour", ["tour", "--seed", "-1"], "Received: --seed=-1"),
    ("tour", ["tour", "--seed", "x"], "invalid int value"),
    ("tour", ["tour", "--out", "{file}"], "Received: --out="),
    ("plot", ["plot", "nosuchmodel"], "Received: name='nosuchmodel'"),
    ("export", ["export", "m.keras", "--format", "tflite"], "invalid choice"),
    ("export", ["export", "nowhere/missing.keras"], "Received: path='nowhere/missing.keras'"),
    ("plot", ["plot", "cnn", "nope"], "Received: name='nope'"),
    ("plot", ["plot", "cnn", "--formats", "gif"], "invalid choice"),
    ("plot", ["plot", "cnn", "--out", "{file}"], "Received: --out="),
    ("plot", ["plot", "cnn", "--out", "{file}/sub"], "Received: --out="),
    ("activations", ["activations", "--out", "{file}"], "Received: --out="),
    ("activations", ["activations", "--out", "{file}/sub"], "Received: --out="),
    ("train", ["train", "mlpp"], "Did you mean 'mlp'"),
    ("train", ["train", "mlp", "--epochs", "0"], "Received: --epochs=0"),
    ("train", ["train", "mlp", "--epochs", "-3"], "Received: --epochs=-3"),
    ("train", ["train", "mlp", "--batch-size", "0"], "Received: --batch-size=0"),
    ("train", ["train", "mlp", "--patience", "-1"], "Received: --patience=-1"),
    ("train", ["train", "mlp", "--seed", "-1"], "Received: --seed=-1"),
    ("train", ["train", "mlp", "--task", "clustering"], "Received: --task='clustering'"),
    ("train", ["train", "mlp", "--out", "{file}"], "Received: --out="),
    ("train", ["train", "mlp", "--dataset", "mnistt"], "invalid choice"),
    ("train", ["train", "mlp", "--epochs", "x"], "invalid int value"),
    ("tune", ["tune", "perceptron"], "Received: architecture='perceptron'"),
    ("tune", ["tune", "mpl"], "Received: name='mpl'"),
    ("tune", ["tune", "mlp", "--batch-size", "0"], "Received: --batch-size=0"),
    ("tune", ["tune", "mlp", "--batch-size", "-1"], "Received: --batch-size=-1"),
    ("tune", ["tune", "mlp", "--trials", "0"], "Received: --trials=0"),
    ("tune", ["tune", "mlp", "--lease", "0"], "Received: --lease=0"),
    ("tune", ["tune", "mlp", "--lease", "soon"], "Received: --lease='soon'"),
    ("tune", ["tune", "mlp", "--epochs", "0"], "Received: --epochs=0"),
    ("tune", ["tune", "mlp", "--patience", "-2"], "Received: --patience=-2"),
    ("tune", ["tune", "mlp", "--seed", "-1"], "Received: --seed=-1"),
    ("tune", ["tune", "mlp", "--tuner", "randm"], "Received: --tuner='randm'"),
    ("tune", ["tune", "mlp", "--time-budget", "soon"], "Received: --time-budget='soon'"),
    ("tune", ["tune", "mlp", "--time-budget", "0"], "Received: --time-budget=0.0"),
    ("tune", ["tune", "mlp", "--oracle-port", "8000"], "Received: --oracle-port=8000"),
    ("tune", ["tune", "mlp", "--chief"], "Received: oracle_port=None"),
    ("tune", ["tune", "mlp", "--worker", "tuner0"], "Received: oracle_port=None"),
    ("tune", ["tune", "mlp", "--worker", "chief1", "--oracle-port", "9000"], "Received: --worker='chief1'"),
    ("tune", ["tune", "mlp", "--chief", "--oracle-port", "70000"], "Received: --oracle-port=70000"),
    ("tune", ["tune", "mlp", "--chief", "--oracle-port", "0"], "Received: --oracle-port=0"),
    ("tune", ["tune", "mlp", "--out", "{file}"], "Received: --out="),
    ("tune", ["tune", "mlp", "--chief", "--worker", "w"], "not allowed with argument"),
]


def _run_cli(argv, tmp_path):
    path = tmp_path / "afile"
    path.write_text("x")
    argv = [a.replace("{file}", str(path)) for a in argv]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(argv)
    return code, err.getvalue()


@pytest.mark.parametrize("command, argv, text", CLI_CASES, ids=[" ".join(c[1]) for c in CLI_CASES])
def test_cli_refuses_with_one_line_and_a_nonzero_exit(command, argv, text, tmp_path, no_work, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = _run_cli(argv, tmp_path)
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert text in err, err
    assert err.startswith((f"zoo {command}: error:", "zoo: error:")) or "usage" not in err
    assert not [p for p in tmp_path.rglob("*") if p.name not in ("afile",)], "nothing written before the refusal"


def test_every_subcommand_has_a_case():
    commands = set(cli.make_parser()._subparsers._group_actions[0].choices)
    assert commands <= {c[0] for c in CLI_CASES}, commands - {c[0] for c in CLI_CASES}


PRE_TF = [["plot", "nosuchmodel"], ["tour", "--seed", "-1"], ["tune", "mlp", "--batch-size", "0"],
          ["tune", "mlp", "--oracle-port", "8000"], ["train", "mlp", "--epochs", "0"], ["tune", "perceptron"],
          ["activations", "--out", "{file}"], ["build", "mlp", "--save", "m.h5"]]


def test_cli_refusals_come_before_tensorflow_is_imported(tmp_path):
    """One child process runs every refusal above and reports whether TensorFlow was imported."""
    code = ("import json, sys, contextlib, io\nfrom zoo.app.cli import main\ncodes = []\n"
            f"for argv in {PRE_TF!r}:\n"
            f"    argv = [a.replace('{{file}}', {str(_file(tmp_path))!r}) for a in argv]\n"
            "    with contextlib.redirect_stderr(io.StringIO()):\n        codes.append(main(argv))\n"
            "print(json.dumps({'codes': codes, 'tf': 'tensorflow' in sys.modules, 'keras': 'keras' in sys.modules}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            check=False)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(c == 2 for c in report["codes"]), report
    assert not report["tf"] and not report["keras"], report
    assert not (tmp_path / "out").exists(), "no project or output folder written"
