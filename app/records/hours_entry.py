"""The entry screen's hours editor (Jam tetap / 24 jam / Dengan janji / Tulis bebas) turned
into `hours.Hours` and back, and the hours as lines in the reader's language."""
import json
import re
from collections import Counter

from app.records import hours as h
from app.web.i18n import N_, translate

FREE = "bebas"
MODES = {h.SCHEDULE: N_("Jam tetap"), h.ALWAYS: N_("24 jam"), h.APPOINTMENT: N_("Dengan janji"),
         FREE: N_("Tulis bebas")}
DAY_LABELS = (N_("Senin"), N_("Selasa"), N_("Rabu"), N_("Kamis"), N_("Jumat"), N_("Sabtu"),
              N_("Minggu"))
TEXT_LIMIT = 255  # Listing.working_hours is a CharField
_CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")


class HoursEntryError(ValueError):
    """What the officer wrote cannot be hours: the form field and a message for it."""
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def _clock(value: str, field: str) -> str:
    match = _CLOCK.match((value or "").strip())
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise HoursEntryError(field, translate(
            "Jam tidak terbaca: “%(value)s”. Tulis seperti 08.00 atau 17:30.", value=value))
    return f"{int(match.group(1)):02d}.{match.group(2)}"


def from_entry(data: dict) -> tuple[h.Hours | None, str]:
    """(hours, text to keep in `working_hours`) from the editor's fields in `data`
    (hours_mode, hours_days, hours_opens, hours_closes, hours_exceptions, working_hours).
    Without a mode (the import) the text is read as written. Raises HoursEntryError."""
    mode = data.get("hours_mode") or FREE
    text = (data.get("working_hours") or "").strip()
    if mode == h.ALWAYS or mode == h.APPOINTMENT:
        hours = h.Hours(mode)
    elif mode == h.SCHEDULE:
        hours = _schedule(data)
        if hours is None:
            return None, ""
    else:
        return h.parse_text(text), text[:TEXT_LIMIT]
    return hours, "; ".join(h.describe(hours))[:TEXT_LIMIT]


def _schedule(data: dict) -> h.Hours | None:
    opens, closes = (data.get("hours_opens") or "").strip(), (data.get("hours_closes") or "").strip()
    exceptions = (data.get("hours_exceptions") or "").strip()
    if not (opens or closes or exceptions):
        return None  # nothing filled in: no hours known
    if not (opens and closes):
        raise HoursEntryError("hours_opens" if not opens else "hours_closes",
                              translate("Isi jam buka dan jam tutup."))
    opens, closes = _clock(opens, "hours_opens"), _clock(closes, "hours_closes")
    if opens == closes:
        raise HoursEntryError("hours_closes", translate("Jam tutup harus berbeda dari jam buka."))
    days = [int(d) for d in data.get("hours_days") or [] if str(d).isdigit() and 0 <= int(d) < 7]
    if not days:
        raise HoursEntryError("hours_days", translate("Pilih minimal satu hari buka."))
    for line in filter(None, (x.strip() for x in re.split(r"[\n;]", exceptions))):
        try:
            h.same_every_day(opens, closes, days, line)
        except h.HoursError:
            raise HoursEntryError("hours_exceptions", translate(
                "Baris ini tidak terbaca: “%(line)s”. Contoh: Sabtu 08.00–12.00, Minggu tutup.",
                line=line)) from None
    return h.same_every_day(opens, closes, days, exceptions)


def to_entry(stored_json: str, text: str) -> dict:
    """The editor's fields filled from a stored listing: the common range on its days,
    the other days as exception lines; text that was never understood stays free text."""
    hours = h.Hours.from_json(stored_json) if stored_json else None
    if hours is None:
        return {"hours_mode": FREE, "working_hours": text}
    if hours.mode != h.SCHEDULE:
        return {"hours_mode": hours.mode, "working_hours": ""}
    singles = Counter(r for r in hours.days.values() if len(r) == 1)
    if not singles:
        return {"hours_mode": FREE, "working_hours": "; ".join(h.describe(hours))}
    (base,), _ = singles.most_common(1)[0]
    days = [str(d) for d, r in sorted(hours.days.items()) if r == (base,)]
    others = {d: r for d, r in hours.days.items() if r != (base,)}
    extra = h.describe(h.Hours(h.SCHEDULE, others)) if others else []
    return {"hours_mode": h.SCHEDULE, "hours_days": days, "hours_opens": _input_time(base[0]),
            "hours_closes": _input_time(base[1] % h.DAY),  # 24.00 is 00.00, the end of the day
            "hours_exceptions": "\n".join(extra), "working_hours": ""}


def _input_time(minutes: int) -> str:
    """Minutes as <input type=time> shows them."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def lines(stored_json: str) -> list[str]:
    """The hours as lines for people, day names in the current language."""
    try:
        hours = h.Hours.from_json(stored_json) if stored_json else None
    except (ValueError, KeyError, TypeError):
        return []
    return h.describe(hours, day_names=[translate(d) for d in DAY_LABELS],
                      always=translate("24 jam"), appointment=translate("Dengan janji"))


def readable(stored_json: str) -> str:
    """The audit trail's form of a stored `hours` value."""
    try:
        json.loads(stored_json)
    except (TypeError, ValueError):
        return str(stored_json)
    return "; ".join(lines(stored_json)) or "—"


def unreadable_text(listing) -> str:
    """The written hours the system could not read (flagged for the officer), else ""."""
    return listing.working_hours if listing.working_hours and not listing.hours else ""
