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

from app.directory.search import indexed_terms, query_words, stem, words
from app.models import Listing

FIELD_WEIGHTS = {"title": 3.0, "description": 2.0, "context": 1.0}  # context: category, area
LOOSE = 0.6  # a stem or prefix match counts for this much of an exact word
K1, B = 1.2, 0.75  # bm25's usual constants


def _strength(word: str, loose: set, terms: set, outside: set = frozenset()) -> float:
    """1 if `terms` hold the word itself, LOOSE if only a stem or prefix form, else 0
    (words also in `outside` do not count)."""
    if word in terms and word not in outside:
        return 1.0
    hits = terms & loose
    return LOOSE if hits and not hits <= outside else 0.0


def _loose_forms(word: str, prefix: bool, known: set) -> set:
    """The index words that match `word` by its stem, or as its prefix (the last word)."""
    forms = {stem(word)}
    if prefix:
        forms |= {t for t in known if t.startswith(word)}
    forms.discard(word)
    return forms


class _Candidate:
    """A listing's index words by field: title; description (the body words its
    description holds); context, the rest of the body (category words, area, price).
    Only words the index holds, so nothing the public may not see."""
    __slots__ = ("title", "body", "description", "lengths")

    def __init__(self, description: str, title_terms, body_terms):
        self.title, self.body = set(title_terms), set(body_terms)
        written = set(words(description))
        written.update([stem(w) for w in written])  # as index_terms writes them
        self.description = self.body & written
        self.lengths = (len(self.title), len(self.description),
                        len(self.body) - len(self.description))

    def strengths(self, word: str, loose: set) -> tuple[float, float, float]:
        return (_strength(word, loose, self.title), _strength(word, loose, self.description),
                _strength(word, loose, self.body, self.description))


def _by_relevance(ids: list[int], query: list[str], rows: dict) -> list[int]:
    """Order one tier (`ids`, newest first) by the bm25-like score, then shorter titles.
    How rare a word is and the average field lengths are the tier's own."""
    terms = indexed_terms(ids)
    found = {i: _Candidate(rows[i][2] or "", *terms.get(i, ([], []))) for i in ids}
    known = set().union(*(c.title | c.body for c in found.values()))
    loose = [_loose_forms(w, n == len(query) - 1, known) for n, w in enumerate(query)]
    strength = {i: [c.strengths(w, loose[n]) for n, w in enumerate(query)]
                for i, c in found.items()}
    count = len(found)
    average = [sum(c.lengths[f] for c in found.values()) / count or 1.0 for f in range(3)]
    weights = list(FIELD_WEIGHTS.values())
    idf = []
    for n in range(len(query)):  # how rare each word is in the candidates' own text
        df = sum(1 for i in found if strength[i][n][0] or strength[i][n][1])
        idf.append(math.log(1 + (count - df + 0.5) / (df + 0.5)))

    def score(i) -> float:
        lengths, total = found[i].lengths, 0.0
        for n, by_field in enumerate(strength[i]):
            for f, value in enumerate(by_field):
                if value:
                    norm = 1 - B + B * lengths[f] / average[f]
                    total += idf[n] * weights[f] * value * (K1 + 1) / (1 + K1 * norm)
        return round(total, 9)

    return sorted(ids, key=lambda i: (-score(i), len(words(rows[i][0]))))


def rank(ids, text: str, upto: int | None = None) -> list[int]:
    """Return `ids` (listings in the search index) in relevance order for the query `text`;
    with no words (filters alone, a category page), newest first.

    Tiers by how many query words the title holds as typed; each tier ordered by
    _by_relevance. With `upto`, only the tiers holding the first `upto` places are scored
    (the rest stay newest first): a page needs no more, and the places it shows are the
    same as in the full order.
    """
    query = query_words(text)
    rows = {i: (title, updated_at, description) for i, title, updated_at, description in
            Listing.select(Listing.id, Listing.title, Listing.updated_at, Listing.description)
            .where(Listing.id.in_(list(ids))).tuples()}
    newest = sorted(rows, key=lambda i: (rows[i][1], i), reverse=True)
    if not query or not rows:
        return newest
    wanted = set(query)
    tiers = {}
    for i in newest:
        tiers.setdefault(len(wanted & set(words(rows[i][0]))), []).append(i)
    ranked = []
    for typed in sorted(tiers, reverse=True):
        tier = tiers[typed]
        ranked += tier if upto is not None and len(ranked) >= upto else (
            _by_relevance(tier, query, rows))
    return ranked
