"""Tuning: hypermodels over the builders, the search API, its table, resume and chief/worker search."""

import csv
import json
import signal

import keras_tuner as kt
import pytest
from procs import (
    csv_rows,
    free_port,
    kill_then_rerun,
    processes,
    wait_for,
    zoo_cmd,
    zoo_env,
)

import tuning
import zoo
from tuning.search import best_row

# Fixed arguments that make each architecture's default build offline.
OFFLINE = {"transfer": {"weights": None}}


def _digits(n=400):
    (x, y), _ = zoo.data.datasets.digits(flatten=True)
    return x[:n], y[:n]


def test_every_trainable_architecture_has_a_hypermodel():
    assert set(tuning.TUNABLE) == {"mlp", "mnist_mlp", "logistic_regression", "simple_rnn", "lstm", "cnn",
                                   "transfer"}
    for name in tuning.TUNABLE:
        assert tuning.HYPERMODELS[name].architecture == name


@pytest.mark.parametrize("name", tuning.TUNABLE)
def test_default_hyperparameters_build_the_builders_default_model(name):
    fixed = OFFLINE.get(name, {})
    hp = kt.HyperParameters()
    model = tuning.hypermodel(name, **fixed).build(hp)
    assert model.count_params() == zoo.build(name, **fixed).count_params()
    assert hp.values, "the space declares hyperparameters"
    if "learning_rate" in hp.values:
        assert hp.values["learning_rate"] == zoo.describe(name)["defaults"]["learning_rate"]


def test_only_active_hyperparameters_appear_in_values():
    hm = tuning.MLPHyperModel(input_shape=(4,))
    one = kt.HyperParameters()
    one.Fixed("hidden_layers", 1)
    hm.build(one)
    assert "width_profile" not in one.values and "shrink" not in one.values
    pyramid = kt.HyperParameters()
    pyramid.Fixed("hidden_layers", 3)
    hm.build(pyramid)  # registers width_profile under its condition
    pyramid.values["width_profile"] = "pyramid"
    pyramid.ensure_active_values()  # as the oracle does when it draws values
    assert "shrink" in pyramid.values
    pyramid.values["shrink"] = 0.5
    pyramid.values["units"] = 128
    model = hm.build(pyramid)
    widths = [model.get_layer(f"dense_{i}").units for i in (1, 2, 3)]
    assert widths == [128, 64, 32], "a decreasing pyramid"
    pyramid.values["units"] = 64
    model = hm.build(pyramid)
    widths = [model.get_layer(f"dense_{i}").units for i in (1, 2, 3)]
    assert widths == [64, 32, 32], "never narrower than the space's 32 units"
    equal = kt.HyperParameters()
    equal.Fixed("hidden_layers", 3)
    hm.build(equal)
    assert "shrink" not in equal.values


def test_a_fixed_hyperparameter_and_a_fixed_keyword_are_respected():
    hp = kt.HyperParameters()
    hp.Fixed("units", 17)
    model = tuning.MLPHyperModel(input_shape=(4,)).build(hp)
    assert model.get_layer("dense_1").units == 17
    hp = kt.HyperParameters()
    tuning.hypermodel("mlp", input_shape=(4,), hidden_layers=3).build(hp)
    assert "hidden_layers" not in hp.values


def test_the_head_follows_the_task_in_every_trial():
    hm = tuning.hypermodel("mlp", input_shape=(4,), task="regression", outputs=2)
    for seed in range(3):
        hp = kt.HyperParameters()
        hm.build(hp)
        for p in hp.space:  # draw other values, as a tuner would
            if hp.is_active(p):
                hp.values[p.name] = p.random_sample(seed)
        hp.ensure_active_values()
        model = hm.build(hp)
        assert model.output_shape == (None, 2) and model.loss == "mean_squared_error"
    assert tuning.hypermodel("mlp", input_shape=(4,), task=zoo.head_for("binary")).loss == "binary_crossentropy"


