"""Work on two cores: the second half of a range of tasks in a forked process.

::

    first, second = halves(work, len(units), processes=2, minimum=20_000)

``work(start, stop)`` does tasks ``start`` to ``stop`` (not included) and returns
what it found, picklable. With ``processes`` of 2 or more, ``os.fork`` available
and at least ``minimum`` tasks, a forked process runs ``work(cut, n)`` and hands
its result back pickled through a pipe while this process runs ``work(0,
cut)``; otherwise this process runs both, one after the other. Either way the
answer is ``(work(0, cut), work(cut, n))``: the forked process's ``share`` of
the tasks (half by default) is the last ``int(n * share)``. A share below half
gives it less, as it also pickles its result.

The work must be the same whichever process does it: deterministic, and not
reading anything the other half changes (the forked process sees this one as
it was at the fork, and what it changes stays with it). When the forked
process fails (it raises, dies, or its result cannot be read), its traceback
goes to stderr and this process does the second half itself: the same answer,
later.

Limits: the forked process inherits the whole process; its pages are shared
until written, so it costs little memory, but it must not write to files or
sockets this process also uses. Only for the CPU-bound, pure parts of a batch.
"""

from __future__ import annotations

import gc
import os
import pickle
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def halves(work: Callable[[int, int], T], n: int, processes: int = 1,
           minimum: int = 2, share: float = 0.5) -> tuple[T, T]:
    """``(work(0, cut), work(cut, n))``, the second in a forked process when worth it;
    ``cut`` is ``n - int(n * share)`` (see the module docstring)."""
    half = n - int(n * share)
    if processes < 2 or n < max(minimum, 2) or not hasattr(os, "fork"):
        return work(0, half), work(half, n)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process; its result is what the tests check
        os.close(read_end)
        _second_half(work, half, n, write_end)
    os.close(write_end)
    pipe = open(read_end, "rb")  # noqa: SIM115 - closed in finally, before the wait
    try:
        first = work(0, half)
        data = pipe.read()
    finally:
        pipe.close()  # a forked process still writing gets a broken pipe and ends
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            second: T = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result cut short: do the half here
            traceback.print_exc()
        else:
            return first, second
    return first, work(half, n)


def _second_half(work: Callable[[int, int], object], start: int, stop: int,
                 write_end: int) -> None:
    """The forked process: the work, its result into the pipe, then leave at once (no
    exit handlers, no buffers inherited from the parent flushed)."""
    code = 1
    try:
        gc.freeze()  # collections here leave the inherited objects (and their pages) alone
        data = pickle.dumps(work(start, stop), pickle.HIGHEST_PROTOCOL)
        with open(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # noqa: BLE001 - reported; the parent does the half itself
        traceback.print_exc()
    finally:
        os._exit(code)
