"""How request bodies become text, which redirect targets are safe, and PDF downloads.

Werkzeug keeps bytes that are not UTF-8 in a urlencoded form as literal "%E9" text, which
looks the same as a resident typing "%E9". Decoding them as U+FFFD instead lets the forms
say "we cannot read these characters" (portal.forms.readable) instead of storing garble,
the same way Werkzeug already treats multipart forms.
"""

from urllib.parse import parse_qsl, urlsplit

from flask import Request as FlaskRequest
from flask import Response
from werkzeug.formparser import FormDataParser as WerkzeugFormDataParser


class FormDataParser(WerkzeugFormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        items = parse_qsl(
            stream.read().decode("utf-8", "replace"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="replace",
        )
        return stream, self.cls(items), self.cls()


class Request(FlaskRequest):
    form_data_parser_class = FormDataParser


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site; never a way to send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    return target


def pdf_download(pdf: bytes, filename: str) -> Response:
    """A PDF to save, never cached by a shared cache: forms carry codes, letters names."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
