"""Child processes that die with their parent: the build's dbt session, and the session's forked children."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

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
