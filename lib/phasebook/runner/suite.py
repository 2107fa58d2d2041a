"""``run_suite``: select notebooks, make sure the platform answers, execute, report.

Exit codes (returned in :class:`SuiteOutcome`): 0 every notebook passed, 1 a check or a
cell failed. Usage/params problems raise ConfigError (the CLI maps it to 2) and an
unreachable platform raises PlatformUnreachable (3), before anything is executed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from phasebook.params import display_name, load_params
from phasebook.report.run import RunInfo
from phasebook.report.scrub import Scrubber
from phasebook.runner.discovery import is_exclusive, kernel_name, select_suite
from phasebook.runner.embedded import (
    EmbeddedPlan,
    EmbeddedPlatform,
    embedded_platform,
    plan_embedded,
)
from phasebook.runner.execute import NotebookJob, ProcessRegistry, WorkerPool, execute_notebook
from phasebook.runner.progress import Progress

if TYPE_CHECKING:
    from phasebook.report.results import NotebookResult
    from phasebook.runner.restore import PlatformRestorer

DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class RunOptions:
    """Everything ``phasebook run`` was asked to do (paths already absolute)."""

    root: Path
    params_file: Path
    notebooks_dir: Path
    out_dir: Path | None = None
    patterns: tuple[str, ...] = ()
    parameters: dict = field(default_factory=dict)
    jobs: int = 1
    timeout: float = DEFAULT_TIMEOUT
    embedded: bool = False


@dataclass(frozen=True)
class SuiteOutcome:
    exit_code: int
    out_dir: Path
    results: list[NotebookResult]


def run_suite(
    options: RunOptions, *, progress: Progress | None = None, environ: Mapping | None = None
) -> SuiteOutcome:
    """Run the selected notebooks and write the report; see the module doc for errors."""
    environ = dict(os.environ if environ is None else environ)
    notebooks = select_suite(options.notebooks_dir, options.patterns)
    started, clock = datetime.now().astimezone(), time.monotonic()
    plan = plan_embedded() if options.embedded else None
    env = _kernel_env(options, environ, plan)
    params = load_params(options.params_file, environ=env, cwd=options.root)
    shown_params = params.source
    # Workers import papermill and fork their first kernels while the platform starts.
    warm = {"kernel_name": kernel_name(notebooks[0]), "cwd": str(notebooks[0].parent), "env": env}
    pool = WorkerPool(min(options.jobs, len(notebooks)), ProcessRegistry(), warm)
    # Imported only now (httpx alone is 0.5 CPU s): the zygote's imports are a run's longest
    # wait, so it is started first and the runner loads the rest beside it.
    from phasebook.discovery import resolve_target
    from phasebook.preflight import check_platform
    from phasebook.report.write import write_run_report
    from phasebook.runner.restore import PlatformRestorer

    with contextlib.closing(pool), _platform(environ, plan) as platform:
        target = resolve_target(params)
        check_platform(params, target)
        base_url = target.base_url
        progress = progress or Progress(width=max(len(nb.stem) for nb in notebooks))
        out_dir = options.out_dir or default_out_dir(options.root, started)
        out_dir.mkdir(parents=True, exist_ok=True)
        progress.line(
            f"phasebook: {len(notebooks)} notebook(s) against {base_url}"
            f"{' (embedded)' if platform else ''}, jobs={options.jobs} → {out_dir}"
        )
        known = [*params.secrets, target.admin_token, platform.admin_token if platform else None]
        scrubber = Scrubber.from_env(env, [s for s in known if s])
        jobs = [_job(nb, options, out_dir, env) for nb in notebooks]
        restorer = PlatformRestorer(platform, environ) if platform else None
        results = _execute_all(jobs, pool, scrubber, progress, restorer)
    run = _run_info(options, shown_params, base_url, started, time.monotonic() - clock)
    write_run_report(out_dir, run, results, scrubber)
    progress.summary(results, display_name(out_dir, options.root))
    exit_code = 0 if all(r.status == "passed" for r in results) else 1
    return SuiteOutcome(exit_code, out_dir, results)


def _restore(restorer: PlatformRestorer, name: str, progress: Progress) -> None:
    """An exclusive notebook failed: its faults may still be in place, and the notebooks
    after it must not inherit them (runner/restore.py)."""
    if undone := restorer.restore():
        progress.line(f"  ↺ platform restored after {name}: {'; '.join(undone)}")


def default_out_dir(root: Path, now: datetime) -> Path:
    """``outputs/<YYYYmmdd-HHMMSS>`` under ``root``, suffixed when that run dir exists."""
    base = root / "outputs" / now.strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _run_info(
    options: RunOptions, params: str, base_url: str, started: datetime, seconds: float
) -> RunInfo:
    return RunInfo(
        started_at=started.isoformat(timespec="seconds"),
        params_file=params,
        platform_url=base_url,
        embedded=options.embedded,
        finished_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        duration_s=round(seconds, 3),
        selection=list(options.patterns),
        parameters=dict(options.parameters),
    )


@contextlib.contextmanager
def _platform(environ: Mapping, plan: EmbeddedPlan | None) -> Iterator[EmbeddedPlatform | None]:
    if plan is None:
        yield None
        return
    with embedded_platform(environ, plan=plan) as platform:
        yield platform


def _kernel_env(options: RunOptions, environ: Mapping, plan: EmbeddedPlan | None) -> dict:
    env = {**environ, "PHASEBOOK_PARAMS": str(options.params_file)}
    if plan is not None:
        env.update(plan.kernel_env())
    return env


def _job(notebook: Path, options: RunOptions, out_dir: Path, env: dict) -> NotebookJob:
    return NotebookJob(
        name=notebook.stem,
        input_path=notebook,
        output_path=out_dir / notebook.name,
        parameters=dict(options.parameters),
        cwd=notebook.parent,
        cell_timeout=options.timeout,
        wall_timeout=options.timeout,
        env=env,
        kernel_name=kernel_name(notebook),
    )


def _execute_all(
    jobs: list[NotebookJob],
    pool: WorkerPool,
    scrubber: Scrubber,
    progress: Progress,
    restorer: PlatformRestorer | None = None,
) -> list[NotebookResult]:
    from phasebook.runner.collect import HtmlExports, collect_result

    registry = pool.registry
    exports = HtmlExports(scrubber)  # beside the next notebooks, not before them

    def run_one(job: NotebookJob) -> NotebookResult | None:
        if registry.cancelled:
            return None
        progress.started(job.name)
        execution = execute_notebook(job, pool)
        if registry.cancelled:  # interrupted: the main thread is already cleaning up
            return None
        result, nb = collect_result(job, execution, scrubber)
        progress.finished(result)
        exports.submit(job, nb)
        return result

    # Notebooks that stop services or load the platform run alone, after the others.
    # With one worker everything runs alone anyway: keep the suite's order, the order nbval
    # replays the committed notebooks in (so ids created by earlier notebooks match).
    shared = [job for job in jobs if pool.size > 1 and not is_exclusive(job.input_path)]
    alone = [job for job in jobs if job not in shared]
    threads = ThreadPoolExecutor(max_workers=pool.size, thread_name_prefix="phasebook")
    try:
        futures = [threads.submit(run_one, job) for job in shared]
        done = {job.name: future.result() for job, future in zip(shared, futures, strict=True)}
        for job in alone:
            # An exclusive notebook may measure speed: no export competes with it for CPU.
            exports.drain()
            done[job.name] = result = run_one(job)
            if restorer and result and result.verdict != "passed" and is_exclusive(job.input_path):
                _restore(restorer, job.name, progress)
    except BaseException:  # Ctrl-C included: no worker or kernel may outlive the run
        registry.kill_all()
        threads.shutdown(wait=True, cancel_futures=True)
        exports.cancel()
        raise
    threads.shutdown(wait=True)
    exports.wait()
    return [done[job.name] for job in jobs]