@pytest.mark.parametrize("name, fixed, exc, argument", [
    ("mlp", dict(task="clustering"), ValueError, "task"),
    ("mlp", dict(input_shape=(0,)), ValueError, "input_shape"),
    ("lstm", dict(input_shape=(10,)), ValueError, "input_shape"),
    ("simple_rnn", dict(input_shape=(4, 4, 4)), ValueError, "input_shape"),
    ("cnn", dict(input_shape=(8, 8)), ValueError, "input_shape"),
    ("mlp", dict(not_an_argument=1), TypeError, "not_an_argument"),
    ("mlp", dict(name="trial"), ValueError, "name"),
    ("mlp", dict(compile=False), ValueError, "compile"),
    ("perceptron", dict(), ValueError, "name"),
])
def test_hypermodels_validate_fixed_arguments_before_any_trial(name, fixed, exc, argument):
    with pytest.raises(exc) as info:
        tuning.hypermodel(name, **fixed)
    assert f"`{argument}`" in str(info.value) and "Received:" in str(info.value)


@pytest.fixture
def mlp_hm():
    return tuning.MLPHyperModel(input_shape=(64,), task="multiclass", outputs=10, seed=0)


def test_objective_defaults_from_the_task(mlp_hm, tmp_path):
    assert tuning.make_tuner("random", mlp_hm, directory=tmp_path).oracle.objective.name == "val_accuracy"
    regression = tuning.MLPHyperModel(input_shape=(4,), task="regression")
    tuner = tuning.make_tuner("random", regression, directory=tmp_path, project_name="r")
    assert (tuner.oracle.objective.name, tuner.oracle.objective.direction) == ("val_loss", "min")


@pytest.mark.parametrize("kwargs, match", [
    (dict(kind="randm"), r"Did you mean 'random'\?.*Received: kind='randm'"),
    (dict(max_trials=0), "Received: max_trials=0"),
    (dict(objective="val_acuracy"), r"Did you mean 'val_accuracy'.*Received: objective='val_acuracy'"),
    (dict(kind="grid"), r"'learning_rate' is a float range with no step.*Received: kind='grid'"),
])
def test_make_tuner_refuses_bad_input_before_any_trial(mlp_hm, tmp_path, kwargs, match):
    kwargs = {"kind": "random", **kwargs}
    with pytest.raises(ValueError, match=match):
        tuning.make_tuner(kwargs.pop("kind"), mlp_hm, directory=tmp_path, **kwargs)
    assert not (tmp_path / "mlp").exists()


def test_an_objective_the_head_cannot_produce_names_the_metrics_that_exist(tmp_path):
    hm = tuning.MLPHyperModel(input_shape=(4,), task="regression")
    with pytest.raises(ValueError, match=r"val_mae, val_rmse.*Received: objective='val_auc'"):
        tuning.make_tuner("random", hm, objective="val_auc", directory=tmp_path)


def test_directory_that_is_a_file_and_a_project_of_another_kind_are_refused(mlp_hm, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="Received: directory="):
        tuning.make_tuner("random", mlp_hm, directory=blocker)
    tuning.make_tuner("random", mlp_hm, directory=tmp_path)
    with pytest.raises(ValueError, match="overwrite=True"):
        tuning.make_tuner("bayesian", mlp_hm, directory=tmp_path)
    assert tuning.make_tuner("bayesian", mlp_hm, directory=tmp_path, overwrite=True)


def test_grid_search_runs_with_a_stepped_learning_rate(mlp_hm, tmp_path):
    tuner = tuning.make_tuner("grid", mlp_hm, directory=tmp_path, hyperparameters=tuning.stepped_learning_rate())
    assert type(tuner.oracle).__name__ == "GridSearchOracle"


