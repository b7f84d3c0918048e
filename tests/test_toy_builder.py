"""Adding an architecture is one registered builder plus one declared search space, nothing else.

A toy builder registered at test time is found by `zoo list`, `zoo describe`, the
conformance checks, `tuning.hypermodel` and `zoo train`'s data preparation, and trains.
"""

import keras_tuner as kt
import pytest
import test_conformance as conformance

import tuning
import zoo
from tuning.spaces import search_space
from zoo import registry
from zoo.app import cli
from zoo.data.tasks import prepare


@pytest.fixture
def toy():
    @registry.register(family="dense", smoke={"input_shape": (4,), "units": 3}, params=31 * 5 + 6)
    def toy_mlp(input_shape=(30,), *, task="binary", outputs=None, units=5, learning_rate=1e-3, compile=True,
                strategy=None, seed=None, name=None):
        """A toy: one hidden layer over the MLP trunk."""
        return zoo.mlp(input_shape, task=task, outputs=outputs, hidden_layers=1, units=units,
                       learning_rate=learning_rate, compile=compile, strategy=strategy, seed=seed,
                       name=name or "toy_mlp")

    @search_space("toy_mlp")
    def toy_space(s):
        return {"units": s.int("units", 2, 8), "learning_rate": s.float("learning_rate", 1e-3, 1e-2, sampling="log")}

    yield "toy_mlp"
    if "toy_mlp" in zoo.list_models():
        registry.unregister("toy_mlp")


def test_a_toy_builder_joins_every_surface_with_no_table_edited(toy, capsys, tmp_path):
    assert toy in zoo.list_models() and toy in registry.list_tunable()
    assert cli.main(["list"]) == 0 and toy in capsys.readouterr().out
    assert cli.main(["describe", toy]) == 0
    assert "toy: one hidden layer" in capsys.readouterr().out.lower()
    conformance.test_builds_with_defaults_and_is_compiled(toy)  # the registered params are checked here
    conformance.test_fit_step_then_save_and_load_give_identical_predictions(toy, tmp_path)
    conformance.test_compile_false_returns_uncompiled_model(toy)
    conformance.test_signature_follows_the_contract(toy)
    conformance.test_seed_makes_weights_reproducible_without_global_seeding(toy)
    conformance.test_unknown_keyword_is_refused(toy)
    hm = tuning.hypermodel(toy, input_shape=(30,))
    hp = kt.HyperParameters()
    assert hm.build(hp).count_params() == zoo.build(toy).count_params() and set(hp.values) == {"units",
                                                                                                "learning_rate"}
    data = prepare(toy, "breast_cancer")
    assert data.builder_kwargs["input_shape"] == (30,) and data.builder_kwargs["task"].task == "binary"
    result = zoo.train(toy, dataset="breast_cancer", epochs=1, out=str(tmp_path / "train"), verbose=0)
    assert result.scores["accuracy"] > 0
    registry.unregister(toy)
    assert toy not in zoo.list_models() and toy not in registry.list_tunable()
