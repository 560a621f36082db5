#!/usr/bin/env python3
"""Runs a program inside a root filesystem the way the DaemonSet's container runs: the root read-only,
/provider a writable bind mount (the host's providers directory), /proc and a minimal /dev, every
capability dropped from the bounding and inheritable sets, and no_new_privs (allowPrivilegeEscalation:
false). Must run as root in a private mount namespace (`unshare --mount --propagation private`).

usage: run_in_root.py ROOT PROVIDER_DIR EXTRA_CA_FILE -- PROGRAM ARGS...
"""
import ctypes
import os
import shutil
import subprocess
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAP_LAST = 63  # more than the kernel knows; EINVAL for the unknown ones is ignored


def mount(*args):
    subprocess.run(["mount", *args], check=True)


def main(argv):
    if "--" not in argv or argv.index("--") != 3:
        sys.exit(__doc__)
    root, provider_dir, extra_ca = (os.path.abspath(a) for a in argv[:3])
    program = argv[4:]
    mount("--bind", root, root)
    mount("--bind", provider_dir, f"{root}/provider")
    # Like the chart's ConfigMap volume: a read-only directory holding ca.crt.
    ca_dir = f"{root}/etc/provider-azure/extra-ca"
    mount("-t", "tmpfs", "-o", "mode=0755,size=1m", "tmpfs", ca_dir)
    shutil.copyfile(extra_ca, f"{ca_dir}/ca.crt")
    mount("-o", "remount,ro", ca_dir)
    mount("-t", "proc", "proc", f"{root}/proc")
    mount("-t", "tmpfs", "-o", "mode=0755,size=64k", "tmpfs", f"{root}/dev")
    for dev in ("null", "zero", "random", "urandom"):
        open(f"{root}/dev/{dev}", "w").close()
        mount("--bind", f"/dev/{dev}", f"{root}/dev/{dev}")
    mount("-o", "remount,bind,ro", root)  # readOnlyRootFilesystem: true

    libc = ctypes.CDLL(None, use_errno=True)
    os.chroot(root)
    os.chdir("/")
    for cap in range(CAP_LAST + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    # Empty inheritable set (capget, clear inheritable, capset): with the empty bounding set, exec leaves
    # uid 0 with no capabilities at all, as `capabilities: drop: [ALL]` does.
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()                 # 2 x {effective, permitted, inheritable}
    if libc.capget(header, data) != 0:
        sys.exit(f"capget failed: errno {ctypes.get_errno()}")
    data[2] = data[5] = 0
    if libc.capset(header, data) != 0:
        sys.exit(f"capset failed: errno {ctypes.get_errno()}")
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        sys.exit(f"no_new_privs failed: errno {ctypes.get_errno()}")
    os.execv(program[0], program)


if __name__ == "__main__":
    main(sys.argv[1:])
