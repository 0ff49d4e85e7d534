"""The whole folder's result as one record of plain data, and back, without trusting what is
read back: what a run whose every input is as last time reuses instead of looking each file
up and choosing again (see :mod:`consolidator.cache.store`, table ``folder``).

It holds what :func:`~consolidator.checks.validation.validate_folder` returns but the plan
and the year (which are in the key): every submission in order (its head, as a file's
record has it, with its file time and whether it was used, and its body, the compressed
record body kept as it is: never decompressed when nothing needs the values), which one
was chosen per department, and the run's findings in order; apart, the digests of each
file's values (:func:`~consolidator.cache.codec.value_digests`, most of a file's head),
read only when the record serves file by file (a folder with a file changed: the others are
taken from it, and a department's files are then chosen again), never for a result reused
whole.

The format is two parts of JSON (compressed, each after its length) followed by the bodies,
never pickle. Every text is held once
in a table and named by its index, so that a text many files repeat (a department, a code,
an action) is one object in memory, as :func:`~consolidator.cache.codec.share_texts` makes
it for a file's record. :func:`decode_folder` checks the type of every value it builds and
raises :class:`~consolidator.cache.codec.RecordDamaged` for anything else; a body is checked
when it is read (:class:`~consolidator.cache.codec.PackedSubmission`).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import fields
from typing import Any

from consolidator.cache.codec import DIGESTS, PackedSubmission, RecordDamaged
from consolidator.findings import ERROR, INFO, WARNING, Finding
from consolidator.submission import Identity, Submission

FOLDER_FORMAT = 1  # the layout below (a change of this code also changes the key: store.py)

_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_IDENTITY_FIELDS = tuple(f.name for f in fields(Identity))
_IDENTITY_TEXTS = tuple(n for n in _IDENTITY_FIELDS if n not in ("year", "recovered"))
_SEVERITIES = (ERROR, WARNING, INFO)
_LENGTH = 8  # bytes of the compressed JSON's length, before it


class _Texts:
    """Each distinct text once, named by its index (None: -1)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        if text is None:
            return -1
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.index)
        return i


def encode_folder(subs: list[Submission], bodies: list[bytes], digests: list[str | None],
                  chosen: dict[str, Submission], findings: list[Finding]) -> bytes:
    """The record of a folder's result: ``subs`` in order, each with its compressed record body
    and the digests of its values (``bodies[i]``, ``digests[i]``), the file ``chosen`` per
    department (one of ``subs``) and the run's ``findings`` in order."""
    text = _Texts()
    rows: list[list[int]] = []
    by_id: dict[int, int] = {}

    def finding(f: Finding) -> int:
        i = by_id.get(id(f))
        if i is None:
            i = by_id[id(f)] = len(rows)
            rows.append([text(getattr(f, n)) for n in _FINDING_FIELDS])
        return i

    at = {id(s): i for i, s in enumerate(subs)}
    out_subs = []
    for s, body in zip(subs, bodies, strict=True):
        identity = None if s.identity is None else [
            getattr(s.identity, n) if n in ("year", "recovered") else text(getattr(s.identity, n))
            for n in _IDENTITY_FIELDS]
        out_subs.append([text(s.file), text(s.department), identity, text(s.modified), s.mtime,
                         [finding(f) for f in s.findings], s.file_findings, s.used,
                         text(s.sha256), s.size, len(body)])
    doc = {"format": FOLDER_FORMAT, "subs": out_subs,
           "chosen": [[text(d), at[id(s)]] for d, s in chosen.items()],
           "result": [finding(f) for f in findings], "findings": rows,
           "texts": list(text.index)}
    return _part(doc) + _part(digests) + b"".join(bodies)


def _part(doc: Any) -> bytes:
    packed = zlib.compress(json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
                           .encode("utf-8"), 1)
    return len(packed).to_bytes(_LENGTH, "big") + packed


def decode_folder(data: bytes, *, digests: bool = False
                  ) -> tuple[list[Submission], dict[str, Submission], list[Finding]]:
    """The submissions (packed), the file chosen per department and the findings a record of
    :func:`encode_folder` holds (``digests``: with each file's value digests, else None);
    :class:`RecordDamaged` for anything that is not one."""
    try:
        return _decode(data, digests)
    except RecordDamaged:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
            zlib.error) as exc:
        raise RecordDamaged(f"folder: {type(exc).__name__}: {exc}") from exc


