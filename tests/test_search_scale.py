"""The directory's fast paths (app/directory.py) give exactly the reference answer.

`find_public` counts no further than COUNT_CAP, ranks small match sets whole and walks
large ones along the updated_at index, and lets the search index answer the filters
(search.filter_terms). On a small database, with SMALL and COUNT_CAP patched low, every
path is taken; each must list the same listings in the same order as the plain query
`matching_listings(filters)`, page by page, and never show what the privacy rules hide.
"""
import dataclasses
import datetime as dt
import itertools

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, listing_data
from peewee import JOIN

from app.db import database
from app.directory import browse as directory
from app.directory import ranking, search, vocabulary
from app.directory.browse import SearchFilters, find_public, matching_listings
from app.models import Category, Consent, Listing, Region, Unit, User
from app.operations.migrate import migrate_database, runner
from app.records import consent
from app.records import listings as domain
from app.security.accounts import create_user

PER_PAGE = 5  # divides the patched COUNT_CAP (10), as 20 divides 200
# (SMALL, COUNT_CAP): walked (a small title group ranked whole) with a cap, ranked whole
# with a cap, always walked without one.
LIMITS = [(3, 10), (1000, 10), (0, 1000)]

NAMES = ["Amin", "Ani", "Budi", "Cici", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Indah",
         "Joko", "Kiki", "Lina", "Made", "Nur", "Oki", "Putri", "Rahmat", "Sinta", "Tono",
         "Umi", "Wati"]
TITLES = ["Penjahit Kebaya", "Permak Celana", "Salon Kebaya", "Sol Sepatu", "Bengkel Motor",
          "Kue Basah", "Kebaya Pengantin"]
DESCRIPTIONS = ["Menjahit kebaya pengantin dan baju adat.", "Permak jeans, ganti resleting.",
                "Sewa kebaya dan sepatu pesta.", "Servis motor harian, ganti oli.",
                "Tata rambut dan rias pengantin.", "Kue basah pesanan hajatan.",
                "Jahit sepatu dan tas kulit."]
CATEGORIES = ["menjahit", "salon-rias", "kerajinan", "bengkel-motor", "kue"]
KECAMATAN = ["76.04.03", "76.04.04", "76.05.01", "76.03.03", None]  # Wonomulyo, Polewali,
WONOMULYO = "76.04.03"                                                # Banggae, Mamasa


@pytest.fixture
def directory_data(app):
    """~30 listings in two units: varied words, places, dates; some the public may not see."""
    made = {}
    with app.test_request_context(), database.connection_context():
        admin = User.get(User.username == "admin")
        other_unit = Unit.create(name="Bapas Majene", slug="bapas-majene")
        other = create_user(other_unit, "majene", PASSWORD, "superadmin", "Made Petugas")
        categories = {c.slug: c.id for c in Category.select()}
        regions = {r.code: r.id for r in Region.select()}

        def add(key, i, title, description, category, kecamatan, user=admin, **extra):
            data = listing_data(
                title=title, description=description, category_id=categories[category],
                region_id=regions[kecamatan] if kecamatan else None,
                service_area="sekitar kota", display_name=f"Pak {NAMES[i % len(NAMES)]}",
                client_full_name=f"Klien Nomor {i}", client_register_number=f"PB-{i:03d}/2025",
                **extra)
            made[key] = domain.save_listing(None, None, data, user, None)

        for i, name in enumerate(NAMES):
            add(i, i, f"{TITLES[i % len(TITLES)]} {name}", DESCRIPTIONS[(i * 5) % 7],
                CATEGORIES[i % len(CATEGORIES)], KECAMATAN[(i * 3) % len(KECAMATAN)],
                user=other if i % 6 == 5 else admin)
        # Hidden in every way the public pages know, each with the searched words.
        add("draft", 30, "Penjahit Kebaya Draf", "Kebaya", "menjahit", WONOMULYO, publish=False)
        add("withdrawn", 31, "Kebaya Ditarik", "Kebaya sepatu", "menjahit", WONOMULYO)
        add("expired", 32, "Kebaya Kedaluwarsa", "Kebaya sepatu", "menjahit", WONOMULYO)
        add("deleted", 33, "Kebaya Dihapus", "Kebaya sepatu", "menjahit", WONOMULYO)
        add("no_area", 34, "Kebaya Rahasia Tempat", "Kebaya sepatu", "menjahit", WONOMULYO,
            consent_scope_area=False)
        Consent.update(withdrawn_at=dt.datetime.now()).where(
            Consent.client == made["withdrawn"].client_id).execute()
        Listing.update(publish_until=dt.date.today() - dt.timedelta(days=1)).where(
            Listing.id == made["expired"].id).execute()
        domain.delete_listing(Listing.get_by_id(made["deleted"].id), admin)
        # Newest is not the order of creation; some listings share a timestamp (id decides).
        base = dt.datetime(2025, 6, 1, 8, 0)
        for n, (key, listing) in enumerate(made.items()):
            Listing.update(updated_at=base + dt.timedelta(hours=(n * 11) % 17)).where(
                Listing.id == listing.id).execute()
    return made


