"""Resumable training state that survives kills, interrupts, a full disk and damaged files.

`backup_and_restore` is Keras's ``BackupAndRestore`` with its two generations
(``latest.*`` and ``latest.*.bkp``) written the way the zoo writes every file: each new
generation goes to temporary siblings first (after checking the free space against its
size), and only whole files are renamed into place, so a kill, a Ctrl-C or a full disk
always leaves one generation that loads. On resume both generations are tried, newest
first; when neither loads, `DamagedStateError` names the files and the way out.
"""

from __future__ import annotations

import json
import os
from typing import Any

from zoo.utils.files import DamagedStateError, ensure_free_space
from zoo.utils.signals import check_interrupt, uninterrupted

WEIGHTS = "latest.weights.h5"
METADATA = "training_metadata.json"
PREVIOUS = ".bkp"


def _keras_backup_base() -> type:
    import keras

    return keras.callbacks.BackupAndRestore


class ZooBackupAndRestore(_keras_backup_base()):  # type: ignore[misc]
    """``keras.callbacks.BackupAndRestore`` with atomic, space-checked, interrupt-proof generations.

    Args:
        backup_dir: The folder of the backup (removed when training ends, kept when a Ctrl-C or
            SIGTERM cut it short).
    """

    def __init__(self, backup_dir: str) -> None:
        super().__init__(backup_dir, double_checkpoint=True)

    def generations(self) -> list[tuple[str, str]]:
        """The (weights, metadata) paths of the newest generation, then of the one before."""
        return [(self._weights_path, self._training_metadata_path),
                (self._prev_weights_path, self._prev_training_metadata_path)]

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        present = [g for g in self.generations() if any(os.path.exists(p) for p in g)]
        if not present:
            return
        if not self.model.built:
            return super().on_train_begin(logs)  # Keras's own error for an unbuilt model
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        problems = []
        for weights, metadata in present:
            # Keras loads only files named *.weights.h5: the older generation is read through such a
            # link (a link, not a copy: the disk may be full).
            readable = os.path.join(self.backup_dir, ".tmp-restore.weights.h5")
            try:
                epoch = _read_epoch(metadata)
                if os.path.lexists(readable):
                    os.remove(readable)
                os.symlink(os.path.abspath(weights), readable)
                self.model.load_weights(readable)
            except Exception as err:  # noqa: BLE001  any failure means: try the older generation
                check_interrupt()  # unless it was a lost Ctrl-C's doing
                problems.append(f"{os.path.basename(weights)}: {' '.join(str(err).split())[:160]}")
                continue
            finally:
                if os.path.lexists(readable):
                    os.remove(readable)
            self.model._initial_epoch = epoch
            if problems:
                print(f"[train] the newest backup in {self.backup_dir} could not be read ({problems[0]}); "
                      f"resumed from the one before it (epoch {epoch})", flush=True)
            return
        raise DamagedStateError(
            f"the training backup in {self.backup_dir!r} is damaged and neither generation loads "
            f"({'; '.join(problems)}); delete that folder to start this run afresh (the finished epochs are "
            "kept in history.csv but the weights are lost)")

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        check_interrupt()  # training cut short by a lost Ctrl-C or SIGTERM keeps its backup to resume from
        super().on_train_end(logs)

    def _save_model(self) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        with uninterrupted():  # Ctrl-C or SIGTERM arrive after the generation is whole
            weights_tmp = os.path.join(self.backup_dir, ".tmp-" + WEIGHTS)
            metadata_tmp = os.path.join(self.backup_dir, ".tmp-" + METADATA)
            ensure_free_space(self.backup_dir, checkpoint_bytes(self.model, self._weights_path))
            self.model.save_weights(weights_tmp, overwrite=True)
            with open(metadata_tmp, "w") as f:
                json.dump({"epoch": self._current_epoch, "batch": self._last_batch_seen}, f)
            # The older generation is replaced only once the new one is whole on disk.
            for current, previous in ((self._weights_path, self._prev_weights_path),
                                      (self._training_metadata_path, self._prev_training_metadata_path)):
                if os.path.exists(current):
                    os.replace(current, previous)
            os.replace(weights_tmp, self._weights_path)
            os.replace(metadata_tmp, self._training_metadata_path)


def _read_epoch(path: str) -> int:
    with open(path) as f:
        epoch = json.load(f)["epoch"]
    if not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"{os.path.basename(path)} holds no epoch count (epoch={epoch!r})")
    return epoch


def checkpoint_bytes(model: Any, previous: str) -> int:
    """The size of the next weights file: `previous`'s, or the variables' bytes plus HDF5's overhead."""
    if os.path.exists(previous):
        return os.path.getsize(previous)
    import numpy as np

    variables = list(model.weights) + list(getattr(model.optimizer, "variables", []) or [])
    return sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in variables) + 64 * 1024


def backup_and_restore(backup_dir: str) -> ZooBackupAndRestore:
    """The zoo's `ZooBackupAndRestore` for `backup_dir` (see the module doc)."""
    return ZooBackupAndRestore(backup_dir)
