"""`zoo.train`: files, scores, the head from the data, and resume after a kill."""

import json
import signal
import subprocess

import numpy as np
import pytest
from procs import csv_rows, kill_then_rerun, zoo_cmd, zoo_env

import zoo

PNG = b"\x89PNG\r\n\x1a\n"


def test_train_writes_model_history_figure_and_scores(tmp_path):
    result = zoo.train("mlp", dataset="iris", epochs=3, out=tmp_path, verbose=0)
    assert result.data.head.task == "multiclass" and result.model.output_shape == (None, 3)
    for name in ("model.keras", "history.csv", "history.json", "history.png", "metrics.json"):
        assert (tmp_path / "mlp" / name).is_file(), name
    metrics = json.loads((tmp_path / "mlp" / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] == pytest.approx(result.scores["accuracy"])
    assert metrics["baseline"]["accuracy"] == pytest.approx(1 / 3, abs=0.05)
    assert len(result.history["loss"]) == 3 and not (tmp_path / "mlp" / "backup").exists()
    loaded = zoo.load_model(tmp_path / "mlp" / "model.keras")
    np.testing.assert_allclose(loaded.predict(result.data.x_test, verbose=0),
                               result.model.predict(result.data.x_test, verbose=0), rtol=1e-6)


def test_train_follows_the_data_and_refuses_what_the_head_cannot_learn(tmp_path):
    assert zoo.data.tasks.prepare("mlp", "diabetes").head.task == "regression"
    assert zoo.data.tasks.prepare("simple_rnn", "sine").builder_kwargs["return_sequences"] is True
    assert zoo.data.tasks.prepare("lstm", "digits").builder_kwargs["input_shape"] == (8, 8)
    with pytest.raises(ValueError, match=r"labels must be 0 or 1.*Received: y"):
        zoo.train("mlp", dataset="digits", task="binary", epochs=1, out=tmp_path)
    with pytest.raises(ValueError, match="Received: dataset='iris'"):
        zoo.train("cnn", dataset="iris", out=tmp_path)
    with pytest.raises(ValueError, match="Received: epochs=0"):
        zoo.train("mlp", epochs=0, out=tmp_path)


def _epochs(path):
    return [int(row["epoch"]) for row in csv_rows(path)]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_zoo_train_resumes_from_the_last_finished_epoch_after_a_kill(tmp_path, sig):
    args = zoo_cmd("train", "mlp", "--dataset", "digits", "--epochs", 12, "--batch-size", 4, "--patience", 100,
                   "--out", tmp_path / "out")
    history = tmp_path / "out" / "mlp" / "history.csv"
    done = kill_then_rerun(args, zoo_env(tmp_path), tmp_path, lambda: len(_epochs(history)), minimum=3, total=12,
                           sig=sig)
    log = (tmp_path / "second.log").read_text()
    assert f"Epoch {done + 1}/12" in log and "Epoch 1/12" not in log, "resumed, not restarted"
    epochs = sorted(set(_epochs(history)))
    assert epochs == list(range(12))
    assert json.loads((tmp_path / "out" / "mlp" / "metrics.json").read_text())["epochs"] == 12


@pytest.mark.slow
def test_a_second_run_on_the_same_folder_is_refused_at_once(tmp_path):
    from procs import processes, wait_for

    args = zoo_cmd("train", "mlp", "--dataset", "digits", "--epochs", 500, "--batch-size", 4, "--patience", 500,
                   "--out", tmp_path / "out")
    history = tmp_path / "out" / "mlp" / "history.csv"
    with processes() as start:
        first = start(args, zoo_env(tmp_path), tmp_path / "first.log")
        assert wait_for(lambda: len(_epochs(history)) >= 1 or first.poll() is not None, timeout=120)
        second = subprocess.run(args, env=zoo_env(tmp_path), capture_output=True, text=True, timeout=120)
        assert first.poll() is None, "the first run goes on"
    assert second.returncode == 2
    errors = [line for line in second.stderr.splitlines() if line.startswith("zoo ")]
    assert errors == [f"zoo train: error: the folder '{tmp_path / 'out' / 'mlp'}' is in use by another zoo run "
                      f"(pid {first.pid}: zoo train mlp --dataset digits); wait for it to finish or use another "
                      "output folder"], second.stderr
    assert "Epoch" not in second.stderr + second.stdout, "refused before any training"


def test_csv_rows_leaves_out_a_line_still_being_written(tmp_path):
    path = tmp_path / "history.csv"
    for partial in ("epo", "epoch,loss\n", "epoch,loss\n0,1."):  # read while CSVLogger writes
        path.write_text(partial)
        assert csv_rows(path) == []
    path.write_text("epoch,loss\n0,1.5\n1,1.2")
    assert csv_rows(path) == [{"epoch": "0", "loss": "1.5"}]
