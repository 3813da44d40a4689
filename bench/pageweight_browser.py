"""Measure the "Light" budgets of a running Raja Kemas in headless Chromium on a phone screen.

    python bench/pageweight_browser.py --base http://127.0.0.1:8093 [--instance /tmp/pw/inst]

Debian's Chromium (/usr/bin/chromium) through Playwright, 360x740 CSS px at 2x pixel
density, touch, a fresh profile (cold cache) for every measurement. Byte figures are
response bodies as transferred, in the encoding Chromium chose (it offers gzip, deflate,
br and zstd to 127.0.0.1, as to any https site), without HTTP headers; 1 KB = 1024 bytes.
They include what the service worker fetches while it installs (its script, the offline
page). Responses served from the browser cache count 0.

Budgets (DESIGN.md, Principles, 2 "Light"; issue 5):
  home HTML + critical CSS                              <= 14 KB
  first visit without listing photos (everything else)  <= 40 KB
  search fragment of 20 results (the typed search)      <=  6 KB
  each listing photo (thumbnail) downloaded             <= 30 KB, and on disk with --instance
  every card <img>: loading=lazy, width and height      all
  first contentful paint, "Slow 3G"                     <= 1.5 s   (worst of --runs)
  typed search on screen after the last key, "Slow 3G"  <= 1.5 s   (worst of --runs)

"Slow 3G" is Chrome DevTools' preset, set through the DevTools protocol
(Network.emulateNetworkConditions): 400 ms latency per request, 400 kbit/s
(50,000 bytes/s) down and up. It is applied per request on 127.0.0.1, so the DNS, TCP and
TLS round trips of a real network are not in the figure (see bench/RESULTS.md).
`--cpu-slowdown 4` also slows the CPU as Lighthouse does for a mid-range phone.

A measurement: the exit code is 0 whether budgets pass or not, 2 when the server or the
browser cannot be reached.
"""
import argparse
import os
import statistics
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# Chromium reports the service worker's own requests only with this set (Playwright).
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

KB = 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 360, "height": 740}
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000,
           "uploadThroughput": 50_000}
PHOTO_PATH = "/foto/"
BUDGETS = {"home": 14 * KB, "first_visit": 40 * KB, "fragment": 6 * KB, "photo": 30 * KB,
           "fcp": 1.5, "search": 1.5}
FRAGMENT_RESULTS = 20

# In-page probes: when the typed search's answer is on screen, and layout shifts.
PROBE = """
(() => {
  window.__bench = {lastKey: 0, shown: 0, cls: 0, text: ''};
  document.addEventListener('keydown', () => {
    window.__bench.lastKey = performance.now(); window.__bench.shown = 0;
  }, true);
  document.addEventListener('htmx:afterSettle', (evt) => {
    const xhr = evt.detail && evt.detail.xhr;
    const url = xhr ? new URL(xhr.responseURL) : null;
    if (!url || url.searchParams.get('q') !== window.__benchQuery) return;
    requestAnimationFrame(() => {
      const card = document.querySelector('#results .card');
      if (card && !window.__bench.shown) {
        window.__bench.shown = performance.now();
        window.__bench.text = card.textContent.trim().slice(0, 60);
      }
    });
  });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__bench.cls += e.value;
  }).observe({type: 'layout-shift', buffered: true});
})();
"""


@dataclass
class Transfer:
    url: str
    status: int
    body: int  # encoded body bytes on the wire; 0 when served from the browser cache
    encoding: str
    by_worker: bool


@dataclass
class Visit:
    transfers: list = field(default_factory=list)

    def listen(self, context):
        context.on("response", self._record)

    def _record(self, response):
        try:
            sizes = response.request.sizes()
        except Exception:  # noqa: BLE001 - a response that went away
            return
        body = sizes.get("responseBodySize", 0)
        length = response.headers.get("content-length")
        if body == 0 and response.status == 200 and length and length.isdigit():
            body = int(length)  # the worker's own script: Chromium reports 0, the wire has it
        self.transfers.append(Transfer(response.url, response.status, max(body, 0),
                                       response.headers.get("content-encoding", "identity"),
                                       getattr(response.request, "service_worker", None)
                                       is not None))

    def total(self, keep=lambda t: True) -> int:
        return sum(t.body for t in self.transfers if keep(t))


def is_photo(t: Transfer) -> bool:
    return PHOTO_PATH in urllib.parse.urlparse(t.url).path


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, slow: bool, cpu_slowdown: float):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="id-ID")
    page = context.new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    if slow:
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    if cpu_slowdown and cpu_slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    return context, page


