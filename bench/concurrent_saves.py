"""Admins saving at the same moment (issue 10, points 1 and 1b): answers by status, lost saves.

    PYTHONPATH=. python bench/concurrent_saves.py                      # SQLite (temp file)
    PYTHONPATH=. python bench/concurrent_saves.py --database-url postgresql://postgres@127.0.0.1:5432/test

Serves the app with waitress on 127.0.0.1 (an ephemeral port) on a fresh database (a temp
SQLite file, or a throwaway schema of the given PostgreSQL database, dropped afterwards)
and prints:

saves    --sessions signed-in admins each post --saves new listings, all starting at
         one barrier: answers by HTTP status, listings stored, acknowledged (303) but lost.
rounds   two admins open the same listing, change different fields and post at the same
         instant, --rounds times: answers by status per round (303 + 200 with the conflict
         panel is right; 303 + 303 means one change was silently overwritten), and how
         many rounds lost a change.

A measurement, not a test: exit code 0 whatever the figures. tests/test_concurrent_saves.py
asserts the same behaviour.
"""
import argparse
import secrets
import sys
import tempfile
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from waitress import create_server

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import PASSWORD, form_payload  # noqa: E402  (the tests' entry-form data)
from test_conflict import form_values  # noqa: E402  (what a browser would submit)

from app import create_app  # noqa: E402
from app.db import database, release_database  # noqa: E402
from app.models import Listing, Unit  # noqa: E402
from app.security.accounts import create_user  # noqa: E402

TIMEOUT = 120


def postgres_schema(url: str):
    """Create a throwaway schema; return its URL and a function that drops it."""
    import psycopg2
    parts = urlsplit(url)
    name = "bench_" + secrets.token_hex(4)
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432,
                            user=parts.username or "postgres", dbname=parts.path.lstrip("/"))
    conn.autocommit = True
    conn.cursor().execute(f'CREATE SCHEMA "{name}"')
    query = urlencode(parse_qsl(parts.query) + [("options", f"-csearch_path={name}")])

    def drop():
        release_database()
        conn.cursor().execute(f'DROP SCHEMA "{name}" CASCADE')
        conn.close()
    return urlunsplit(parts._replace(query=query)), drop


def at_once(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=TIMEOUT)
        return job()
    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def signed_in(base, username):
    browser = requests.Session()
    browser.post(base + "/masuk", data={"username": username, "password": PASSWORD},
                 timeout=TIMEOUT)
    return browser


def saves(app, base, sessions, count):
    with app.app_context(), database.connection_context():
        payload = form_payload()
    browsers = [signed_in(base, f"petugas{n}") for n in range(sessions)]

    def job(number, browser):
        def run():
            answers = []
            for n in range(count):
                title = f"Jasa sesi {number} nomor {n}"
                response = browser.post(base + "/admin/jasa/baru",
                                        data=dict(payload, title=title),
                                        allow_redirects=False, timeout=TIMEOUT)
                answers.append((response.status_code, title))
            return answers
        return run
    answers = [a for one in at_once([job(i, b) for i, b in enumerate(browsers)]) for a in one]
    with database.connection_context():
        stored = {x.title for x in Listing.select(Listing.title)}
    acknowledged = {title for status, title in answers if status == 303}
    print(f"saves: {sessions} sessions x {count} saves: answers "
          f"{dict(sorted(Counter(s for s, _ in answers).items()))}; stored {len(stored)} of "
          f"{sessions * count}; acknowledged but lost {len(acknowledged - stored)}")


def rounds(app, base, count):
    with app.test_request_context(), database.connection_context():
        from conftest import listing_data

        from app.models import User
        from app.records import listings
        listing = listings.save_listing(None, None, listing_data(),
                                        User.get(User.username == "petugas0"))
    url = f"{base}/admin/jasa/{listing.id}/ubah"
    edits = [(signed_in(base, "petugas0"), "title", "Penjahit Kebaya {}"),
             (signed_in(base, "petugas1"), "price_hint", "mulai Rp{}.000")]
    pairs, lost = Counter(), 0
    for number in range(count):
        forms = [form_values(browser.get(url, timeout=TIMEOUT).text) for browser, *_ in edits]
        for form, (_, field, value) in zip(forms, edits):
            form[field] = value.format(number)

        def post(browser, form):
            return lambda: browser.post(url, data=form, allow_redirects=False, timeout=TIMEOUT)
        answers = at_once([post(b, f) for (b, *_), f in zip(edits, forms)])
        pairs[" + ".join(sorted(str(a.status_code) for a in answers))] += 1
        with database.connection_context():
            saved = Listing.get_by_id(listing.id)
        acknowledged = [(field, form[field])
                        for a, form, (_, field, _) in zip(answers, forms, edits)
                        if a.status_code == 303]
        lost += any(getattr(saved, field) != value for field, value in acknowledged)
        # The next round starts from what is stored, as both admins reload the page.
    print(f"rounds: {count} rounds of two simultaneous edits of one listing: "
          f"{dict(pairs)}; rounds where an acknowledged change was lost: {lost}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="raja-kemas-bench-"))
    drop = None
    url = args.database_url or "sqlite:///" + (folder / "bench.db").as_posix()
    if url.startswith("postgres"):
        url, drop = postgres_schema(url)
    app = create_app({"INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": url,
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with app.app_context(), database.connection_context():
        for n in range(max(args.sessions, 2)):
            create_user(Unit.select().first(), f"petugas{n}", PASSWORD, "admin", f"Petugas {n}")
    server = create_server(app, host="127.0.0.1", port=0, threads=args.sessions + 2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    print(f"database: {url.split('?')[0]}")
    try:
        saves(app, base, args.sessions, args.saves)
        rounds(app, base, args.rounds)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        if drop:
            drop()


if __name__ == "__main__":
    main()