def test_targets_the_head_cannot_learn_are_refused_before_any_trial(tmp_path):
    x, y = _digits(100)
    hm = tuning.MLPHyperModel(input_shape=(64,), task="binary")
    tuner = tuning.make_tuner("random", hm, directory=tmp_path)
    with pytest.raises(ValueError, match=r"labels must be 0 or 1.*task='multiclass', outputs=10.*Received: y"):
        tuning.run_search(tuner, x, y, epochs=1)
    assert not list((tmp_path / "mlp").glob("trial_*"))


def test_best_row_never_ranks_failed_invalid_or_nan_trials():
    rows = [{"trial_id": "0", "status": "FAILED", "score": 0.99},
            {"trial_id": "1", "status": "COMPLETED", "score": None},
            {"trial_id": "2", "status": "COMPLETED", "score": 0.5},
            {"trial_id": "3", "status": "INVALID", "score": 1.0}]
    assert best_row(rows, "max")["trial_id"] == "2"
    assert best_row(rows[:2], "max") is None


def _search(directory, seed=0, trials=3):
    x, y = _digits()
    hm = tuning.MLPHyperModel(input_shape=(64,), task="multiclass", outputs=10, seed=seed)
    tuner = tuning.make_tuner("random", hm, max_trials=trials, directory=directory, seed=seed)
    return tuning.run_search(tuner, x, y, epochs=2), x, y


@pytest.mark.slow
def test_run_search_returns_results_as_data_and_files(tmp_path):
    result, x, y = _search(tmp_path)
    assert len(result.trials) == 3 and all(t["status"] == "COMPLETED" for t in result.trials)
    assert result.best_score == max(t["score"] for t in result.trials)
    # The best model is the best trial's best epoch: its score on the same validation data.
    cut = len(x) - round(len(x) * 0.2)
    scores = result.best_model.evaluate(x[cut:], y[cut:], verbose=0, return_dict=True)
    assert scores["accuracy"] == pytest.approx(result.best_score, abs=1e-5)
    # Active values only, and the same columns in the files.
    best = result.best_hyperparameters
    assert {"learning_rate", "units", "hidden_layers", "batch_size"} <= set(best)
    assert ("width_profile" in best) == (best["hidden_layers"] > 1)
    with open(result.files["csv"]) as f:
        rows = list(csv.DictReader(f))
    assert [r["trial_id"] for r in rows] == [t["trial_id"] for t in result.trials]
    assert {"trial_id", "status", "score", "learning_rate", "epochs", "seconds"} <= set(rows[0])
    assert all(int(r["epochs"]) == 2 and float(r["seconds"]) > 0 for r in rows)
    with open(result.files["json"]) as f:
        assert json.load(f)["best_trial"] == result.best_trial_id
    png = tuning.plot_trials(result, tmp_path / "trials.png")
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert "*" in result.format_table()


@pytest.mark.slow
def test_one_seed_gives_the_same_trials_and_scores_twice(tmp_path):
    first, _, _ = _search(tmp_path / "a", seed=0, trials=2)
    second, _, _ = _search(tmp_path / "b", seed=0, trials=2)
    other, _, _ = _search(tmp_path / "c", seed=5, trials=2)
    strip = lambda trials: [{k: v for k, v in t.items() if k not in ("seconds", "score")} for t in trials]  # noqa: E731
    assert strip(first.trials) == strip(second.trials)
    assert [t["score"] for t in first.trials] == pytest.approx([t["score"] for t in second.trials], abs=1e-6)
    assert strip(first.trials) != strip(other.trials)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_zoo_tune_resumes_after_a_kill_without_repeating_trials(tmp_path, sig):
    args = zoo_cmd("tune", "mlp", "--trials", 4, "--epochs", 3, "--out", tmp_path / "out", "--seed", 0)
    table = tmp_path / "out" / "mlp" / "trials.csv"
    snapshot = {}

    def finished():
        snapshot.update({r["trial_id"]: r for r in csv_rows(table)})
        return len(snapshot)

    kill_then_rerun(args, zoo_env(tmp_path), tmp_path, finished, minimum=2, total=4, sig=sig)
    before = dict(snapshot)
    after = {r["trial_id"]: r for r in csv_rows(table)}
    assert len(after) == 4 and all(r["status"] == "COMPLETED" for r in after.values())
    for trial_id, row in before.items():  # finished trials kept, not rerun
        if row["status"] == "COMPLETED":  # later trials may add columns, empty for this one
            assert {k: after[trial_id][k] for k in row} == row
    log = (tmp_path / "second.log").read_text()
    assert "Reloading" in log and (tmp_path / "out" / "mlp" / "best.keras").is_file()
    summary = json.loads((tmp_path / "out" / "mlp" / "summary.json").read_text())
    assert summary["test"]["accuracy"] > summary["baseline"]["accuracy"]


