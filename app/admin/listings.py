"""Admin routes for listings: list, create, edit, publish, confirm, delete, restore."""
import datetime as dt

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import bp, editor_required, listing_for_user
from app.db import DatabaseBusy
from app.directory.publishing import PublishError, adult_cutoff
from app.models import CONTACT_RELATIONS, Listing
from app.records import access, location, pending_photos, undo
from app.records import listings as domain
from app.records.listing_form import ListingForm
from app.records.phones import display_phone, parse_phone
from app.records.photos import PhotoError
from app.web.forms import EmptyForm
from app.web.i18n import N_
from app.web.pagination import paged
from app.web.rendering import is_fragment_request, render

BUSY_MESSAGE = N_("Server sedang sibuk menyimpan data lain, jadi isian Anda belum disimpan. "
                  "Isian masih ada di formulir: tekan Simpan lagi sebentar lagi.")


@bp.route("/jasa")
def listing_index():
    status = request.args.get("status", "semua")
    if status not in domain.STATUSES:
        status = "semua"
    text = request.args.get("q", "")[:100]
    return render("admin/listings.html", "results",
                  **paged(domain.admin_listings(current_user, text, status)), status=status, q=text,
                  statuses=domain.STATUSES, form=EmptyForm())


def _listing_form(listing=None, client=None):
    form = ListingForm().set_choices() if request.method == "POST" else None
    if form is None:
        form = ListingForm(formdata=None).set_choices()
        _fill(form, listing, client)
    return form


def _fill(form, listing, client):
    """Prefill a blank form from the saved listing, its client and latest consent."""
    client = client or (listing.client if listing else None)
    form.consent_officer_name.data = current_user.full_name or current_user.username
    form.client_supervising_officer.data = current_user.full_name
    form.contact_relation.data = "klien"
    if client:
        form.client_version.data = client.version
        for field in domain.CLIENT_FIELDS:
            form["client_" + field].data = getattr(client, field)
        consent = client.consents.order_by(-client.consents.model.id).first()
        if consent:
            for field in domain.CONSENT_FIELDS:
                form["consent_" + field].data = getattr(consent, field)
    if listing:
        for field in domain.LISTING_FIELDS:
            form[field].data = getattr(listing, field)
        form.region_id.data = listing.region_id or 0
        form.location.data = str(location.place_of(listing) or "")
        form.fill_hours(listing.hours, listing.working_hours)
        form.phone.data = display_phone(listing.phone)
        form.publish.data = listing.is_published
        form.version.data = listing.version


def _field_check(form, name):
    """Validate one field for inline feedback: (error, hint)."""
    form.validate()
    errors = form.errors.get(name)
    if errors:
        return errors[0], ""
    field = form[name]
    if name == "phone":
        try:
            phone = parse_phone(field.data)
        except ValueError as exc:
            return str(exc), ""
        kind = _("nomor HP: tombol WhatsApp tersedia") if phone.is_mobile else \
            _("nomor telepon rumah/kantor: tanpa tombol WhatsApp")
        return "", f"{display_phone(phone.e164)} — {kind}."
    if name == "location" and field.data:  # the validator has read it
        return "", _("Koordinat terbaca: %(place)s.", place=location.parse(field.data))
    if name == "client_birth_date" and field.data and field.data > adult_cutoff(dt.date.today()):
        return _("Klien belum 18 tahun: jasanya tidak boleh diterbitkan."), ""
    if name in ("title", "display_name", "description"):
        try:
            domain.check_public_text(form.client_full_name.data or "", {name: field.data})
        except domain.FieldError as exc:
            return exc.message, ""
    return "", ""


def _kept_photo(form):
    """The photo this save uses: a new upload (kept as pending at once) or the one kept
    from the last attempt (the hidden token). Puts any refusal on the photo field."""
    token = form.photo_token.data or ""
    upload = form.photo.data
    chosen = upload.read() if upload and getattr(upload, "filename", "") else None
    if token and (chosen or form.remove_pending.data):
        pending_photos.discard(current_user, token)  # replaced or removed
        token = ""
    form.photo_token.data, form.remove_pending.data = "", False
    kept = None
    if chosen:
        try:
            kept = pending_photos.keep(current_user, chosen)
        except PhotoError as exc:
            form.photo.errors = list(form.photo.errors) + [str(exc)]
    elif token:
        kept = pending_photos.load(current_user, token)
        if kept is None:
            form.photo.errors = list(form.photo.errors) + [_(
                "Foto yang tadi diunggah sudah tidak tersedia (disimpan lebih dari sehari "
                "atau tautannya salah). Pilih fotonya lagi, atau simpan tanpa foto.")]
    if kept:
        form.photo_token.data = kept.token
        form.photo.label.text = _l("Ganti dengan foto lain (opsional)")
    return kept


