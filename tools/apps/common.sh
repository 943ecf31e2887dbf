# Sourced by the build scripts in tools/apps/, each called as
#
#   tools/apps/NAME SRC OBJ ROOT
#
# SRC is the unpacked Debian source package (tools/debian-source) and is
# never written: a script builds in OBJ and installs into ROOT, a tree the
# Makefile copies into the initramfs as it stands (ROOT/bin/bash lands at
# /bin/bash). ROOT is emptied first. The compiler's chatter goes to
# OBJ/../build.log, shown only when a step fails.

set -eu
[ $# -eq 3 ] || { echo "usage: $0 SRC OBJ ROOT" >&2; exit 2; }
app_abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
src=$(app_abs "$1") obj=$(app_abs "$2") root=$(app_abs "$3")
app=$(basename "$0")
cross=${CROSS:-riscv64-linux-gnu-}
cc=${cross}gcc
log=$(dirname "$obj")/build.log
version=$(cat "$src/.unpacked" 2>/dev/null || echo unknown)

# Inside a parallel make the jobserver is inherited; alone, two jobs.
case " ${MAKEFLAGS:-} " in
*jobserver*) jobs="" ;;
*) jobs=-j2; unset MAKEFLAGS MFLAGS ;;
esac

mkdir -p "$obj"
rm -rf "$root"
mkdir -p "$root"
: > "$log"

app_fail() { tail -n 40 "$log" >&2; echo "$app: $1 (whole log: $log)" >&2; exit 1; }

# app_run WHAT COMMAND...: runs COMMAND into the log, failing with WHAT.
app_run() {
	what=$1
	shift
	"$@" >> "$log" 2>&1 || app_fail "$what failed"
}

# app_install FILE DEST: a built program into ROOT (DEST relative to it).
app_install() {
	mkdir -p "$root/$(dirname "$2")"
	cp "$1" "$root/$2"
	chmod 755 "$root/$2"
}
