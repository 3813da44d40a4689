"""Admin pages of a client's internal record: list, detail, consent, withdrawal,
erasure and export. Every view of the record is audited."""
import datetime as dt
import json

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.admin import bp, editor_required
from app.admin.forms import ConsentForm, EraseForm
from app.directory.publishing import public_listings
from app.models import Client, Listing
from app.records import access
from app.records import clients as domain
from app.records import consent as consents
from app.web.forms import EmptyForm
from app.web.pagination import paged
from app.web.rendering import render


def consent_status_label(client: Client) -> str:
    """Return the client's consent status in words (current language), for any admin page."""
    return _(consents.STATUS_LABELS[consents.status(client, consents.latest_consent(client))])


bp.add_app_template_global(consent_status_label, "consent_status_label")
bp.add_app_template_global(consents.channels_of, "consent_channels")


def _client(client_id: int) -> Client:
    """Return a client of the user's unit (any unit for a superadmin), else 404."""
    client = access.client_for(client_id, current_user)
    if client is None:
        abort(404)
    return client


def _editable(client_id: int) -> Client:
    """Return a client that may still be changed; an erased one answers 404."""
    client = _client(client_id)
    if client.erased_at:
        abort(404)
    return client


@bp.before_request
def _audit_entry_screen():
    """Audit the entry screen too: it shows the client's internal record."""
    if request.method != "GET" or not current_user.is_authenticated \
            or not current_user.can_edit:
        return
    client = None
    if request.endpoint == "admin.listing_edit":
        listing = Listing.get_or_none(Listing.id == request.view_args.get("listing_id"))
        client = access.client_for(listing.client_id, current_user) if listing else None
    elif request.endpoint == "admin.listing_new" and request.args.get("klien", type=int):
        client = access.client_for(request.args.get("klien", type=int), current_user)
    if client is not None and not request.headers.get("HX-Request"):
        domain.record_view(client, current_user)


@bp.route("/klien")
def client_index():
    text = request.args.get("q", "")[:100]
    listed = paged(domain.clients_for(current_user, text))
    latest = domain.latest_consents([c.id for c in listed["rows"]])
    statuses = {c.id: consents.status(c, latest.get(c.id)) for c in listed["rows"]}
    return render("admin/clients.html", **listed, statuses=statuses,
                  labels=consents.STATUS_LABELS, q=text, today=dt.date.today())


@bp.route("/klien/<int:client_id>")
def client_detail(client_id):
    client = _client(client_id)
    domain.record_view(client, current_user)
    summary = domain.summary(client)
    public_ids = {x.id for x in public_listings().where(Listing.client == client)
                  .select(Listing.id)}
    history = list(domain.consent_history(client))
    return render("admin/client_detail.html", client=client, history=history,
                  current=summary["consent"], listings=summary["listings"],
                  public_ids=public_ids, today=dt.date.today(),
                  status=consents.status(client, summary["consent"]),
                  labels=consents.STATUS_LABELS, methods=consents.METHODS,
                  scopes=consents.SCOPES, channels=consents.CHANNELS)


def _prefill(form: ConsentForm, client: Client) -> None:
    """Start a new version from the newest one, dated today, recorded by the user."""
    latest = consents.latest_consent(client)
    for name in consents.FIELDS:
        default = consents.DEFAULTS.get(name)
        form[name].data = getattr(latest, name) if latest else default
    form.given_on.data = dt.date.today()
    form.officer_name.data = current_user.full_name or current_user.username
    if latest is None or latest.withdrawn_at:
        form.form_reference.data = ""


@bp.route("/klien/<int:client_id>/persetujuan", methods=["GET", "POST"])
@editor_required
def client_consent(client_id):
    client = _editable(client_id)
    form = ConsentForm() if request.method == "POST" else ConsentForm(formdata=None)
    if request.method == "GET":
        _prefill(form, client)
    elif form.validate():
        try:
            consents.record_consent(client, form.data, current_user)
        except consents.ConsentError as exc:
            form[exc.field].errors = list(form[exc.field].errors) + [exc.message]
        else:
            flash(_("Versi persetujuan baru tercatat."), "success")
            return redirect(url_for("admin.client_detail", client_id=client.id), 303)
    return render("admin/client_consent.html", client=client, form=form,
                  text_version=consents.text_version())


@bp.route("/klien/<int:client_id>/tarik", methods=["GET", "POST"])
@editor_required
def client_withdraw(client_id):
    client = _editable(client_id)
    form = EmptyForm()
    if request.method == "POST" and form.validate():
        ids = consents.withdraw(client, current_user)
        flash(ngettext("Persetujuan ditarik. %(num)s jasa berhenti tayang saat ini juga.",
                       "Persetujuan ditarik. %(num)s jasa berhenti tayang saat ini juga.",
                       len(ids)), "success")
        return redirect(url_for("admin.client_detail", client_id=client.id), 303)
    return render("admin/client_confirm.html", client=client, form=form, action="tarik")


@bp.route("/klien/<int:client_id>/hapus", methods=["GET", "POST"])
@editor_required
def client_erase(client_id):
    client = _editable(client_id)
    form = EraseForm()
    if request.method == "POST" and form.validate():
        done = domain.erase_client(client, current_user)
        flash(_("Data pribadi klien dihapus: %(listings)s jasa dikosongkan, "
                "%(photos)s berkas foto dihapus.", listings=done["listings"],
                photos=done["photos"]), "success")
        return redirect(url_for("admin.client_detail", client_id=client.id), 303)
    return render("admin/client_confirm.html", client=client, form=form, action="hapus")


@bp.route("/klien/<int:client_id>/ekspor")
@editor_required
def client_export(client_id):
    client = _client(client_id)
    body = json.dumps(domain.export_client(client, current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="klien-{client.id}.json"'})
