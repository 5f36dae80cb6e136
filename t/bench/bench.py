#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""t/bench/bench.py - the measuring half of t/bench/run (which starts the
stack, the dashboard and builds the tools, then calls this).

Runs every operation on every system at concurrency 1 (latency) and at
concurrency BENCH_CONCURRENCY (throughput), BENCH_ROUNDS times, then the
leak check, and writes results/latest.md, results/raw.csv and
results/summary.csv. Python standard library only.

Environment (set by t/bench/run): BENCH_DIR (the stack directory),
BENCH_BUILD (httpc, floor), BENCH_RESULTS, BENCH_DASH_URL, BENCH_DASH_TOKEN,
and the knobs documented in t/bench/run.
"""
import base64
import csv
import datetime
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time

E = os.environ
DIR = E["BENCH_DIR"]
BUILD = E["BENCH_BUILD"]
RESULTS = E["BENCH_RESULTS"]
QUICK = E.get("BENCH_QUICK", "0") not in ("", "0")
ROUNDS = int(E.get("BENCH_ROUNDS", "1" if QUICK else "3"))
DURATION = float(E.get("BENCH_DURATION", "2" if QUICK else "8"))
CONC = int(E.get("BENCH_CONCURRENCY", "8"))
LEAK_REQUESTS = int(E.get("BENCH_LEAK_REQUESTS", "5000" if QUICK else "100000"))
# A measurement whose one-client median is above this many seconds gets no
# throughput run (the dashboard's full listing: 8 clients take minutes).
SLOW_SKIP = float(E.get("BENCH_SLOW_SKIP", "10"))
SYSTEMS = E.get("BENCH_SYSTEMS", "ours,ours-bcrypt,nginx,dashboard,cli,floor,floor-procs").split(",")
POOL = "rbd"
GET_IMAGE = "bench-get"


def env_file(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                k, v = line[7:].split("=", 1)
                out[k] = v.strip("'\"")
    return out


STACK = env_file(os.path.join(DIR, "env"))
OURS_URL = STACK["RBD_API_URL"]
BASIC = "Authorization: Basic " + base64.b64encode(
    ("%s:%s" % (STACK["RBD_API_USER"], STACK["RBD_API_PASSWORD"])).encode()).decode()
DASH_URL = E.get("BENCH_DASH_URL", "")
DASH_TOKEN = E.get("BENCH_DASH_TOKEN", "")
CEPH_CONF = STACK["CEPH_CONF"]
os.environ["CEPH_CONF"] = CEPH_CONF

OPS = [
    ("pools", "list pools"),
    ("names", "list image names (1,000 images)"),
    ("detail", "detail listing, first 100"),
    ("get", "get one image"),
    ("create", "create + delete 1 GiB image"),
    ("snap", "create + delete snapshot"),
    ("health", "health"),
    ("version", "version"),
]
OPS = [o for o in OPS if o[0] in E.get("BENCH_OPS", ",".join(k for k, _ in OPS)).split(",")]

I = "/api/v1/pools/" + POOL + "/images"
OURS_STEPS = {
    "pools": ["GET|/api/v1/pools|200"],
    "names": ["GET|%s|200" % I],
    "detail": ["GET|%s?detail=true&limit=100|200" % I],
    "get": ["GET|%s/%s|200" % (I, GET_IMAGE)],
    "create": ['POST|%s|201|{"name":"{n}","size":1073741824}' % I,
               "DELETE|%s/{n}|204" % I],
    "snap": ['POST|%s/bench-snap-SYS-{w}/snapshots|201|{"name":"{n}"}' % I,
             "DELETE|%s/bench-snap-SYS-{w}/snapshots/{n}|204" % I],
    "health": ["GET|/api/v1/health|200"],
    "version": ["GET|/api/v1/version|200"],
}
# The ceiling: nginx answering the health body itself (a static file),
# through the same server block and the same limits and basic auth as
# /api/ (TLS, headers); t/lib/nginx.sh adds the location when
# RBD_NGINX_CEILING=1. Measured beside these.
CEILING_OPS = ("health", "pools", "version")

# The dashboard answers 202 when a task takes longer than its wait (2 s);
# then the step polls until the work is done.
DI = "/api/block/image"
DASH_STEPS = {
    "pools": ["GET|/api/pool|200"],
    # No names-only listing: limit=-1 stats every image (and caches the
    # name list for 30 s).
    "names": ["GET|%s?pool_name=%s&limit=-1|200" % (DI, POOL)],
    "detail": ["GET|%s?pool_name=%s&offset=0&limit=100|200" % (DI, POOL)],
    "get": ["GET|%s/%s%%2F%s?omit_usage=true|200" % (DI, POOL, GET_IMAGE)],
    "create": ['POST|%s|201,202|{"name":"{n}","pool_name":"%s","size":1073741824}'
               '|%s/%s%%2F{n}?omit_usage=true|200' % (DI, POOL, DI, POOL),
               "DELETE|%s/%s%%2F{n}|204,202||%s/%s%%2F{n}?omit_usage=true|404"
               % (DI, POOL, DI, POOL)],
    "snap": ['POST|%s/%s%%2Fbench-snap-dashboard-{w}/snap|201,202|'
             '{"snapshot_name":"{n}","mirrorImageSnapshot":false}'
             '|/api/task?name=snap/create|200:"executing_tasks": []' % (DI, POOL),
             'DELETE|%s/%s%%2Fbench-snap-dashboard-{w}/snap/{n}|204,202|'
             '|/api/task?name=snap/delete|200:"executing_tasks": []' % (DI, POOL)],
    "health": ["GET|/api/health/minimal|200"],
}
# The v2.0 list is what the dashboard's own UI pages with.
DASH_ACCEPT = {"names": "2.0", "detail": "2.0"}

CLI = {
    "pools": [["ceph", "osd", "pool", "ls"]],
    "names": [["rbd", "ls", POOL]],
    # rbd cannot page: -l opens all 1,000 images.
    "detail": [["rbd", "ls", "-l", "--format", "json", POOL]],
    "get": [["rbd", "info", "--format", "json", "%s/%s" % (POOL, GET_IMAGE)]],
    "create": [["rbd", "create", "--size", "1G", POOL + "/{n}"],
               ["rbd", "rm", "--no-progress", POOL + "/{n}"]],
    "snap": [["rbd", "snap", "create", "--no-progress", POOL + "/bench-snap-cli-{w}@{n}"],
             ["rbd", "snap", "rm", "--no-progress", POOL + "/bench-snap-cli-{w}@{n}"]],
}


def percentile(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def parse_summary(out):
    f = out.split()
    d = {}
    for i in range(0, len(f) - 1, 2):
        d[f[i]] = f[i + 1]
    return d


def read_lat(path):
    with open(path) as f:
        return [int(x) for x in f if x.strip()]


def run_httpc(url, headers, steps, conc, tag, cacert=None):
    with tempfile.NamedTemporaryFile(prefix="bench-lat-", delete=False) as lf:
        lat_path = lf.name
    cmd = [os.path.join(BUILD, "httpc"), "--url", url, "--concurrency", str(conc),
           "--duration", str(DURATION), "--latencies", lat_path, "--tag", tag]
    if cacert:
        cmd += ["--cacert", cacert]
    for h in headers:
        cmd += ["--header", h]
    cmd += steps
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.stderr:
        sys.stderr.write(p.stderr)
    s = parse_summary(p.stdout)
    lat = read_lat(lat_path)
    os.unlink(lat_path)
    return int(s.get("ops", 0)), int(s.get("errors", 0)), float(s.get("seconds", 0) or 0), lat, None


def run_floor(op, conc, tag, processes=1):
    """The floor with conc clients: threads of one process on one connection,
    or (processes > 1) that many processes of conc/processes threads each,
    every one with its own connection, as our workers are."""
    image = {"get": GET_IMAGE, "snap": "bench-snap-floor"}.get(op, GET_IMAGE)
    per = conc // processes
    runs = []
    for i in range(processes):
        with tempfile.NamedTemporaryFile(prefix="bench-lat-", delete=False) as lf:
            lat_path = lf.name
        cmd = [os.path.join(BUILD, "floor"), op, POOL, image, "--threads", str(per),
               "--client", str(i * per), "--duration", str(DURATION), "--latencies", lat_path]
        runs.append((subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True), lat_path))
    ops = errors = maxrss = 0
    seconds = 0.0
    lat = []
    for p, lat_path in runs:
        out, err = p.communicate()
        if err:
            sys.stderr.write(err)
        s = parse_summary(out)
        ops += int(s.get("ops", 0))
        errors += int(s.get("errors", 0))
        seconds = max(seconds, float(s.get("seconds", 0) or 0))
        maxrss = max(maxrss, int(s.get("maxrss_kib", 0)))
        lat += read_lat(lat_path)
        os.unlink(lat_path)
    return ops, errors, seconds, lat, maxrss


def run_cli(op, conc, tag):
    results = [None] * conc
    deadline = time.monotonic() + DURATION

    def loop(w):
        ops = errors = 0
        lat = []
        i = 0
        while True:
            name = "%s-%d-%d" % (tag, w, i)
            t0 = time.monotonic()
            ok = True
            for argv in CLI[op]:
                argv = [a.replace("{n}", name).replace("{w}", str(w)) for a in argv]
                p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                if p.returncode != 0:
                    if errors < 3:
                        sys.stderr.write("cli: %s: %s" % (" ".join(argv), p.stderr.decode()))
                    ok = False
                    break
            lat.append(int((time.monotonic() - t0) * 1e6))
            if ok:
                ops += 1
            else:
                errors += 1
            i += 1
            if time.monotonic() >= deadline:
                break
        results[w] = (ops, errors, lat)

    t0 = time.monotonic()
    threads = [threading.Thread(target=loop, args=(w,)) for w in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - t0
    return (sum(r[0] for r in results), sum(r[1] for r in results), seconds,
            [x for r in results for x in r[2]], None)


def measure(system, op, conc, tag):
    if system in ("ours", "ours-bcrypt"):
        steps = [s.replace("SYS", system) for s in OURS_STEPS[op]]
        return run_httpc(OURS_URL, [BASIC], steps, conc, tag, STACK["RBD_API_CACERT"])
    if system == "nginx":
        if op not in CEILING_OPS:
            return None
        return run_httpc(OURS_URL, [BASIC], ["GET|/api/ceiling|200"], conc, tag,
                         STACK["RBD_API_CACERT"])
    if system == "dashboard":
        if not DASH_URL or op not in DASH_STEPS:
            return None
        accept = "Accept: application/vnd.ceph.api.v%s+json" % DASH_ACCEPT.get(op, "1.0")
        return run_httpc(DASH_URL, ["Authorization: Bearer " + DASH_TOKEN, accept],
                         DASH_STEPS[op], conc, tag)
    if system == "cli":
        if op not in CLI:
            return None
        return run_cli(op, conc, tag)
    if system == "floor":
        if op in ("health", "version"):
            return None
        return run_floor(op, conc, tag)
    if system == "floor-procs":
        # At concurrency 1 it is the floor itself.
        if op in ("health", "version") or conc == 1:
            return None
        return run_floor(op, conc, tag, processes=conc)
    raise SystemExit("unknown system " + system)


# --- RSS --------------------------------------------------------------------

def proc_status(pid):
    d = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                d[k] = v.strip()
    except OSError:
        return None
    return d


def kib(d, key):
    return int(d.get(key, "0 kB").split()[0]) if d else 0


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                st = f.read()
        except OSError:
            continue
        if int(st.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(p))
    return sorted(out)


def daemon_pids():
    with open(os.path.join(DIR, "daemon", "daemon.pid")) as f:
        master = int(f.read().strip())
    return master, children(master)


def ours_rss():
    master, workers = daemon_pids()
    m = proc_status(master)
    ws = {w: proc_status(w) for w in workers}
    return {
        "master_hwm": kib(m, "VmHWM"),
        "workers": {w: (kib(s, "VmRSS"), kib(s, "VmHWM")) for w, s in ws.items() if s},
    }


def nginx_rss():
    try:
        with open(os.path.join(DIR, "nginx", "nginx.pid")) as f:
            master = int(f.read().strip())
    except OSError:
        return 0
    return sum(kib(proc_status(p), "VmHWM") for p in [master] + children(master))


def mgr_rss():
    with open(os.path.join(DIR, "cluster", "daemons.pids")) as f:
        for line in f:
            pid, name = line.split()
            if name.startswith("mgr."):
                return kib(proc_status(int(pid)), "VmHWM")
    return 0


def cli_rss():
    code = ("import resource,subprocess,sys\n"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    best = 0
    for argv in (CLI["get"][0], CLI["pools"][0], CLI["names"][0]):
        p = subprocess.run([sys.executable, "-c", code] + argv, capture_output=True, text=True)
        best = max(best, int(p.stdout.strip() or 0))
    return best


# --- leak check -------------------------------------------------------------

def leak_check():
    steps = ["GET|/api/v1/health|200", "GET|/api/v1/pools|200", "GET|/api/v1/version|200"]
    per_op = len(steps)

    def hammer(n):
        iters = max(1, n // (per_op * CONC))
        cmd = [os.path.join(BUILD, "httpc"), "--url", OURS_URL, "--cacert",
               STACK["RBD_API_CACERT"], "--header", BASIC, "--concurrency", str(CONC),
               "--iterations", str(iters), "--tag", "leak"] + steps
        p = subprocess.run(cmd, capture_output=True, text=True)
        s = parse_summary(p.stdout)
        return int(s.get("ops", 0)) * per_op, int(s.get("errors", 0)), float(s.get("seconds", 1))

    hammer(min(2000, LEAK_REQUESTS))  # warm up every worker
    before = ours_rss()["workers"]
    done, errors, seconds = hammer(LEAK_REQUESTS)
    after = ours_rss()["workers"]
    rows = []
    for w in sorted(set(before) | set(after)):
        b = before.get(w, (None, None))[0]
        a = after.get(w, (None, None))[0]
        rows.append((w, b, a))
    same = set(before) == set(after)
    growth = sum(a - b for _, b, a in rows if a is not None and b is not None)
    per_worker_max = max([a - b for _, b, a in rows if a is not None and b is not None] or [0])
    # Flat: no worker grew by more than 512 KiB (page-granular RSS and
    # malloc arenas wobble by a few hundred KiB; a leak of even 8 bytes per
    # request shows as ~800 KiB over 100,000).
    flat = same and per_worker_max <= 512
    return {"requests": done, "errors": errors, "seconds": seconds, "rows": rows,
            "same_workers": same, "growth_kib": growth, "flat": flat,
            "per_worker_max_kib": per_worker_max}


# --- report -----------------------------------------------------------------

def fmt_ms(us):
    if us is None or us != us:
        return "–"
    ms = us / 1000.0
    if ms < 0.1:
        return "%.0f µs" % us
    if ms < 10:
        return "%.2f ms" % ms
    if ms < 1000:
        return "%.0f ms" % ms
    return "%.1f s" % (ms / 1000)


def fmt_thr(x):
    if x is None:
        return "–"
    return "%.0f/s" % x if x >= 10 else "%.2f/s" % x


def fmt_ratio(x):
    if x is None:
        return "–"
    return "%.2fx" % x if x < 10 else "%.0fx" % x


def main():
    os.makedirs(RESULTS, exist_ok=True)
    raw = []
    skipped = set()
    systems = [s for s in SYSTEMS if s]
    t_start = time.time()
    for rnd in range(1, ROUNDS + 1):
        # Systems take turns going first, so what an operation leaves the
        # cluster doing (the dashboard's background refreshes, trimming
        # after deletes) does not always fall on the same system.
        turn = (rnd - 1) % len(systems)
        order = systems[turn:] + systems[:turn]
        for op, _ in OPS:
            for system in order:
                slow = False
                for conc in (1, CONC):
                    if slow:
                        print("round %d %-9s %-7s c=%d: skipped (one request takes over %g s)"
                              % (rnd, system, op, conc, SLOW_SKIP), flush=True)
                        skipped.add((system, op))
                        continue
                    if system == "ours-bcrypt":
                        use_bcrypt(True)
                    tag = "b%d%s%s%d" % (rnd, system[:4], op[:2], conc)
                    r = measure(system, op, conc, tag)
                    if system == "ours-bcrypt":
                        use_bcrypt(False)
                    if r is None:
                        continue
                    ops, errors, seconds, lat, maxrss = r
                    row = {
                        "round": rnd, "system": system, "op": op, "concurrency": conc,
                        "ops": ops, "errors": errors, "seconds": "%.3f" % seconds,
                        "median_us": int(statistics.median(lat)) if lat else "",
                        "p99_us": percentile(lat, 99) if lat else "",
                        "throughput": "%.3f" % (ops / seconds) if seconds else "",
                        "maxrss_kib": maxrss or "",
                    }
                    raw.append(row)
                    slow = bool(lat) and statistics.median(lat) > SLOW_SKIP * 1e6
                    print("round %d %-9s %-7s c=%d: %5d ops %d errors, median %s p99 %s, %s"
                          % (rnd, system, op, conc, ops, errors, fmt_ms(row["median_us"] if lat else None),
                             fmt_ms(row["p99_us"] if lat else None),
                             fmt_thr(float(row["throughput"]) if row["throughput"] else None)),
                          flush=True)
    with open(os.path.join(RESULTS, "raw.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(raw[0].keys()))
        w.writeheader()
        w.writerows(raw)

    # Medians over rounds.
    def agg(system, op, conc, key):
        vals = [float(r[key]) for r in raw if r["system"] == system and r["op"] == op
                and r["concurrency"] == conc and r[key] != "" and not r["errors"]]
        return statistics.median(vals) if vals else None

    summary = {}
    for op, _ in OPS:
        for s in systems:
            summary[(s, op)] = {
                "median": agg(s, op, 1, "median_us"),
                "p99": agg(s, op, 1, "p99_us"),
                "thr": agg(s, op, CONC, "throughput"),
            }
    with open(os.path.join(RESULTS, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["system", "op", "median_us_c1", "p99_us_c1", "throughput_c%d" % CONC])
        for (s, op), v in summary.items():
            w.writerow([s, op] + ["" if v[k] is None else "%.1f" % v[k]
                                  for k in ("median", "p99", "thr")])

    rss = ours_rss()
    rss_nginx = nginx_rss()
    rss_mgr = mgr_rss() if "dashboard" in systems and DASH_URL else None
    rss_cli = cli_rss() if "cli" in systems else None
    rss_floor = max([int(r["maxrss_kib"]) for r in raw if r["system"] == "floor"
                     and r["maxrss_kib"] != ""] or [0]) or None
    leak = leak_check() if LEAK_REQUESTS > 0 else None

    lines = render(summary, systems, rss, rss_nginx, rss_mgr, rss_cli, rss_floor, leak,
                   time.time() - t_start, skipped)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(text)
    print()
    print(text)
    bad = [r for r in raw if r["errors"]]
    if bad:
        print("bench: %d measurements had errors (see above; they are left out of the medians)"
              % len(bad), file=sys.stderr)
    return 0


def use_bcrypt(on):
    """The ours-bcrypt system: the same stack with nginx checking a bcrypt
    (cost 5) htpasswd entry instead of the shipped {SSHA} one; nginx reads
    the htpasswd file at every request, so swapping the file is enough."""
    path = os.path.join(DIR, "nginx", "htpasswd")
    if on:
        with open(path) as f:
            orig = f.read()
        with open(path + ".ssha", "w") as f:
            f.write(orig)
        line = subprocess.run(["htpasswd", "-nbB", "-C", "5", STACK["RBD_API_USER"],
                               STACK["RBD_API_PASSWORD"]], capture_output=True, text=True,
                              check=True).stdout.strip() + "\n"
        tmp = path + ".new"
        with open(tmp, "w") as f:
            f.write(line)
        st = os.stat(path)
        os.chmod(tmp, st.st_mode)
        os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, path)
    else:
        os.replace(path + ".ssha", path)


def render(summary, systems, rss, rss_nginx, rss_mgr, rss_cli, rss_floor, leak, elapsed,
           skipped):
    L = []
    load = open("/proc/loadavg").read().split()[:3]
    L.append("# rbd-rest-api benchmark")
    L.append("")
    L.append("%s; %s mode: %d round(s), %g s per measurement, throughput at concurrency %d; "
             "%d CPUs, load average %s at the end; %.0f s in all."
             % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "quick" if QUICK else "full",
                ROUNDS, DURATION, CONC, os.cpu_count(), " ".join(load), elapsed))
    L.append("")
    L.append("Latency: median and p99 at concurrency 1. Throughput: operations per second "
             "at concurrency %d. Ratios are how many times better ours is (higher is better "
             "for ours; below 1 the peer wins): peer latency / our latency, our throughput / "
             "peer throughput. 'ours' is rbd-rest-api through nginx as shipped (TLS, "
             "keep-alive, basic auth with an {SSHA} htpasswd entry); 'ours-bcrypt' is the same "
             "with a bcrypt (cost 5) entry, to show what the bcrypt check costs." % CONC)
    L.append("")
    peers = [p for p in ("dashboard", "cli", "floor", "floor-procs") if p in systems]
    head = ["operation", "figure"] + systems + ["ours vs " + p for p in peers] + ["target", "met"]
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + "---|" * len(head))
    for op, label in OPS:
        for fig, key in (("median", "median"), ("p99", "p99"), ("c=%d" % CONC, "thr")):
            cells = [label if fig == "median" else "", fig]
            for s in systems:
                v = summary[(s, op)][key]
                cells.append(fmt_thr(v) if key == "thr" else fmt_ms(v))
            ours = summary[("ours", op)][key] if "ours" in systems else None
            for p in peers:
                pv = summary[(p, op)][key]
                if ours and pv:
                    cells.append(fmt_ratio(ours / pv if key == "thr" else pv / ours))
                else:
                    cells.append("–")
            t, met = target(summary, op, key)
            cells += [t, met]
            L.append("| " + " | ".join(cells) + " |")
    L.append("")
    L.append("Notes: the dashboard has no names-only image listing, so 'list image names' "
             "there is GET /api/block/image?pool_name=rbd&limit=-1 (every image opened; "
             "the name list cached for 30 s). Its image create/delete and snapshot "
             "create/delete are tasks that answer 202 when they take over 2 s; the client "
             "then polls until the work is done, so every figure is to completion. "
             "Dashboard get uses omit_usage=true (no du). The CLI starts a process per "
             "command (`ceph osd pool ls` is Python); `rbd ls -l` cannot page, so its "
             "detail listing reads all 1,000 images. The floor is t/bench/floor.c: the same "
             "librbd calls in a loop on one connection (threads for concurrency), no HTTP. "
             "'floor-procs' is the same floor run as %d processes of one thread, each with "
             "its own connection, as our workers are: what that process model itself "
             "allows (at concurrency 1 it is the floor). "
             "Snapshots: each client thread works on its own image." % CONC
             + "".join(" No throughput run for %s %s: one request took over %g s."
                       % (s, op, SLOW_SKIP) for s, op in sorted(skipped)))
    L.append("")
    L.extend(render_ceiling(summary, systems))
    L.append("## Memory (peak RSS, VmHWM)")
    L.append("")
    ws = rss["workers"]
    worker_max = max([h for _, h in ws.values()] or [0])
    total = rss["master_hwm"] + sum(h for _, h in ws.values())
    L.append("| system | peak RSS | ours (daemon total) vs it |")
    L.append("|---|---|---|")
    L.append("| rbd-rest-api, largest worker (%d workers) | %s | |" % (len(ws), mib(worker_max)))
    L.append("| rbd-rest-api, master + workers | %s | |" % mib(total))
    L.append("| nginx (master + worker, beside the daemon) | %s | |" % mib(rss_nginx))
    if rss_mgr is not None:
        L.append("| ceph-mgr with the dashboard (the whole mgr) | %s | %s |"
                 % (mib(rss_mgr), fmt_ratio(rss_mgr / total if total else None)))
    if rss_cli is not None:
        L.append("| rbd / ceph CLI, largest single run | %s | %s |"
                 % (mib(rss_cli), fmt_ratio(rss_cli / total if total else None)))
    if rss_floor is not None:
        L.append("| floor (one process, %d threads) | %s | %s |"
                 % (CONC, mib(rss_floor), fmt_ratio(rss_floor / total if total else None)))
    L.append("")
    L.append("Ratios here are peer RSS / ours (above 1: ours is smaller).")
    if leak:
        L.append("")
        L.append("## Leak check")
        L.append("")
        L.append("%d cheap GETs (health, pools, version; concurrency %d, %d errors) in %.0f s (%.0f/s), after 2,000 to warm "
                 "up. Worker RSS (VmRSS) before and after:"
                 % (leak["requests"], CONC, leak["errors"], leak["seconds"],
                    leak["requests"] / leak["seconds"] if leak["seconds"] else 0))
        L.append("")
        L.append("| worker pid | before | after | change |")
        L.append("|---|---|---|---|")
        for w, b, a in leak["rows"]:
            L.append("| %d | %s | %s | %s |" % (w, "gone" if b is None else "%d KiB" % b,
                                                "gone" if a is None else "%d KiB" % a,
                                                "–" if a is None or b is None else "%+d KiB" % (a - b)))
        L.append("")
        L.append("Verdict: %s (largest growth of one worker %+d KiB, %.2f bytes per request%s)."
                 % ("FLAT" if leak["flat"] else "NOT FLAT", leak["per_worker_max_kib"],
                    leak["growth_kib"] * 1024.0 / max(1, leak["requests"]),
                    "" if leak["same_workers"] else "; workers were replaced during the run"))
    return L


def render_ceiling(summary, systems):
    """Ours as a share of nginx's own answer of the health body, the most
    any FastCGI service behind this nginx could reach."""
    if "ours" not in systems or "nginx" not in systems:
        return []
    L = ["## Against the ceiling: nginx's own answer", "",
         "nginx answering the health body itself (a static file) through the same "
         "server block, limits and basic auth (TLS, headers), measured in the same "
         "run. Share: ceiling "
         "median / ours and our throughput / the ceiling's (100%% = as fast as nginx "
         "alone). Targets: health and version at c=%d at least 60%%, medians at most "
         "2x the ceiling's." % CONC, "",
         "| operation | ours median | ceiling median | share | ours c=%d | ceiling c=%d | share |"
         % (CONC, CONC), "|---|---|---|---|---|---|---|"]
    for op, label in OPS:
        if op not in CEILING_OPS:
            continue
        o, c = summary[("ours", op)], summary[("nginx", op)]
        share = [("%.0f%%" % (100.0 * a / b)) if a and b else "–"
                 for a, b in ((c["median"], o["median"]), (o["thr"], c["thr"]))]
        L.append("| %s | %s | %s | %s | %s | %s | %s |"
                 % (label, fmt_ms(o["median"]), fmt_ms(c["median"]), share[0],
                    fmt_thr(o["thr"]), fmt_thr(c["thr"]), share[1]))
    L.append("")
    return L


def mib(k):
    return "–" if not k else "%.1f MiB" % (k / 1024.0)


def target(summary, op, key):
    def v(s, k):
        return summary.get((s, op), {}).get(k)

    ours = v("ours", key)
    if ours is None:
        return "", ""
    checks = []
    if op in ("get", "create"):
        f = v("floor", key)
        if key == "median":
            checks.append(("<= 1.25x floor", f and ours <= 1.25 * f))
        elif key == "thr":
            checks.append((">= 90% of floor", f and ours >= 0.9 * f))
    if op in ("pools", "names", "health"):
        d = v("dashboard", key)
        if key == "median":
            checks.append(("< 1 ms", ours < 1000))
        elif key == "thr":
            checks.append((">= 10x dashboard", d and ours >= 10 * d))
    if op in ("health", "version"):
        c = v("nginx", key)
        if key == "median":
            checks.append(("<= 2x nginx ceiling", c and ours <= 2 * c))
        elif key == "thr":
            checks.append((">= 60% of nginx ceiling", c and ours >= 0.6 * c))
    if op == "pools" and key == "median":
        checks.append(("< 0.2 ms", ours < 200))
    if op == "detail" and key == "median":
        d = v("dashboard", key)
        checks.append((">= 20x faster than dashboard", d and d >= 20 * ours))
    if key == "median" and v("cli", key):
        checks.append((">= 15x faster than CLI", v("cli", key) >= 15 * ours))
    if not checks:
        return "", ""
    return ("; ".join(c[0] for c in checks),
            " ".join("yes" if c[1] else ("no" if c[1] is not None else "?") for c in checks))


if __name__ == "__main__":
    sys.exit(main())
