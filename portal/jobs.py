"""Long work run by a worker: one mechanism for ZIPs, large exports, report e-mails and
statement PDFs.

An application registers a job *kind* (in its AppConfig.ready) with the function that
builds it; a view calls `job_start`, which checks the caps and writes the row; the
worker's `run_job` task takes the id and calls `job_run`, which claims the row, reports
"N of M" progress, stores the result privately and records a failure in words the user
can act on. The page the user waits on (portal.job_views) polls the row.

Caps: at most JOBS_MAX_ACTIVE_PER_USER waiting or running jobs per user and
JOBS_MAX_ACTIVE_PER_COMPANY per company; the company row is locked while counting, so
parallel requests cannot both slip under the cap. Finished jobs and their files are
evicted after JOBS_KEEP_HOURS, and a user keeps at most JOBS_KEEP_PER_USER of them.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.exports import XLSX_TYPE, Column, export_bytes
from portal.files import CSV, store_bytes
from portal.models import Company, Event, Job, StoredFile, User
from portal.queue import hand_over, hand_over_on_commit

log = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(minutes=5)  # a job still waiting then is handed over again
STALE_AFTER = timedelta(minutes=30)  # a running job not heard of since then has died
GIVE_UP_AFTER = timedelta(days=1)  # a job still waiting then is not worth building


@dataclass(frozen=True)
class Result:
    """What a job produced: a file (stored privately) or only a message (an e-mail sent)."""

    data: bytes | None = None
    name: str = ""
    content_type: str = ""


Progress = Callable[[int], None]


@dataclass(frozen=True)
class JobKind:
    key: str
    app: str  # the application whose gate applies to the job's page and file
    title: Any  # lazy label: "ZIP of invoices"
    build: Callable[[Job, Progress], Result]
    retry_hint: Any  # what to do when it failed
    back: Callable[[Job], str]  # where the user came from
    email_template: str = ""  # e-mail the owner a link when it is ready (a ZIP)


@dataclass(frozen=True)
class ExportRows:
    """What an application exports for a job: rows, columns, file name (no extension)."""

    rows: Iterable[Any]
    columns: list[Column]
    name: str
    sheet: Any = None


def back_to_list(url_name: str) -> Callable[[Job], str]:
    """The list page the export was asked from, with its filters (the job's "query")."""

    def back(job: Job) -> str:
        query = job.params.get("query", "")
        return reverse(url_name) + (f"?{query}" if query else "")

    return back


def export_kind(
    *,
    key: str,
    app: str,
    title: Any,
    retry_hint: Any,
    select: Callable[[Job], ExportRows],
    back: Callable[[Job], str],
) -> JobKind:
    """The job kind of a CSV/XLSX export beyond the direct-download size: `select(job)`
    reads the rows again from the job's company; the format is the job's "fmt"."""

    def build(job: Job, progress: Progress) -> Result:
        fmt = job.params.get("fmt", "csv")
        export = select(job)
        data = export_bytes(fmt, export.rows, export.columns, sheet=export.sheet, progress=progress)
        return Result(
            data=data,
            name=f"{export.name}.{fmt}",
            content_type=XLSX_TYPE if fmt == "xlsx" else CSV,
        )

    return JobKind(key=key, app=app, title=title, build=build, retry_hint=retry_hint, back=back)


_KINDS: dict[str, JobKind] = {}


def register_job(kind: JobKind) -> None:
    _KINDS[kind.key] = kind


def kind_of(job: Job) -> JobKind | None:
    return _KINDS.get(job.kind)


class JobRefused(ValidationError):
    """The caps are reached: the message says so and what to do."""


@transaction.atomic
def job_start(
    *,
    company: Company,
    user: User,
    kind: str,
    params: dict[str, Any],
    total: int = 0,
    language: str | None = None,
) -> Job:
    """Write a job row and hand it to a worker after commit; refused over the caps."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    Company.objects.select_for_update().filter(pk=company.pk).first()  # serialises the count
    active = Job.objects.for_company(company).active()
    if active.of_user(user).count() >= settings.JOBS_MAX_ACTIVE_PER_USER:
        raise JobRefused(
            _(
                "You already have %(count)d files being prepared. Please wait until one is "
                "ready (see “My files”), then try again."
            ),
            code="user_cap",
            params={"count": settings.JOBS_MAX_ACTIVE_PER_USER},
        )
    if active.count() >= settings.JOBS_MAX_ACTIVE_PER_COMPANY:
        raise JobRefused(
            _(
                "Your company already has %(count)d files being prepared. Please try again "
                "in a few minutes."
            ),
            code="company_cap",
            params={"count": settings.JOBS_MAX_ACTIVE_PER_COMPANY},
        )
    job = Job.objects.create(
        company=company,
        user=user,
        kind=kind,
        params=params,
        total=total,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    _evict_beyond_keep(company=company, user=user)
    from portal.tasks import run_job

    hand_over_on_commit(run_job, job.pk)  # broker down: jobs_sweep hands it over later
    return job


def _claim(job_id: int) -> Job | None:
    """Move a waiting job to running; None when another worker has it (or it is over)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return None
    return Job.objects.select_related("company", "user").get(pk=job_id)


def _progress(job: Job) -> Progress:
    """A callback the builder calls with how much is done; writes at most every 0.5 s."""
    last = [0.0]

    def report(done: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and done < job.total:
            return
        last[0] = now
        job.done = done
        Job.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())

    return report


def job_run(job_id: int) -> Job:
    """Worker side: build the job once (a job handed over twice is built by one worker)."""
    job = _claim(job_id)
    if job is None:
        return Job.objects.get(pk=job_id)
    kind = _KINDS.get(job.kind)
    try:
        if kind is None:
            raise LookupError(f"unknown job kind {job.kind!r}")
        with translation.override(job.language):
            result = kind.build(job, _progress(job))
        _finish(job, kind, result)
    except Exception as exc:
        log.exception("job failed", extra={"job": job.pk, "kind": job.kind})
        job_fail(job_id=job.pk, error=str(exc)[:500])
    job.refresh_from_db()
    return job


@transaction.atomic
def _finish(job: Job, kind: JobKind, result: Result) -> None:
    stored = None
    if result.data is not None:
        stored = store_bytes(
            result.data,
            name=result.name,
            content_type=result.content_type,
            company=job.company,
            user=job.user,
        )
    now = timezone.now()
    job.file = stored
    job.state = Job.State.DONE
    job.done = max(job.done, job.total)
    job.finished_at = job.updated_at = now
    job.save(update_fields=["file", "state", "done", "finished_at", "updated_at"])
    if kind.email_template:
        from portal.notify import absolute_url, notify

        notify(
            event=Event.JOB_DONE,  # the user's own request: e-mailed or in the portal, or both
            template=kind.email_template,
            recipient=job.user,
            company=job.company,
            context={"count": job.total, "url": absolute_url("portal:job", pk=job.pk)},
            dedupe_key=f"portal:job:{job.pk}",
            link=reverse("portal:job", kwargs={"pk": job.pk}),
        )


def job_fail(*, job_id: int, error: str) -> None:
    """Record a failure (the page tells the user what to do; `error` is for the agents)."""
    now = timezone.now()
    Job.objects.filter(pk=job_id).exclude(state=Job.State.DONE).update(
        state=Job.State.FAILED, error=error, finished_at=now, updated_at=now
    )


def _delete_files(jobs: list[Job]) -> None:
    files = [j.file for j in jobs if j.file is not None]
    Job.objects.filter(pk__in=[j.pk for j in jobs]).delete()
    for stored in files:
        default_storage.delete(stored.storage_name)
        StoredFile.objects.filter(pk=stored.pk).delete()


def _evict_beyond_keep(*, company: Company, user: User) -> None:
    """A user keeps their last JOBS_KEEP_PER_USER finished jobs; older files go."""
    finished = (
        Job.objects.for_company(company)
        .of_user(user)
        .exclude(state__in=[Job.State.QUEUED, Job.State.RUNNING])
    )
    old = list(finished.select_related("file")[settings.JOBS_KEEP_PER_USER :])
    if old:
        _delete_files(old)


def jobs_sweep() -> int:
    """Periodic: hand over jobs left waiting, fail the dead ones, evict old files."""
    from portal.tasks import run_job

    now = timezone.now()
    waiting = Job.objects.filter(
        state=Job.State.QUEUED,
        created_at__lte=now - SWEEP_AFTER,
        created_at__gte=now - GIVE_UP_AFTER,
    ).values_list("pk", flat=True)
    handed = sum(hand_over(run_job, pk) for pk in waiting)
    for pk in Job.objects.filter(
        state=Job.State.RUNNING, updated_at__lt=now - STALE_AFTER
    ).values_list("pk", flat=True):
        job_fail(job_id=pk, error="interrupted: no progress for 30 minutes")
    for pk in Job.objects.filter(
        state=Job.State.QUEUED, created_at__lt=now - GIVE_UP_AFTER
    ).values_list("pk", flat=True):
        job_fail(job_id=pk, error="never started")
    expired = list(
        Job.objects.filter(
            finished_at__lt=now - timedelta(hours=settings.JOBS_KEEP_HOURS)
        ).select_related("file")
    )
    if expired:
        _delete_files(expired)
    return handed
