#!/bin/sh
# Assemble the default guest root filesystem from Debian's busybox-static:
# applet links in /bin, /sbin, /usr/bin and /usr/sbin, a minimal /etc, and the
# test suite's guest programs in /usr/local/bin. Usage: build.sh DEST [GUESTBINDIR]
set -eu
dest=$1
guestbins=${2:-}
bb=${BUSYBOX:-/bin/busybox}

if [ ! -x "$bb" ]; then
	echo "build.sh: $bb not found: install the Debian package busybox-static" >&2
	exit 1
fi
if LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	echo "build.sh: $bb is dynamically linked: install busybox-static, not busybox" >&2
	exit 1
fi

tmp="$dest.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
for d in bin sbin usr/bin usr/sbin usr/local/bin etc root tmp proc dev sys home var/tmp mnt; do
	mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
cp "$bb" "$tmp/bin/busybox"
chmod 755 "$tmp/bin/busybox"
# Absolute links on purpose: the guest's view must resolve them inside the root.
"$bb" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	ln -sf /bin/busybox "$tmp/$applet"
done

cat > "$tmp/etc/passwd" <<'EOT'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOT
cat > "$tmp/etc/group" <<'EOT'
root:x:0:
daemon:x:1:
nogroup:x:65534:
EOT
echo umk > "$tmp/etc/hostname"
cat > "$tmp/etc/profile" <<'EOT'
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PS1='\u@\h:\w\$ '
EOT
echo "/bin/sh" > "$tmp/etc/shells"

if [ -n "$guestbins" ] && [ -d "$guestbins" ]; then
	for f in "$guestbins"/*; do
		[ -f "$f" ] && cp "$f" "$tmp/usr/local/bin/"
		# A dynamically linked one brings its libraries, at their paths.
		if LC_ALL=C readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			for lib in $(ldd "$f" | sed -n 's|.*[[:space:]]\(/[^ ]*\) (0x.*|\1|p'); do
				mkdir -p "$tmp$(dirname "$lib")"
				cp -L "$lib" "$tmp$lib"
			done
		fi
	done
fi
# A set-user-ID copy of credexec owned by 1000 (only root can make it).
if [ -f "$tmp/usr/local/bin/credexec" ] && [ "$(id -u)" = 0 ]; then
	cp "$tmp/usr/local/bin/credexec" "$tmp/usr/local/bin/credexec_suid"
	chown 1000:100 "$tmp/usr/local/bin/credexec_suid"
fi
chmod -R a+rX "$tmp"
chmod 700 "$tmp/root"
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
[ -f "$tmp/usr/local/bin/credexec_suid" ] && chmod 4755 "$tmp/usr/local/bin/credexec_suid"

rm -rf "$dest"
mv "$tmp" "$dest"
