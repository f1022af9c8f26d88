"""Ctrl-C and SIGTERM during a build: the build stops, its transaction rolls back and its temporary map is
removed, so the old store and map stay as they were; the command says so in one line and exits 130 or 143.

Between the store's commit and the new map's move into place the two signals are held back (`hold`), so the
pair changes together: a signal that arrives there is taken once the new pair is complete (`completed`).
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM. A BaseException, as KeyboardInterrupt is: the per-file
    nets (`except Exception`) never swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # as a shell reports a process ended by the signal: 130, 143


class _State(threading.local):
    completed = False  # the build's new store and map were both in place when the signal was taken
    interrupted = False


state = _State()


def _raise(signum: int, frame: object) -> None:
    # One signal stops the build; a second one (Ctrl-C pressed again) must not break off its clean-up.
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    state.interrupted = True
    raise Interrupted(signum)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def interruptible() -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM raise `Interrupted` (in the main thread; elsewhere a no-op)."""
    state.completed = state.interrupted = False
    if not _main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise) for s in SIGNALS}
    try:
        yield
    finally:
        if not state.interrupted:  # once interrupted, the command only says so and exits: later signals wait
            for s, handler in old.items():
                signal.signal(s, handler)


def hold() -> bool:
    """Hold SIGINT and SIGTERM back until `release`; True when held (only the main thread can)."""
    if not _main_thread():
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    return True


def release() -> None:
    """Let held signals through: one that arrived meanwhile is raised now."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def mark_completed() -> None:
    state.completed = True


def ignore_in_worker() -> None:
    """In a worker process forked by a build: Ctrl-C (sent to the whole process group) is the build's to
    handle, and the build's SIGTERM on shutdown simply ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # forked while the build held them (`hold`)
