"""Running a foreign parser in a child process with a time and a memory limit.

Parsers of files from elsewhere (music21 for MusicXML, MIDI, ABC...) can be asked by a
small hostile file for hours of work or terabytes of memory. :func:`run_time_boxed` runs
such a call in a child process (forked where the platform allows, so nothing is imported
again) under an address-space limit, waits at most the time limit, and kills it after. The
caller gets the result, the child's own :class:`MusicPracticeError`, or one
:class:`TimeBoxError` sentence -- never a hang or an exhausted machine.
"""

from __future__ import annotations

import multiprocessing
import pickle
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


def _child(connection, function, args, kwargs, memory_bytes: int, time_s: float) -> None:
    _limit(memory_bytes, time_s)
    try:
        outcome = ("ok", function(*args, **kwargs))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as error:  # reported to the parent, which decides
        outcome = ("error", error)
    try:
        connection.send_bytes(pickle.dumps(outcome))
    except MemoryError:
        connection.send_bytes(pickle.dumps(("memory", None)))
    except Exception as error:  # an unpicklable result or exception
        connection.send_bytes(pickle.dumps(("error", RuntimeError(str(error)))))
    finally:
        connection.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_time_boxed(function: Callable[..., Any], *args, what: str, time_limit_s: float,
                   memory_limit_bytes: int, cancel: CancelToken | None = None,
                   **kwargs) -> Any:
    """``function(*args, **kwargs)`` computed in a child process within the limits.

    Parameters
    ----------
    function : callable
        A module-level function (picklable where processes are spawned); its result must
        be picklable.
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
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, daemon=True,
                              args=(sender, function, args, kwargs, memory_limit_bytes,
                                    time_limit_s))
    process.start()
    sender.close()
    deadline = time.monotonic() + time_limit_s
    outcome = None
    try:
        while outcome is None:
            if receiver.poll(POLL_S):
                try:
                    outcome = pickle.loads(receiver.recv_bytes())
                except (EOFError, OSError, pickle.UnpicklingError):
                    outcome = ("died", None)
            elif not process.is_alive() and not receiver.poll(0):
                outcome = ("died", None)
            elif time.monotonic() > deadline:
                outcome = ("time", None)
            else:
                check_cancel(cancel)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
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
    raise TimeBoxError(f"{what} stopped unexpectedly (its process ended with "
                       f"{process.exitcode}); the file may be hostile or damaged.")
