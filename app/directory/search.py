"""Indonesian-aware full-text search over public listing text (SQLite FTS5 or PostgreSQL).

Each word is indexed both as written and as stemmed (PySastrawi), and a query
word matches either form, so stemming can only add matches. Category keywords
are indexed with every listing of the category: that is how synonyms work
(`cukur` finds *Pangkas Rambut*). User text is reduced to plain words before it
reaches MATCH (SQLite) or to_tsquery (PostgreSQL), so nothing typed is syntax.
Both backends index the same text; the public order by relevance is app/directory/ranking.py's,
made from these index words so that it is the same on both.
"""
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from peewee import SQL
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from app.db import database, ids_value, is_sqlite, write_transaction

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
STOPWORDS = {"di", "ke", "dari", "yang", "dan", "atau", "untuk", "dengan", "cari",
             "mau", "ada", "jasa", "the", "of", "in"}

_stemmer = StemmerFactory().create_stemmer()
_WORD = re.compile(r"[a-z0-9]+")
_LEXEME = re.compile(r"'([a-z0-9]+)'")  # a tsvector as text: 'jahit':2 'penjahit':1


def normalize(text: str) -> str:
    """Lower-case and strip accents: `Café` -> `cafe`."""
    if (text or "").isascii():  # most text: nothing to decompose (10 times faster)
        return (text or "").lower()
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Return the plain words of a text: normalised, letters and digits only."""
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """Return a word's Indonesian stem (PySastrawi), or the word itself."""
    return _stemmer.stem(word) or word


def index_terms(text: str) -> str:
    """Return the words of `text`, each followed by its stem where that differs."""
    seen, out = set(), []
    for word in words(text):
        for term in (word, stem(word)):
            if term not in seen:
                seen.add(term)
                out.append(term)
    return " ".join(out)


def filter_terms(unit_id=None, category_id=None, region_id=None, kabupaten=None) -> list[str]:
    """Index words for the public filters, so the index answers "jahit in Mamuju" alone.

    Without them a filtered search reads every listing matching the words, or every
    listing in the kabupaten, to find the few that match both.
    """
    terms = []
    if unit_id is not None:
        terms.append(f"zunit{unit_id}")
    if category_id is not None:
        terms.append(f"zcat{category_id}")
    if region_id is not None:
        terms.append(f"zkec{region_id}")
    if kabupaten is not None:
        terms.append("zkab" + "".join(words(kabupaten)))
    return terms


def shows_area(listing) -> bool:
    """Whether the client's consent in force shows the listing's area (kecamatan, service
    area). If not, the area's words stay out of the index: else a search for a place name
    (or its filter) would reveal what the public page hides."""
    from app.models import Consent
    newest = (Consent.select(Consent.scope_area).where(Consent.client == listing.client_id)
              .order_by(Consent.id.desc()).first())
    return bool(newest and newest.scope_area)


class Indexed(NamedTuple):
    """What the index holds for a listing, as lists of words. Title and body are searched;
    the title's words as written and the description's own index words (words and stems)
    are only kept for the relevance order (app/directory/ranking.py)."""
    title: list[str]
    body: list[str]
    title_words: list[str]
    description: list[str]


def listing_document(listing) -> tuple[str, str, str, str]:
    """Return the text indexed for a listing (Indexed's fields): public fields only."""
    category = listing.category
    parts = [listing.description, category.name, category.keywords.replace("|", " "),
             category.keywords_en.replace("|", " "), listing.price_hint]
    area = shows_area(listing)
    region = listing.region if listing.region_id and area else None
    if area:
        parts.append(listing.service_area)
    if region:
        parts += [region.kecamatan, region.kabupaten, region.aliases.replace("|", " ")]
    tags = filter_terms(listing.unit_id, listing.category_id, region.id if region else None,
                        region.kabupaten if region else None)
    return (index_terms(listing.title), " ".join([index_terms(" ".join(parts)), *tags]),
            " ".join(words(listing.title)), index_terms(listing.description))