def poll(page, expression: str, timeout_ms: int = 30_000):
    """Wait until `expression` is truthy in the page. (page.wait_for_function evaluates
    strings inside the page, which the app's Content-Security-Policy rightly forbids;
    page.evaluate goes through the DevTools protocol. Times come from the page's own clock,
    so the polling interval does not change them.)"""
    for _ in range(timeout_ms // 25):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(25)
    raise TimeoutError(f"timed out waiting for {expression}")


def wait_quiet(page, ms=1500):
    try:
        page.wait_for_load_state("networkidle", timeout=30_000)
    except Exception:  # noqa: BLE001 - long polling or a slow worker; measure what came
        pass
    page.wait_for_timeout(ms)


def first_visit(browser, base: str, query: str, cpu_slowdown: float) -> dict:
    """A cold first visit: page, critical CSS, scripts, worker install; then the photos."""
    context, page = new_page(browser, False, cpu_slowdown)
    visit = Visit()
    visit.listen(context)
    page.add_init_script(f"window.__benchQuery = {query!r};" + PROBE)
    page.goto(base + "/", wait_until="load")
    wait_quiet(page)
    home_url = page.url
    own = [t for t in visit.transfers if not t.by_worker]
    html = next((t for t in own if t.url == home_url), None)
    css = [t for t in own if urllib.parse.urlparse(t.url).path.endswith(".css")]
    first = visit.total(lambda t: not is_photo(t))
    rows = [t for t in visit.transfers if not is_photo(t)]

    images = page.evaluate("""() => Array.from(document.querySelectorAll('#results .card img'))
        .map(i => ({src: i.getAttribute('src'), loading: i.getAttribute('loading'),
                    width: i.getAttribute('width'), height: i.getAttribute('height')}))""")
    # Scroll down the list slowly so that every lazy image is asked for.
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + VIEWPORT["height"], VIEWPORT["height"] // 2):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(120)
    wait_quiet(page, 800)
    photos = [t for t in visit.transfers if is_photo(t) and t.body > 0]
    cls = page.evaluate("window.__bench.cls")
    context.close()
    return {"html": html, "css": css, "first": first, "rows": rows, "images": images,
            "photos": photos, "cls": cls}


def typed_search(browser, base: str, query: str, slow: bool, cpu_slowdown: float) -> dict:
    """Type the query as a person would; time from the last key to the result cards."""
    context, page = new_page(browser, slow, cpu_slowdown)
    visit = Visit()
    visit.listen(context)
    page.add_init_script(f"window.__benchQuery = {query!r};" + PROBE)
    page.goto(base + "/", wait_until="load")
    fcp = page.evaluate("""() => new Promise(resolve => {
        const get = () => performance.getEntriesByName('first-contentful-paint')[0];
        if (get()) return resolve(get().startTime);
        new PerformanceObserver(() => get() && resolve(get().startTime))
          .observe({type: 'paint', buffered: true});
    })""")
    # Public pages fetch htmx when the search box is first touched (static/js/
    # htmx-on-demand.js): a cold visitor's first search includes that download.
    wait_quiet(page, 300)
    page.click("#q")
    before = len(visit.transfers)
    page.keyboard.type(query, delay=150)
    poll(page, "window.__bench.shown > 0")
    bench = page.evaluate("window.__bench")
    page.wait_for_timeout(200)
    fragments = [t for t in visit.transfers[before:]
                 if urllib.parse.parse_qs(urllib.parse.urlparse(t.url).query).get("q") == [query]
                 and not is_photo(t)]
    cards = page.evaluate("document.querySelectorAll('#results .card').length")
    context.close()
    return {"fcp": fcp / 1000, "search": (bench["shown"] - bench["lastKey"]) / 1000,
            "card_text": bench["text"], "fragment": fragments[-1] if fragments else None,
            "cards": cards}


def thumbs_on_disk(instance: Path) -> list[int]:
    return sorted(p.stat().st_size for p in (instance / "uploads").glob("*-t.jpg"))


def kb(n) -> str:
    return f"{n / KB:.1f} KB"


def verdict(value, budget) -> str:
    return "PASS" if value is not None and value <= budget else "OVER"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Budgets of a running Raja Kemas, measured in headless Chromium at 360x740.")
    ap.add_argument("--base", default="http://127.0.0.1:8080", help="server root URL")
    ap.add_argument("--query", default="jahit", help="word to type; needs >= 20 matches")
    ap.add_argument("--runs", type=int, default=3, help="Slow 3G runs (worst one is judged)")
    ap.add_argument("--instance", type=Path,
                    help="the server's instance folder, to check thumbnail files on disk")
    ap.add_argument("--cpu-slowdown", type=float, default=1,
                    help="CPU throttling factor for the Slow 3G runs (Lighthouse uses 4)")
    args = ap.parse_args(argv)
    base = args.base.rstrip("/")

    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("Playwright for Python is not installed (pip install playwright)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        with sync_playwright() as p:
            browser = launch(p)
            first = first_visit(browser, base, args.query, 1)
            fast = typed_search(browser, base, args.query, False, 1)
            slow = [typed_search(browser, base, args.query, True, args.cpu_slowdown)
                    for _ in range(max(args.runs, 1))]
            browser.close()
    except (PlaywrightError, TimeoutError) as exc:
        print(f"browser run failed: {exc}", file=sys.stderr)
        return 2

    if first["html"] is None:
        print(f"no answer from {base}/", file=sys.stderr)
        return 2
    home = first["html"].body + sum(t.body for t in first["css"])
    fragment = fast["fragment"]
    images = first["images"]
    lazy_ok = [i for i in images if i["loading"] == "lazy" and (i["width"] or "").isdigit()
               and (i["height"] or "").isdigit()]
    biggest_photo = max((t.body for t in first["photos"]), default=0)
    disk = thumbs_on_disk(args.instance) if args.instance else []
    fcps = [r["fcp"] for r in slow]
    searches = [r["search"] for r in slow]
    encodings = sorted({t.encoding for t in first["rows"] if t.body})

    print(f"Budgets of {base} in headless Chromium, 360x740 @2x, cold cache "
          f"(bodies as transferred; encodings used: {', '.join(encodings)})")
    print()
    rows = [
        ("home HTML + critical CSS", kb(home), verdict(home, BUDGETS["home"]), "<= 14 KB"),
        ("first visit without listing photos", kb(first["first"]),
         verdict(first["first"], BUDGETS["first_visit"]), "<= 40 KB"),
        (f"search fragment '{args.query}' ({fast['cards']} results)",
         kb(fragment.body) if fragment else "-",
         (verdict(fragment.body, BUDGETS["fragment"]) if fragment else "OVER")
         + ("" if fast["cards"] >= FRAGMENT_RESULTS else f" (only {fast['cards']} results)"),
         "<= 6 KB"),
        (f"listing photo downloaded, largest of {len(first['photos'])}",
         kb(biggest_photo) if first["photos"] else "-",
         verdict(biggest_photo, BUDGETS["photo"]) if first["photos"] else "n/a (no photos)",
         "<= 30 KB"),
    ]
    if args.instance:
        rows.append((f"thumbnail files on disk, largest of {len(disk)}",
                     kb(disk[-1]) if disk else "-",
                     verdict(disk[-1], BUDGETS["photo"]) if disk else "n/a (none)", "<= 30 KB"))
    rows += [
        ("card <img> with loading=lazy, width, height", f"{len(lazy_ok)} of {len(images)}",
         "PASS" if len(lazy_ok) == len(images) else "OVER", "all"),
        ("layout shift while loading (CLS)", f"{first['cls']:.3f}",
         "PASS" if first["cls"] <= 0.1 else "OVER", "<= 0.1"),
        (f"first contentful paint, Slow 3G (worst of {len(fcps)})", f"{max(fcps):.2f} s",
         verdict(max(fcps), BUDGETS["fcp"]), "<= 1.5 s"),
        (f"typed search on screen after last key, Slow 3G (worst of {len(searches)})",
         f"{max(searches):.2f} s", verdict(max(searches), BUDGETS["search"]), "<= 1.5 s"),
    ]
    print(f"{'target':<62} {'budget':>9} {'measured':>12}  result")
    for name, measured, result, budget in rows:
        print(f"{name:<62} {budget:>9} {measured:>12}  {result}")
    print()
    print(f"Slow 3G runs: FCP {', '.join(f'{v:.2f}' for v in fcps)} s; search "
          f"{', '.join(f'{v:.2f}' for v in searches)} s (includes the 350 ms typing pause "
          f"htmx waits for, and htmx's download from the first touch of the search box); "
          f"median {statistics.median(fcps):.2f} / "
          f"{statistics.median(searches):.2f} s"
          + (f"; CPU slowed {args.cpu_slowdown:g}x" if args.cpu_slowdown > 1 else ""))
    print(f"without throttling: typed search on screen {fast['search']:.2f} s after the last key;"
          f" first card: {fast['card_text']!r}")
    print()
    print("first visit, without photos (worker = fetched by the service worker's install):")
    for t in first["rows"]:
        path = urllib.parse.urlparse(t.url)
        who = "worker" if t.by_worker else "page"
        print(f"  {t.body:>7} B  {t.encoding:<8} {who:<6} {path.path}"
              + ("?" + path.query if path.query else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