@pytest.mark.slow
def test_a_chief_and_two_workers_share_the_trials(tmp_path):
    port = free_port()
    out = tmp_path / "out"
    common = ["--trials", 4, "--epochs", 2, "--out", out, "--oracle-port", port]
    with processes() as start:
        chief = start(zoo_cmd("tune", "mlp", "--chief", *common), zoo_env(tmp_path), tmp_path / "chief.log")
        workers = [start(zoo_cmd("tune", "mlp", "--worker", f"tuner{i}", *common), zoo_env(tmp_path),
                         tmp_path / f"worker{i}.log") for i in range(2)]
        for i, worker in enumerate(workers):
            assert worker.wait(timeout=240) == 0, (tmp_path / f"worker{i}.log").read_text()[-2000:]
        wait_for(lambda: chief.poll() is not None, timeout=45)  # the chief's exit loop sleeps 20 s
    statuses = [json.loads(p.read_text())["status"] for p in (out / "mlp").glob("trial_*/trial.json")]
    assert statuses == ["COMPLETED"] * 4
    counts = [(tmp_path / f"worker{i}.log").read_text().count("[tune] trial ") for i in range(2)]
    assert sum(counts) == 4 and min(counts) >= 1, counts


def test_distributed_environment_needs_a_port_and_worker_ids(monkeypatch):
    from tuning.job import distributed_env
    from tuning.search import current_role

    assert current_role() == "alone"
    for role, tuner_id in (("chief", None), ("worker", "tuner3")):
        for key, value in distributed_env(role, tuner_id=tuner_id, oracle_port=8000).items():
            monkeypatch.setenv(key, value)
        assert current_role() == role

    assert distributed_env("alone") == {}
    assert distributed_env("chief", oracle_port=8000)["KERASTUNER_TUNER_ID"] == "chief"
    with pytest.raises(ValueError, match="Received: oracle_port=None"):
        distributed_env("worker", tuner_id="tuner0")
    with pytest.raises(ValueError, match="Received: tuner_id="):
        distributed_env("worker", oracle_port=8000)


# What makes a search good (issue "tuning that wins"): the default first, honest ranking,
# pruning, fast trials, a time budget.

def _mlp_hm(seed=0, **fixed):
    return tuning.MLPHyperModel(input_shape=(64,), task="multiclass", outputs=10, seed=seed, **fixed)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["random", "bayesian", "grid", "hyperband"])
def test_trial_one_is_the_default_configuration_for_every_kind(kind, tmp_path):
    x, y = _digits(200)
    hm = _mlp_hm()
    tuner = tuning.make_tuner(kind, hm, max_trials=2, max_epochs=2, directory=tmp_path, seed=0,
                              hyperparameters=tuning.stepped_learning_rate() if kind == "grid" else None)
    result = tuning.run_search(tuner, x, y, epochs=2)
    assert len(result.trials) == 2, "every kind honours max_trials, hyperband included"
    first = min(result.trials, key=lambda t: t["trial_id"])
    defaults = hm.default_values()
    assert defaults["learning_rate"] == zoo.describe("mlp")["defaults"]["learning_rate"]
    assert {k: first[k] for k in defaults} == defaults
    assert first["default"] is True and sum(t["default"] for t in result.trials) == 1
    assert result.default_score == first["score"]
    assert result.gain == pytest.approx(result.best_score - result.default_score)
    assert result.gain >= 0, "a search is never worse than its default on validation"


