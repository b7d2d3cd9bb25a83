#!/bin/sh
# Generate the number -> name table of every x86-64 syscall from the uapi header.
hdr=${1:-/usr/include/x86_64-linux-gnu/asm/unistd_64.h}
echo "/* Generated from $hdr by gen-syscall-names.sh. */"
echo '#include "umk/syscall.h"'
echo 'const char *const syscall_names[SYSCALL_MAX] = {'
sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$/\t[\2] = "\1",/p' "$hdr"
echo '};'
