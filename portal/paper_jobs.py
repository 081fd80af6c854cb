"""Making a batch's PDF outside the web request that asks for it.

A 500-form batch takes minutes of CPU in WeasyPrint. The request that creates a batch
only queues the job; a separate process renders it (its own interpreter, so the web
worker's threads keep serving, without sharing a GIL with it), writes its progress to
the database after every chunk, and stores the PDF there: the database is the only
state web workers share. A job whose process died is seen as stale and can be restarted.
"""

import logging
import multiprocessing
import threading
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select

from portal import printing
from portal.db import session_for
from portal.domain import paper
from portal.domain.accounts import aware
from portal.models import PaperBatch, PaperPrint, utcnow

log = logging.getLogger(__name__)
# No progress for this long while queued or running: the process that had it is gone.
STALE_AFTER = timedelta(minutes=3)


def queue(session, batch: PaperBatch) -> PaperPrint:
    """Mark the batch's PDF as wanted (again); the caller commits, then calls `start`."""
    job = session.get(PaperPrint, batch.id) or PaperPrint(batch_id=batch.id)
    job.state, job.done, job.pdf, job.updated_at = "queued", 0, None, utcnow()
    session.add(job)
    return job


def start(app: Flask, batch_id: int) -> None:
    """Render the queued batch: in this request when the app says so (tests, the CLI),
    else in a process of its own."""
    if app.config["PAPER_PRINT_IN_PROCESS"]:
        run(app, batch_id)
        return
    settings = {k: v for k, v in app.config.items() if isinstance(v, str | int | float | bool)}
    process = multiprocessing.get_context("spawn").Process(
        target=_render_in_child, args=(settings, batch_id), daemon=True
    )
    process.start()
    # Reap the child when it ends, so no zombie is left behind.
    threading.Thread(target=process.join, daemon=True).start()


def _render_in_child(settings: dict, batch_id: int) -> None:
    from portal import create_app

    run(create_app(settings), batch_id)


def run(app: Flask, batch_id: int) -> None:
    """Render the batch's PDF, recording progress; a failure is recorded, not raised."""
    with app.app_context(), app.test_request_context():
        with session_for(current_app) as session:
            batch = session.get(PaperBatch, batch_id)
            job = session.get(PaperPrint, batch_id)
            if batch is None or job is None:
                return
            job.state, job.updated_at = "running", utcnow()
            session.commit()
            codes = [code for _, code in paper.batch_codes(session, batch)]
            language, variant, printed, place = (
                batch.language,
                batch.variant,
                batch.printed,
                batch.place if batch.source == "wijkteam" else None,
            )

        def progress(done: int) -> None:
            _update(batch_id, done=done)

        try:
            pdf = printing.render_forms(language, variant, printed, place, codes, progress)
        except Exception:
            log.exception("printing batch %s failed", batch_id)
            _update(batch_id, state="failed")
            return
        _update(batch_id, state="done", done=len(codes), pdf=pdf)


def _update(batch_id: int, **values) -> None:
    with session_for(current_app) as session:
        job = session.get(PaperPrint, batch_id)
        if job is None:
            return
        for name, value in values.items():
            setattr(job, name, value)
        job.updated_at = utcnow()
        session.commit()


def status(session, batch_id: int) -> PaperPrint | None:
    """The job without its PDF bytes (the overview must not load megabytes)."""
    return session.execute(
        select(PaperPrint.batch_id, PaperPrint.state, PaperPrint.done, PaperPrint.updated_at).where(
            PaperPrint.batch_id == batch_id
        )
    ).one_or_none()


def is_stale(job) -> bool:
    return job.state in ("queued", "running") and utcnow() - aware(job.updated_at) > STALE_AFTER


def pdf(session, batch_id: int) -> bytes | None:
    return session.scalar(
        select(PaperPrint.pdf).where(PaperPrint.batch_id == batch_id, PaperPrint.state == "done")
    )
