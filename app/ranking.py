"""The order of search results: by relevance, and the same on SQLite and PostgreSQL.

Candidates are ranked in Python from the words the search index holds for each of them,
so both databases give one order (their own scores, FTS5's bm25 and ts_rank, differ).
The order, as DESIGN.md's "Search" asks:

1. how many of the query's words the title holds as typed (not only a stem or prefix);
2. a bm25-like weight: title > description > category and area words, an exact word
   more than a stem or prefix, a rarer word among the candidates more than a common one;
3. shorter titles first;
4. newest, then the highest id.
"""
import math

from app.directory.search import (
    index_terms,
    indexed_terms,
    is_filter_term,
    query_words,
    stem,
    words,
)
from app.models import Listing

FIELD_WEIGHTS = {"title": 3.0, "description": 2.0, "context": 1.0}  # context: category, area
LOOSE = 0.6  # a stem or prefix match counts for this much of an exact word
K1, B = 1.2, 0.75  # bm25's usual constants


def _strength(word: str, prefix: bool, terms: set) -> float:
    if word in terms:
        return 1.0
    if stem(word) in terms or (prefix and any(t.startswith(word) for t in terms)):
        return LOOSE
    return 0.0


def _fields(listing, title_terms, body_terms) -> dict[str, set]:
    """Split a listing's indexed body into its description's words and the rest (category
    name and keywords, area, price): only words the index holds, so nothing hidden."""
    body = {t for t in body_terms if not is_filter_term(t)}
    description = body & set(index_terms(listing.description or "").split())
    return {"title": set(title_terms), "description": description,
            "context": body - description}


def rank(ids, text: str) -> list[int]:
    """Return `ids` (listings in the search index) in relevance order for the query `text`;
    with no words (filters alone, a category page), newest first."""
    query = query_words(text)
    rows = {x.id: x for x in Listing.select(Listing.id, Listing.title, Listing.updated_at,
                                            Listing.description).where(Listing.id.in_(list(ids)))}
    newest = sorted(rows, key=lambda i: (rows[i].updated_at, i), reverse=True)
    if not query or not rows:
        return newest
    terms = indexed_terms(newest)
    fields = {i: _fields(rows[i], *terms.get(i, ([], []))) for i in newest}
    last = len(query) - 1
    strength = {i: [{f: _strength(w, n == last, fields[i][f]) for f in FIELD_WEIGHTS}
                    for n, w in enumerate(query)] for i in fields}
    count = len(fields)
    average = {f: sum(len(x[f]) for x in fields.values()) / count or 1.0 for f in FIELD_WEIGHTS}
    idf = []
    for n in range(len(query)):  # how rare each word is in the candidates' own text
        df = sum(1 for i in fields if strength[i][n]["title"] or strength[i][n]["description"])
        idf.append(math.log(1 + (count - df + 0.5) / (df + 0.5)))

    def score(i) -> float:
        total = 0.0
        for n, found in enumerate(strength[i]):
            for f, weight in FIELD_WEIGHTS.items():
                if found[f]:
                    norm = 1 - B + B * len(fields[i][f]) / average[f]
                    total += idf[n] * weight * found[f] * (K1 + 1) / (1 + K1 * norm)
        return round(total, 9)

    typed = {i: len(set(query) & set(words(rows[i].title))) for i in newest}
    return sorted(newest, key=lambda i: (-typed[i], -score(i), len(words(rows[i].title))))
