"""Atomic files: never half a file, nothing left behind, the permissions a plain open() gives."""

import os
import stat

import pytest

from zoo.utils.files import write_csv, write_json


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_writes_keep_the_users_umask(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        json_path = write_json(str(tmp_path / "a.json"), {"x": 1})
        csv_path = write_csv(str(tmp_path / "a.csv"), [{"x": 1}], ["x"])
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(previous)
    for path in (json_path, csv_path, plain):
        assert stat.S_IMODE(os.stat(path).st_mode) == mode, path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.json", "plain.txt"], "no temporary file left"


def test_a_folder_lock_refuses_a_second_holder_and_names_the_first(tmp_path):
    import subprocess
    import sys

    from zoo.utils.files import folder_lock

    folder = tmp_path / "out" / "mlp"
    holder = ("import sys, time; from zoo.utils.files import folder_lock\n"
              "with folder_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", holder, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(RuntimeError, match=rf"in use by another zoo run \(pid {proc.pid}: .*\)"):
            with folder_lock(str(folder)):
                pass
        with folder_lock(str(folder), holder="worker-tuner0"):  # another member of a distributed run
            pass
    finally:
        proc.kill()
        proc.wait(timeout=30)
    with folder_lock(str(folder)):  # released when its holder died, even by SIGKILL
        pass
    assert list((tmp_path / "out").iterdir()) == [], "the lock file goes with the run that held it last"
