"""Search latency, HTTP throughput and memory of Raja Kemas on a big instance.

    RAJA_KEMAS_INSTANCE=/tmp/big/inst python bench/load.py                # everything
    RAJA_KEMAS_INSTANCE=/tmp/big/inst python bench/load.py latency --n 600
    RAJA_KEMAS_INSTANCE=/tmp/big/inst python bench/load.py http --duration 20

Fill the instance first with bench/generate.py (100,000 listings for issue 5's targets).

latency  Server-side search: `directory.find_public`, the function behind `/` and every
         search (count, ranking, the page's 20 listings as public views), called directly
         N times in one process over a fixed mix of what people type: single words,
         prefixes still being typed, two words, words with a category/kabupaten/kecamatan
         filter, and filters alone. Prints p50/p95/p99 per kind and for the whole mix.
         The home page without any filter is timed separately (it is not a search).
         Then the same mix through the Flask test client (routing, template, compression):
         the full server time of a request, without the network.
http     Starts waitress (`python -m waitress wsgi:app`, the README's command) on
         127.0.0.1 for the instance, pinned with `taskset` to --cpus (two cores), and
         drives it with `wrk` (apt-get install wrk) for --duration seconds per target at
         --concurrency connections: the home page, then the search mix as pages and as
         htmx fragments. Prints requests/s and errors (socket errors, non-2xx/3xx). With
         --processes 2, two waitress processes on two ports share the load, as behind a
         reverse proxy. Without wrk, a bounded Python thread pool does the same (slower
         client: it eats CPU the server could use).
check    find_public's pages (ids, order, totals) against the plain ranked query
         `directory.matching_listings`, pages 1, 2, 5 and 10 of every query of the mix.
memory   Resident memory (VmRSS, and the peak VmHWM, from /proc/<pid>/status) of each
         server process after the http runs.

Everything stays on 127.0.0.1 and stops by itself: fixed durations, fixed counts. The
exit code is 0 whatever the figures (this is a measurement), 2 if the server fails to start.
"""
import argparse
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"search_p95_ms": 20, "req_per_s": 300, "rss_mb": 100}

# (kind, q, filters): what people type, with the filters of the public form.
MIX = [
    ("word", "jahit", {}), ("word", "las", {}), ("word", "kue", {}), ("word", "bengkel", {}),
    ("word", "servis", {}), ("word", "cukur", {}), ("word", "laundry", {}),
    ("word", "katering", {}), ("word", "ikan", {}), ("word", "tukang", {}),
    ("word", "penjahit", {}), ("word", "menjahit", {}), ("word", "keramik", {}),
    ("word", "sablon", {}), ("word", "pijat", {}), ("word", "wonomulyo", {}),
    ("prefix", "jah", {}), ("prefix", "bengk", {}), ("prefix", "penj", {}),
    ("prefix", "serv", {}), ("prefix", "ker", {}), ("prefix", "tuk", {}), ("prefix", "ka", {}),
    ("two words", "servis hp", {}), ("two words", "jahit kebaya", {}),
    ("two words", "las pagar", {}), ("two words", "cuci motor", {}),
    ("two words", "tukang batu", {}), ("two words", "kue ulang", {}),
    ("two words", "jahit wonomulyo", {}), ("two words", "ikan segar", {}),
    ("word+filter", "jahit", {"kabupaten": "Polewali Mandar"}),
    ("word+filter", "bengkel", {"kategori": "bengkel-motor"}),
    ("word+filter", "servis", {"kabupaten": "Mamuju"}),
    ("word+filter", "kue", {"kecamatan": "76.04.06"}),
    ("word+filter", "tukang", {"kategori": "tukang-bangunan", "kabupaten": "Majene"}),
    ("filter only", "", {"kategori": "menjahit"}),
    ("filter only", "", {"kabupaten": "Mamasa"}),
    ("filter only", "", {"kecamatan": "76.04.02"}),
]
HOME = ("home", "", {})


def query_string(q: str, filters: dict) -> str:
    args = ({"q": q} if q else {}) | filters
    return "/?" + urllib.parse.urlencode(args) if args else "/"


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values) -> str:
    return (f"{percentile(values, 50):8.1f} {percentile(values, 95):8.1f} "
            f"{percentile(values, 99):8.1f} {max(values):8.1f}")


def machine() -> str:
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, AttributeError):
        pass
    cpu = ""
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}){mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}")


# --- latency ----------------------------------------------------------------------------

