# Customer Service Online: one image for the web tier (gunicorn), the Celery worker and beat.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/app/var

# WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) and a base font set.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b \
        libfontconfig1 fonts-dejavu-core shared-mime-info curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (cached layer): the same pinned versions as CI.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; d=tomllib.load(open('pyproject.toml','rb'))['project']; print('\n'.join(d['dependencies']))" > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Translations and static files are built into the image.
# collectstatic runs with the production storage (hashed, compressed names + manifest,
# served by whitenoise); it reads no database, so build-time placeholders suffice.
RUN python manage.py compile_translations \
    && DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build-time-only-not-a-secret-0123456789-abcdefghijklmnop \
        python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var/files \
    && chown -R portal:portal /app/var

USER portal
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os,urllib.request as u; h=(os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.'); u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)" || exit 1

# gunicorn.conf.py: X-Forwarded-Proto believed only from FORWARDED_ALLOW_IPS (the TLS
# proxy; default 127.0.0.1), no Server banner; GUNICORN_WORKERS sync processes (2: one
# per core of a 2-core host; GUNICORN_THREADS > 1 switches to gthread), each with a
# psycopg pool of one connection per thread. Set the workers to the host's cores
# (README, "Serving").
ENV FORWARDED_ALLOW_IPS=127.0.0.1 \
    GUNICORN_WORKERS=2 \
    GUNICORN_THREADS=1
CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
