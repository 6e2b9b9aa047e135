# Parley's image: the same code runs as web (gunicorn), worker and beat.
FROM python:3.12-slim-bookworm

# WeasyPrint's system libraries (Pango, HarfBuzz subsetting) and fonts for the PDF report
# (Noto Sans CJK for Japanese); gettext compiles the translations below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Build-only settings for the two build commands: static files and compiled translations.
RUN export SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build CELERY_BROKER_URL=redis://localhost:6379/0 \
 && python manage.py collectstatic --noinput \
 && python manage.py compilemessages -v 0 \
 && useradd --system --uid 1000 parley && mkdir -p /app/media && chown parley /app/media
USER parley
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