def _row(trial_id, score, val_loss, status="COMPLETED", pruned_at=None):
    return {"trial_id": trial_id, "status": status, "score": score, "metrics": {"val_loss": val_loss},
            "pruned_at": pruned_at}


def test_ties_break_on_the_validation_loss_and_pruned_trials_never_rank():
    accuracy = kt.Objective("val_accuracy", "max")
    rows = [_row("0", 0.9, 0.5), _row("1", 0.9, 0.2), _row("2", 0.95, 0.1, pruned_at=3), _row("3", 0.99, 0.1, "FAILED")]
    assert best_row(rows, accuracy)["trial_id"] == "1"
    assert best_row(rows[::-1], accuracy)["trial_id"] == "1", "the order of the trials does not decide"
    assert best_row([rows[2]], accuracy) is None, "a pruned trial is never best"
    loss = kt.Objective("val_loss", "min")
    assert best_row([_row("0", 0.3, 0.3), _row("1", 0.2, 0.2)], loss)["trial_id"] == "1"


def test_median_pruner_compares_with_finished_trials_at_the_same_epoch():
    from tuning.engine import MedianPruner

    pruner = MedianPruner(startup_trials=3, warmup_epochs=2)
    curves = [[0.5, 0.6, 0.7], [0.4, 0.8, 0.9], [0.3, 0.5, 0.6]]  # best so far at epoch 2: 0.6, 0.8, 0.5
    assert pruner.should_prune(2, 0.55, curves, "max")
    assert not pruner.should_prune(2, 0.65, curves, "max")
    assert not pruner.should_prune(1, 0.0, curves, "max"), "warm-up epochs are never pruned"
    assert not pruner.should_prune(2, 0.0, curves[:2], "max"), "nor before enough trials finished"
    assert pruner.should_prune(3, 0.5, [[1.0], [0.9], [0.8]], "max"), "a trial that stopped early counts"
    losses = [[2.0, 1.0], [3.0, 1.5], [2.5, 2.0]]  # best so far at epoch 2: 1.0, 1.5, 2.0
    assert pruner.should_prune(2, 1.6, losses, "min") and not pruner.should_prune(2, 1.4, losses, "min")


@pytest.mark.slow
def test_a_losing_trial_is_pruned_marked_and_never_best(tmp_path, capsys):
    from tuning.engine import MedianPruner

    class PruneAfterOne(MedianPruner):
        def should_prune(self, epoch, best_so_far, curves, direction):
            return bool(curves) and epoch >= 2

    x, y = _digits(200)
    tuner = tuning.make_tuner("random", _mlp_hm(), max_trials=3, directory=tmp_path, seed=0)
    tuner.pruner = PruneAfterOne()
    result = tuning.run_search(tuner, x, y, epochs=4)
    first, *rest = result.trials
    assert first["status"] == "COMPLETED" and first["epochs"] == 4
    assert [t["status"] for t in rest] == ["PRUNED", "PRUNED"] and [t["epochs"] for t in rest] == [2, 2]
    assert result.best_trial_id == first["trial_id"] and result.pruned == 2
    assert "PRUNED at epoch 2" in capsys.readouterr().out
    with open(result.files["csv"]) as f:
        assert [r["status"] for r in csv.DictReader(f)] == ["COMPLETED", "PRUNED", "PRUNED"]


@pytest.mark.slow
def test_trials_train_through_zoo_fit_without_xla(tmp_path, monkeypatch):
    import zoo.training.pipeline

    seen = []
    real = zoo.training.pipeline.fit

    def spy(model, *args, **kwargs):
        history = real(model, *args, **kwargs)
        seen.append((model.jit_compile, kwargs["seed"]))  # as zoo.fit chose: a short trial repays no XLA
        return history

    monkeypatch.setattr(zoo.training.pipeline, "fit", spy)
    x, y = _digits(200)
    tuner = tuning.make_tuner("random", _mlp_hm(seed=3), max_trials=2, directory=tmp_path, seed=0)
    tuning.run_search(tuner, x, y, epochs=1)
    assert seen == [(False, 3), (False, 3)]


