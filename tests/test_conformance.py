"""Every registered model keeps the builder contract (scikit-learn's test_common, timm style).

A new builder joins these tests by being registered.
"""

import inspect

import keras
import numpy as np
import pytest
from helpers import targets_for

import zoo
from zoo import registry

MODELS = zoo.list_models()
BACKEND = keras.backend.backend()


def _inputs(model, n, rng):
    shape = model.input_shape[1:] if hasattr(model, "input_shape") else (model.input_dim,)
    return rng.random((n, *shape)).astype("float32")


@pytest.mark.parametrize("name", MODELS)
def test_builds_with_defaults_and_is_compiled(name):
    entry = registry.get_entry(name)
    model = zoo.build(name, **entry.offline)
    assert model.compiled
    assert model.name == name
    assert model.count_params() == entry.params, "the registered count that `zoo describe` shows"


@pytest.mark.parametrize("name", MODELS)
def test_fit_step_then_save_and_load_give_identical_predictions(name, tmp_path):
    entry = registry.get_entry(name)
    rng = np.random.default_rng(0)
    model = zoo.build(name, **entry.smoke)
    x = _inputs(model, 16, rng)
    y = targets_for(model, 16, rng)
    if BACKEND not in entry.backends:  # the perceptron rule is a stateful train_step; JAX needs a stateless one
        with pytest.raises(NotImplementedError, match="TensorFlow and PyTorch backends.*Received: backend='jax'"):
            model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    else:
        history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
        assert np.isfinite(history.history["loss"][-1])
    before = model.predict(x, verbose=0)
    assert before.shape[0] == 16

    path = zoo.save_model(model, tmp_path / f"{name}.keras")
    loaded = keras.saving.load_model(path)  # safe_mode on, no custom_objects
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    assert type(loaded) is type(model)
    assert list(tmp_path.iterdir()) == [tmp_path / f"{name}.keras"], "temp files left behind"


@pytest.mark.parametrize("name", MODELS)
def test_compile_false_returns_uncompiled_model(name):
    entry = registry.get_entry(name)
    assert not zoo.build(name, **entry.smoke, compile=False).compiled


@pytest.mark.parametrize("name", MODELS)
def test_signature_follows_the_contract(name):
    entry = registry.get_entry(name)
    params = inspect.signature(entry.builder).parameters
    first, *rest = params.values()
    assert first.name == "input_shape"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest)
    assert entry.summary, "builders need a docstring"


@pytest.mark.parametrize("name", [n for n in MODELS if "seed" in registry.get_entry(n).defaults()])
def test_seed_makes_weights_reproducible_without_global_seeding(name):
    # Trainable weights: the layers the zoo creates (a frozen keras.applications base
    # with weights=None is initialised by Keras itself).
    entry = registry.get_entry(name)
    a = zoo.build(name, **entry.smoke, seed=3).trainable_weights
    b = zoo.build(name, **entry.smoke, seed=3).trainable_weights
    assert a
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())


def test_seeded_layers_of_the_same_shape_start_different_and_seeds_matter():
    model = zoo.mlp((8,), hidden_layers=3, units=8, seed=3)
    kernels = [model.get_layer(f"dense_{i}").kernel.numpy() for i in (2, 3)]
    assert not np.array_equal(*kernels), "every layer got the same seed"
    other = zoo.mlp((8,), hidden_layers=3, units=8, seed=4).get_layer("dense_2").kernel.numpy()
    assert not np.array_equal(kernels[0], other)


@pytest.mark.parametrize("name", MODELS)
def test_unknown_keyword_is_refused(name):
    with pytest.raises(TypeError, match="unexpected keyword"):
        zoo.build(name, not_an_argument=1)


SHARED_KEYWORDS = ("input_shape", "task", "outputs", "activation", "units", "dropout", "optimizer", "learning_rate",
                   "label_format", "compile", "strategy", "seed", "name")


def _readme_exceptions():
    """The README's table of the shared keywords each builder does not take."""
    import pathlib
    import re

    text = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    table = text.split("| builder | shared keywords it does not take | why |")[1].split("\n\n")[0]
    rows = {}
    for line in table.strip().splitlines()[1:]:
        builders, missing = line.split("|")[1:3]
        for builder in re.findall(r"`(\w+)`", builders):
            rows[builder] = set(re.findall(r"`(\w+)`", missing))
    return rows


@pytest.mark.parametrize("name", MODELS)
def test_shared_keywords_are_exactly_what_the_readme_states(name):
    params = inspect.signature(registry.get_entry(name).builder).parameters
    missing = {k for k in SHARED_KEYWORDS if k not in params}
    assert missing == _readme_exceptions()[name]
    assert {"input_shape", "compile", "strategy", "name"} <= set(params)