def run_latency(args) -> None:
    from app import create_app
    from app.db import database
    from app.directory.browse import SearchFilters, find_public
    from app.models import Listing
    app = create_app({"PUBLIC_PAGE_CACHE_BYTES": 0})  # the server time of every request
    per_page = app.config["PAGE_SIZE"]
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with app.test_request_context(), database.connection_context():
        listings = Listing.select().count()
        print(f"instance {app.instance_path}: {listings:,} listings; page size {per_page}")

        def one(kind, q, filters):
            f = SearchFilters.from_args({"q": q, **filters})
            start, start_cpu = time.perf_counter(), time.thread_time()
            page = find_public(f, per_page)
            times.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
            cpu.setdefault(kind, []).append((time.thread_time() - start_cpu) * 1000)
            return page

        for kind, q, filters in MIX:  # warm up once, as a serving process is (stemmer, pages)
            find_public(SearchFilters.from_args({"q": q, **filters}), per_page)
        results = {}
        for i in range(args.n):
            kind, q, filters = MIX[i % len(MIX)]
            results[(q, tuple(filters.items()))] = one(kind, q, filters).total
        for _ in range(max(args.n // len(MIX), 3)):
            one(*HOME)

    print()
    print(f"server-side search latency: find_public(), {args.n} calls over {len(MIX)} queries (ms; "
          f"wall clock, and CPU time of the thread, which other processes do not inflate)")
    print(f"{'kind':<14} {'calls':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}   "
          f"{'cpu p50':>8} {'cpu p95':>8}")
    every, every_cpu = [], []
    for kind in dict.fromkeys(k for k, _, _ in MIX):
        every += times[kind]
        every_cpu += cpu[kind]
        print(f"{kind:<14} {len(times[kind]):>6} {summary(times[kind])}   "
              f"{percentile(cpu[kind], 50):8.1f} {percentile(cpu[kind], 95):8.1f}")
    print(f"{'search mix':<14} {len(every):>6} {summary(every)}   "
          f"{percentile(every_cpu, 50):8.1f} {percentile(every_cpu, 95):8.1f}")
    print(f"{'home (no q)':<14} {len(times['home']):>6} {summary(times['home'])}   "
          f"{percentile(cpu['home'], 50):8.1f} {percentile(cpu['home'], 95):8.1f}")
    p95 = percentile(every, 95)
    print(f"search p95 {p95:.1f} ms (wall), {percentile(every_cpu, 95):.1f} ms (CPU); target "
          f"<= {TARGETS['search_p95_ms']} ms: "
          f"{'PASS' if p95 <= TARGETS['search_p95_ms'] else 'OVER'}")
    hits = sorted(results.values())
    print(f"matches per query: min {hits[0]:,}, median {statistics.median(hits):,.0f}, "
          f"max {hits[-1]:,}")

    if args.requests:
        client = app.test_client()
        wall: dict[str, list[float]] = {}
        cpu_ms: dict[str, list[float]] = {}
        kinds = [("home page /", [HOME]), ("search mix, pages", MIX),
                 ("search mix, htmx", MIX), ("robots.txt (floor)", None)]
        for label, mix in kinds:
            for i in range(args.requests):
                headers = {"Accept-Encoding": "gzip"}
                if mix is None:
                    path = "/robots.txt"
                else:
                    _, q, filters = mix[i % len(mix)]
                    path = query_string(q, filters)
                if "htmx" in label:
                    headers["HX-Request"] = "true"
                start, start_cpu = time.perf_counter(), time.thread_time()
                response = client.get(path, headers=headers)
                wall.setdefault(label, []).append((time.perf_counter() - start) * 1000)
                cpu_ms.setdefault(label, []).append((time.thread_time() - start_cpu) * 1000)
                if response.status_code != 200:
                    print(f"  {path}: HTTP {response.status_code}")
        print()
        print(f"full requests in-process (Flask test client, gzip), {args.requests} each: "
              f"server time without the network")
        print(f"{'request':<22} {'wall p50':>9} {'wall p95':>9} {'cpu mean':>9}  "
              f"CPU-bound ceiling (1 process = 1 core)")
        for label in wall:
            mean_cpu = statistics.fmean(cpu_ms[label])
            print(f"{label:<22} {percentile(wall[label], 50):9.1f} "
                  f"{percentile(wall[label], 95):9.1f} {mean_cpu:9.2f}  "
                  f"~{1000 / mean_cpu:,.0f} req/s per core")


def run_check(args) -> None:
    """find_public's pages against the plain ranked query (matching_listings), at scale."""
    from app import create_app
    from app.db import database
    from app.directory.browse import COUNT_CAP, SearchFilters, find_public, matching_listings
    from app.models import Listing

    app = create_app({"PUBLIC_PAGE_CACHE_BYTES": 0})
    per_page, compared, different = app.config["PAGE_SIZE"], 0, 0
    with app.test_request_context(), database.connection_context():
        for _, q, filters in MIX + [HOME]:
            for page in (1, 2, 5, 10):
                f = SearchFilters.from_args({"q": q, "hal": page, **filters})
                found = find_public(f, per_page)
                reference = matching_listings(f)
                total = reference.count()
                ids = [x.id for x in reference.select(Listing.id).paginate(found.page, per_page)]
                same_total = total > COUNT_CAP if found.more else total == found.total
                compared += 1
                if ids != [x.id for x in found.items] or not same_total:
                    different += 1
                    print(f"DIFFERENT: q={q!r} {filters} page {page}: total {total} vs "
                          f"{found.total}{'+' if found.more else ''}")
    print(f"check: {compared - different} of {compared} pages identical to the plain query")


# --- http -------------------------------------------------------------------------------

def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, threads: int, cpus: str, instance: str, target: str = "wsgi:app",
                 extra_env: dict | None = None):
    cmd = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}",
           f"--threads={threads}", target]
    if cpus and shutil.which("taskset"):
        cmd = ["taskset", "-c", cpus] + cmd
    env = dict(os.environ, RAJA_KEMAS_INSTANCE=instance, **(extra_env or {}))
    # The server's log goes to a file: a pipe nobody reads fills up (waitress warns about
    # its queue depth under load) and then blocks the server.
    log = tempfile.NamedTemporaryFile("w+b", prefix="raja-kemas-server-", suffix=".log",
                                      delete=False)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
            return proc
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("server did not answer within 60 s")


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    Path(proc.log_path).unlink(missing_ok=True)