def _save(form, listing, client):
    """Run the save; put any refusal on the form. Returns the listing or None."""
    valid = form.validate()
    kept = _kept_photo(form)  # after validate(), which would clear the photo's errors
    if not valid or form.photo.errors:
        return None
    try:
        saved = domain.save_listing(listing, client, form.domain_data(), current_user,
                                    pending_photo=kept)
    except domain.FieldError as exc:
        form[exc.field].errors = list(form[exc.field].errors) + [exc.message]
    except PublishError as exc:
        _mark_publish_problems(form, exc.problems)
    except DatabaseBusy:
        form.version.errors = [_(BUSY_MESSAGE)]
    except domain.ConflictError as exc:
        from app.admin.changes import conflict_panel
        # The form keeps the admin's input; with the stored versions, Simpan saves the merge.
        if exc.version is not None:
            form.version.data = str(exc.version)
        form.client_version.data = str(exc.client_version)
        form.conflict = conflict_panel(form, exc, photo_waiting=bool(kept))
        labels = [str(form[f].label.text) for f in exc.changed if f in form]
        form.version.errors = [
            (_("Jasa ini baru saja diubah oleh admin lain.") if exc.record == "listing" else
             _("Data klien ini baru saja diubah oleh admin lain, lewat jasa lain milik klien "
               "yang sama.")) + " "
            + (_("Yang berbeda: %(fields)s.", fields=", ".join(labels)) + " " if labels else "")
            + _("Isian Anda belum disimpan dan masih ada di formulir. Bandingkan di bawah, "
                "sesuaikan isian, lalu tekan Simpan lagi.")]
    else:
        if kept:
            pending_photos.discard(current_user, kept.token)
        return saved
    return None


def _mark_publish_problems(form, problems):
    """Put each reason not to publish on the field that fixes it; the rest on the box."""
    unplaced = []
    for problem in problems:
        field = getattr(problem, "field", None)
        if field in form and field != "publish":
            form[field].errors = list(form[field].errors) + [str(problem)]
        else:
            unplaced.append(str(problem))
    if len(unplaced) < len(problems):
        unplaced.append(_("Belum bisa terbit: perbaiki isian yang ditandai merah, atau hapus "
                          "centang ini untuk menyimpan sebagai draf."))
    form.publish.errors = unplaced


def _entry_page(form, listing, client, action):
    name = request.form.get("_validate_field")
    if name and name in form and is_fragment_request():
        error, hint = _field_check(form, name)
        return render("admin/_field_msg.html", name=name, error=error, hint=hint)
    return render("admin/listing_form.html", form=form, listing=listing, client=client,
                  action=action, relations=CONTACT_RELATIONS,
                  pending_photo=pending_photos.load(current_user, form.photo_token.data or ""))


@bp.route("/jasa/baru", methods=["GET", "POST"])
@editor_required
def listing_new():
    client = None
    client_id = request.args.get("klien", type=int)
    if client_id:
        client = access.client_for(client_id, current_user)
        if client is None or client.deleted_at:
            abort(404)
    form = _listing_form(client=client)
    action = url_for("admin.listing_new", klien=client_id) if client_id else url_for("admin.listing_new")
    if request.method == "POST" and not request.form.get("_validate_field"):
        listing = _save(form, None, client)
        if listing:
            flash(_saved_message(listing), "success")
            return redirect(url_for("admin.listing_edit", listing_id=listing.id), 303)
    return _entry_page(form, None, client, action)


@bp.route("/jasa/<int:listing_id>/ubah", methods=["GET", "POST"])
@editor_required
def listing_edit(listing_id):
    listing = listing_for_user(listing_id)
    form = _listing_form(listing=listing)
    if request.method == "POST" and not request.form.get("_validate_field"):
        saved = _save(form, listing, None)
        if saved:
            flash(_saved_message(saved), "success")
            return redirect(url_for("admin.listing_edit", listing_id=saved.id), 303)
    return _entry_page(form, listing, listing.client,
                       url_for("admin.listing_edit", listing_id=listing.id))


def _saved_message(listing):
    if listing.is_published:
        return _("Tersimpan dan terbit: “%(title)s” sudah tampil di halaman publik.",
                 title=listing.title)
    return _("Tersimpan sebagai draf: “%(title)s” belum tampil di halaman publik.",
             title=listing.title)


