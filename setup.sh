#!/bin/sh
# Install what umk needs (Debian 12), configure and build umk and the default
# guest rootfs. Idempotent: run it as often as you like.
set -eu
cd "$(dirname "$0")"

pkgs="build-essential autoconf automake pkg-config libseccomp-dev libcap-dev check
      busybox-static linux-libc-dev util-linux"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
	./configure ${UMK_CONFIGURE_FLAGS:-}
fi
make -j"$(nproc)"
