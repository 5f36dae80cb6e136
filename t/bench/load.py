#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""t/bench/load.py - the daemon under load (issue 15), run by t/bench/run
after the comparison table, on the same stack.

Three figures, each at the daemon's default configuration (a worker per
CPU, `threads` request threads each):

  mixed      N synchronous copies of a 1 GiB image with data kept in flight
             (N = 2x and 4x one worker's threads), while one client times
             health and another get-image: p50, p99, max.
  clients    64 and 256 concurrent clients (and 8, the table's figure, as
             the reference) on get-image and create + delete: throughput,
             p99, errors.
  footprint  total RSS of master + workers + task runner and the number of
             cluster connections, idle and while 64 clients are served.

Writes t/bench/results/load.md (and load.csv) and prints the table.
Knobs: BENCH_LOAD_DURATION (seconds per figure; 20, quick 8),
BENCH_COPY_DATA_MIB (data in the copied image; 64: the test cluster's 8 GiB
memstore cannot hold 64 copies of a full 1 GiB).
"""
import csv
import os
import re
import statistics
import subprocess
import threading
import time

import bench
from bench import (BASIC, BUILD, CEPH_CONF, DIR, OURS_URL, POOL, QUICK, RESULTS, STACK,
                   children, daemon_pids, fmt_ms, fmt_thr, kib, percentile, proc_status)

E = os.environ
DURATION = float(E.get("BENCH_LOAD_DURATION", "8" if QUICK else "20"))
# One worker's threads: as given to the daemon, or its default.
THREADS = int(dict(o.split("=", 1) for o in E.get("BENCH_DAEMON_OPTIONS", "").split()
                   if "=" in o).get("threads", "16"))
COPY_SRC = "bench-copy-src"
I = "/api/v1/pools/" + POOL + "/images"
STEPS = {
    "health": ["GET|/api/v1/health|200"],
    "get": ["GET|%s/%s|200" % (I, bench.GET_IMAGE)],
    "create": ['POST|%s|201|{"name":"{n}","size":1073741824}' % I, "DELETE|%s/{n}|204" % I],
    "copy": ['POST|%s/%s/copy|201|{"pool":"%s","name":"{n}"}' % (I, COPY_SRC, POOL),
             "DELETE|%s/{n}|204" % I],
}


def httpc(steps, conc, tag, duration):
    """Starts an httpc run; returns (process, latency file)."""
    lat_path = os.path.join(DIR, "lat-" + tag)
    cmd = [os.path.join(BUILD, "httpc"), "--url", OURS_URL, "--cacert", STACK["RBD_API_CACERT"],
           "--header", BASIC, "--concurrency", str(conc), "--duration", str(duration),
           "--latencies", lat_path, "--tag", tag] + steps
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), lat_path


def floor_get(tag):
    """The same get from t/bench/floor.c, no HTTP: what the cluster itself
    answers while the copies load it."""
    lat_path = os.path.join(DIR, "lat-" + tag)
    cmd = [os.path.join(BUILD, "floor"), "get", POOL, bench.GET_IMAGE, "--threads", "1",
           "--client", "0", "--duration", str(DURATION), "--latencies", lat_path]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), lat_path


def finish(run):
    p, lat_path = run
    out, err = p.communicate()
    if err:
        print(err.strip()[:2000], flush=True)
    s = bench.parse_summary(out)
    lat = bench.read_lat(lat_path) if os.path.exists(lat_path) else []
    if os.path.exists(lat_path):
        os.unlink(lat_path)
    return int(s.get("ops", 0)), int(s.get("errors", 0)), float(s.get("seconds", 0) or 0), lat


# --- footprint --------------------------------------------------------------

def mon_ports():
    with open(CEPH_CONF) as f:
        text = f.read()
    m = re.search(r"^\s*mon[ _]host\s*=\s*(.*)$", text, re.M)
    return {int(p) for p in re.findall(r":(\d+)", m.group(1))} if m else set()


def socket_inodes(pid):
    out = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                out.add(t[8:-1])
    except OSError:
        pass
    return out


def mon_sessions():
    """inode -> True for every established TCP connection to a monitor."""
    ports = mon_ports()
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            c = line.split()
            remote_port = int(c[2].rsplit(":", 1)[1], 16)
            if c[3] == "01" and remote_port in ports:
                found.add(c[9])
    return found


def footprint():
    """Total RSS (KiB) of the daemon's processes and how many of them hold
    a cluster connection (a monitor session)."""
    master, kids = daemon_pids()
    pids = [master] + kids + [g for k in kids for g in children(k)]
    sessions = mon_sessions()
    rss = sum(kib(proc_status(p), "VmRSS") for p in pids)
    conns = sum(1 for p in pids if socket_inodes(p) & sessions)
    return {"rss_kib": rss, "processes": len(pids), "connections": conns}


class Sampler(threading.Thread):
    """The largest footprint seen while a load runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak = {"rss_kib": 0, "processes": 0, "connections": 0}

    def run(self):
        while not self.stop.wait(0.25):
            f = footprint()
            for k, v in f.items():
                self.peak[k] = max(self.peak[k], v)


# --- figures ----------------------------------------------------------------

def prepare_copy_source():
    mib = int(E.get("BENCH_COPY_DATA_MIB", "64"))
    subprocess.run(["rbd", "create", "--size", "1G", "%s/%s" % (POOL, COPY_SRC)], check=True)
    subprocess.run(["rbd", "bench", "--io-type", "write", "--io-size", "4M", "--io-threads", "4",
                    "--io-pattern", "seq", "--io-total", "%dM" % mib, "%s/%s" % (POOL, COPY_SRC)],
                   check=True, stdout=subprocess.DEVNULL)
    return mib


def lat_row(lat):
    return {"p50_us": int(statistics.median(lat)) if lat else None,
            "p99_us": percentile(lat, 99) if lat else None,
            "max_us": max(lat) if lat else None}


def mixed(n, rows):
    """Returns the largest footprint seen during the copies."""
    # The copies first, so every thread is busy before the probes start.
    copies = httpc(STEPS["copy"], n, "mx%d" % n, DURATION + 5)
    sampler = Sampler()
    sampler.start()
    time.sleep(5)
    probes = {op: httpc(STEPS[op], 1, "mx%d%s" % (n, op), DURATION) for op in ("health", "get")}
    probes["get (librbd floor)"] = floor_get("mx%dfloor" % n)
    results = {op: finish(r) for op, r in probes.items()}
    c_ops, c_err, c_sec, c_lat = finish(copies)
    sampler.stop.set()
    sampler.join()
    for op, (ops, errors, _, lat) in results.items():
        row = {"figure": "mixed", "op": op, "clients": 1, "load": "%d copies" % n, "ops": ops,
               "errors": errors, "throughput": None}
        row.update(lat_row(lat))
        rows.append(row)
        print("mixed %2d copies: %-18s %5d requests %d errors, p50 %s p99 %s max %s"
              % (n, op, ops, errors, fmt_ms(row["p50_us"]), fmt_ms(row["p99_us"]),
                 fmt_ms(row["max_us"])), flush=True)
    row = {"figure": "mixed", "op": "copy + delete", "clients": n, "load": "", "ops": c_ops,
           "errors": c_err, "throughput": c_ops / c_sec if c_sec else None}
    row.update(lat_row(c_lat))
    rows.append(row)
    print("mixed %2d copies: copies done %d, errors %d, p50 %s, peak RSS %.0f MiB"
          % (n, c_ops, c_err, fmt_ms(row["p50_us"]), sampler.peak["rss_kib"] / 1024), flush=True)
    return sampler.peak


def clients(op, n, rows, sampler=None):
    run = httpc(STEPS[op], n, "cl%d%s" % (n, op), DURATION)
    if sampler:
        sampler.start()
    ops, errors, seconds, lat = finish(run)
    if sampler:
        sampler.stop.set()
        sampler.join()
    row = {"figure": "clients", "op": op, "clients": n, "load": "", "ops": ops, "errors": errors,
           "throughput": ops / seconds if seconds else None}
    row.update(lat_row(lat))
    rows.append(row)
    print("clients %3d %-6s: %6d ops %d errors, %s, p99 %s" % (n, op, ops, errors,
          fmt_thr(row["throughput"]), fmt_ms(row["p99_us"])), flush=True)
    return row


def render(rows, idle, busy, during, after, mib, load_avg):
    def find(figure, op, clients_, load=""):
        for r in rows:
            if (r["figure"], r["op"], r["clients"], r["load"]) == (figure, op, clients_, load):
                return r
        return None

    out = ["# rbd-rest-api under load", "",
           "Default configuration: %s workers x %d threads. %d s per figure. Copied image: 1 GiB "
           "with %d MiB of data. Load average at the end: %s." % (
               E.get("BENCH_WORKERS", os.cpu_count()), THREADS, DURATION, mib, load_avg), "",
           "## Mixed load: cheap requests while every mutation thread copies", "",
           "| in flight | request | requests | errors | p50 | p99 | max | target p99 < 50 ms |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["figure"] != "mixed":
            continue
        met = "" if r["op"] in ("copy + delete", "get (librbd floor)") else ("yes" if r["p99_us"] and r["p99_us"] < 50000
                                                      and not r["errors"] else "no")
        out.append("| %s | %s | %d | %d | %s | %s | %s | %s |" % (
            r["load"] or "%d copies (the load)" % r["clients"], r["op"], r["ops"], r["errors"],
            fmt_ms(r["p50_us"]), fmt_ms(r["p99_us"]), fmt_ms(r["max_us"]), met))
    out += ["", "## Many clients", "",
            "| operation | clients | throughput | vs 8 clients | p50 | p99 | errors |",
            "|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["figure"] != "clients":
            continue
        ref = find("clients", r["op"], 8)
        ratio = (r["throughput"] / ref["throughput"]) if ref and ref["throughput"] and r["throughput"] else None
        out.append("| %s | %d | %s | %s | %s | %s | %d |" % (
            r["op"], r["clients"], fmt_thr(r["throughput"]),
            "%.0f%%" % (100 * ratio) if ratio else "–", fmt_ms(r["p50_us"]), fmt_ms(r["p99_us"]),
            r["errors"]))
    out += ["", "## Footprint (master + workers + task runner)", "",
            "| state | total RSS | processes | cluster connections |", "|---|---|---|---|",
            "| idle | %.0f MiB | %d | %d |" % (idle["rss_kib"] / 1024, idle["processes"],
                                              idle["connections"]),
            "| 64 clients on get-image (peak) | %.0f MiB | %d | %d |" % (
                busy["rss_kib"] / 1024, busy["processes"], busy["connections"]),
            ] + ["| %d copies in flight (peak) | %.0f MiB | %d | %d |" % (
                n, d["rss_kib"] / 1024, d["processes"], d["connections"])
                for n, d in sorted(during.items())] + [
            "| after the copies, quiet for 3 s | %.0f MiB | %d | %d |" % (
                after["rss_kib"] / 1024, after["processes"], after["connections"]), ""]
    return "\n".join(out)


def main():
    t0 = time.time()
    rows = []
    mib = prepare_copy_source()
    idle = footprint()
    print("footprint idle: %.0f MiB in %d processes, %d cluster connections"
          % (idle["rss_kib"] / 1024, idle["processes"], idle["connections"]), flush=True)
    sampler = Sampler()
    for op in ("get", "create"):
        for n in (8, 64, 256):
            clients(op, n, rows, sampler if (op, n) == ("get", 64) else None)
    busy = sampler.peak
    print("footprint at 64 clients: %.0f MiB in %d processes, %d cluster connections"
          % (busy["rss_kib"] / 1024, busy["processes"], busy["connections"]), flush=True)
    # Last: the copies leave the workers' heaps grown.
    during = {n: mixed(n, rows) for n in (2 * THREADS, 4 * THREADS)}
    time.sleep(3)  # a worker quiet for a second gives freed memory back
    after = footprint()
    with open("/proc/loadavg") as f:
        load_avg = f.read().split()[0]
    text = render(rows, idle, busy, during, after, mib, load_avg)
    with open(os.path.join(RESULTS, "load.md"), "w") as f:
        f.write(text + "\nElapsed: %.0f s.\n" % (time.time() - t0))
    with open(os.path.join(RESULTS, "load.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