def _row_or_back(listing, message=None, error=None, undo=None, back=None):
    """Answer a row action: the updated row for htmx, a redirect otherwise.

    `undo` ("tayang" or "hapus") offers Urungkan with the message: in the row, or in the
    flash message of the page the button was on (base.html)."""
    offer = {"url": url_for("admin.listing_undo", listing_id=listing.id),
             "action": undo} if undo else None
    if is_fragment_request():
        return render("admin/_listing_row.html", row=listing, form=EmptyForm(), error=error,
                      notice=message, undo=offer)
    if error:
        flash(error, "error")
    elif offer:
        flash({"text": message, **offer}, "undo")
    elif message:
        flash(message, "success")
    return redirect(back or _same_site(request.referrer) or url_for("admin.listing_index"), 303)


def _same_site(url: str | None) -> str | None:
    """Go back to the page the button was on, but never to another site."""
    if url and (url.startswith(request.host_url)
                or (url.startswith("/") and not url.startswith("//") and "\\" not in url)):
        return url
    return None


@bp.route("/jasa/<int:listing_id>/terbit", methods=["POST"])
@editor_required
def listing_toggle(listing_id):
    listing = listing_for_user(listing_id)
    want = request.form.get("terbit") == "1"
    try:
        domain.set_published(listing, want, current_user)
    except PublishError as exc:
        return _row_or_back(listing, error=" ".join(exc.problems))
    if want:
        return _row_or_back(listing, _("Jasa diterbitkan."))
    return _row_or_back(listing, _("“%(title)s” tidak tayang lagi.", title=listing.title),
                        undo="tayang")


@bp.route("/jasa/<int:listing_id>/konfirmasi", methods=["POST"])
@editor_required
def listing_confirm(listing_id):
    listing = domain.confirm_listing(listing_for_user(listing_id), current_user)
    return _row_or_back(listing, _("Kontak dikonfirmasi hari ini."))


@bp.route("/jasa/<int:listing_id>/hapus", methods=["POST"])
@editor_required
def listing_delete(listing_id):
    listing = domain.delete_listing(listing_for_user(listing_id), current_user)
    message = _("“%(title)s” dipindah ke tempat sampah. Bisa dipulihkan.", title=listing.title)
    # Without JS back to the list: the entry screen the button may be on is of a binned listing.
    return _row_or_back(listing, message, undo="hapus", back=url_for("admin.listing_index"))


@bp.route("/jasa/<int:listing_id>/urungkan", methods=["POST"])
@editor_required
def listing_undo(listing_id):
    listing = listing_for_user(listing_id)
    action = request.form.get("aksi")
    if action not in undo.ACTIONS:
        return _row_or_back(listing, error=_("Tindakan yang diurungkan tidak dikenal."))
    try:
        problems = undo.undo(listing, action, current_user)
    except undo.UndoExpired as exc:
        return _row_or_back(listing, error=str(exc))
    except PublishError as exc:
        return _row_or_back(listing, error=" ".join(exc.problems))
    if problems:
        return _row_or_back(listing, error=_("“%(title)s” dipulihkan sebagai draf, tetapi belum "
                                             "bisa terbit:", title=listing.title)
                            + " " + " ".join(problems))
    if listing.is_published:
        return _row_or_back(listing, _("“%(title)s” tayang lagi.", title=listing.title))
    return _row_or_back(listing, _("“%(title)s” dipulihkan sebagai draf.", title=listing.title))


@bp.route("/jasa/<int:listing_id>/pulihkan", methods=["POST"])
@editor_required
def listing_restore(listing_id):
    listing = domain.restore_listing(listing_for_user(listing_id), current_user)
    if is_fragment_request():
        return ""
    flash(_("“%(title)s” dipulihkan sebagai draf.", title=listing.title), "success")
    return redirect(url_for("admin.listing_index", status="sampah"), 303)


@bp.route("/foto-tertunda/<token>")
@editor_required
def pending_photo(token):
    """The preview of a photo kept from a form with errors: only for the admin who chose it."""
    kept = pending_photos.load(current_user, token)
    if kept is None:
        abort(404)
    return send_file(kept.thumb_path, mimetype="image/jpeg")


@bp.route("/foto/<path:name>")
def photo(name):
    """Photos for admins, whatever the publish state."""
    listing = Listing.get_or_none((Listing.photo == name) | (Listing.photo_thumb == name))
    if listing is None:
        abort(404)
    listing_for_user(listing.id)
    return send_from_directory(current_app.config["UPLOAD_DIR"], name)
