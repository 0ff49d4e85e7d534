"""Text typed into a page's form, as the pages take it: trimmed, and cut to a length."""

from __future__ import annotations

from flask import request

MAX_FIELD_CHARS = 200  # a deadline, a contact, a name


def form_text(name: str, limit: int = MAX_FIELD_CHARS) -> str:
    """The form field ``name`` of the current request, stripped and at most ``limit``
    characters ('' when it was not sent)."""
    return request.form.get(name, "").strip()[:limit]