@pytest.mark.slow
def test_the_time_budget_stops_starting_trials(tmp_path, capsys):
    x, y = _digits(200)
    tuner = tuning.make_tuner("random", _mlp_hm(), max_trials=10, directory=tmp_path, seed=0, time_budget="0.5s")
    result = tuning.run_search(tuner, x, y, epochs=2)
    assert len(result.trials) == 1, "the first trial starts; the next would overrun half a second"
    assert "time budget" in capsys.readouterr().out
    with pytest.raises(ValueError, match="Received: time_budget='soon'"):
        tuning.make_tuner("random", _mlp_hm(), directory=tmp_path, time_budget="soon")


@pytest.mark.slow
def test_a_diverging_trial_is_failed_and_never_best(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 4)).astype("float32")
    y = (x.sum(axis=1) * 100).astype("float32")
    hm = tuning.MLPHyperModel(input_shape=(4,), task="regression", optimizer="sgd", learning_rate=1e6, seed=0)
    tuner = tuning.make_tuner("random", hm, max_trials=2, directory=tmp_path, seed=0)
    result = tuning.run_search(tuner, x, y, epochs=3)
    assert [t["status"] for t in result.trials] == ["FAILED", "FAILED"]
    assert result.best_trial_id is None and result.best_model is None
    record = json.loads((tmp_path / "mlp" / f"trial_{result.trials[0]['trial_id']}" / "zoo_trial.json").read_text())
    assert record["nonfinite_at"] >= 1


def test_hopeless_trials_are_measured_against_a_model_ignoring_its_input():
    import numpy as np

    from tuning.search import hopeless_rows, trivial_score

    y_train, y_val = np.array([0, 0, 0, 1]), np.array([0, 1, 0, 0])
    assert trivial_score("val_accuracy", "binary_crossentropy", y_train, y_val) == 0.75
    assert trivial_score("val_loss", "mean_squared_error", np.array([1.0, 3.0]), np.array([2.0, 4.0])) == 2.0
    assert trivial_score("val_auc", "binary_crossentropy", y_train, y_val) is None
    assert trivial_score("val_loss", "binary_crossentropy", y_train, y_val) is None
    rows = [_row("0", 0.95, 0.1), _row("1", 0.80, 0.4), _row("2", 0.20, 0.9), _row("3", 0.10, 0.9, "FAILED")]
    # Halfway from the trivial 0.1 to the best 0.95 is 0.525: trial 2 never got there; failed trials are not scored.
    assert [r["trial_id"] for r in hopeless_rows(rows, kt.Objective("val_accuracy", "max"), 0.1)] == ["2"]
    losses = [_row("0", 1.0, 1.0), _row("1", 9.0, 9.0)]  # trivial MSE 10, best 1: the line is 5.5
    assert [r["trial_id"] for r in hopeless_rows(losses, kt.Objective("val_loss", "min"), 10.0)] == ["1"]


