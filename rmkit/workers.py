"""The worker pool of `rmkit build`: its jobs (sites and PDFs) run in worker processes.

plan + jobs, in the order to start them + the function that runs one job → what each job
returned, in the order of the jobs. `run_jobs(plan, todo, jobs, run_job)` calls
`run_job(plan, *job)` for each job of `todo`: in this process with one worker, otherwise in
`jobs` worker processes (default: one per core).

The workers are forked once per build, with the plan (project, resolved editions,
renderer) already in memory: only the job's arguments (names) go to them and what a job
returns (a small record) comes back. The plan's `notify` (None, or a function told what
starts and finishes) is called in this process: in a worker it is replaced by a queue that
this process reads. Interrupted (Ctrl+C, SIGTERM as `output.terminated_as_interrupt` turns
it), or with a worker dead, the pool stops the other workers at once; a worker whose build
process is killed is stopped too (Linux).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait


def run_jobs(plan, todo: list[tuple], jobs: int | None, run_job: Callable) -> list:
    """Run the jobs (sites and PDFs), in `jobs` worker processes (default: one per core)."""
    jobs = max(1, min(jobs or _cpu_count(), len(todo)))
    if jobs == 1:
        return [run_job(plan, *job) for job in todo]
    # fork: workers start with rmkit, MkDocs and the resolved editions already in memory, and
    # each renders and builds a whole site or PDF, so only names go to them and small records come back.
    context = multiprocessing.get_context("fork")
    # What exists now (the project, with a node per YAML value, and the editions) lives as long
    # as the workers: frozen, the cycle collector no longer scans it in every worker, nor
    # touches (and so copies) its memory.
    gc.freeze()
    # Workers say what starts and finishes through a queue, which this process reads for `notify`.
    events = context.SimpleQueue() if plan.notify is not None else None
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_adopt,
                               initargs=(plan, run_job, os.getpid(), events))
    try:
        futures = [pool.submit(_run_job_in_worker, *job) for job in todo]
        pending = set(futures)
        while pending:
            _done, pending = wait(pending, timeout=0.2 if events is not None else None, return_when=FIRST_COMPLETED)
            while events is not None and not events.empty():
                plan.notify(*events.get())
        outcomes = [future.result() for future in futures]
    except BaseException:
        # Interrupted, or a worker died: stop the others now rather than wait for their sites.
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        for worker in workers:
            worker.join(5)
        raise
    else:
        pool.shutdown(wait=True)
        return outcomes
    finally:
        gc.unfreeze()


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# In a worker: the plan and the function that runs one job, inherited from the build process.
_worker_plan: tuple[object, Callable] | None = None


def _adopt(plan, run_job: Callable, parent: int, events) -> None:
    global _worker_plan
    _worker_plan = (plan, run_job)
    plan.notify = (lambda *event: events.put(event)) if events is not None else None
    _die_with_parent(parent)
    # Collect less often: a worker lives for one build, and MkDocs makes many short-lived objects.
    gc.set_threshold(50_000, 20, 20)


def _die_with_parent(parent: int) -> None:
    """A worker whose build process is killed (even with SIGKILL) is stopped too (Linux)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent stops us
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def _run_job_in_worker(*job):
    assert _worker_plan is not None
    plan, run_job = _worker_plan
    return run_job(plan, *job)
