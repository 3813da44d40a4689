"""Measure the page weights of a running Raja Kemas against the budgets of DESIGN.md.

    python bench/pageweight.py --base http://127.0.0.1:8080 [--user admin --password ...]

Every resource is fetched as a browser would, with `Accept-Encoding: gzip`, and the body
is read as transferred (urllib does not decompress), so "gzip" is the number of body
bytes on the wire; "raw" is the same body decoded. Each resource is fetched again with
`Accept-Encoding: br` and `zstd`: if the server answers in that encoding (flask-compress
with Brotli; zstd when a zstd module is installed) its size is shown too, "-" otherwise.
Budgets are judged on gzip: a browser on plain http:// (an office LAN, the kiosk) offers
only gzip/deflate; over https Chrome offers br and zstd, and flask-compress prefers zstd,
then br. HTTP headers are not counted. 1 KB = 1024 bytes.

Budgets (DESIGN.md, Principles, 2 "Light"):
  home HTML + CSS                               <= 14 KB  (one round trip)
  home first visit without photos (HTML+CSS+JS) <= 40 KB  (issue 12 aims at 12 KB)
  the same for search results and a listing's detail page (linked from the results)
  search fragment of 20 results (HX-Request)    <=  6 KB  (needs >= 20 matches)
  admin entry screen HTML + CSS + htmx          <= 30 KB  (needs --user/--password)

Public pages fetch htmx only when the search form is first used (a script tag's
`data-htmx`, static/js/htmx-on-demand.js): it is not part of a first visit and is shown
on a line of its own, with what a visitor's first live search then costs.

Then the weight of one listing's detail page with its photo, as a phone 360 CSS px wide at
2x would load it (the image picked from `srcset`/`sizes`, WebP when offered, and what a
browser without WebP gets), and the largest card thumbnail on the home page.

With --browser, the same budgets and the ones only a browser can measure (photos,
lazy loading, first contentful paint and typed search under "Slow 3G") are then measured
in headless Chromium at 360x740 by bench/pageweight_browser.py.

This is a measurement: the exit code is 0 whether budgets pass or not, 2 when the server
cannot be reached.
"""
import argparse
import gzip
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

KB = 1024
BUDGETS_KB = {"home": 14, "first_visit": 40, "fragment": 6, "admin": 30}
FRAGMENT_RESULTS = 20
USER_AGENT = "raja-kemas-pageweight/1"
OTHER_ENCODINGS = ("br", "zstd")
LISTING_LINK = re.compile(r"^/jasa/\d+-[^/]*$")  # a detail page, not its /wa or /telp


class ConnectionFailure(Exception):
    pass


@dataclass
class Resource:
    label: str
    url: str
    raw: int  # decoded body bytes
    gzip: int  # body bytes on the wire with Accept-Encoding: gzip
    br: int | None  # body bytes with Accept-Encoding: br, None if the server did not use br
    zstd: int | None  # likewise for zstd
    text: str = ""
    final_url: str = ""


class Assets(HTMLParser):
    """Collect stylesheet hrefs, script srcs, scripts fetched on demand (data-htmx), the
    first listing link and the csrf_token value of a page."""

    def __init__(self):
        super().__init__()
        self.styles, self.scripts, self.on_demand, self.csrf = [], [], [], None
        self.listing = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.styles.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
            if a.get("data-htmx"):
                self.on_demand.append(a["data-htmx"])
        elif tag == "a" and self.listing is None and LISTING_LINK.match(a.get("href", "")):
            self.listing = a["href"]
        elif tag == "input" and a.get("name") == "csrf_token" and self.csrf is None:
            self.csrf = a.get("value", "")


def parse(html: str) -> Assets:
    assets = Assets()
    assets.feed(html)
    return assets


