"""Child processes that die with their parent (the build's dbt session, and the session's forked children),
and processes that end without the interpreter's teardown."""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

_PR_SET_PDEATHSIG = 1


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


def exit_without_teardown(code: int) -> NoReturn:
    """End the process with `code` once the atexit handlers have run and the standard streams are flushed,
    skipping the interpreter's teardown of every module: once Great Expectations or dbt is imported, that
    teardown alone takes most of a second of a one-row edit's build, and an ending command has nothing left
    to release (files and databases are closed by then, and the OS frees the rest)."""
    atexit._run_exitfuncs()  # noqa: SLF001 - what a normal exit runs first (logging's flush, tempfile cleanup)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)


BACKGROUND_NICENESS = 10


def yield_the_cpu(thread_only: bool = False) -> None:
    """Lower the priority of this process (or, on Linux, of the calling thread alone) so that work on the
    build's critical path gets the cores first; for work with slack, such as writing the manifest while the
    seeds load or importing Great Expectations long before the audit. Where that is not possible it does
    nothing: it only changes who waits, never what is done."""
    try:
        if thread_only:
            if sys.platform.startswith("linux"):  # Linux gives each thread its own nice value
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
        else:
            os.nice(BACKGROUND_NICENESS)
    except OSError:
        pass
