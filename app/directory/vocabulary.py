"""The words of the public listings: what a search word that finds nothing is corrected to.

Only what the public sees: the index words of the listings that
`publishing.public_listings` shows today (the index itself leaves out an area the
consent hides, and no name or client data is indexed), so a correction can never reveal
hidden or unpublished text. Kept per app process and made again when the public data
version (migration 0007, app/page_cache.py) or the date changes.
"""
import bisect
import csv
import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from peewee import fn

from app.config import DATA_DIR
from app.directory.lookups import lookups
from app.directory.publishing import public_listings
from app.directory.search import (
    count_matching,
    index_terms,
    is_filter_term,
    query_words,
    stem,
    terms_of,
    words,
)
from app.models import Category, Listing
from app.web.page_cache import public_data_version

_lock = threading.Lock()


def _abbreviations() -> dict[str, str]:
    with open(DATA_DIR / "singkatan.csv", encoding="utf-8", newline="") as fh:
        return {row["singkatan"]: row["kata"] for row in csv.DictReader(fh)}


ABBREVIATIONS = _abbreviations()  # `ultah` -> `ulang tahun`


def max_typos(word: str) -> int:
    """Edits forgiven in a word: none below 4 letters, 1 up to 7, 2 from 8."""
    return 0 if len(word) < 4 else 1 if len(word) <= 7 else 2


@dataclass
class Vocabulary:
    frequency: dict[str, int]  # index word -> how many public listings hold it
    title_frequency: dict[str, int]  # the same, in titles
    category_listings: dict[int, int]  # category id -> public listings
    sorted_terms: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.sorted_terms = sorted(self.frequency)

    def matches(self, word: str, prefix: bool = False) -> bool:
        """Whether the search index would find `word` in a public listing."""
        if word in self.frequency or stem(word) in self.frequency:
            return True
        if prefix:  # the last word, still being typed
            at = bisect.bisect_left(self.sorted_terms, word)
            return at < len(self.sorted_terms) and self.sorted_terms[at].startswith(word)
        return False

    def nearest(self, word: str) -> str | None:
        """The public word closest to `word` (a transposition is one edit), the most
        frequent among equally close ones; None if none is close enough."""
        limit = max_typos(word)
        if not limit:
            return None
        from rapidfuzz import process  # 4 MB: loaded by the first search with a typo
        from rapidfuzz.distance import OSA
        found = process.extract(word, self.sorted_terms, scorer=OSA.distance,
                                score_cutoff=limit, limit=None)
        if not found:
            return None
        return min(found, key=lambda x: (x[1], -self.frequency[x[0]], x[0]))[0]


def _build(today: dt.date) -> Vocabulary:
    public = public_listings(today)
    frequency, titles = Counter(), Counter()
    for title, body in terms_of(public.select(Listing.id)):  # streamed: 100,000 rows
        titles.update(set(title))
        frequency.update(set(title).union(body))
    for term in [t for t in frequency if is_filter_term(t)]:
        del frequency[term]
    categories = Counter(dict(public.select(Listing.category, fn.COUNT(Listing.id))
                              .group_by(Listing.category).tuples()))
    return Vocabulary(dict(frequency), dict(titles), dict(categories))


def current(today: dt.date | None = None) -> Vocabulary:
    """The vocabulary of what the public sees now (kept on the app while data is unchanged)."""
    today = today or dt.date.today()
    if not has_app_context():
        return _build(today)
    key = (public_data_version(), today)
    kept = current_app.extensions.get("public_vocabulary")
    if kept and kept[0] == key:
        return kept[1]
    with _lock:
        vocabulary = _build(today)
        current_app.extensions["public_vocabulary"] = (key, vocabulary)
    return vocabulary


@dataclass
class Interpretation:
    """What a query is searched as: `q`, after `corrections` and without `dropped` words."""
    typed: str
    q: str
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, used)
    dropped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.corrections or self.dropped)


def interpret(text: str, vocabulary: Vocabulary | None = None) -> Interpretation:
    """Correct each word that finds nothing (an abbreviation, else the nearest public
    word) and leave out the words that still find nothing, as long as one word is left.

    The vocabulary is read only when a word is not in the search index at all, so the
    usual search never waits for it to be made again after a change."""
    typed = query_words(text)
    if not typed:
        return Interpretation(text, text)
    if all(count_matching(word, limit=1) for word in typed):
        return Interpretation(text, text)  # every word is in the index: no need to read it
    vocabulary = vocabulary or current()
    used, corrections, dropped = [], [], []
    for n, word in enumerate(typed):
        if vocabulary.matches(word, prefix=n == len(typed) - 1):
            used.append(word)
            continue
        expansion = ABBREVIATIONS.get(word, "")
        nearest = None if expansion else vocabulary.nearest(word)
        if expansion and all(vocabulary.matches(w) for w in expansion.split()):
            used += expansion.split()
            corrections.append((word, expansion))
        elif nearest:
            used.append(nearest)
            corrections.append((word, nearest))
        else:
            dropped.append(word)
    if not used:  # nothing matches at all: search as typed, the page then offers help
        return Interpretation(text, text)
    return Interpretation(text, " ".join(used), corrections, dropped)


# Words that say what is wanted rather than which trade: left out first when all the
# words together find nothing ("tv rusak" finds TV repairers, "tukang las" welders).
GENERIC = frozenset({"tukang", "ahli", "rusak", "mati", "murah", "bagus", "cepat", "dekat",
                     "terdekat", "terbaik", "butuh", "perlu", "bisa", "buka", "broken",
                     "cheap", "near", "best"})


def relaxations(typed: list[str], vocabulary: Vocabulary | None = None):
    """Shorter searches to try, in turn, when the words together find nothing: first
    without the generic words, then without place names (the filters are for places),
    then without the commonest public words. Yields (words kept, words left out)."""
    if len(typed) < 2:
        return
    vocabulary = vocabulary or current()
    places = {w for kabupaten, regions in lookups().regions.items()
              for w in words(" ".join([kabupaten, *(r.kecamatan for r in regions)]))}

    def telling(word):  # the least telling word is left out first
        common = vocabulary.frequency.get(word, vocabulary.frequency.get(stem(word), 0))
        return word not in GENERIC, word not in places, -common
    order = sorted(set(typed), key=telling)
    for n in range(1, len(order)):
        left_out = order[:n]
        yield [w for w in typed if w not in left_out], left_out


@dataclass
class ZeroResultHelp:
    categories: list[Category]  # the nearest categories that have public listings
    searches: list[str]  # words that find public listings


def zero_result_help(text: str, vocabulary: Vocabulary | None = None, count: int = 3):
    """The nearest categories to `text` and a few searches that do find something."""
    vocabulary = vocabulary or current()
    categories = [c for c in Category.select() if vocabulary.category_listings.get(c.id)]
    typed = " ".join(query_words(text))

    from rapidfuzz import fuzz

    def closeness(category):
        phrases = [category.name, *category.keyword_list,
                   *[k for k in category.keywords_en.split("|") if k.strip()]]
        return max((fuzz.WRatio(typed, p.lower()) for p in phrases), default=0) if typed else 0
    categories.sort(key=lambda c: (-closeness(c), -vocabulary.category_listings[c.id],
                                   c.sort_order))
    trade_words = {w for c in categories for w in index_terms(
        " ".join(c.keyword_list)).split() if len(w) >= 3}
    searches = sorted((w for w in vocabulary.title_frequency if w in trade_words),
                      key=lambda w: (-vocabulary.title_frequency[w], w))
    return ZeroResultHelp(categories[:count], searches[:count + 1])
