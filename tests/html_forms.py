"""What a browser would submit from a page's form, for tests that post it back as it was
opened (hidden fields included)."""
from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"_action": a.get("action", ""), "_fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["_fields"]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "image", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "y")
            else:
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            fields = self.forms[-1]["_fields"]
            fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["_fields"][self._textarea] += data


def form_values(html: str, containing: str) -> dict:
    """The fields of the first form that has a field named ``containing``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if containing in form["_fields"]:
            return dict(form["_fields"])
    raise AssertionError(f"no form with a field {containing!r}")