@pytest.mark.parametrize("kwargs, exc, argument", [
    (dict(time_budget="soon"), ValueError, "time_budget"), (dict(time_budget=float("nan")), ValueError, "time_budget"),
    (dict(time_budget=-5), ValueError, "time_budget"), (dict(refit="yes"), TypeError, "refit"),
    (dict(prune=1), TypeError, "prune"),
])
def test_tune_refuses_its_new_options_before_any_work(kwargs, exc, argument, tmp_path):
    from tuning.job import tune

    with pytest.raises(exc, match=f"`{argument}`.*Received: {argument}="):
        tune("mlp", out=str(tmp_path / "out"), **kwargs)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_refit_trains_the_best_configuration_on_training_and_validation_data(tmp_path, monkeypatch):
    import zoo.training.pipeline

    seen = []
    real = zoo.training.pipeline.fit

    def spy(model, x, y=None, **kwargs):
        seen.append((len(x), kwargs["epochs"]))
        return real(model, x, y, **kwargs)

    monkeypatch.setattr(zoo.training.pipeline, "fit", spy)
    x, y = _digits(200)
    tuner = tuning.make_tuner("random", _mlp_hm(), max_trials=2, directory=tmp_path, seed=0)
    result = tuning.run_search(tuner, x, y, epochs=3, refit=True)
    best = next(t for t in result.trials if t["trial_id"] == result.best_trial_id)
    assert result.refit and seen[:2] == [(160, 3), (160, 3)], "trials train on the training part"
    assert seen[-1] == (200, best["best_epoch"]), "the refit sees all 200 samples for the best trial's epochs"
    assert result.best_model.evaluate(x[:8], y[:8], verbose=0) is not None


def test_a_search_releases_its_trials_step_graphs_and_never_the_users(tmp_path, monkeypatch):
    import tensorflow as tf

    import zoo.runtime.memory as memory

    @tf.custom_gradient
    def doubled_gradient(v):
        return tf.identity(v), lambda dy: 2.0 * dy

    @tf.function
    def mine(v):
        return 3.0 * doubled_gradient(v)

    v = tf.Variable(1.0)
    mine(v)  # traced before the search: its gradient registration is the user's
    before = memory.traced_gradient_names()
    assert before
    calls = []
    real = memory.release_traced_gradients

    def spy(keep=frozenset()):
        calls.append((keep, real(keep)))
        return calls[-1][1]

    monkeypatch.setattr(memory, "release_traced_gradients", spy)
    x, y = _digits(200)
    tuning.run_search(tuning.make_tuner("random", _mlp_hm(), max_trials=3, directory=tmp_path, seed=0), x, y,
                      epochs=1)
    # One release per build (3 trials, then the best model's): each drops the last trial's steps.
    assert len(calls) >= 3 and all(before <= keep for keep, _ in calls)
    assert calls[0][1] == 0 and all(removed > 0 for _, removed in calls[1:])
    assert before <= memory.traced_gradient_names()
    with tf.GradientTape() as tape:
        out = mine(v)
    assert float(tape.gradient(out, v)) == 6.0  # the user's graph still differentiates


@pytest.mark.slow
@pytest.mark.parametrize("then", ["goes_on", "raises"])
def test_an_interrupt_python_lost_in_a_trial_stops_the_search_and_fails_no_trial(tmp_path, then):
    import keras
    from helpers import lose_an_interrupt

    from zoo.app.cli import Terminated
    from zoo.utils.signals import quiet_lost_interrupts, reset_interrupt

    class LoseOneInTrialTwo(keras.callbacks.Callback):
        epochs_seen = []  # shared by the per-execution copies KerasTuner makes

        def on_epoch_end(self, epoch, logs=None):
            self.epochs_seen.append(epoch)
            if len(self.epochs_seen) == 3:  # trial two's first epoch
                lose_an_interrupt()  # as when TF's garbage collection ran the signal handler
                if then == "raises":
                    raise SystemError("bad argument to internal function")  # C code's take on it

    x, y = _digits(200)
    tuner = tuning.make_tuner("random", _mlp_hm(), max_trials=3, directory=tmp_path, seed=0)
    try:
        with quiet_lost_interrupts(), pytest.raises(Terminated):
            tuning.run_search(tuner, x, y, epochs=2, callbacks=[LoseOneInTrialTwo()])
    finally:
        reset_interrupt()
    assert len(LoseOneInTrialTwo.epochs_seen) == 3, "stopped at the epoch the interrupt came in"
    states = {p.parent.name: json.loads(p.read_text())["status"] for p in (tmp_path / "mlp").glob("trial_*/trial.json")}
    assert states == {"trial_0": "COMPLETED", "trial_1": "RUNNING"}, "trial two is the interrupt's: it runs on resume"
