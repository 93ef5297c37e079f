"""Read back a form from a page as a browser would submit it, so tests post what the page offers."""
from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, object] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    if kind == "checkbox":
                        self.values.setdefault(name, []).append(attrs.get("value", "y"))
                    else:
                        self.values[name] = attrs.get("value")
            elif kind != "submit":
                self.values[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.values[name] = None
        elif tag == "option" and self.select:
            # Browsers submit the selected option, or the first one when none is selected.
            if "selected" in attrs or self.values[self.select] is None:
                self.values[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            if self.values[self.select] is None:
                self.values[self.select] = ""
            self.select = None
        elif tag == "textarea" and self.textarea:
            value = self.values[self.textarea]
            self.values[self.textarea] = value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_values(html: str, form_id: str | None = None) -> dict[str, object]:
    """The fields of the form ``form_id`` (or of every form) with the values the page shows."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.values
