"""Indonesian-aware full-text search over public listing text (SQLite FTS5 or PostgreSQL).

Each word is indexed both as written and as stemmed (PySastrawi), and a query
word matches either form, so stemming can only add matches. Category keywords
are indexed with every listing of the category: that is how synonyms work
(`cukur` finds *Pangkas Rambut*). User text is reduced to plain words before it
reaches MATCH (SQLite) or to_tsquery (PostgreSQL), so nothing typed is syntax.
Both backends index the same text and rank alike: title matches first, then newest.
"""
import re
import unicodedata
from functools import lru_cache

from peewee import SQL
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from .db import database, is_sqlite

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
STOPWORDS = {"di", "ke", "dari", "yang", "dan", "atau", "untuk", "dengan", "cari",
             "mau", "ada", "jasa", "the", "of", "in"}

_stemmer = StemmerFactory().create_stemmer()
_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case and strip accents: `Café` -> `cafe`."""
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


def listing_document(listing) -> tuple[str, str]:
    """Return the (title, body) text indexed for a listing: public fields only."""
    category = listing.category
    parts = [listing.description, category.name, category.keywords.replace("|", " "),
             listing.service_area, listing.price_hint]
    if listing.region_id:
        region = listing.region
        parts += [region.kecamatan, region.kabupaten, region.aliases.replace("|", " ")]
    return index_terms(listing.title), index_terms(" ".join(parts))


class _Fts5:
    """SQLite: the FTS5 table `listing_fts`, keyed by rowid = listing id."""

    @staticmethod
    def write(listing_id, title, body):
        database.execute_sql("DELETE FROM listing_fts WHERE rowid = ?", (listing_id,))
        database.execute_sql("INSERT INTO listing_fts (rowid, title, body) VALUES (?, ?, ?)",
                             (listing_id, title, body))

    @staticmethod
    def delete(listing_id=None):
        if listing_id is None:
            database.execute_sql("DELETE FROM listing_fts")
        else:
            database.execute_sql("DELETE FROM listing_fts WHERE rowid = ?", (listing_id,))

    @staticmethod
    def matching(text, title_only=False):
        expr = match_expression(text)
        if expr is None:
            return None
        return SQL("(SELECT rowid FROM listing_fts WHERE listing_fts MATCH ?)",
                   ["title : (" + expr + ")" if title_only else expr])


class _Tsvector:
    """PostgreSQL: `listing_search` holds to_tsvector('simple', ...) of the same words."""

    @staticmethod
    def write(listing_id, title, body):
        database.execute_sql(
            "INSERT INTO listing_search (listing_id, title, body) "
            "VALUES (%s, to_tsvector('simple', %s), to_tsvector('simple', %s)) "
            "ON CONFLICT (listing_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body",
            (listing_id, title, body))

    @staticmethod
    def delete(listing_id=None):
        if listing_id is None:
            database.execute_sql("DELETE FROM listing_search")
        else:
            database.execute_sql("DELETE FROM listing_search WHERE listing_id = %s", (listing_id,))

    @staticmethod
    def matching(text, title_only=False):
        expr = tsquery_expression(text)
        if expr is None:
            return None
        # (title || body) is what the GIN index of migration 0002 covers.
        column = "title" if title_only else "(title || body)"
        return SQL("(SELECT listing_id FROM listing_search "
                   f"WHERE {column} @@ to_tsquery('simple', %s))", [expr])


def _backend():
    return _Fts5 if is_sqlite() else _Tsvector


def index_listing(listing) -> None:
    """Write a listing's public words into the search index (replacing older ones)."""
    title, body = listing_document(listing)
    _backend().write(listing.id, title, body)


def remove_listing(listing_id: int) -> None:
    """Drop a listing from the search index."""
    _backend().delete(listing_id)


def reindex(listings) -> int:
    """Index the given listings again (after a category's keywords change, say)."""
    count = 0
    with database.atomic():
        for listing in listings:
            index_listing(listing)
            count += 1
    return count


def rebuild_index(listings) -> int:
    """Empty the search index and index the given listings (all of them, usually)."""
    with database.atomic():
        _backend().delete()
        return reindex(listings)


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


def filter_and_rank(query, listing_model, text: str):
    """Narrow a Listing query to matches of `text`, title matches first, then newest."""
    newest = (listing_model.updated_at.desc(), listing_model.id.desc())
    backend = _backend()
    matching = backend.matching(text)
    if matching is None:
        return query.order_by(*newest)
    title_hit = listing_model.id.in_(backend.matching(text, title_only=True))
    return query.where(listing_model.id.in_(matching)).order_by(title_hit.desc(), *newest)
