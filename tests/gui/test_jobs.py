import threading

import pytest

from musicpractice.core.errors import InvalidParameterError
from musicpractice.gui.jobs import JobRunner


def _slow(release: threading.Event, value, *, progress=None, cancel=None):
    progress(0.5, "half")
    release.wait(5)
    return value


def test_a_new_job_for_the_same_key_cancels_the_old_and_its_result_is_dropped(qtbot):
    runner = JobRunner(max_threads=2)
    finished, cancelled = [], []
    runner.finished.connect(lambda key, result: finished.append((key, result)))
    runner.cancelled.connect(cancelled.append)
    release = threading.Event()
    runner.submit("take", lambda **kw: _slow(release, "old", **kw))
    runner.submit("take", lambda **kw: _slow(release, "new", **kw))
    release.set()
    qtbot.waitUntil(lambda: not runner.running("take"), timeout=5000)
    assert runner.wait(5000)
    qtbot.wait(50)
    assert finished == [("take", "new")]
    assert cancelled == []  # the old job's outcome belongs to no current job


def test_cancel_reports_cancelled_and_no_result(qtbot):
    runner = JobRunner()
    finished, cancelled = [], []
    runner.finished.connect(lambda key, result: finished.append(result))
    runner.cancelled.connect(cancelled.append)

    def work(*, progress=None, cancel=None):
        from musicpractice.core.progress import check_cancel
        while True:
            check_cancel(cancel)
            cancel.wait(0.01)

    runner.submit("a", work)
    runner.cancel("a")
    qtbot.waitUntil(lambda: cancelled == ["a"], timeout=5000)
    assert finished == [] and not runner.running("a")


def test_errors_arrive_as_messages_with_details(qtbot):
    runner = JobRunner()
    failures = []
    runner.failed.connect(lambda key, message, details: failures.append((key, message, details)))

    def bad(*, progress=None, cancel=None):
        raise InvalidParameterError("The range is upside down.")

    def bug(*, progress=None, cancel=None):
        return 1 / 0

    runner.submit("x", bad)
    runner.submit("y", bug)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    messages = {k: (m, d) for k, m, d in failures}
    assert messages["x"][0] == "The range is upside down."
    assert "ZeroDivisionError" in messages["y"][0] and "Traceback" in messages["y"][1]


def test_progress_is_forwarded_with_the_key(qtbot):
    runner = JobRunner()
    seen = []
    runner.progress.connect(lambda key, f, m: seen.append((key, f, m)))
    release = threading.Event()
    release.set()
    runner.submit("k", lambda **kw: _slow(release, 1, **kw))
    qtbot.waitUntil(lambda: not runner.running("k"), timeout=5000)
    assert ("k", 0.5, "half") in seen


@pytest.mark.parametrize("threads", [1, 2])
def test_independent_keys_all_finish(qtbot, threads):
    runner = JobRunner(max_threads=threads)
    results = {}
    runner.finished.connect(lambda key, result: results.__setitem__(key, result))
    for i in range(5):
        runner.submit(str(i), lambda i=i, **kw: i * i)
    qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    assert results == {str(i): i * i for i in range(5)}
