"""Opening hours as data: time ranges per weekday, "24 jam" or "dengan janji"; parsed
from what officers write, told as text again, and asked "open now?" in WITA.

A range may pass midnight (19.00–02.00 on Friday runs into Saturday's night). For the
database's *Buka sekarang* filter the ranges are also stored split at midnight, one
row per weekday (`slots`), so the question is a simple indexed lookup.
"""
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")
SCHEDULE, ALWAYS, APPOINTMENT = "jadwal", "24jam", "janji"
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545, as HSDS uses them
SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY = 24 * 60

_DAY_WORDS = {
    "senin": 0, "sen": 0, "monday": 0, "mon": 0,
    "selasa": 1, "sel": 1, "tuesday": 1, "tue": 1,
    "rabu": 2, "rab": 2, "wednesday": 2, "wed": 2,
    "kamis": 3, "kam": 3, "thursday": 3, "thu": 3,
    "jumat": 4, "jum": 4, "friday": 4, "fri": 4,
    "sabtu": 5, "sab": 5, "saturday": 5, "sat": 5,
    "minggu": 6, "ahad": 6, "min": 6, "sunday": 6, "sun": 6,
}
_EVERY_DAY = re.compile(r"\b(setiap|tiap|sepanjang)\s+hari\b|\bevery\s*day\b|\bdaily\b")
_ALWAYS = re.compile(r"\b24\s*jam\b|\b24\s*/\s*7\b|\b24\s*hours?\b|\bnon[-\s]?stop\b")
_APPOINTMENT = re.compile(r"\bjanji\b|\bpesan(an)?\b|\bpanggilan\b|\bappointment\b|\bby\s+order\b")
_TIME = r"(\d{1,2})(?:[.:](\d{2}))?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|—|s\.?d\.?|sampai|hingga|to)\s*" + _TIME)
_DAY_WORD = re.compile(r"[a-z']+")


class HoursError(ValueError):
    """Hours that cannot be right (a time like 25.00, a range of no length)."""


