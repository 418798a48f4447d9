"""Where a batch's files are cleaned: a local process pool, or a Dask cluster.

Both take tasks largest file first (a big file started last would leave the other workers
idle at the end), keep only a few tasks in flight (results stream back and are dropped once
counted, so memory stays flat however many files there are), and yield one small result
dict per file (``batch_worker.run_task``) in the order they finish.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Any, Iterator

from .batch_worker import Settings, Task
from .errors import CleanerError

DIED = ("the worker process died while cleaning it (out of memory, or killed?); the other "
        "files went on")


def _failed(task: Task, reason: str) -> dict[str, Any]:
    return {"rel": task.rel, "input": task.display, "status": "failed",
            "reason": f"{task.display}: {reason}", "seconds": 0.0}


class PoolEngine:
    """``jobs`` worker processes. Where ``fork`` exists the workers inherit the Cleaner the
    parent built (and checked) before starting; elsewhere each builds its own, once, in the
    pool's initializer."""

    name = "pool"

    def __init__(self, settings: Settings, jobs: int) -> None:
        self.settings, self.jobs = settings, jobs
        self._executor: Any = None

    def __enter__(self) -> PoolEngine:
        """Fork the workers now, before the progress display starts its thread (a process
        must not fork while another thread may hold a lock the child would need)."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            self._start().submit(os.getpid).result()
        except BrokenProcessPool:
            self._stop(kill=True)
            raise CleanerError("the worker processes could not start (out of memory?)",
                               key="jobs") from None
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        self._stop(kill=exc is not None)

    def _start(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from .batch_worker import init_pool_worker

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._executor = ProcessPoolExecutor(self.jobs, mp_context=context,
                                             initializer=init_pool_worker,
                                             initargs=(self.settings, os.getpid()))
        return self._executor

    def _stop(self, kill: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:  # Ctrl-C or an error: do not wait for files in progress
            processes = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                try:
                    process.kill()
                except (OSError, ValueError):
                    pass
            for process in processes:
                process.join(5)
        else:
            executor.shutdown(wait=True)

    def run(self, tasks: list[Task]) -> Iterator[dict[str, Any]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        from .batch_worker import pool_task

        pending = deque((t, 0) for t in sorted(tasks, key=lambda t: -t.size))
        window = self.jobs * 2
        inflight: dict[Any, tuple[Task, int]] = {}
        executor = self._executor or self._start()
        while pending or inflight:
            while pending and len(inflight) < window:
                task, attempts = pending.popleft()
                try:
                    inflight[executor.submit(pool_task, task)] = (task, attempts)
                except BrokenProcessPool:
                    pending.appendleft((task, attempts))
                    break
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            broken = []
            for future in done:
                task, attempts = inflight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken.append((task, attempts))
            if broken:  # a worker died: every file in flight is lost with the pool
                broken += list(inflight.values())
                inflight.clear()
                self._stop(kill=True)
                for task, attempts in reversed(broken):
                    if attempts:  # died twice: that file is the likely cause
                        yield _failed(task, DIED)
                    else:
                        pending.appendleft((task, attempts + 1))
                executor = self._start()  # rare: forks while the progress thread runs


class DaskEngine:
    """The same work on a Dask cluster: ``scheduler`` is a running scheduler's address, or
    None for a LocalCluster on 127.0.0.1 with ``jobs`` single-threaded worker processes.

    The settings (pack and glossary contents included) are scattered to every worker once;
    each worker process builds its Cleaner on its first file and keeps it
    (``batch_worker.worker_cleaner``). Workers read inputs and write outputs themselves, at
    the absolute paths the tasks carry: on a real cluster those must be on a filesystem
    every worker mounts at the same path.
    """

    name = "dask"

    def __init__(self, settings: Settings, jobs: int, scheduler: str | None) -> None:
        self.settings, self.jobs, self.scheduler = settings, jobs, scheduler
        self.client: Any = None
        self.cluster: Any = None
        self.workers = jobs

    def __enter__(self) -> DaskEngine:
        import logging

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise CleanerError("--engine dask needs Dask: pip install 'cleaner[cluster]'",
                               key="engine") from None
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="20s")
                self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
            else:
                self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                            processes=True, host="127.0.0.1",
                                            dashboard_address=None,
                                            silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            self.__exit__(None, None, None)
            raise CleanerError(f"cannot reach the Dask scheduler: {exc}",
                               key="scheduler") from None
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # closing a cluster that is going away anyway
                    pass
        self.client = self.cluster = None

    def run(self, tasks: list[Task]) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        from .batch_worker import dask_task

        settings = self.client.scatter(self.settings, broadcast=True, hash=False)
        pending = deque(sorted(tasks, key=lambda t: -t.size))
        window = max(2, self.workers * 2)
        inflight: dict[Any, Task] = {}
        stream = as_completed()

        def submit() -> None:
            task = pending.popleft()
            future = self.client.submit(dask_task, task, settings, pure=False)
            inflight[future] = task
            stream.add(future)

        while pending and len(inflight) < window:
            submit()
        for future in stream:
            task = inflight.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the cluster lost it (KilledWorker...), not the file
                result = _failed(task, f"the cluster could not clean it: "
                                       f"{type(exc).__name__}: {exc}")
            future.release()
            yield result
            if pending:
                submit()
