"""Interrupts wait for a checkpoint write to finish, then stop the run."""

import pytest

from zoo.utils.signals import deliver, uninterrupted


def test_an_interrupt_during_a_write_is_raised_after_it():
    written = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            deliver(KeyboardInterrupt())
            written.append("the rest of the checkpoint")
    assert written == ["the rest of the checkpoint"]
    with pytest.raises(KeyboardInterrupt):
        deliver(KeyboardInterrupt())  # outside a write: at once
    with uninterrupted():  # nothing pending is left over
        pass
