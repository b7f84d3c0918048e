"""Test set-up: Keras and matplotlib write to temp folders, never to the home directory."""

import os
import sys
import tempfile

# Test folders mirror the package; the shared helpers (procs, helpers) live here, and the
# benchmark engine beside its script in scripts/, outside the installed packages.
_TESTS = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_TESTS, os.path.join(os.path.dirname(_TESTS), "scripts")]

# Must happen before Keras or matplotlib is imported anywhere in the session.
_scratch = tempfile.mkdtemp(prefix="zoo-tests-")
os.environ.setdefault("KERAS_HOME", os.path.join(_scratch, "keras"))
os.environ.setdefault("MPLCONFIGDIR", os.path.join(_scratch, "mpl"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402


@pytest.fixture
def float64():
    """Runs a test with Keras's float type set to float64, then restores it."""
    import keras

    # Keras caches its dtype policy at the first layer, so floatx alone changes nothing then.
    previous, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_floatx(previous)
    keras.config.set_dtype_policy(policy)
