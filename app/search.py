"""Indonesian-aware full-text search over public listing text (SQLite FTS5).

Each word is indexed both as written and as stemmed (PySastrawi), and a query
word matches either form, so stemming can only add matches. Category keywords
are indexed with every listing of the category: that is how synonyms work
(`cukur` finds *Pangkas Rambut*). User text is reduced to plain words and
quoted before it reaches MATCH, so nothing typed is FTS syntax.
"""
import re
import unicodedata
from functools import lru_cache

from peewee import SQL
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from .db import database

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
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
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


def index_listing(listing) -> None:
    title, body = listing_document(listing)
    database.execute_sql("DELETE FROM listing_fts WHERE rowid = ?", (listing.id,))
    database.execute_sql("INSERT INTO listing_fts (rowid, title, body) VALUES (?, ?, ?)",
                         (listing.id, title, body))


def remove_listing(listing_id: int) -> None:
    database.execute_sql("DELETE FROM listing_fts WHERE rowid = ?", (listing_id,))


def reindex(listings) -> int:
    """Index the given listings again (after a category's keywords change, say)."""
    count = 0
    with database.atomic():
        for listing in listings:
            index_listing(listing)
            count += 1
    return count


def match_expression(query: str) -> str | None:
    """Turn what a person typed into a safe FTS5 expression, or None if no words.

    Every word must match, as written or stemmed; the last one also as a prefix,
    because people are still typing it.
    """
    found = words((query or "")[:MAX_QUERY_CHARS])
    kept = [w for w in found if w not in STOPWORDS] or found
    kept = kept[:MAX_QUERY_WORDS]
    if not kept:
        return None
    groups = []
    for i, word in enumerate(kept):
        options = {f'"{word}"', f'"{stem(word)}"'}
        if i == len(kept) - 1:
            options.add(f'"{word}" *')
        groups.append("(" + " OR ".join(sorted(options)) + ")")
    return " AND ".join(groups)


def filter_and_rank(query, listing_model, text: str):
    """Narrow a Listing query to matches of `text`, title matches first, then newest."""
    expr = match_expression(text)
    if expr is None:
        return query.order_by(listing_model.updated_at.desc())
    matching = "(SELECT rowid FROM listing_fts WHERE listing_fts MATCH ?)"
    in_index = listing_model.id.in_(SQL(matching, [expr]))
    title_hit = listing_model.id.in_(SQL(matching, ["title : (" + expr + ")"]))
    return query.where(in_index).order_by(title_hit.desc(), listing_model.updated_at.desc())