def cases():
    """Filter combinations the public form and the unit pages can make."""
    words = ["", "kebaya", "keb", "kebaya pengantin", "sepatu", "tidakada", "!!!", "di"]
    filters = [{}, {"category": "menjahit"},
               {"kabupaten": "Polewali Mandar"}, {"kabupaten": "Majene"},
               {"kecamatan": WONOMULYO},
               {"kabupaten": "Majene", "kecamatan": WONOMULYO},  # the kecamatan wins
               {"unit": "bapas-polewali"}, {"unit": "bapas-majene"},
               {"unit": "bapas-polewali", "category": "menjahit", "kabupaten": "Polewali Mandar"},
               {"category": "tidak-ada"}, {"kecamatan": "99.99.99"}, {"unit": "tidak-ada"}]
    return [dict(q=q, **f) for q, f in itertools.product(words, filters)]


def reference(filters: SearchFilters, per_page: int):
    """(total, ids of each page): every match by the plain query, in the documented order.

    A corrected or shortened query is searched as find_public would (app/directory/vocabulary.py).
    Up to SMALL matches in the index are ranked whole by relevance (app/directory/ranking.py); more
    are the title matches (ranked whole if up to SMALL, else newest first), then the rest,
    newest first.
    """
    if filters.q and search.query_words(filters.q):
        filters = dataclasses.replace(filters, q=vocabulary.interpret(filters.q).q)
    newest = [x.id for x in matching_listings(filters).order_by(Listing.updated_at.desc(),
                                                                 Listing.id.desc())]
    q = filters.q if search.query_words(filters.q) else ""
    tags = directory._filter_tags(filters)
    if not q and not tags:
        ranked = newest
    elif search.count_matching(q, False, tags, 10**6) <= directory.SMALL:
        ranked = ranking.rank(newest, q)
    elif not q:
        ranked = newest
    else:
        in_title = {x.id for x in matching_listings(filters).where(
            Listing.id.in_(search.matching(q, True, tags)))}
        title = [i for i in newest if i in in_title]
        if search.count_matching(q, True, tags, 10**6) <= directory.SMALL:
            title = ranking.rank(title, q)
        ranked = title + [i for i in newest if i not in in_title]
    total = len(ranked)
    pages = [ranked[start:start + per_page] for start in range(0, max(total, 1), per_page)]
    return total, pages


