"""Interrupts wait for a checkpoint write to finish, then stop the run; one Python lost is raised again."""

import sys

import pytest
from helpers import lose_an_interrupt

from zoo.app.cli import Terminated, _sigterm_as_interrupt
from zoo.utils.signals import check_interrupt, deliver, reset_interrupt, uninterrupted


def test_an_interrupt_during_a_write_is_raised_after_it():
    written = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            deliver(KeyboardInterrupt())
            written.append("the rest of the checkpoint")
    assert written == ["the rest of the checkpoint"]
    with pytest.raises(KeyboardInterrupt):
        deliver(KeyboardInterrupt())  # outside a write: at once
    reset_interrupt()
    with uninterrupted():  # nothing pending is left over
        pass


def test_an_interrupt_python_lost_is_raised_at_the_next_safe_point(monkeypatch):
    lost = []
    monkeypatch.setattr(sys, "unraisablehook", lost.append)
    try:
        lose_an_interrupt()  # the raise went nowhere: the code goes on
        assert [type(u.exc_value) for u in lost] == [Terminated]
        with pytest.raises(Terminated):
            check_interrupt()
        with pytest.raises(Terminated):
            with uninterrupted():  # a state write is a safe point too, after the write
                pass
    finally:
        reset_interrupt()
    check_interrupt()  # forgotten once reset


def test_the_zoo_command_stops_on_a_lost_interrupt_and_on_the_error_it_caused(monkeypatch):
    printed = []
    monkeypatch.setattr(sys, "unraisablehook", printed.append)
    with pytest.raises(Terminated):
        with _sigterm_as_interrupt():
            lose_an_interrupt()  # then the command would have finished as if never asked to stop
    assert printed == [], "a lost interrupt is not printed as an error: it is raised again"
    with pytest.raises(Terminated):
        with _sigterm_as_interrupt():
            lose_an_interrupt()
            raise SystemError("bad argument to internal function")  # what C code makes of the interrupt
    with pytest.raises(SystemError):
        with _sigterm_as_interrupt():  # without an interrupt an error is itself
            raise SystemError("bad argument to internal function")
    check_interrupt()


def test_an_interrupt_belongs_to_the_main_thread(monkeypatch):
    import threading

    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)
    raised = []

    def write_in_a_server_thread():  # a tuning chief's gRPC thread, holding KerasTuner's oracle lock
        try:
            with uninterrupted():
                pass
            check_interrupt()
        except BaseException as err:  # noqa: BLE001
            raised.append(err)

    try:
        lose_an_interrupt()
        thread = threading.Thread(target=write_in_a_server_thread)
        thread.start()
        thread.join(timeout=10)
        assert raised == [], "raised in a thread that holds a lock, it would never be released"
        with pytest.raises(Terminated):
            check_interrupt()
    finally:
        reset_interrupt()
