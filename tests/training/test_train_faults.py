"""`zoo.train` under real faults: a diverging loss, damaged backups, a full disk, stale temporary files."""

import contextlib
import json
import os
import subprocess

import keras
import numpy as np
import pytest
from procs import zoo_cmd, zoo_env

import zoo
from zoo.training.backup import backup_and_restore
from zoo.training.job import DivergedError
from zoo.utils.files import DamagedStateError


class _Stop(Exception):
    pass


class _CrashAfter(keras.callbacks.Callback):
    """A crash after `epochs` finished epochs (their backups written): the run's state stays on disk."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epochs:
            raise _Stop


class _PoisonAt(keras.callbacks.Callback):
    """Makes the weights infinite at the start of `epoch` (0-based): the loss goes non-finite there."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            self.model.set_weights([w * np.inf for w in self.model.get_weights()])


def test_a_diverging_train_saves_no_model_and_names_the_epoch_and_learning_rate(tmp_path, capsys):
    with pytest.raises(DivergedError, match=r"non-finite at epoch 1 \(learning_rate=1e\+12\).*not saved"):
        zoo.train("mlp", dataset="diabetes", epochs=4, out=tmp_path, verbose=0, learning_rate=1e12)
    folder = tmp_path / "mlp"
    assert not (folder / "model.keras").exists() and not (folder / "metrics.json").exists()
    assert not (folder / "backup").exists(), "a resume would only diverge again"
    assert (folder / "history.csv").is_file()  # the record of what happened stays


def test_a_loss_gone_non_finite_later_keeps_the_best_finite_weights(tmp_path, capsys):
    result = zoo.train("mlp", dataset="iris", epochs=6, patience=10, out=tmp_path, verbose=0,
                       callbacks=[_PoisonAt(3)])
    assert "non-finite at epoch 4" in capsys.readouterr().out
    assert len(result.history["loss"]) == 4, "training stopped at the non-finite epoch"
    assert all(np.isfinite(w).all() for w in result.model.get_weights())
    metrics = json.loads((tmp_path / "mlp" / "metrics.json").read_text())
    assert np.isfinite(metrics["test"]["loss"])


def _crashed_run(tmp_path, epochs=3):
    with pytest.raises(_Stop):
        zoo.train("mlp", dataset="iris", epochs=8, patience=100, out=tmp_path, verbose=0,
                   callbacks=[_CrashAfter(epochs)])
    return tmp_path / "mlp" / "backup"


def test_both_backup_generations_are_whole_after_a_crash_and_the_older_one_is_used_when_the_newer_is_damaged(
        tmp_path, capsys):
    backup = _crashed_run(tmp_path)
    names = sorted(p.name for p in backup.iterdir())
    assert names == ["latest.weights.h5", "latest.weights.h5.bkp", "training_metadata.json",
                     "training_metadata.json.bkp"], names
    assert json.loads((backup / "training_metadata.json").read_text())["epoch"] == 3
    assert json.loads((backup / "training_metadata.json.bkp").read_text())["epoch"] == 2
    (backup / "latest.weights.h5").write_bytes(b"not an HDF5 file")
    capsys.readouterr()
    result = zoo.train("mlp", dataset="iris", epochs=8, patience=100, out=tmp_path, verbose=0)
    assert "resumed from the one before it (epoch 2)" in capsys.readouterr().out
    assert len(result.history["loss"]) == 8


@pytest.mark.parametrize("damage", ["weights", "metadata"])
def test_a_backup_that_cannot_be_read_is_named_with_the_way_out(tmp_path, damage):
    backup = _crashed_run(tmp_path)
    for suffix in ("", ".bkp"):
        name = ("latest.weights.h5" if damage == "weights" else "training_metadata.json") + suffix
        (backup / name).write_bytes(b"\x00garbage")
    with pytest.raises(DamagedStateError, match=r"backup in .*backup.* is damaged.*delete that folder"):
        zoo.train("mlp", dataset="iris", epochs=8, patience=100, out=tmp_path, verbose=0)
    assert not (tmp_path / "mlp" / "model.keras").exists()


def test_a_backup_write_never_replaces_the_older_generation_before_the_new_one_is_whole(tmp_path):
    model = zoo.mlp(input_shape=(4,), task="binary", hidden_layers=1, units=4)
    model.fit(np.zeros((8, 4)), np.zeros(8), epochs=1, verbose=0)
    callback = backup_and_restore(str(tmp_path / "backup"))
    callback.set_model(model)
    for epoch in range(2):
        callback._current_epoch = epoch + 1
        callback._save_model()
    before = (tmp_path / "backup" / "latest.weights.h5").read_bytes()
    model.save_weights = lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device"))
    callback._current_epoch = 3
    with pytest.raises(OSError):
        callback._save_model()
    assert (tmp_path / "backup" / "latest.weights.h5").read_bytes() == before
    assert json.loads((tmp_path / "backup" / "training_metadata.json").read_text())["epoch"] == 2


def test_stale_temporary_files_of_a_killed_run_are_removed_at_the_next_start(tmp_path, capsys):
    folder = tmp_path / "mlp"
    (folder / "backup").mkdir(parents=True)
    stale = [folder / ".tmp-abc.json", folder / "backup" / ".tmp-latest.weights.h5"]
    for path in stale:
        path.write_text("half")
    zoo.train("mlp", dataset="iris", epochs=1, out=tmp_path, verbose=0)
    assert not any(p.exists() for p in stale)
    assert "removed 2 unfinished temporary file(s)" in capsys.readouterr().out