@dataclass(frozen=True)
class Hours:
    """When a service is available. `days`: weekday (0 = Monday) → ranges in minutes
    from midnight; a range whose end is not after its start runs past midnight."""
    mode: str
    days: dict = field(default_factory=dict)

    def to_json(self) -> str:
        days = {str(d): [[_clock(a), _clock(b)] for a, b in ranges]
                for d, ranges in sorted(self.days.items())}
        return json.dumps({"mode": self.mode, "days": days}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Hours | None":
        if not text:
            return None
        data = json.loads(text)
        days = {int(d): tuple((_minutes(a), _minutes(b)) for a, b in ranges)
                for d, ranges in data.get("days", {}).items()}
        return cls(data["mode"], days)


def _clock(minutes: int) -> str:
    return "24:00" if minutes == DAY else f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _range(match) -> tuple[int, int]:
    """A written range as minutes; 24.00 ends a day, an end before the start is the next day."""
    h1, m1, h2, m2 = (int(x) if x else 0 for x in match.groups())
    if max(h1, h2) > 24 or max(m1, m2) > 59 or (h1 == 24 and m1) or (h2 == 24 and m2):
        raise HoursError(match.group(0))
    start, end = (h1 * 60 + m1) % DAY, h2 * 60 + m2
    if start == end:
        raise HoursError(match.group(0))
    return start, end


def _days_in(text: str) -> list[int]:
    """Weekdays named in `text`: single days, lists and spans (Senin–Sabtu)."""
    if _EVERY_DAY.search(text):
        return list(range(7))
    found, spans = [], re.split(r"\s*(?:-|–|—|s\.?d\.?|sampai|hingga|to)\s*", text)
    named = [[_DAY_WORDS[w] for w in _DAY_WORD.findall(part.replace("'", "")) if w in _DAY_WORDS]
             for part in spans]
    for i, days in enumerate(named):
        if i and named[i - 1] and days:  # "Senin - Sabtu": a span from the previous day
            first, last = named[i - 1][-1], days[0]
            found += [(first + k) % 7 for k in range(1, (last - first) % 7 + 1)]
            found += days[1:]
        else:
            found += days
    return sorted(set(found))


def parse_text(text: str) -> Hours | None:
    """Read hours as officers write them ("Senin–Sabtu 08.00–17.00", "Setiap hari
    06.00–22.00, Minggu 08.00–12.00", "24 jam", "Dengan janji"); None if unsure."""
    lowered = (text or "").strip().lower()
    if not lowered:
        return None
    if _ALWAYS.search(lowered):
        return Hours(ALWAYS)
    if _APPOINTMENT.search(lowered) and not _RANGE.search(lowered):
        return Hours(APPOINTMENT)
    days: dict[int, tuple] = {}
    pending_days: list[int] = []
    # Segments like "Senin–Jumat 08.00–16.00" or "Sabtu 08.00–12.00 dan 13.00–17.00":
    # the days written before a run of ranges are the days those ranges are for.
    pos = 0
    for match in _RANGE.finditer(lowered):
        before = lowered[pos:match.start()]
        named = _days_in(before)
        if named:  # a new group of days: its ranges replace what an earlier group said
            pending_days = named
            for day in named:
                days[day] = ()
        elif not pending_days and not before.strip(" ,;:.-–"):
            pending_days = list(range(7))  # "08.00–17.00" alone: every day
        if not pending_days:
            return None
        try:
            span = _range(match)
        except HoursError:
            return None
        for day in pending_days:
            days[day] = days.get(day, ()) + (span,)
        pos = match.end()
    rest = lowered[pos:]
    if not days or _days_in(rest) or re.search(r"\d", rest):
        return None  # days or times left over that we did not understand
    return Hours(SCHEDULE, days)


def same_every_day(opens: str, closes: str, weekdays, exceptions: str = "") -> Hours:
    """The entry screen's quick editor: one range on the chosen weekdays, then exception
    lines in the same words as `parse_text` ("Sabtu 08.00–12.00", "Minggu tutup")."""
    base = parse_text(f"{opens}-{closes}") if opens and closes else None
    if base is None:
        raise HoursError(f"{opens}-{closes}")
    span = base.days[0]
    days = {d: span for d in sorted(set(weekdays))}
    for line in filter(None, (x.strip() for x in re.split(r"[\n;]", exceptions or ""))):
        named = _days_in(line.lower())
        if not named:
            raise HoursError(line)
        if re.search(r"\btutup\b|\blibur\b|\bclosed\b", line.lower()):
            for day in named:
                days.pop(day, None)
            continue
        parsed = parse_text(line)
        if parsed is None or parsed.mode != SCHEDULE:
            raise HoursError(line)
        days.update(parsed.days)
    return Hours(SCHEDULE, days)


def slots(hours: Hours | None) -> list[tuple[int, int, int]]:
    """(weekday, opens, closes) in minutes, split at midnight: the rows *Buka sekarang*
    looks up. 24 jam is every whole day; appointments have none."""
    if hours is None or hours.mode == APPOINTMENT:
        return []
    if hours.mode == ALWAYS:
        return [(d, 0, DAY) for d in range(7)]
    rows = []
    for day, ranges in hours.days.items():
        for start, end in ranges:
            if end > start:
                rows.append((day, start, end))
            else:  # past midnight: the rest of this day, then the next morning
                rows.append((day, start, DAY))
                if end:
                    rows.append(((day + 1) % 7, 0, end))
    return sorted(rows)


def now_in_wita(moment: dt.datetime | None = None) -> tuple[int, int]:
    """The weekday and minute of the day in WITA, where the office is."""
    moment = (moment or dt.datetime.now(dt.timezone.utc)).astimezone(WITA)
    return moment.weekday(), moment.hour * 60 + moment.minute


def is_open(hours: Hours | None, moment: dt.datetime | None = None) -> bool:
    """True if the service is open at `moment` (now), in WITA."""
    day, minute = now_in_wita(moment)
    return any(d == day and start <= minute < end for d, start, end in slots(hours))


def describe(hours: Hours | None, day_names=DAY_NAMES, always="24 jam",
             appointment="Dengan janji") -> list[str]:
    """Lines for people: consecutive days with the same ranges together
    ("Senin–Jumat 08.00–16.00", "Sabtu 08.00–12.00")."""
    if hours is None:
        return []
    if hours.mode == ALWAYS:
        return [always]
    if hours.mode == APPOINTMENT:
        return [appointment]
    lines, day = [], 0
    while day < 7:
        ranges = hours.days.get(day)
        if not ranges:
            day += 1
            continue
        last = day
        while last + 1 < 7 and hours.days.get(last + 1) == ranges:
            last += 1
        names = day_names[day] if last == day else f"{day_names[day]}–{day_names[last]}"
        times = ", ".join(f"{_clock(a).replace(':', '.')}–{_clock(b).replace(':', '.')}"
                          for a, b in ranges)
        lines.append(f"{names} {times}")
        day = last + 1
    return lines


def _grouped(hours: Hours) -> list[tuple[list[int], int, int]]:
    """(weekdays, opens, closes) for each distinct range, in day order."""
    groups: dict[tuple[int, int], list[int]] = {}
    for day in sorted(hours.days):
        for span in hours.days[day]:
            groups.setdefault(span, []).append(day)
    return [(days, start, end) for (start, end), days in groups.items()]


def hsds_schedules(hours: Hours | None) -> list[dict]:
    """Open Referral HSDS `schedules`: weekly, by RFC 5545 days, opening and closing times."""
    if hours is None or hours.mode == APPOINTMENT:
        return [] if hours is None else [{"freq": "WEEKLY", "description": "Dengan janji"}]
    if hours.mode == ALWAYS:
        return [{"freq": "WEEKLY", "byday": ",".join(DAY_CODES), "opens_at": "00:00",
                 "closes_at": "23:59", "description": "24 jam"}]
    return [{"freq": "WEEKLY", "byday": ",".join(DAY_CODES[d] for d in days),
             "opens_at": _clock(start), "closes_at": _clock(end)}
            for days, start, end in _grouped(hours)]


def opening_hours_specification(hours: Hours | None) -> list[dict]:
    """schema.org `openingHoursSpecification` (24 jam: 00:00–23:59 every day)."""
    if hours is None or hours.mode == APPOINTMENT:
        return []
    if hours.mode == ALWAYS:
        return [{"@type": "OpeningHoursSpecification", "dayOfWeek": list(SCHEMA_DAYS),
                 "opens": "00:00", "closes": "23:59"}]
    return [{"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_DAYS[d] for d in days],
             "opens": _clock(start), "closes": _clock(end)}
            for days, start, end in _grouped(hours)]
