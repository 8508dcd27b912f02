"""The build's child processes die with it, and SIGTERM stops a build the way Ctrl-C does.

dbt runs as a child process of the build. It gets its own session (process group), so a terminal's Ctrl-C
reaches the build alone and the build decides how dbt ends; and on Linux a parent-death signal (SIGKILL), so
that even a build killed with SIGKILL, which runs no cleanup, takes dbt with it instead of letting it write on.
dbt_worker.py gives each child it forks the same parent-death signal (`death_with_parent`), so the chain
build -> worker -> seeds/models or test parts dies from the top.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from security_ties.warehouse import BuildError

_PR_SET_PDEATHSIG = 1


class BuildInterrupted(BuildError):
    """The build was stopped by SIGTERM; its candidate is removed and nothing was published."""


def death_with_parent() -> Callable[[], None]:
    """A function for a child to call right after the fork: on Linux it asks for SIGKILL when the parent
    (the process that called this function) dies, and exits at once if the parent died before that took
    effect. prctl is looked up here, before the fork: the child only calls it. Elsewhere it does nothing."""
    if not sys.platform.startswith("linux"):
        return lambda: None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def die_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return die_with_parent


def child_process_options() -> dict[str, object]:
    """Popen options that make a child die with the build: its own session, and the parent-death signal."""
    return {"start_new_session": True, "preexec_fn": death_with_parent()}


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into BuildInterrupted while a build runs, so its cleanup runs and its child is killed
    (SIGINT already raises KeyboardInterrupt). Only the main thread can install a handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise BuildInterrupted(f"build stopped by {signal.Signals(signum).name}; what was not yet published was "
                               "discarded (`security-ties info` shows the published build)")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