def memory_of(pid: int) -> dict:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {k: int(v) / 1024 for k, v in re.findall(r"(VmRSS|VmHWM):\s+(\d+) kB", status)}


WRK_SCRIPT = """
paths = {%s}
headers = {%s}
counter = 0
request = function()
  counter = counter + 1
  local i = (counter %% #paths) + 1
  return wrk.format("GET", paths[i], headers[i])
end
"""


def wrk_run(ports, paths, headers, duration, concurrency, threads) -> dict:
    """Run wrk against each port at once (connections split); return summed figures."""
    lua_paths = ", ".join(f'"{p}"' for p in paths)
    lua_headers = ", ".join("{" + ", ".join(f'["{k}"]="{v}"' for k, v in h.items()) + "}"
                            for h in headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % (lua_paths, lua_headers))
        script = f.name
    per = max(concurrency // len(ports), 1)
    procs = [subprocess.Popen(
        ["wrk", f"-t{min(threads, per)}", f"-c{per}", f"-d{duration}s", "--timeout", "10s",
         "--latency", "-s", script, f"http://127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for port in ports]
    out = [p.communicate()[0] for p in procs]
    os.unlink(script)
    total = {"rps": 0.0, "requests": 0, "errors": 0, "p50": [], "p99": []}
    for text in out:
        m = re.search(r"Requests/sec:\s+([\d.]+)", text)
        total["rps"] += float(m.group(1)) if m else 0
        m = re.search(r"(\d+) requests in", text)
        total["requests"] += int(m.group(1)) if m else 0
        m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
        total["errors"] += int(m.group(1)) if m else 0
        m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      text)
        total["errors"] += sum(int(x) for x in m.groups()) if m else 0
        for label, key in (("50%", "p50"), ("99%", "p99")):
            m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", text)
            if m:
                scale = {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
                total[key].append(float(m.group(1)) * scale)
        if not re.search(r"Requests/sec", text) or " 0 requests in" in text:
            print("wrk said:\n" + text)
    return total


def python_run(ports, paths, headers, duration, concurrency) -> dict:
    """A bounded thread pool for when wrk is missing: same figures, slower client."""
    stop = time.time() + duration
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    latencies = []

    def worker(n):
        i = n
        while time.time() < stop:
            port = ports[i % len(ports)]
            req = urllib.request.Request(f"http://127.0.0.1:{port}{paths[i % len(paths)]}",
                                         headers=headers[i % len(paths)])
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    r.read()
                    ok = r.status < 400
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                counts["requests"] += 1
                counts["errors"] += 0 if ok else 1
                latencies.append((time.perf_counter() - start) * 1000)
            i += concurrency
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rps": counts["requests"] / (time.time() - began), **counts,
            "p50": [percentile(latencies, 50)], "p99": [percentile(latencies, 99)]}


def run_http(args) -> None:
    instance = os.environ.get("RAJA_KEMAS_INSTANCE") or str(ROOT / "instance")
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    ports = [free_port() for _ in range(args.processes)]
    print(f"waitress: {args.processes} process(es) x {args.threads} threads on 127.0.0.1, "
          f"CPUs {args.cpus or 'any'}; client: "
          f"{'wrk' if use_wrk else 'Python threads'}, {args.concurrency} connections, "
          f"{args.duration} s per target; Accept-Encoding: gzip; public page cache: "
          f"{'off' if args.no_page_cache else 'on'}"
          + (f"; server env: {' '.join(args.env)}" if args.env else ""))
    try:
        extra = dict(item.split("=", 1) for item in args.env)
        if args.no_page_cache:
            extra["RAJA_KEMAS_PUBLIC_PAGE_CACHE_BYTES"] = "0"
        servers = [start_server(p, args.threads, args.cpus, instance, "wsgi:app", extra)
                   for p in ports]
    except RuntimeError as exc:
        print(f"cannot start the server: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    gzip = {"Accept-Encoding": "gzip"}
    htmx = {"Accept-Encoding": "gzip", "HX-Request": "true"}
    search_paths = [query_string(q, f) for _, q, f in MIX]
    targets = [
        ("home page /", ["/"], [gzip]),
        ("search mix, full pages", search_paths, [gzip] * len(search_paths)),
        ("search mix, htmx fragments", search_paths, [htmx] * len(search_paths)),
    ]
    rows = []
    try:
        for name, paths, headers in targets:
            if use_wrk:
                r = wrk_run(ports, paths, headers, args.duration, args.concurrency, 2)
            else:
                r = python_run(ports, paths, headers, args.duration, args.concurrency)
            rows.append((name, r))
        memory = [memory_of(s.pid) for s in servers]
    finally:
        for s in servers:
            stop_server(s)

    print()
    print(f"{'target':<28} {'req/s':>8} {'requests':>9} {'errors':>7} {'p50 ms':>8} "
          f"{'p99 ms':>8}  >= {TARGETS['req_per_s']} req/s, no errors")
    for name, r in rows:
        ok = r["rps"] >= TARGETS["req_per_s"] and r["errors"] == 0
        p50 = max(r["p50"]) if r["p50"] else float("nan")
        p99 = max(r["p99"]) if r["p99"] else float("nan")
        print(f"{name:<28} {r['rps']:>8.1f} {r['requests']:>9} {r['errors']:>7} {p50:>8.1f} "
              f"{p99:>8.1f}  {'PASS' if ok else 'OVER'}")
    print()
    for port, m in zip(ports, memory):
        rss, hwm = m.get("VmRSS"), m.get("VmHWM")
        if rss is None:
            print(f"memory of the server on port {port}: unknown (no /proc)")
            continue
        print(f"memory of the server on port {port} after the runs: RSS {rss:.0f} MB, peak "
              f"{hwm:.0f} MB; target < {TARGETS['rss_mb']} MB: "
              f"{'PASS' if hwm < TARGETS['rss_mb'] else 'OVER'}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="Set RAJA_KEMAS_INSTANCE to the instance to measure.")
    ap.add_argument("what", nargs="?", choices=["all", "latency", "http", "check"], default="all")
    ap.add_argument("--n", type=int, default=390, help="find_public calls (default 390)")
    ap.add_argument("--requests", type=int, default=200,
                    help="in-process full requests after the latency run (0: skip)")
    ap.add_argument("--duration", type=int, default=15, help="seconds per HTTP target")
    ap.add_argument("--concurrency", type=int, default=16, help="open connections")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    ap.add_argument("--processes", type=int, default=1, help="waitress processes (ports)")
    ap.add_argument("--cpus", default="0,1", help="taskset CPU list for the server ('' = any)")
    ap.add_argument("--python-client", action="store_true", help="do not use wrk")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment variable for the server, e.g. MALLOC_ARENA_MAX=2")
    ap.add_argument("--no-page-cache", action="store_true",
                    help="http: serve with the public page cache off (every request renders)")
    args = ap.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"load average before: {load_average()}")
    if args.what == "check":
        run_check(args)
    if args.what in ("all", "latency"):
        run_latency(args)
    if args.what in ("all", "http"):
        print()
        run_http(args)
    print()
    print(f"load average after: {load_average()}")
    return 0


def load_average() -> str:
    """The 1/5/15-minute load averages, with a warning when other work shares the CPUs."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    busy = one > 0.5 * (os.cpu_count() or 1)
    return (f"{one:.2f} {five:.2f} {fifteen:.2f}"
            + ("  (WARNING: the machine is busy; figures are slower than on a quiet one)"
               if busy else ""))


if __name__ == "__main__":
    sys.exit(main())
