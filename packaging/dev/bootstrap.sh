#!/usr/bin/env bash
# Set up the project's virtual environment (.venv) from the lock file, on a fresh machine too.
set -euo pipefail
cd "$(dirname "$0")/../.."
UV_VERSION=0.13.9
if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip install --quiet "uv==${UV_VERSION}" 2>/dev/null \
        || python3 -m pip install --quiet --user "uv==${UV_VERSION}"
fi
python3 -m uv sync --frozen --quiet --compile-bytecode
