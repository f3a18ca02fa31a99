"""Running a foreign parser in a child process with a time and a memory limit.

Parsers of files from elsewhere (music21 for MusicXML, MIDI, ABC...) can be asked by a
small hostile file for hours of work or terabytes of memory. :func:`run_time_boxed` runs
such a call in a forked child process (so nothing is imported again) under an
address-space limit, waits at most the time limit, and kills it after. The caller gets
the result, the child's own :class:`MusicPracticeError`, or one :class:`TimeBoxError`
sentence -- never a hang or an exhausted machine.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
from typing import Any, Callable

from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.progress import CancelToken, check_cancel

POLL_S = 0.05


class TimeBoxError(MusicPracticeError):
    """The call needed more time or memory than it was given, or its process died."""


def _virtual_size() -> int:
    """Bytes of address space this process uses now (0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _limit(memory_bytes: int, time_s: float) -> None:
    try:
        import resource
    except ImportError:  # Windows: only the time limit (enforced by the parent) applies
        return
    address_space = _virtual_size() + memory_bytes
    try:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    except (ValueError, OSError):
        pass
    cpu = int(time_s) + 2
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ValueError, OSError):
        pass


def _child_main(write_fd: int, function, args, kwargs, memory_bytes: int,
                time_s: float) -> None:
    """In the forked child: compute, send the pickled outcome, and leave at once."""
    _limit(memory_bytes, time_s)
    try:
        outcome = ("ok", function(*args, **kwargs))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as error:  # reported to the parent, which decides
        outcome = ("error", error)
    try:
        data = pickle.dumps(outcome)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception as error:  # an unpicklable result or exception
        data = pickle.dumps(("error", RuntimeError(str(error))))
    with os.fdopen(write_fd, "wb") as pipe:
        pipe.write(data)


def _fork(function, args, kwargs, memory_bytes: int, time_s: float) -> tuple[int, int]:
    """Start the child; returns its pid and the parent's end of the pipe."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into the caller's code
        status = 0
        try:
            os.close(read_fd)
            _child_main(write_fd, function, args, kwargs, memory_bytes, time_s)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


def _wait(pid: int, read_fd: int, deadline: float, cancel: CancelToken | None):
    """Read the child's outcome until it is complete, the deadline passes or ``cancel``."""
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([read_fd], [], [], POLL_S)
        if ready:
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            continue
        if time.monotonic() > deadline:
            return ("time", None)
        check_cancel(cancel)
    try:
        return pickle.loads(b"".join(chunks)) if chunks else ("died", None)
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
        return ("died", None)


def run_time_boxed(function: Callable[..., Any], *args, what: str, time_limit_s: float,
                   memory_limit_bytes: int, cancel: CancelToken | None = None,
                   **kwargs) -> Any:
    """``function(*args, **kwargs)`` computed in a forked child within the limits.

    Where ``os.fork`` does not exist (Windows) the call runs in this process, unbounded.
    A raw fork (not :mod:`multiprocessing`) is used so that it also works inside a
    daemonic worker process, such as the window's analysis worker.

    Parameters
    ----------
    function : callable
        Its result must be picklable.
    what : str
        What is being done, for messages ("Reading the score x.mid").
    time_limit_s : float
        Wall-clock seconds before the child is killed.
    memory_limit_bytes : int
        Address space the child may add to what it starts with.
    cancel : CancelToken, optional
        Checked while waiting; cancelling kills the child.

    Raises
    ------
    TimeBoxError
        Over the time or memory limit, or the child died.
    MusicPracticeError
        Whatever the function raised of this kind, as it was raised.
    Cancelled
        ``cancel`` was set.
    """
    if not hasattr(os, "fork"):
        return function(*args, **kwargs)
    deadline = time.monotonic() + time_limit_s
    pid, read_fd = _fork(function, args, kwargs, memory_limit_bytes, time_limit_s)
    exit_status = None
    try:
        outcome = _wait(pid, read_fd, deadline, cancel)
    finally:
        os.close(read_fd)
        with contextlib.suppress(ProcessLookupError):
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            exit_status = os.waitpid(pid, 0)[1]
    status, value = outcome
    if status == "ok":
        return value
    if status == "time":
        raise TimeBoxError(f"{what} took longer than {time_limit_s:g} s and was stopped; "
                           "the file asks for far more work than music of its size needs.")
    if status == "memory":
        raise TimeBoxError(f"{what} needed more than {memory_limit_bytes >> 20} MB of memory "
                           "and was stopped; the file asks for far more than music of its "
                           "size needs.")
    if status == "error" and isinstance(value, MusicPracticeError):
        raise value
    if status == "error":
        raise TimeBoxError(f"{what} failed: {str(value).strip()[:200] or type(value).__name__}.")
    raise TimeBoxError(f"{what} stopped unexpectedly (its process ended with status "
                       f"{exit_status}); the file may be hostile or damaged.")
