"""Messages for people, written in Simplified Chinese and translated at the edge.

Domain code and services mark a message with ``N_`` (so Babel extracts it) and keep
its parameters apart; the web layer passes it through gettext before showing it.
"""
from __future__ import annotations


def N_(text: str) -> str:
    return text


class Message(str):
    """A message with parameters: ``str()`` is the Chinese text, ``template``/``params``
    let the web layer translate it first."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        obj = super().__new__(cls, template % params if params else template)
        obj.template, obj.params = template, params
        return obj