class Client:
    def __init__(self, base: str, timeout: float):
        self.base = base.rstrip("/") + "/"
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def url(self, path: str) -> str:
        return urllib.parse.urljoin(self.base, path)

    def request(self, path, encoding="identity", headers=None, data=None):
        """Return (status, final url, content-encoding, body bytes as transferred)."""
        req = urllib.request.Request(self.url(path), data=data, headers={
            "Accept-Encoding": encoding, "User-Agent": USER_AGENT,
            "Accept": "text/html,*/*;q=0.8", **(headers or {})})
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return (resp.status, resp.geturl(),
                        resp.headers.get("Content-Encoding", "").strip().lower(), resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.geturl(), exc.headers.get("Content-Encoding", ""), exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ConnectionFailure(f"{self.url(path)}: {getattr(exc, 'reason', exc)}") from exc

    def measure(self, label: str, path: str, headers=None) -> Resource:
        status, final, enc, body = self.request(path, "gzip", headers)
        if status != 200:
            print(f"warning: {label} {path} answered HTTP {status}", file=sys.stderr)
        if enc == "gzip":
            decoded = gzip.decompress(body)
        elif enc in ("", "identity"):
            decoded = body
        else:
            raise RuntimeError(f"{path}: unexpected Content-Encoding {enc!r} for gzip request")
        other = {}
        for name in OTHER_ENCODINGS:
            _, _, got, other_body = self.request(path, name, headers)
            other[name] = len(other_body) if got == name else None
        return Resource(label, path, len(decoded), len(body), other["br"], other["zstd"],
                        decoded.decode("utf-8", "replace"), final)

    def login(self, user: str, password: str) -> str | None:
        """Log in through /masuk as a browser would; return an error message or None."""
        status, _, enc, body = self.request("/masuk")
        html = (gzip.decompress(body) if enc == "gzip" else body).decode("utf-8", "replace")
        token = parse(html).csrf
        if token is None:
            return f"no csrf_token on /masuk (HTTP {status})"
        form = urllib.parse.urlencode({"username": user, "password": password,
                                       "csrf_token": token}).encode()
        status, final, _, _ = self.request(
            "/masuk", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200 or urllib.parse.urlparse(final).path == "/masuk":
            return f"login refused (HTTP {status}, ended at {final})"
        return None


def kb(n: int | None) -> str:
    return "-" if n is None else f"{n / KB:.1f}"


def same_origin_assets(client: Client, page: Resource,
                       on_demand: bool = False) -> tuple[list[str], list[str]]:
    """The page's own stylesheets and scripts; with on_demand, (scripts fetched on demand, [])."""
    assets = parse(page.text)
    base = urllib.parse.urlparse(client.base).netloc

    def local(urls):
        out = []
        for u in urls:
            full = urllib.parse.urljoin(client.url(page.url), u)
            if urllib.parse.urlparse(full).netloc == base:
                out.append(full)
        return out
    if on_demand:
        return local(assets.on_demand), []
    return local(assets.styles), local(assets.scripts)


def fetch_assets(client: Client, urls: list[str], cache: dict) -> list[Resource]:
    out = []
    for u in urls:
        if u not in cache:
            path = urllib.parse.urlparse(u)
            short = path.path + ("?" + path.query if path.query else "")
            cache[u] = client.measure(path.path.rsplit("/", 1)[-1], short)
        out.append(cache[u])
    return out


class Pictures(HTMLParser):
    """Collect each <img> (with the WebP <source> of its <picture>) and the cards."""

    def __init__(self):
        super().__init__()
        self.images, self.cards, self._webp, self._card = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "li" and "card" in a.get("class", "").split():
            self._card = {"img": None, "link": None}
            self.cards.append(self._card)
        elif tag == "a" and self._card and not self._card["link"] \
                and a.get("href", "").startswith("/jasa/"):
            self._card["link"] = a["href"]
        elif tag == "source" and a.get("type") == "image/webp":
            self._webp = a.get("srcset", "")
        elif tag == "img":
            image = {**a, "webp": self._webp or ""}
            self.images.append(image)
            if self._card and not self._card["img"]:
                self._card["img"] = image
            self._webp = None

    def handle_endtag(self, tag):
        if tag == "li":
            self._card = None


def pick_candidate(srcset: str, fallback: str, needed_px: int) -> str:
    """The URL a browser takes from `srcset` for a slot of `needed_px` device pixels."""
    candidates = []
    for part in srcset.split(","):
        bits = part.split()
        if len(bits) == 2 and bits[1].endswith("w") and bits[1][:-1].isdigit():
            candidates.append((int(bits[1][:-1]), bits[0]))
    if not candidates:
        return fallback
    candidates.sort()
    return next((url for width, url in candidates if width >= needed_px), candidates[-1][1])


def photo_weights(client: Client, home: Resource, slot_px: int, dpr: float) -> list[str]:
    """Lines on the detail page's bytes with its photo, and on the card thumbnails."""
    home_pictures = Pictures()
    home_pictures.feed(home.text)
    cards = [c for c in home_pictures.cards if c["img"] and c["link"]]
    lines = []

    def size(url):
        status, _, _, body = client.request(url)
        return len(body) if status == 200 else 0
    if not cards:
        return ["detail page: no card with a photo on /; seed with --photo-share > 0"]
    jpeg = max(size(c["img"].get("src", "")) for c in cards)
    webp = max(size(c["img"]["webp"].split()[0]) if c["img"]["webp"] else 0 for c in cards)
    lines.append(f"card thumbnails on /: {len(cards)} with a photo; largest JPEG "
                 f"{kb(jpeg)} KB, largest WebP {kb(webp) if webp else '-'} KB")
    link = cards[0]["link"]  # the first listing on / that has a photo
    page = client.measure("detail HTML", link)
    detail = Pictures()
    detail.feed(page.text)
    photo = next((i for i in detail.images if "photo" in i.get("class", "").split()), None)
    if photo is None:
        return lines + [f"detail page {link}: no photo shown"]
    needed = round(slot_px * dpr)
    jpeg_url = pick_candidate(photo.get("srcset", ""), photo.get("src", ""), needed)
    webp_url = pick_candidate(photo["webp"], jpeg_url, needed) if photo["webp"] else jpeg_url
    jpeg, webp = size(jpeg_url), size(webp_url)
    lines.append(f"detail page {page.url}: HTML {kb(page.gzip)} KB gzip")
    lines.append(f"  photo for a {slot_px} CSS px slot at {dpr:g}x: WebP-capable browser "
                 f"{kb(webp)} KB ({webp_url}), JPEG-only {kb(jpeg)} KB ({jpeg_url})")
    lines.append(f"  detail page total: {kb(page.gzip + webp)} KB (WebP), "
                 f"{kb(page.gzip + jpeg)} KB (JPEG only)")
    return lines


def card_count(html: str) -> int:
    return len(re.findall(r'<li\b[^>]*\bclass="[^"]*\bcard\b', html))


def fragment_breakdown(fragment: Resource, cards: int) -> list[str]:
    """Where the fragment's bytes go: the cards, and what one card costs."""
    if not cards:
        return []
    items = re.findall(r'<li\b[^>]*\bclass="[^"]*\bcard\b.*?</li>', fragment.text, re.S)
    card_bytes = sum(len(i.encode()) for i in items)
    rest = fragment.text
    for i in items:
        rest = rest.replace(i, "", 1)
    rest_gz = len(gzip.compress(rest.encode(), 6))
    lines = [f"  fragment: {cards} cards, {card_bytes} raw bytes in cards "
             f"({card_bytes // cards} per card), {fragment.raw - card_bytes} raw outside; "
             f"~{(fragment.gzip - rest_gz) / cards:.0f} gzip bytes per card"]
    if items:
        biggest = max(items, key=len)
        parts = {
            "links (href)": sum(len(m) for m in re.findall(r'href="[^"]*"', biggest)),
            "description": sum(len(m) for m in re.findall(r"<p>.*?</p>", biggest, re.S)),
        }
        lines.append("  largest card: " + f"{len(biggest.encode())} raw bytes, of which "
                     + ", ".join(f"{k} {v}" for k, v in parts.items()))
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Page weights of a running Raja Kemas vs. budgets.")
    ap.add_argument("--base", default="http://127.0.0.1:8080", help="server root URL")
    ap.add_argument("--user", help="account for the admin entry screen")
    ap.add_argument("--password", help="its password")
    ap.add_argument("--query", default="jahit", help="search word with >= 20 matches")
    ap.add_argument("--timeout", type=float, default=15)
    ap.add_argument("--slot", type=int, default=298,
                    help="CSS px of the detail photo's slot on a 360 px phone (default 298)")
    ap.add_argument("--dpr", type=float, default=2.0, help="device pixel ratio (default 2)")
    ap.add_argument("--browser", action="store_true",
                    help="then measure in headless Chromium (bench/pageweight_browser.py)")
    ap.add_argument("--instance", help="with --browser: instance folder, to check thumbnails")
    args = ap.parse_args(argv)

    client = Client(args.base, args.timeout)
    cache: dict[str, Resource] = {}
    try:
        home = client.measure("home HTML", "/")
        styles, scripts = same_origin_assets(client, home)
        css = fetch_assets(client, styles, cache)
        js = fetch_assets(client, scripts, cache)
        on_demand = fetch_assets(client, same_origin_assets(client, home, on_demand=True)[0],
                                 cache)
        search_path = "/?" + urllib.parse.urlencode({"q": args.query})
        fragment = client.measure(f"fragment ?q={args.query}", search_path,
                                  {"HX-Request": "true", "HX-Current-URL": client.url("/")})
        results = client.measure(f"results page ?q={args.query}", search_path)
        pages = [("search results", results)]
        listing = parse(results.text).listing
        if listing:
            pages.append(("listing detail", client.measure("detail HTML", listing)))
        first_visits = []
        for name, page in pages:
            p_styles, p_scripts = same_origin_assets(client, page)
            first_visits.append((name, page, fetch_assets(client, p_styles + p_scripts, cache)))
        admin, admin_css, admin_js, admin_error = None, [], [], None
        if args.user:
            admin_error = client.login(args.user, args.password or "")
            if admin_error is None:
                admin = client.measure("admin entry HTML", "/admin/jasa/baru")
                if urllib.parse.urlparse(admin.final_url).path != "/admin/jasa/baru":
                    admin_error = f"/admin/jasa/baru ended at {admin.final_url}"
                    admin = None
                else:
                    a_styles, a_scripts = same_origin_assets(client, admin)
                    admin_css = fetch_assets(client, a_styles, cache)
                    admin_js = fetch_assets(client, a_scripts, cache)
    except ConnectionFailure as exc:
        print(f"cannot reach the server: {exc}", file=sys.stderr)
        return 2

    print(f"Page weights of {client.base}  (1 KB = 1024 bytes; body bytes, headers excluded)")
    print()
    print(f"{'resource':<30} {'raw B':>8} {'gzip B':>8} {'br B':>8} {'zstd B':>8}  url")
    rows = ([home, fragment] + [page for _, page, _ in first_visits] + ([admin] if admin else [])
            + list(cache.values()))
    for r in rows:
        br, zs = ("-" if v is None else str(v) for v in (r.br, r.zstd))
        print(f"{r.label[:30]:<30} {r.raw:>8} {r.gzip:>8} {br:>8} {zs:>8}  {r.url}")
    print()

    cards = card_count(fragment.text)
    htmx = [r for r in js if "htmx" in r.url] or js

    def total(res, attr):
        values = [getattr(r, attr) for r in res]
        return None if any(v is None for v in values) else sum(values)

    budgets = [
        ("home HTML + CSS", [home] + css, BUDGETS_KB["home"], ""),
        ("home first visit, no photos (HTML+CSS+JS)", [home] + css + js,
         BUDGETS_KB["first_visit"], ""),
        *((f"{name} first visit, no photos", [page] + assets, BUDGETS_KB["first_visit"], "")
          for name, page, assets in first_visits),
        (f"search fragment ?q={args.query} ({cards} results)", [fragment],
         BUDGETS_KB["fragment"],
         "" if cards >= FRAGMENT_RESULTS else f"only {cards} results, need {FRAGMENT_RESULTS}: "
                                                "seed more (bench/seed_demo.py)"),
    ]
    if admin:
        a_htmx = [r for r in admin_js if "htmx" in r.url] or admin_js
        budgets.append(("admin entry /admin/jasa/baru HTML+CSS+htmx",
                        [admin] + admin_css + a_htmx, BUDGETS_KB["admin"], ""))
    print(f"{'budget':<48} {'gzip KB':>8} {'br KB':>7} {'zstd KB':>7} {'budget':>7}  result")
    for name, res, budget, note in budgets:
        measured = total(res, "gzip")
        verdict = "PASS" if measured <= budget * KB else "OVER"
        if note:
            verdict += f"  ({note})"
        print(f"{name:<48} {kb(measured):>8} {kb(total(res, 'br')):>7} "
              f"{kb(total(res, 'zstd')):>7} {budget:>5} KB  {verdict}")
    if not admin:
        why = admin_error or "no --user given"
        print(f"{'admin entry /admin/jasa/baru HTML+CSS+htmx':<48} {'-':>8} {'-':>7} {'-':>7} "
              f"{BUDGETS_KB['admin']:>5} KB  SKIPPED ({why})")
    if on_demand:
        size = total(on_demand, "gzip")
        first_search = total([home] + css + js + on_demand + [fragment], "gzip")
        print(f"on demand, not in a first visit: {', '.join(r.label for r in on_demand)} "
              f"{kb(size)} KB gzip, fetched when the search form is first used; a first "
              f"live search then costs {kb(first_search)} KB in all (home first visit + htmx "
              f"+ one fragment)")
    elif not htmx:
        print("note: the home page links no script; first visit counts HTML + CSS only")
    worse = [f"{r.label} {n} +{v - r.gzip} B" for r in rows
             for n, v in (("br", r.br), ("zstd", r.zstd)) if v is not None and v > r.gzip]
    if worse:
        print("note: larger than gzip (see COMPRESS_BR_LEVEL, COMPRESS_ZSTD_LEVEL): "
              + "; ".join(worse))
    print()
    for line in fragment_breakdown(fragment, cards):
        print(line)
    print()
    try:
        for line in photo_weights(client, home, args.slot, args.dpr):
            print(line)
    except ConnectionFailure as exc:
        print(f"cannot reach the server: {exc}", file=sys.stderr)
        return 2
    if args.browser:
        print()
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pageweight_browser
        browser_args = ["--base", args.base, "--query", args.query]
        if args.instance:
            browser_args += ["--instance", args.instance]
        return pageweight_browser.main(browser_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
