"""``flask jobs …``: the background job runner and a look at the queue."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .domain.clock import to_local
from .extensions import db
from .models import Job
from .services.jobs import queue
from .services.jobs.runner import Runner

jobs_cli = AppGroup("jobs", help="Background jobs: run them, list them, retry a failed one.")


@jobs_cli.command("work")
@click.option("--burst", is_flag=True, help="Run the jobs that are due now, then stop (e.g. from cron).")
@click.option("--max-jobs", type=click.IntRange(1), help="Stop after this many jobs (a process manager restarts it).")
@click.option("--kind", "kinds", multiple=True, help="Only jobs of this kind; repeat for several.")
@click.option("--parent-pid", type=int, help="Stop when this process ends (gunicorn's master under make run).")
def work(burst: bool, max_jobs: int | None, kinds: tuple[str, ...], parent_pid: int | None) -> None:
    """Run background jobs until SIGTERM (one at a time; start more processes for more)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    runner = Runner(current_app._get_current_object(), kinds=list(kinds) or None, parent_pid=parent_pid)
    runner.install_signals()
    ran = runner.run(burst=burst, max_jobs=max_jobs)
    click.echo(f"Ran {ran} job(s).")


@jobs_cli.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "done", "failed"]), help="Only jobs in this state.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def list_jobs(state: str | None, limit: int) -> None:
    """The latest jobs: id, kind, state, attempts, progress, when created (local time)."""
    stmt = select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(Job.state == state)
    for job in db.session.scalars(stmt):
        progress = f"{job.done}/{job.total}" if job.total else ""
        click.echo(f"{job.id:>7} {job.kind:<28} {job.state:<8} {job.attempts}/{job.max_attempts} {progress:>13} "
                   f"{to_local(job.created_at):%Y-%m-%d %H:%M}")
        if job.state == "failed" and job.error:
            click.echo("        " + job.error.strip().splitlines()[-1][:200])


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
def retry(job_id: int) -> None:
    """Put a failed job back in the queue for one more attempt."""
    if not queue.requeue(job_id):
        raise click.ClickException(f"job {job_id} is not a failed job")
    click.echo(f"Job {job_id} queued again.")


@jobs_cli.command("prune")
@click.option("--days", default=None, type=click.IntRange(0), help="Keep this many days (default JOBS_KEEP_DAYS).")
def prune(days: int | None) -> None:
    """Forget finished jobs older than the given number of days (the runner does it hourly)."""
    removed = queue.prune(current_app.config["JOBS_KEEP_DAYS"] if days is None else days)
    click.echo(f"Removed {removed} finished job(s).")
