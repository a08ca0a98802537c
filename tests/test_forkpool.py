"""The worker pools of a parallel batch: runhistory.forkpool, and both runners of
runhistory.parallel (forked, and the executor used where fork is not safe) held to the same
behaviour: input order, a worker that dies, Ctrl-C."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from runhistory import batch, forkpool
from runhistory.inputs import Source
from runhistory.report import FileReport, Problem
from runhistory.validate import Options

pytestmark = pytest.mark.skipif(not forkpool.available(), reason="needs a safe fork")


def _spans(n: int, size: int) -> list[range]:
    return [range(i, min(n, i + size)) for i in range(0, n, size)]


def _squares(span: range) -> list[int]:
    return [i * i for i in span]


def _gone(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG) != (0, 0)
    except ChildProcessError:
        return True


def _drain(pool: forkpool.Pool, spans: list[range]) -> dict[int, object]:
    answers: dict[int, object] = {}
    todo = list(spans)
    while todo or pool.busy():
        while todo and pool.submit(todo[0]):
            todo.pop(0)
        for span, value in pool.wait(5):
            answers[span.start] = value
    return answers


def test_every_span_is_answered_once_with_its_own_answer() -> None:
    pool = forkpool.Pool(3, lambda: None, _squares)
    try:
        answers = _drain(pool, _spans(200, 7))
    finally:
        pool.close()
    assert answers == {s.start: _squares(s) for s in _spans(200, 7)}


def test_a_worker_takes_at_most_depth_spans() -> None:
    pool = forkpool.Pool(2, lambda: None, _squares, depth=2)
    try:
        assert [pool.submit(s) for s in _spans(10, 2)] == [True] * 4 + [False]
        answered = 0
        while pool.busy():
            answered += len(pool.wait(5))
        assert answered == 4
    finally:
        pool.close()


def test_the_workers_see_the_flag_the_parent_sets() -> None:
    flag = forkpool.Flag()
    pool = forkpool.Pool(1, lambda: None, lambda span: flag.is_set())
    try:
        assert _drain(pool, [range(1)]) == {0: False}
        flag.set()
        assert _drain(pool, [range(1, 2)]) == {1: True}
    finally:
        pool.close()


def _fails(span: range) -> list[int]:
    raise ValueError(f"no answer for {span.start}")


def test_work_that_raises_comes_back_as_its_traceback() -> None:
    pool = forkpool.Pool(1, lambda: None, _fails)
    try:
        pool.submit(range(3, 4))
        with pytest.raises(forkpool.WorkerFailed, match="ValueError: no answer for 3"):
            pool.wait(5)
    finally:
        pool.close()


def test_a_killed_worker_is_reported_and_close_reaps_every_worker() -> None:
    pool = forkpool.Pool(2, lambda: None, lambda span: os.kill(os.getpid(), signal.SIGKILL))
    pids = [w.pid for w in pool.workers]
    try:
        pool.submit(range(1))
        with pytest.raises(forkpool.WorkerDied):
            for _ in range(50):
                pool.wait(0.2)
    finally:
        pool.close()
    assert all(_gone(pid) for pid in pids)


def test_close_kills_a_worker_still_busy() -> None:
    import time

    pool = forkpool.Pool(1, lambda: None, lambda span: time.sleep(60))
    pid = pool.workers[0].pid
    pool.submit(range(1))
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 10
    assert _gone(pid)


# -- both runners of runhistory.parallel ------------------------------------------------------


@pytest.fixture(params=["forked", "executor"])
def runner(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    from runhistory import parallel

    monkeypatch.setattr(parallel, "FORK", request.param == "forked")
    return str(request.param)


def _tasks(n: int) -> list[batch.Task]:

    return [
        batch.Task(Source(f"doc-{i:03}.xml", Path(f"doc-{i:03}.xml")), 0, 100) for i in range(n)
    ]


def _plans() -> list[batch.Plan]:

    return [batch.Plan(Options())]


def test_both_runners_hand_every_outcome_on_in_input_order(
    runner: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    def check(source: Source, plan: batch.Plan) -> FileReport:
        name = source.name
        # Every fifth report holds something, so it is sent whole rather than as None.
        return FileReport(name, departures={} if int(name[4:7]) % 5 else {"S101": 1})

    monkeypatch.setattr(batch, "check", check)
    seen: list[batch.Outcome] = []
    tasks = _tasks(150)
    batch.run(tasks, _plans(), 2, lambda t, o: seen.append(o))
    assert [_name(o) for o in seen] == [t.source.name for t in tasks]
    held = [isinstance(o, FileReport) and o.departures == {"S101": 1} for o in seen]
    assert held == [i % 5 == 0 for i in range(150)]


def _name(outcome: batch.Outcome) -> str:
    return outcome.file if isinstance(outcome, FileReport) else outcome.name


def test_both_runners_report_a_dead_worker_s_documents_as_problems(
    runner: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    def check(source: Source, plan: batch.Plan) -> FileReport:
        name = source.name
        if name == "doc-040.xml":
            os._exit(3)  # as if killed, or out of memory
        return FileReport(name)

    monkeypatch.setattr(batch, "check", check)
    seen: list[batch.Outcome] = []
    tasks = _tasks(120)
    batch.run(tasks, _plans(), 2, lambda t, o: seen.append(o))
    assert [_name(o) for o in seen] == [t.source.name for t in tasks]
    dead = seen[40]
    assert isinstance(dead, Problem) and dead.message == batch.WORKER_DIED
    if runner == "forked":  # a worker answers in order: its first chunk came before its end
        assert all(isinstance(o, FileReport) for o in seen[: batch.CHUNK_FILES])
    assert all(isinstance(o, FileReport) or o.message == batch.WORKER_DIED for o in seen)


def test_both_runners_finish_in_hand_after_ctrl_c(
    runner: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import time

    parent = os.getpid()
    started = tmp_path / "started"

    def check(source: Source, plan: batch.Plan) -> FileReport:
        with started.open("a") as log:  # appends whole lines, from any worker
            log.write(source.name + "\n")
        if source.name == "doc-050.xml":
            os.kill(parent, signal.SIGINT)
        time.sleep(0.001)
        return FileReport(source.name)

    monkeypatch.setattr(batch, "check", check)
    seen: list[str] = []
    tasks = _tasks(2000)
    with pytest.raises(KeyboardInterrupt):
        batch.run(tasks, _plans(), 2, lambda t, o: seen.append(_name(o)))
    assert seen == [t.source.name for t in tasks[: len(seen)]]
    assert len(seen) < len(tasks)
    # Every document of the prefix the workers had started is in the report.
    begun = set(started.read_text().split())
    prefix = next(i for i, t in enumerate(tasks) if t.source.name not in begun)
    assert prefix <= len(seen)
    assert "doc-050.xml" in begun


def _children() -> Iterator[int]:
    for task in Path("/proc/self/task").iterdir():
        children = task / "children"
        if children.exists():
            yield from (int(p) for p in children.read_text().split())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_no_worker_is_left_after_a_batch(runner: str, monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setattr(batch, "check", lambda source, plan: FileReport(source.name))
    before = set(_children())
    batch.run(_tasks(100), _plans(), 2, lambda t, o: None)
    assert set(_children()) <= before


def test_both_runners_check_in_this_process_when_no_worker_can_be_started(
    runner: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    def no_fork() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(batch, "check", lambda source, plan: FileReport(source.name))
    seen: list[str] = []
    tasks = _tasks(100)
    batch.run(tasks, _plans(), 2, lambda t, o: seen.append(_name(o)))
    assert seen == [t.source.name for t in tasks]
    err = capsys.readouterr().err
    assert err == (
        "runhistory: cannot start worker processes (Resource temporarily unavailable); "
        "checking the files in this process\n"
    )