def _read_part(data: bytes, at: int) -> tuple[bytes, int]:
    """The compressed JSON at ``at`` and where what follows it begins."""
    n = int.from_bytes(data[at:at + _LENGTH], "big")
    _expect(len(data) >= at + _LENGTH + n, "length")
    return data[at + _LENGTH:at + _LENGTH + n], at + _LENGTH + n


def _decode(data: bytes, with_digests: bool
            ) -> tuple[list[Submission], dict[str, Submission], list[Finding]]:
    core, at = _read_part(data, 0)
    doc = json.loads(zlib.decompress(core).decode("utf-8"))
    digest_part, offset = _read_part(data, at)
    _expect(isinstance(doc, dict) and set(doc) == {
        "format", "subs", "chosen", "result", "findings", "texts"}
        and doc["format"] == FOLDER_FORMAT, "folder")
    texts = doc["texts"]
    _expect(type(texts) is list and all(type(t) is str for t in texts), "texts")
    table: list[str | None] = [*texts, None]  # index -1: None
    width = len(_FINDING_FIELDS)

    def text(i: Any, *, none: bool = True) -> Any:
        # Whatever the index, a text or None: one out of range raises IndexError, one that is
        # not an int TypeError (a negative one names some text: still a text).
        t = table[i]
        _expect(none or t is not None, "text")
        return t

    found: list[Finding] = []
    for row in doc["findings"]:
        _expect(type(row) is list and len(row) == width, "finding")
        f = Finding(*[table[i] for i in row])
        _expect(f.severity in _SEVERITIES and f.code is not None and f.message is not None,
                "finding")
        found.append(f)
    subs: list[Submission] = []
    for row in doc["subs"]:
        _expect(type(row) is list and len(row) == 11, "submission")
        (file, department, identity, modified, mtime, own, file_findings, used, sha256, size,
         length) = row
        _expect(type(mtime) in (int, float) and type(own) is list
                and type(file_findings) is int and 0 <= file_findings <= len(own)
                and type(used) is bool and type(size) is int and type(length) is int
                and 0 <= length <= len(data) - offset, "submission")
        packed = PackedSubmission.__new__(PackedSubmission)
        packed.__dict__.update(
            file=text(file, none=False), department=text(department),
            identity=None if identity is None else _identity(identity, text),
            modified=text(modified), mtime=float(mtime),
            findings=[found[i] for i in own if _index(i, len(found))],
            file_findings=file_findings, used=used, sha256=text(sha256, none=False),
            size=size, body=data[offset:offset + length], digests=None)
        offset += length
        subs.append(packed)
    _expect(offset == len(data), "bodies")
    if with_digests:
        digests = json.loads(zlib.decompress(digest_part).decode("utf-8"))
        _expect(type(digests) is list and len(digests) == len(subs)
                and all(d is None or (type(d) is str and DIGESTS.fullmatch(d) is not None)
                        for d in digests), "digests")
        for s, d in zip(subs, digests, strict=True):
            s.__dict__["digests"] = d
    chosen: dict[str, Submission] = {}
    for row in doc["chosen"]:
        _expect(type(row) is list and len(row) == 2 and _index(row[1], len(subs)), "chosen")
        chosen[text(row[0], none=False)] = subs[row[1]]
    result = [found[i] for i in doc["result"] if _index(i, len(found))]
    _expect(len(result) == len(doc["result"]), "result")
    return subs, chosen, result


def _identity(row: Any, text: Any) -> Identity:
    _expect(type(row) is list and len(row) == len(_IDENTITY_FIELDS), "identity")
    values = dict(zip(_IDENTITY_FIELDS, row, strict=True))
    _expect(type(values["year"]) is int and type(values["recovered"]) is bool, "identity")
    return Identity(**{k: v if k in ("year", "recovered") else text(v, none=False)
                       for k, v in values.items()})


def _index(i: Any, n: int) -> bool:
    _expect(type(i) is int and 0 <= i < n, "index")
    return True


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise RecordDamaged(what)
