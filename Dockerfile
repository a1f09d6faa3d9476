# aicontent-emulator: a small, non-root image listening on 0.0.0.0:8080.
#   docker build -t aicontent-emulator .
#   docker run --rm -p 8080:8080 aicontent-emulator
# Configure with AICONTENT_EMULATOR_* variables (seed, auth, fixtures, log_level, ...).
# From the repository root the context is the package's sources (.dockerignore keeps out the
# rest) and pip installs them with their dependencies from the index. Where that index or the
# base image cannot be reached, scripts/build-image.sh builds a base image locally, passes
# --build-arg BASE_IMAGE=..., and uses a context holding only this file and wheelhouse/*.whl,
# which are then installed offline.
ARG BASE_IMAGE=python:3.12-slim

FROM ${BASE_IMAGE} AS build
LABEL aicontent-emulator.stage=build
COPY . /src
RUN python3 -m venv /opt/venv \
 && if ls /src/wheelhouse/*.whl >/dev/null 2>&1; then \
        /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /src/wheelhouse aicontent-emulator; \
    else \
        /opt/venv/bin/pip install --no-cache-dir /src; \
    fi \
 && find /opt/venv -name __pycache__ -prune -exec rm -rf {} + \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM ${BASE_IMAGE}
LABEL aicontent-emulator.stage=final
COPY --from=build /opt/venv /opt/venv
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin emulator
USER 10001
ENV AICONTENT_EMULATOR_HOST=0.0.0.0 \
    AICONTENT_EMULATOR_PORT=8080 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_emulator/health' % os.environ.get('AICONTENT_EMULATOR_PORT', '8080'), timeout=2)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["aicontent-emulator"]