def check_same_as_reference(filters: SearchFilters, per_page: int, expected=None):
    """find_public's every page (and one past the last) against the reference.

    The count stops at COUNT_CAP rounded up to whole pages, so the last page is full.
    """
    cap = -(-directory.COUNT_CAP // per_page) * per_page
    total, pages = expected or reference(filters, per_page)
    shown_pages = max((min(total, cap) + per_page - 1) // per_page, 1)
    for page in range(1, shown_pages + 2):  # one past the end: the last page again
        found = find_public(dataclasses.replace(filters, page=page), per_page)
        label = (filters, page, directory.SMALL, cap)
        assert found.more == (total > cap), label
        assert found.total == (cap + 1 if total > cap else total), label
        assert found.pages == shown_pages, label
        assert found.page == min(page, shown_pages), label
        assert [x.id for x in found.items] == pages[found.page - 1], label


def test_every_path_gives_the_reference_answer(db, directory_data, monkeypatch):
    paths = set()  # every way ids are read (walked newest first, ranked): both must be used
    walked_ids, small_group = directory._Search.walk, directory._Search.newest

    def spy_walk(self, group, limit, offset=0):
        paths.add("walked")
        return walked_ids(self, group, limit, offset)

    def spy_small(self, group, limit):
        paths.add("ranked")
        return small_group(self, group, limit)
    monkeypatch.setattr(directory._Search, "walk", spy_walk)
    monkeypatch.setattr(directory._Search, "newest", spy_small)
    hidden = {directory_data[k].id for k in ("draft", "withdrawn", "expired", "deleted")}
    assert matching_listings(SearchFilters(q="kebaya")).count() > 10  # more than the cap
    assert matching_listings(SearchFilters()).count() > 20  # more than a page per group
    for small, cap in LIMITS:  # the reference order depends on SMALL: see reference()
        monkeypatch.setattr(directory, "SMALL", small)
        monkeypatch.setattr(directory, "COUNT_CAP", cap)
        for case in cases():
            check_same_as_reference(SearchFilters(**case), PER_PAGE)
        everything = find_public(SearchFilters(q="kebaya"), 100)
        assert not hidden & {x.id for x in everything.items}
    assert paths == {"walked", "ranked"}


def test_last_capped_page_when_page_size_does_not_divide_the_cap(db, directory_data,
                                                                 monkeypatch):
    monkeypatch.setattr(directory, "COUNT_CAP", 10)
    for small in (3, 0, 1000):
        monkeypatch.setattr(directory, "SMALL", small)
        for case in [dict(q="kebaya"), dict(unit="bapas-polewali"), dict()]:
            check_same_as_reference(SearchFilters(**case), 4)


@pytest.mark.parametrize("small", [0, 1000])  # walked in two groups, or ranked whole
def test_title_matches_rank_before_newer_body_matches(db, directory_data, monkeypatch, small):
    monkeypatch.setattr(directory, "SMALL", small)
    ids = []
    for page in range(1, 5):
        ids += [x.id for x in find_public(SearchFilters(q="sepatu", page=page), 3).items]
    listings = {x.id: x for x in Listing.select().where(Listing.id.in_(ids))}
    assert len(set(ids)) == len(ids) == matching_listings(SearchFilters(q="sepatu")).count()
    in_title = ["sepatu" in listings[i].title.lower() for i in ids]
    assert in_title == sorted(in_title, reverse=True) and any(in_title) and not all(in_title)
    titled = [listings[i].updated_at for i in ids if "sepatu" in listings[i].title.lower()]
    body_only = [listings[i].updated_at for i in ids if "sepatu" not in listings[i].title.lower()]
    if not small:  # walked: too many to rank by relevance, newest first in each group
        assert titled == sorted(titled, reverse=True)
        assert body_only == sorted(body_only, reverse=True)
    assert max(body_only) > min(titled)  # a newer description match still comes after


def test_results_page_says_more_than_the_cap_and_offers_only_capped_pages(
        app, directory_data, monkeypatch):
    monkeypatch.setattr(directory, "SMALL", 3)
    monkeypatch.setattr(directory, "COUNT_CAP", 7)  # counted to 8: two whole pages of 4
    app.config["PAGE_SIZE"] = 4
    public = app.test_client()
    first = public.get("/?q=kebaya")
    assert "Lebih dari 8 jasa" in first.text  # 11 match "kebaya"
    assert "Halaman 1 dari 2" in first.text
    last = BeautifulSoup(public.get("/?q=kebaya&hal=99").text, "html.parser")
    assert "Halaman 2 dari 2" in last.select_one("nav.pages").get_text()
    assert not last.select('nav.pages a[rel="next"]')
    assert 0 < len(last.select("#results .card")) <= 4
    few = public.get("/?q=kebaya&kategori=salon-rias").text
    assert "Lebih dari" not in few and "jasa" in few


def test_kecamatan_filter_never_reveals_a_hidden_area(db, directory_data, monkeypatch):
    secret = directory_data["no_area"].id
    # The listing itself is public (its area is not), and matches its words.
    assert secret in {x.id for x in find_public(SearchFilters(q="rahasia"), 50).items}
    for small, cap in LIMITS:
        monkeypatch.setattr(directory, "SMALL", small)
        monkeypatch.setattr(directory, "COUNT_CAP", cap)
        for case in [dict(kecamatan=WONOMULYO), dict(q="kebaya", kecamatan=WONOMULYO),
                     dict(q="rahasia", kecamatan=WONOMULYO), dict(kabupaten="Polewali Mandar"),
                     dict(q="rahasia", kabupaten="Polewali Mandar"),
                     dict(q="kebaya", kecamatan=WONOMULYO, category="menjahit"),
                     dict(q="rahasia", kecamatan=WONOMULYO, unit="bapas-polewali")]:
            for page in range(1, 5):
                found = find_public(SearchFilters(page=page, **case), PER_PAGE)
                assert secret not in {x.id for x in found.items}, (case, small, cap)
    public = [x for x in find_public(SearchFilters(q="rahasia"), 50).items if x.id == secret]
    assert public[0].region_label == "" and public[0].service_area == ""


def test_a_hidden_area_is_not_in_the_search_index(app, directory_data):
    """A place name or the service area must not find a listing whose consent hides its
    area: the result would tell where the client lives or works."""
    secret = directory_data["no_area"].id
    with app.test_request_context(), database.connection_context():
        def found(q):  # searched as typed: what the index holds
            return secret in {x.id for x in find_public(SearchFilters(q=q, exact=True), 50).items}
        assert found("rahasia")
        assert not found("wonomulyo") and not found("rahasia wonomulyo")
        assert not found("rahasia sekitar kota")  # its service area
        assert not found("rahasia polewali mandar")
        # As people search, the place is left out, and the page says so: still no hint.
        page = find_public(SearchFilters(q="rahasia wonomulyo"), 50)
        assert secret not in {x.id for x in page.items} or "wonomulyo" in page.searched.dropped
        # A new consent version that shows the area puts the place words in the index.
        client = Listing.get_by_id(secret).client
        consent.record_consent(client, {"given_on": dt.date.today(), "method": "formulir",
                                        "officer_name": "Andi", "scope_area": True},
                               User.get(User.username == "admin"))
        assert found("rahasia wonomulyo")


def test_public_page_kecamatan_filter_hides_the_area(app, directory_data, monkeypatch):
    monkeypatch.setattr(directory, "SMALL", 3)
    monkeypatch.setattr(directory, "COUNT_CAP", 10)
    public = app.test_client()
    assert "Kebaya Rahasia Tempat" in public.get("/?q=rahasia").text
    for url in (f"/?q=rahasia&kecamatan={WONOMULYO}", f"/?kecamatan={WONOMULYO}&hal=2",
                "/?q=rahasia&kabupaten=Polewali+Mandar",
                f"/kategori/menjahit?kecamatan={WONOMULYO}",
                f"/u/bapas-polewali/?q=rahasia&kecamatan={WONOMULYO}"):
        page = public.get(url)
        assert page.status_code == 200 and "Kebaya Rahasia Tempat" not in page.text, url


def _drop_filter_terms():
    """Write the index as before migration 0008: the same words, no filter terms."""
    query = (Listing.select(Listing, Category, Region).join(Category).switch(Listing)
             .join(Region, JOIN.LEFT_OUTER).where(Listing.deleted_at.is_null()))
    for listing in query:
        title, body, *ranking_words = search.listing_document(listing)
        body = " ".join(w for w in body.split() if not w.startswith(("zunit", "zcat", "zkec",
                                                                      "zkab")))
        search._backend().write(listing.id, (title, body, *ranking_words))


def _filtered_cases():
    return [dict(q="kebaya", kabupaten="Majene"), dict(q="kebaya", kecamatan=WONOMULYO),
            dict(q="sepatu", category="kerajinan"), dict(kabupaten="Polewali Mandar"),
            dict(q="sepatu", unit="bapas-majene"), dict(unit="bapas-polewali")]


def test_reindex_keeps_filtered_searches_working(app, runner, directory_data, monkeypatch):
    monkeypatch.setattr(directory, "SMALL", 3)
    monkeypatch.setattr(directory, "COUNT_CAP", 10)
    with database.connection_context():
        _drop_filter_terms()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    with app.test_request_context(), database.connection_context():
        for case in _filtered_cases():
            assert matching_listings(SearchFilters(**case)).count() > 0, case
            check_same_as_reference(SearchFilters(**case), PER_PAGE)
        assert search.rebuild_all() == len(directory_data) - 1  # not the deleted one
        for case in _filtered_cases():
            check_same_as_reference(SearchFilters(**case), PER_PAGE)


def test_migration_0008_adds_filter_terms_for_listings_made_before(app, directory_data,
                                                                  monkeypatch):
    monkeypatch.setattr(directory, "SMALL", 3)
    monkeypatch.setattr(directory, "COUNT_CAP", 10)
    with app.test_request_context(), database.connection_context():
        # As if an older version had run: 0008 not applied, its terms not in the index.
        history = runner().History
        history.delete().where(history.name == "0008_search_filter_terms").execute()
        _drop_filter_terms()  # the index an older version left behind
        majene = SearchFilters(q="kebaya", kabupaten="Majene")
        assert matching_listings(majene).count() > 0
        assert find_public(majene, PER_PAGE).items == []  # the terms are needed...
        assert migrate_database() == ["0008_search_filter_terms"]
        assert find_public(majene, PER_PAGE).items  # ...and the migration wrote them
        for case in _filtered_cases():
            check_same_as_reference(SearchFilters(**case), PER_PAGE)
