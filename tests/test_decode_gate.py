"""Decodes take turns on the shared recogniser; finals before speculative guesses."""

from __future__ import annotations

import threading
import time

from voice.decode_gate import DecodeGate


def test_a_final_decode_goes_before_a_speculative_one_that_waited_longer() -> None:
    gate = DecodeGate()
    order: list[str] = []
    release = threading.Event()

    def holder() -> None:
        with gate.turn(final=True):
            order.append("first")
            release.wait(5)

    def waiter(name: str, final: bool) -> None:
        with gate.turn(final):
            order.append(name)

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    time.sleep(0.05)
    for name, final in (("speculative", False), ("final", True)):
        threads.append(threading.Thread(target=waiter, args=(name, final)))
        threads[-1].start()
        time.sleep(0.05)
    assert order == ["first"]  # one decode at a time
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first", "final", "speculative"]


def test_an_error_inside_a_turn_frees_the_gate() -> None:
    gate = DecodeGate()
    try:
        with gate.turn(final=True):
            raise RuntimeError("decoder crashed")
    except RuntimeError:
        pass
    done = threading.Event()

    def next_decode() -> None:
        with gate.turn(final=False):
            done.set()

    threading.Thread(target=next_decode).start()
    assert done.wait(2)
