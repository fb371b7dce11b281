#!/usr/bin/env bash
# Build dist/tilldesk_VERSION_ARCH.deb from the PyInstaller bundle (make package) with dpkg-deb.
#   packaging/linux/build_deb.sh [BUNDLE_DIR [OUT_DIR]]     (defaults: dist/tilldesk, dist)
#   TILLDESK_DEB_COMPRESSION=gzip: a quick gzip -1 package (the tests); the default is xz.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUNDLE="$(realpath "${1:-$ROOT/dist/tilldesk}")"
OUT="$(realpath -m "${2:-$ROOT/dist}")"

[ -x "$BUNDLE/tilldesk" ] || { echo "no bundle at $BUNDLE: run 'make package' first" >&2; exit 1; }

# Debian versions start with a digit: the package version, plus the git stamp of the bundle.
base="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/pyproject.toml" | head -1)"
stamp="$(cat "$BUNDLE/_internal/VERSION" 2>/dev/null || echo unknown)"
version="${base}+git$(printf '%s' "$stamp" | tr -c 'A-Za-z0-9.+~\n' '.' | tr -d '\n')"
arch="$(dpkg --print-architecture)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/tilldesk"
install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/lib/systemd/system" \
    "$pkg/usr/share/applications" "$pkg/usr/share/metainfo" "$pkg/etc/tilldesk"
cp -a "$BUNDLE" "$pkg/opt/tilldesk"
install -m 644 "$ROOT/README.md" "$pkg/opt/tilldesk/README.md"
ln -s /opt/tilldesk/tilldesk "$pkg/usr/bin/tilldesk"
install -m 644 "$HERE"/systemd/*.service "$pkg/lib/systemd/system/"
install -m 644 "$HERE/tilldesk.desktop" "$pkg/usr/share/applications/"
install -m 644 "$HERE/com.tilldesk.Tilldesk.metainfo.xml" "$pkg/usr/share/metainfo/"
for size in 48 64 128 256; do
    install -D -m 644 "$HERE/icons/tilldesk-$size.png" \
        "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/tilldesk.png"
done
install -m 644 "$HERE"/etc/*.env "$pkg/etc/tilldesk/"
install -m 755 "$HERE"/debian/postinst "$HERE"/debian/prerm "$HERE"/debian/postrm "$pkg/DEBIAN/"
(cd "$pkg" && find etc -type f | sed 's|^|/|' | sort) > "$pkg/DEBIAN/conffiles"
chmod -R u+rwX,go+rX,go-w "$pkg"

# What the bundle does not carry, the system provides. The bundle holds the libraries of the
# wheels (Qt, NumPy, SciPy...) and Python; the operating system's own libraries are left out
# by tilldesk.spec and come from these packages: the C library; OpenGL/EGL (libEGL, libGL: they
# come with the GPU driver); X11/xcb and xkbcommon, which Qt's xcb platform plugin
# (libqxcb.so, libQt6XcbQpa) links; fontconfig/FreeType, D-Bus and GLib, which Qt links;
# OpenSSL, SQLite, libffi, bz2/lzma/zlib/zstd, readline and uuid, which Python's own modules
# link; the C++ runtime; libudev (the bundled libusb links it); the time zone database
# (Python's zoneinfo reads /usr/share/zoneinfo: the tzdata wheel is not bundled on Linux); a font.
# tests/packaging/test_bundle.py checks this list against `readelf -d` of every ELF file in the
# real bundle.
XCB_DEPENDS="libxcb1, libx11-6, libx11-xcb1, libxcb-cursor0, libxcb-glx0, libxcb-icccm4, \
libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, \
libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1, \
libxkbcommon0, libxkbcommon-x11-0"
PYTHON_DEPENDS="libssl3, libsqlite3-0, libffi8, libbz2-1.0, liblzma5, zlib1g, libzstd1, \
libreadline8, libuuid1"
DEPENDS="adduser, libc6, libegl1, libgl1, $XCB_DEPENDS, libfontconfig1, libfreetype6, \
libdbus-1-3, libglib2.0-0, $PYTHON_DEPENDS, libstdc++6, libgcc-s1, libudev1, tzdata, \
fonts-dejavu-core"

cat > "$pkg/DEBIAN/control" <<CONTROL
Package: tilldesk
Version: $version
Architecture: $arch
Maintainer: Tilldesk <support@tilldesk.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $DEPENDS
Recommends: systemd
Section: misc
Priority: optional
Homepage: https://tilldesk.com/
Description: utility payment counter, sync and payment recovery
 Tilldesk is the counter application of a utility service center: payments,
 receipts and payment plans at the counter, offline included. The package also
 holds the central server, the headless sync of a counter and the payment
 recovery service, as systemd units (disabled until you enable them).
CONTROL

mkdir -p "$OUT"
deb="$OUT/tilldesk_${version}_${arch}.deb"
case "${TILLDESK_DEB_COMPRESSION:-xz}" in
    xz) compression=(-Zxz) ;;
    gzip) compression=(-Zgzip -z1) ;;  # seconds instead of minutes, for a package never shipped
    *) echo "TILLDESK_DEB_COMPRESSION is xz or gzip" >&2; exit 1 ;;
esac
dpkg-deb --root-owner-group "${compression[@]}" --build "$pkg" "$deb" >/dev/null
echo "$deb"