class _Fts5:
    """SQLite: the FTS5 table `listing_fts`, keyed by rowid = listing id."""

    @staticmethod
    def write(listing_id, document):
        database.execute_sql("DELETE FROM listing_fts WHERE rowid = ?", (listing_id,))
        database.execute_sql("INSERT INTO listing_fts (rowid, title, body, title_words, "
                             "description) VALUES (?, ?, ?, ?, ?)", (listing_id, *document))

    @staticmethod
    def delete(listing_id=None):
        if listing_id is None:
            database.execute_sql("DELETE FROM listing_fts")
        else:
            database.execute_sql("DELETE FROM listing_fts WHERE rowid = ?", (listing_id,))

    @staticmethod
    def expression(text, title_only, tags):
        expr = match_expression(text)
        if expr is not None and title_only:
            expr = "title : (" + expr + ")"
        parts = ([expr] if expr else []) + [f'"{tag}"' for tag in tags]
        return " AND ".join(parts) or None

    @classmethod
    def matching(cls, text, title_only=False, tags=()):
        expr = cls.expression(text, title_only, tags)
        if expr is None:
            return None
        return "(SELECT rowid FROM listing_fts WHERE listing_fts MATCH ?)", [expr]

    @classmethod
    def count(cls, text, title_only, tags, limit):
        return database.execute_sql(
            "SELECT count(*) FROM (SELECT rowid FROM listing_fts WHERE listing_fts MATCH ? "
            "LIMIT ?)", [cls.expression(text, title_only, tags), limit]).fetchone()[0]

    @staticmethod
    def stream(id_sql, params):
        cursor = database.execute_sql(
            f"SELECT title, body FROM listing_fts WHERE rowid IN ({id_sql})", params)
        for title, body in cursor:
            yield title.split(), body.split()

    @staticmethod
    def read(ids):
        rows = database.execute_sql(
            "SELECT rowid, title, body, title_words, description FROM listing_fts "
            "WHERE rowid IN (SELECT value FROM json_each(?))", [ids])
        return {i: Indexed(*(text.split() for text in texts)) for i, *texts in rows}


class _Tsvector:
    """PostgreSQL: `listing_search` holds to_tsvector('simple', ...) of the same words."""

    @staticmethod
    def write(listing_id, document):
        database.execute_sql(
            "INSERT INTO listing_search (listing_id, title, body, title_words, description) "
            "VALUES (%s, to_tsvector('simple', %s), to_tsvector('simple', %s), %s, %s) "
            "ON CONFLICT (listing_id) DO UPDATE SET title = EXCLUDED.title, "
            "body = EXCLUDED.body, title_words = EXCLUDED.title_words, "
            "description = EXCLUDED.description", (listing_id, *document))

    @staticmethod
    def delete(listing_id=None):
        if listing_id is None:
            database.execute_sql("DELETE FROM listing_search")
        else:
            database.execute_sql("DELETE FROM listing_search WHERE listing_id = %s", (listing_id,))

    @staticmethod
    def condition(text, title_only, tags):
        """WHERE text and its parameters, or None. (title || body) and title are what
        the GIN indexes of migration 0002 cover."""
        expr = tsquery_expression(text)
        conditions, params = [], []
        if expr is not None:
            conditions.append(("title" if title_only else "(title || body)")
                              + " @@ to_tsquery('simple', %s)")
            params.append(expr)
        if tags:
            conditions.append("(title || body) @@ to_tsquery('simple', %s)")
            params.append(" & ".join(tags))
        return (" AND ".join(conditions), params) if conditions else None

    @classmethod
    def matching(cls, text, title_only=False, tags=()):
        found = cls.condition(text, title_only, tags)
        if found is None:
            return None
        return f"(SELECT listing_id FROM listing_search WHERE {found[0]})", found[1]

    @staticmethod
    def stream(id_sql, params):
        cursor = database.execute_sql(
            f"SELECT title::text, body::text FROM listing_search WHERE listing_id IN ({id_sql})",
            params)
        for title, body in cursor:
            yield _LEXEME.findall(title), _LEXEME.findall(body)

    @staticmethod
    def read(ids):
        rows = database.execute_sql(
            "SELECT listing_id, title::text, body::text, title_words, description "
            "FROM listing_search WHERE listing_id = ANY(%s)", (list(ids),))
        return {i: Indexed(_LEXEME.findall(title), _LEXEME.findall(body), title_words.split(),
                           description.split())
                for i, title, body, title_words, description in rows}

    @classmethod
    def count(cls, text, title_only, tags, limit):
        where, params = cls.condition(text, title_only, tags)
        return database.execute_sql(
            f"SELECT count(*) FROM (SELECT listing_id FROM listing_search WHERE {where} "
            "LIMIT %s) AS found", [*params, limit]).fetchone()[0]


def _backend():
    return _Fts5 if is_sqlite() else _Tsvector


def index_listing(listing) -> None:
    """Write a listing's public words into the search index (replacing older ones)."""
    _backend().write(listing.id, listing_document(listing))


