"""A listing's version history: the list, what differs between two versions, restoring one."""
import json

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, changes, editor_required, listing_for_user
from app.directory.publishing import PublishError
from app.records import history
from app.records import listings as records
from app.web.i18n import N_
from app.web.pagination import paged
from app.web.rendering import render

PER_PAGE = 20


PHOTO_WORDS = {"current": N_("foto yang sekarang"), "stored": N_("foto lain yang tersimpan"),
               "gone": N_("foto lama (berkasnya sudah dihapus)")}


def _rows(listing, old: dict, new: dict, names) -> list:
    """(label, old, new) for each named field, labelled and formatted as the audit log does."""
    before = {k: _shown(listing, k, old[k]) for k in names if k in old}
    after = {k: _shown(listing, k, new.get(k)) for k in names}
    return changes.diff(json.dumps(before), json.dumps(after), shorten=False, entity="listing")


def _shown(listing, name, value):
    """A photo is a random file name in the log: say which photo it is instead."""
    if name != "photo" or not value:
        return value
    return _(PHOTO_WORDS[history.photo_state(listing, value)])


@bp.route("/jasa/<int:listing_id>/riwayat")
def listing_history(listing_id):
    listing = listing_for_user(listing_id)
    every = history.versions(listing)
    by_event = {v.event.id: v for v in every}
    previous = {v.number: every[v.number - 2].state if v.number > 1 else {} for v in every}
    page = paged(history.version_events(listing), PER_PAGE)
    shown = [(v, _rows(listing, previous[v.number], v.state, v.changed))
             for v in (by_event.get(e.id) for e in page.pop("rows")) if v]
    return render("admin/listing_history.html", listing=listing, shown=shown,
                  every=list(reversed(every)), latest=every[-1] if every else None,
                  changes=changes, **page)


def _version_or_404(listing, event_id):
    version = history.find(listing, event_id)
    if version is None:
        abort(404)
    return version


@bp.route("/jasa/<int:listing_id>/riwayat/<int:event_id>")
def listing_version(listing_id, event_id):
    listing = listing_for_user(listing_id)
    version = _version_or_404(listing, event_id)
    return _version_page(listing, version)


def _version_page(listing, version, error=None, problems=()):
    """One version against the listing as it is now: what a restore would change."""
    latest = history.versions(listing)[-1]
    changed = history.differences(version.state, latest.state, history.RESTORED)
    contents = [(changes.field_label(name, "listing"),
                 changes.readable(name, _shown(listing, name, value)))
                for name, value in version.state.items()]
    return render("admin/listing_history_compare.html", listing=listing, version=version,
                  old=version, new=latest,
                  rows=_rows(listing, version.state, latest.state, changed),
                  contents=contents, photo=history.photo_outcome(listing, version), error=error,
                  problems=problems, changes=changes)


@bp.route("/jasa/<int:listing_id>/riwayat/banding")
def listing_compare(listing_id):
    listing = listing_for_user(listing_id)
    every = {v.event.id: v for v in history.versions(listing)}
    old = every.get(request.args.get("dari", type=int))
    new = every.get(request.args.get("ke", type=int))
    if old is None or new is None:
        flash(_("Pilih dua versi jasa ini untuk dibandingkan."), "error")
        return redirect(url_for("admin.listing_history", listing_id=listing.id), 303)
    if old.number > new.number:
        old, new = new, old  # read from older to newer, whichever way they were picked
    return render("admin/listing_history_compare.html", listing=listing, version=None,
                  old=old, new=new, changes=changes,
                  rows=_rows(listing, old.state, new.state,
                             history.differences(old.state, new.state)))


@bp.route("/jasa/<int:listing_id>/riwayat/<int:event_id>/pulihkan", methods=["POST"])
@editor_required
def listing_version_restore(listing_id, event_id):
    listing = listing_for_user(listing_id)
    version = _version_or_404(listing, event_id)
    seen = (request.form.get("version") or "")[:20]
    try:
        history.restore(listing, version, current_user, seen)
    except history.RestoreRefused as exc:
        return _version_page(listing, version, error=str(exc))
    except records.FieldError as exc:
        return _version_page(listing, version, error=exc.message)
    except PublishError as exc:
        return _version_page(listing, version,
                             error=_("Versi ini tidak bisa dipulihkan karena jasa akan terbit "
                                     "padahal aturan terbit tidak terpenuhi:"),
                             problems=[str(p) for p in exc.problems])
    except records.ConflictError as exc:
        by = exc.by or _("admin lain")
        return _version_page(listing_for_user(listing_id), version, error=_(
            "Jasa ini baru saja diubah oleh %(by)s pada %(at)s. Belum ada yang dipulihkan: "
            "periksa perbedaannya di bawah, lalu pulihkan lagi bila masih perlu.",
            by=by, at=changes.wita(exc.at)))
    flash(_("Versi %(number)s dipulihkan sebagai versi baru.", number=version.number), "success")
    return redirect(url_for("admin.listing_history", listing_id=listing.id), 303)
