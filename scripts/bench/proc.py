"""Readings of a process from /proc: CPU time, resident memory, threads, and where the memory is (smaps)."""
import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of every thread so far (clock ticks, 10 ms each: difference long runs only)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def status(pid):
    """VmRSS, VmHWM (peak RSS), Threads, RssAnon, RssFile from /proc/PID/status, in KiB (Threads: a count)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0])
    return out


def mib(kib):
    return kib / 1024


def smaps_by_mapping(pid):
    """Resident KiB per mapping name: file paths by base name, `[heap]`, `[anon]` for anonymous (malloc
    arenas, thread stacks, Swift's allocations), `[stack]` etc. Largest first."""
    totals = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(maxsplit=6)
            if "-" in first[0] and len(first) >= 5 and ":" not in first[0]:
                path = first[5].strip() if len(first) > 5 else ""
                name = os.path.basename(path) if path.startswith("/") else (path or "[anon]")
            elif line.startswith("Rss:"):
                totals[name] = totals.get(name, 0) + int(line.split()[1])
    return sorted(((n, kib) for n, kib in totals.items() if kib), key=lambda item: -item[1])