@contextlib.contextmanager
def _small_disk(path, size):
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True, timeout=30)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not root'}): no full-disk test")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


@pytest.mark.slow
def test_a_full_disk_stops_zoo_train_with_one_line_and_leaves_a_readable_checkpoint(tmp_path):
    with _small_disk(tmp_path / "disk", "2m") as disk:
        # About 330 KiB of weights and Adam state a generation: two fit in 800 KiB, the third does not.
        (disk / "filler").write_bytes(b"\0" * (2048 - 800) * 1024)
        proc = subprocess.run(zoo_cmd("train", "mlp", "--dataset", "digits", "--epochs", 5, "--patience", 100,
                                      "--out", disk / "out", "--set", "units=128"),
                              env=zoo_env(tmp_path), capture_output=True, text=True, timeout=240)
        lines = [line for line in proc.stderr.splitlines() if line.startswith("zoo train")]
        assert proc.returncode == 2, proc.stderr[-2000:]
        assert lines == [lines[0]] and "no space left on the device holding" in lines[0], proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr and "Segmentation" not in proc.stderr
        backup = disk / "out" / "mlp" / "backup"
        assert not list(disk.rglob(".tmp-*")), "no half-written file is left"
        model = zoo.build("mlp", **{**zoo.data.tasks.prepare("mlp", "digits").builder_kwargs, "units": 128})
        model.optimizer.build(model.trainable_variables)
        restore = backup_and_restore(str(backup))
        restore.set_model(model)
        restore.on_train_begin()
        assert model._initial_epoch >= 1 and all(np.isfinite(w).all() for w in model.get_weights())
        os.remove(disk / "filler")
        again = subprocess.run(zoo_cmd("train", "mlp", "--dataset", "digits", "--epochs", 5, "--patience", 100,
                                       "--out", disk / "out", "--set", "units=128"),
                               env=zoo_env(tmp_path), capture_output=True, text=True, timeout=240)
        assert again.returncode == 0, again.stderr[-2000:]
        assert f"Epoch {model._initial_epoch + 1}/5" in again.stdout and "Epoch 1/5" not in again.stdout


def test_a_refused_train_leaves_no_output_folder_behind(tmp_path):
    with pytest.raises(ValueError, match="Received: dataset='iris'"):
        zoo.train("cnn", dataset="iris", out=tmp_path / "new" / "out")
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())
    assert not (tmp_path / "new" / "out").exists()


class _LoseInterruptAt(keras.callbacks.Callback):
    """Loses a SIGTERM's interrupt during `epoch` (0-based), as when TF's garbage collection ran the handler."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            from helpers import lose_an_interrupt

            lose_an_interrupt()


def test_an_interrupt_python_lost_stops_the_run_at_the_epoch_end_with_its_backup(tmp_path):
    from zoo.app.cli import Terminated
    from zoo.utils.signals import quiet_lost_interrupts, reset_interrupt

    try:
        with quiet_lost_interrupts(), pytest.raises(Terminated):
            zoo.train("mlp", dataset="iris", epochs=8, patience=100, out=tmp_path, verbose=0,
                      callbacks=[_LoseInterruptAt(2)])
    finally:
        reset_interrupt()
    backup = tmp_path / "mlp" / "backup"
    assert json.loads((backup / "training_metadata.json").read_text())["epoch"] == 3, "the epoch it came in finished and was kept"
    assert not (tmp_path / "mlp" / "model.keras").exists()


class _LoseInterruptAndStop(keras.callbacks.Callback):
    """Loses an interrupt and ends `fit` early without an error, as a data iterator cut short does."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            from helpers import lose_an_interrupt

            lose_an_interrupt()
            self.model.stop_training = True


def test_a_fit_cut_short_by_a_lost_interrupt_saves_no_model_and_keeps_the_backup(tmp_path):
    from zoo.app.cli import Terminated
    from zoo.utils.signals import quiet_lost_interrupts, reset_interrupt

    try:
        # The user's callbacks come last: the run's own epoch-end check has passed when it loses the interrupt.
        with quiet_lost_interrupts(), pytest.raises(Terminated):
            zoo.train("mlp", dataset="iris", epochs=8, patience=100, out=tmp_path, verbose=0,
                      callbacks=[_LoseInterruptAndStop()])
    finally:
        reset_interrupt()
    assert (tmp_path / "mlp" / "backup" / "training_metadata.json").is_file(), "the run resumes from its backup"
    assert not (tmp_path / "mlp" / "model.keras").exists()


def test_a_backup_load_broken_by_a_lost_interrupt_is_not_taken_for_damage(tmp_path, monkeypatch):
    from helpers import lose_an_interrupt

    from zoo.app.cli import Terminated
    from zoo.utils.signals import quiet_lost_interrupts, reset_interrupt

    backup = _crashed_run(tmp_path)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in backup.iterdir())

    def load_cut_by_an_interrupt(self, *args, **kwargs):
        lose_an_interrupt()
        raise SystemError("bad argument to internal function")  # what C code makes of the interrupt

    monkeypatch.setattr(keras.Model, "load_weights", load_cut_by_an_interrupt)
    try:
        with quiet_lost_interrupts(), pytest.raises(Terminated):  # not the older generation, not "damaged"
            zoo.train("mlp", dataset="iris", epochs=8, patience=100, out=tmp_path, verbose=0)
    finally:
        reset_interrupt()
    assert sorted((p.name, p.stat().st_mtime_ns) for p in backup.iterdir()) == before
