#!/usr/bin/env bash
# Set up the project's virtual environment (.venv) from the lock file, on a fresh machine too.
set -euo pipefail
cd "$(dirname "$0")/../.."
UV_VERSION=0.13.9

# Qt's shared libraries and a Unicode font come from the OS; install any that are missing.
missing=()
for pair in libEGL.so.1:libegl1 libGL.so.1:libgl1 libxkbcommon.so.0:libxkbcommon0 \
            libfontconfig.so.1:libfontconfig1 libdbus-1.so.3:libdbus-1-3 \
            libglib-2.0.so.0:libglib2.0-0; do
    ldconfig -p 2>/dev/null | grep -q "${pair%%:*}" || missing+=("${pair##*:}")
done
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# The central server's tests start a throwaway PostgreSQL cluster of their own (tests/pg.py).
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || missing+=(postgresql)
# The packaging tests verify the systemd units and the .deb with Debian's own tools.
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v dpkg-deb >/dev/null || missing+=(dpkg)
command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
command -v appstreamcli >/dev/null || missing+=(appstream)
# PyInstaller reads the libraries' dependencies with objdump; the bundle is stripped with strip.
command -v objdump >/dev/null && command -v strip >/dev/null || missing+=(binutils)
# The payment-link page is tested in a real headless browser (Playwright drives Debian's Chromium).
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing system packages: ${missing[*]}"
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Please install these system packages: ${missing[*]}" >&2
    fi
fi

if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip install --quiet "uv==${UV_VERSION}" 2>/dev/null \
        || python3 -m pip install --quiet --user "uv==${UV_VERSION}"
fi
python3 -m uv sync --frozen --quiet --compile-bytecode
