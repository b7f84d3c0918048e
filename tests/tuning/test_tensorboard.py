"""zoo tune --tensorboard / tune(tensorboard=True): KerasTuner's HParams dashboard, one run per trial."""

import glob
import os

import pytest


def _event_files(folder):
    return glob.glob(os.path.join(folder, "**", "events.out.tfevents.*"), recursive=True)


def _has_hparams(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    for path in _event_files(folder):
        accumulator = EventAccumulator(path)
        accumulator.Reload()
        if accumulator.PluginTagToContent("hparams"):
            return True
    return False


@pytest.mark.slow
def test_tensorboard_writes_one_run_per_trial_with_its_hyperparameters(tmp_path, capsys):
    from tuning.job import tune

    summary = tune("mlp", dataset="iris", kind="random", trials=2, epochs=2, seed=0, out=str(tmp_path),
                   tensorboard=True)
    logs = tmp_path / "mlp" / "tensorboard"
    assert summary["files"]["tensorboard"] == str(logs)
    assert f"tensorboard --logdir {logs}" in capsys.readouterr().out
    runs = sorted(p.name for p in logs.iterdir())
    assert len(runs) == summary["trials"] == 2, runs
    for run in runs:
        assert _event_files(logs / run / "execution0" / "train"), run
        assert _event_files(logs / run / "execution0" / "validation"), run
        assert _has_hparams(logs / run), f"trial {run} has no HParams summary"


def test_the_tensorboard_option_is_checked_before_any_work(tmp_path):
    from tuning.job import tune

    with pytest.raises(TypeError, match="`tensorboard` must be True or False.*Received: tensorboard='yes'"):
        tune("mlp", out=str(tmp_path / "out"), tensorboard="yes")
    assert not (tmp_path / "out").exists()
