#!/usr/bin/env bash
# Build the installable desktop program from a clean checkout.
#
#   packaging/build.sh            the program folder, a .tar.gz of it, and a .deb
#   packaging/build.sh --no-deb   only the folder and the .tar.gz (no dpkg-deb here)
#
# Outputs (never committed):
#   packaging/dist/orchestrator-gui/                         the program folder (two executables)
#   packaging/dist/orchestrator-gui-VERSION-linux-ARCH.tar.gz
#   packaging/dist/orchestrator-gui_VERSION_ARCH.deb
#
# Everything comes from the package registries the project already uses: the
# .venv (made by ../dev setup, with PyInstaller from the `dev` extra) and Debian.
# Nothing is fetched from anywhere else. See docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
PY=$VENV/bin/python
DIST=$ROOT/packaging/dist
WORK=$ROOT/packaging/build
NAME=orchestrator-gui
MAKE_DEB=1
[ "${1:-}" = "--no-deb" ] && MAKE_DEB=0

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
started=$(date +%s)

# 1. The environment: the project's .venv (./dev setup is quick when nothing
#    changed, and reinstalls when pyproject.toml did, so the package metadata the
#    spec copies is current), with PyInstaller from PyPI through the `dev` extra.
./dev setup
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  say "installing PyInstaller into .venv (from PyPI)"
  "$PY" -m pip install -q "pyinstaller>=6,<7"
fi
VERSION=$("$PY" -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)

# 2. The program folder.
say "PyInstaller: packaging/dist/$NAME (version $VERSION)"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/orchestrator.spec 2>&1 \
  | grep -v -e 'Hidden import .* not found' -e 'required via ctypes not found' -e "libqgtk3.so'" >&2 || true
APP=$DIST/$NAME
[ -x "$APP/$NAME" ] && [ -x "$APP/orchestrator" ] || die "PyInstaller did not produce $APP"

# Every library the bundle links against must be in it or on the system.
missing=$(cd "$APP" && find . -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
  | xargs -0 file -N | awk -F: '/ELF/{print $1}' \
  | while read -r f; do LD_LIBRARY_PATH=_internal:_internal/PySide6/Qt/lib ldd "$f" 2>/dev/null \
      | sed -n "s|^\t\(.*\) => not found|$f needs \1|p"; done)
[ -z "$missing" ] || die "libraries missing from the bundle and the system:"$'\n'"$missing"

# 3. The archive: unpack anywhere and run ./orchestrator-gui/orchestrator-gui.
TARBALL=$DIST/$NAME-$VERSION-linux-$(uname -m).tar.gz
say "archive: $(basename "$TARBALL")"
rm -f "$DIST/$NAME"-*.tar.gz "$DIST/${NAME}"_*.deb
# gzip runs on one core; it packs in the background while dpkg-deb compresses.
tar -C "$DIST" -czf "$TARBALL" "$NAME" &
tar_pid=$!

# 4. The .deb: the folder in /opt, launchers on the PATH, a desktop entry and icon.
if [ "$MAKE_DEB" = 1 ]; then
  command -v dpkg-deb >/dev/null || die "dpkg-deb is needed for the .deb (or pass --no-deb)"
  DEB=$DIST/${NAME}_${VERSION}_${ARCH}.deb
  STAGE=$WORK/deb
  say "Debian package: $(basename "$DEB")"
  rm -rf "$STAGE"
  mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps"
  cp -a "$APP" "$STAGE/opt/$NAME"
  # The bootloader finds its files through /proc/self/exe, so plain links work.
  ln -s "/opt/$NAME/$NAME" "$STAGE/usr/bin/$NAME"
  ln -s "/opt/$NAME/orchestrator" "$STAGE/usr/bin/orchestrator"
  install -m 644 packaging/orchestrator-gui.desktop "$STAGE/usr/share/applications/$NAME.desktop"
  install -m 644 resources/icons/app.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/$NAME.svg"
  # PNG sizes for desktops that do not draw SVG icons, rendered by the bundled Qt's own SVG module.
  QT_QPA_PLATFORM=offscreen "$PY" packaging/render_icons.py resources/icons/app.svg \
    "$STAGE/usr/share/icons/hicolor" "$NAME" 48 128 256

  # What the system must provide: the libraries the bundle leaves out (libc, GL,
  # libxcb: found with ldd), plus what Qt's xcb platform loads or reads at run
  # time (fontconfig's configuration and fonts, xkb keyboard data, D-Bus).
  depends=(libegl1 libgl1 libxcb1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0
           libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0
           libxcb-shape0 libxcb-xkb1 libdbus-1-3)
  if command -v dpkg-query >/dev/null; then
    while read -r pkg; do
      [[ " ${depends[*]} libc6 " == *" $pkg "* ]] || depends+=("$pkg")
    done < <(cd "$APP" && find . -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
      | xargs -0 file -N | awk -F: '/ELF/{print $1}' \
      | while read -r f; do LD_LIBRARY_PATH=_internal:_internal/PySide6/Qt/lib ldd "$f" 2>/dev/null; done \
      | awk '/=> \//{print $3}' | grep -v "^$APP" | sort -u \
      | while read -r lib; do dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null \
          || dpkg -S "${lib#/usr}" 2>/dev/null || true; done \
      | cut -d: -f1 | sort -u)
  fi
  glibc=$(ldd --version | sed -n '1s/.* \([0-9][0-9.]*\)$/\1/p')
  cat > "$STAGE/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: Experiment Orchestrator team <orchestrator@localhost>
Installed-Size: $(du -sk "$STAGE/opt" "$STAGE/usr" | awk '{s+=$1} END {print s}')
Depends: libc6 (>= $glibc), $(IFS=,; echo "${depends[*]}" | sed 's/,/, /g')
Section: science
Priority: optional
Homepage: https://example.invalid/orchestrator-gui
Description: design, run and compare multi-step experiments without code
 Experiment Orchestrator: build experiments (marketing tests, feature
 experiments, AI prompt chains, data pipelines, compliance workflows) from
 typed step nodes on a canvas, run them against simulated inputs, watch each
 step, and keep every run in a local history. Ships the desktop program
 (orchestrator-gui) and the command line (orchestrator), self-contained in
 /opt/$NAME with its own Python and Qt.
EOF
  # xz at level 6 uses both cores through dpkg-deb's threads and keeps the .deb small.
  dpkg-deb --root-owner-group -Zxz -z6 --build "$STAGE" "$DEB" >/dev/null
fi

wait "$tar_pid" || die "could not write $TARBALL"
say "done in $(( $(date +%s) - started )) s"
du -sh "$APP" >&2
ls -l "$TARBALL" ${DEB:+"$DEB"} >&2