def remove_listing(listing_id: int) -> None:
    """Drop a listing from the search index."""
    _backend().delete(listing_id)


@write_transaction
def reindex(listings) -> int:
    """Index the given listings again (after a category's keywords change, say)."""
    count = 0
    for listing in listings:
        index_listing(listing)
        count += 1
    return count


def rebuild_index(listings) -> int:
    """Empty the search index and index the given listings (all of them, usually)."""
    @write_transaction
    def rebuild():
        _backend().delete()
        return reindex(listings)
    count = rebuild()
    if is_sqlite():  # merge FTS5's segments into one: searches at 100,000 listings ~35% faster
        database.execute_sql("INSERT INTO listing_fts (listing_fts) VALUES ('optimize')")
    return count


def rebuild_all() -> int:
    """Index again every listing not in the bin (drafts too, as on save: publishing one
    needs no reindex); rows of deleted or vanished listings are dropped."""
    from peewee import JOIN

    from app.models import Category, Listing, Region
    return rebuild_index(Listing.select(Listing, Category, Region).join(Category)
                         .switch(Listing).join(Region, JOIN.LEFT_OUTER)
                         .where(Listing.deleted_at.is_null()).order_by(Listing.id))


def query_words(query: str) -> list[str]:
    """Return the words of a query that are searched for: no stopwords, at most eight."""
    found = words((query or "")[:MAX_QUERY_CHARS])
    kept = [w for w in found if w not in STOPWORDS] or found
    return kept[:MAX_QUERY_WORDS]


def match_expression(query: str) -> str | None:
    """Turn what a person typed into a safe FTS5 expression, or None if no words.

    Every word must match, as written or stemmed; the last one also as a prefix,
    because people are still typing it.
    """
    kept = query_words(query)
    if not kept:
        return None
    groups = []
    for i, word in enumerate(kept):
        options = {f'"{word}"', f'"{stem(word)}"'}
        if i == len(kept) - 1:
            options.add(f'"{word}" *')
        groups.append("(" + " OR ".join(sorted(options)) + ")")
    return " AND ".join(groups)


def tsquery_expression(query: str) -> str | None:
    """Turn what a person typed into to_tsquery('simple', ...) text, or None if no words.

    The same rule as match_expression: words are only [a-z0-9], so none is syntax.
    """
    kept = query_words(query)
    if not kept:
        return None
    groups = []
    for i, word in enumerate(kept):
        options = {word, stem(word)}
        if i == len(kept) - 1:
            options.add(word + ":*")
        groups.append("(" + " | ".join(sorted(options)) + ")")
    return " & ".join(groups)


def matching_sql(text: str, title_only: bool = False, tags=()) -> tuple[str, list] | None:
    """The SQL and parameters of `matching`'s subquery; None when there is no subquery."""
    return _backend().matching(text, title_only, tuple(tags))


def matching(text: str, title_only: bool = False, tags=()):
    """A subquery of the ids of listings whose words match `text` and that carry every
    filter term of `tags` (filter_terms); None when there is neither."""
    found = matching_sql(text, title_only, tags)
    return SQL(*found) if found else None


def terms_of(id_query):
    """Yield the (title terms, body terms) of each listing `id_query` (a query selecting
    listing ids) finds, one row at a time: the index of 100,000 listings is never held in
    memory at once."""
    sql, params = id_query.sql()
    yield from _backend().stream(sql, params)


def indexed_terms(ids) -> dict[int, Indexed]:
    """What the index holds for each listing id (a ranking's candidates: a few hundred)."""
    return _backend().read(ids_value(ids))


def is_filter_term(term: str) -> bool:
    """Whether an indexed term is a filter word (filter_terms), not a word of the text."""
    return term.startswith(("zunit", "zcat", "zkec", "zkab"))


def count_matching(text: str, title_only: bool = False, tags=(), limit: int = 1000) -> int:
    """How many indexed listings (drafts included) `matching` finds, counting up to `limit`."""
    return _backend().count(text, title_only, tuple(tags), limit)


def filter_and_rank(query, listing_model, text: str):
    """Narrow a Listing query to matches of `text`, title matches first, then newest: the
    plain SQL order (open data); the public pages rank by relevance (app/directory/ranking.py)."""
    newest = (listing_model.updated_at.desc(), listing_model.id.desc())
    found = matching(text)
    if found is None:
        return query.order_by(*newest)
    title_hit = listing_model.id.in_(matching(text, title_only=True))
    return query.where(listing_model.id.in_(found)).order_by(title_hit.desc(), *newest)
