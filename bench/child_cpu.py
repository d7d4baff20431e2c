#!/usr/bin/env python3
"""CPU time of a command, steadier than wall time on a shared machine.

    bench/child_cpu.py [--fresh PATH] RUNS CMD [ARG...]

Runs CMD RUNS times (stdin, stdout and stderr on /dev/null) and prints the
medians of its wall time, its CPU time (user + sys, from getrusage of the
waited-for child: the process's own time, not the parent's) and its minor
page faults.  --fresh PATH removes PATH and PATH.old before each run (a
trace written by CMD: every run then creates it, none rotates the last).
"""
import os
import resource
import subprocess
import sys
import time


def once(cmd, fresh):
    for p in ([fresh, fresh + ".old"] if fresh else []):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return t1 - t0, cpu, r1.ru_minflt - r0.ru_minflt


def main():
    args = sys.argv[1:]
    fresh = None
    if args[:1] == ["--fresh"]:
        fresh, args = args[1], args[2:]
    runs, cmd = int(args[0]), args[1:]
    samples = [once(cmd, fresh) for _ in range(runs)]
    med = lambda k: sorted(s[k] for s in samples)[runs // 2]
    print("wall %.2f ms  cpu %.2f ms  minflt %d" % (med(0) * 1e3, med(1) * 1e3, med(2)))


if __name__ == "__main__":
    main()
