"""Friendly error pages in Indonesian; never a stack trace."""
from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Permintaan tidak dapat diproses", "Ada yang tidak beres dengan isian atau tautan ini."),
    403: ("Akses ditolak", "Akun Anda tidak memiliki izin untuk halaman atau tindakan ini."),
    404: ("Halaman tidak ditemukan", "Halaman yang Anda cari tidak ada atau sudah tidak tayang."),
    405: ("Tindakan tidak diizinkan", "Cara membuka halaman ini tidak didukung."),
    413: ("Berkas terlalu besar", "Berkas yang dikirim melebihi batas ukuran. Perkecil lalu coba lagi."),
    429: ("Terlalu banyak permintaan", "Tunggu sebentar, lalu coba lagi."),
    500: ("Terjadi kesalahan", "Maaf, terjadi kesalahan di server. Data Anda tidak berubah. Coba lagi."),
}


def error_page(code: int, detail: str = ""):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title,
                           message=detail or message), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return error_page(400, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman, "
                               "lalu kirim lagi.")

    @app.errorhandler(HTTPException)
    def _http(exc):
        return error_page(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        app.logger.exception("Unhandled error")
        return error_page(500)
