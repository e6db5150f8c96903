"""The job mechanism itself: a failure says what to do, a job is built once, caps count
only waiting and running jobs."""

import pytest
from django.urls import reverse

from portal import jobs
from portal.models import Job, Role
from tests.conftest import login
from tests.factories.portal import member

pytestmark = pytest.mark.django_db


def test_a_failed_job_says_what_to_do(client, company):
    user = member(company, role=Role.VIEWER)
    job = Job.objects.create(
        company=company,
        user=user,
        kind="statements.pdf",
        params={"account_id": 0, "currency": "EUR", "start": "2026-01-01", "end": "2026-01-31"},
        total=1,
    )
    assert jobs.job_run(job.pk).state == Job.State.FAILED
    job.refresh_from_db()
    assert job.error  # for the agents
    login(client, user, company)
    page = client.get(reverse("portal:job", args=[job.pk]))
    assert "Failed" in page.text
    assert "Please try again, or choose a shorter period" in page.text
    main = page.text.split("<main", 1)[1]  # (the header's bell polls on every page)
    assert "hx-trigger" not in main and "refresh" not in page.text  # nothing to wait for
    assert client.get(reverse("portal:job_download", args=[job.pk])).status_code == 404


def test_a_job_is_built_once(company):
    user = member(company, role=Role.VIEWER)
    job = Job.objects.create(
        company=company, user=user, kind="invoices.zip", params={"numbers": []}, total=0
    )
    assert jobs.job_run(job.pk).state == Job.State.DONE
    first = Job.objects.get(pk=job.pk).file_id
    assert jobs.job_run(job.pk).file_id == first  # handed over twice: not rebuilt


def test_finished_jobs_do_not_count_against_the_cap(company, settings):
    settings.JOBS_MAX_ACTIVE_PER_USER = 1
    user = member(company, role=Role.VIEWER)
    Job.objects.create(company=company, user=user, kind="invoices.zip", state=Job.State.DONE)
    Job.objects.create(company=company, user=user, kind="invoices.zip", state=Job.State.FAILED)
    job = jobs.job_start(company=company, user=user, kind="invoices.zip", params={"numbers": []})
    assert job.state == Job.State.QUEUED
    with pytest.raises(jobs.JobRefused):
        jobs.job_start(company=company, user=user, kind="invoices.zip", params={"numbers": []})
