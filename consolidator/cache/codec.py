"""One checked file (a :class:`~consolidator.submission.Submission`) as a record of plain JSON,
and back, without trusting what is read back.

A record has two parts: the *head* (which file, department and identity, when it was saved,
its SHA-256 and size, every finding) and the *body* (the accepted entries and what every
input cell held, compressed). The head is what every run needs of every file; the body is
needed only for the file used for each department and when comparing versions, so the
parent of a run keeps it compressed (:class:`PackedSubmission`): memory stays small per file
however many files there are.

The format is JSON, never pickle: a record comes back from a file on disk
(:mod:`consolidator.cache.store`), and reading it can at worst fail, never run code.
:func:`decode` checks every field's type and raises :class:`RecordDamaged` for anything
that is not exactly what :func:`encode` writes. Cell values other than text, numbers,
booleans and blanks (calamine's dates, times and durations) are written tagged and read back
as the same types; a value of any other type makes the submission not recordable
(:class:`NotRecordable`: it is then simply not cached).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from consolidator.findings import ERROR, INFO, WARNING, Finding
from consolidator.submission import Entry, Identity, Submission, comparable

FORMAT = 2  # the record's layout; part of the cache's context (see store.py)

_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_IDENTITY_FIELDS = tuple(f.name for f in fields(Identity))
_SEVERITIES = (ERROR, WARNING, INFO)


class RecordDamaged(ValueError):
    """A record that is not what :func:`encode` writes: ignored, the file is checked again."""


class NotRecordable(ValueError):
    """A submission holding a value the record cannot represent (it is not cached)."""


@dataclass(frozen=True)
class Record:
    head: bytes  # JSON, UTF-8
    body: bytes  # JSON, UTF-8, zlib-compressed
    digests: str | None = None  # the head's, when made by encode (not stored apart)


# ---- writing ----------------------------------------------------------------------------------

def encode(sub: Submission) -> Record:
    """The record of ``sub`` (its ``mtime`` and ``used`` are not part of it: they belong to a
    run, not to the file's bytes). Raises :class:`NotRecordable`."""
    identity = None if sub.identity is None else [getattr(sub.identity, n)
                                                  for n in _IDENTITY_FIELDS]
    head = {"file": sub.file, "department": sub.department, "identity": identity,
            "modified": sub.modified, "file_findings": sub.file_findings,
            "findings": [[getattr(f, n) for n in _FINDING_FIELDS] for f in sub.findings],
            "sha256": sub.sha256, "size": sub.size}
    body = {"entries": [[e.field_id, _value(e.value), e.sheet, e.cell]
                        for e in sub.entries.values()],
            "typed": [[k, _value(v)] for k, v in sub.typed.items()]}
    head["digests"] = digests = value_digests({k: e.value for k, e in sub.entries.items()})
    return Record(_dumps(head), zlib.compress(_dumps(body), 1), digests)


def value_digests(values: dict[str, Any]) -> str | None:
    """A digest of each accepted value as duplicates are compared
    (:func:`consolidator.checks.changes.normalised`), one line ``field id<TAB>digest`` per
    field whose value is not blank, in field-id order: two files' values differ exactly
    where their lines do (a blank and a missing field are the same). Kept in the head, so
    that an unused duplicate is compared without reading its body back
    (:func:`differing_fields`). None when a value has no such digest (NaN, which equals
    nothing, or a field id with a tab or a line break)."""
    lines = []
    for k, raw in sorted(values.items()):
        v = comparable(raw)
        if v is None:
            continue
        if type(v) is float:
            if math.isnan(v):
                return None
            text = "f" + repr(v + 0.0)  # -0.0 == 0.0
        else:
            text = "s" + str(v)
        if "\t" in k or "\n" in k or not k:
            return None
        lines.append(k + "\t" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                                digest_size=8).hexdigest())
    return "\n".join(lines)


DIGESTS = re.compile(r"(?:[^\t\n]+\t[0-9a-f]{16}(?:\n[^\t\n]+\t[0-9a-f]{16})*)?")


def differing_fields(a: str, b: str) -> list[str]:
    """The field ids (sorted) whose values differ between two :func:`value_digests`."""
    if a == b:
        return []
    # A field differs exactly where its line is on one side only (one line a field a side).
    lines = (set(a.split("\n")) ^ set(b.split("\n"))) - {""}  # "": no field at all
    return sorted({line.partition("\t")[0] for line in lines})


def _dumps(doc: Any) -> bytes:
    try:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate in a text
        raise NotRecordable(str(exc)) from exc


def _value(v: Any) -> Any:
    if v is None or type(v) in _PLAIN:
        return v
    if type(v) is datetime:
        return {"datetime": v.isoformat()}
    if type(v) is date:
        return {"date": v.isoformat()}
    if type(v) is time:
        return {"time": v.isoformat()}
    if type(v) is timedelta:
        return {"timedelta": [v.days, v.seconds, v.microseconds]}
    raise NotRecordable(f"{type(v).__name__}")


_PLAIN = (str, bool, int, float)


# ---- reading back -------------------------------------------------------------------------------

def decode(record: Record) -> PackedSubmission:
    """The submission a record holds, its body kept compressed; :class:`RecordDamaged` for a
    record that is not what :func:`encode` writes. The head is checked field by field; the
    body's shape now and each value when it is read (:func:`unpack`, :func:`typed_of`)."""
    try:
        head = json.loads(record.head.decode("utf-8"))
        sub = _head(head)
        _body(record.body)
    except RecordDamaged:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, zlib.error) as exc:
        raise RecordDamaged(f"{type(exc).__name__}: {exc}") from exc
    digests = head["digests"]
    _expect(digests is None or (type(digests) is str and DIGESTS.fullmatch(digests) is not None),
            "digests")
    return PackedSubmission.of(sub, record.body, digests)


def _head(head: Any) -> Submission:
    _expect(isinstance(head, dict) and set(head) == {
        "file", "department", "identity", "modified", "file_findings", "findings", "sha256",
        "size", "digests"}, "head")
    identity = head["identity"]
    if identity is not None:
        _expect(isinstance(identity, list) and len(identity) == len(_IDENTITY_FIELDS), "identity")
        values = dict(zip(_IDENTITY_FIELDS, identity, strict=True))
        _expect(all(isinstance(values[k], str) for k in _IDENTITY_FIELDS
                    if k not in ("year", "recovered"))
                and type(values["year"]) is int and type(values["recovered"]) is bool, "identity")
        identity = _shared_identity(Identity(**values))
    findings = head["findings"]
    _expect(isinstance(findings, list), "findings")
    file_findings = head["file_findings"]
    _expect(type(file_findings) is int and 0 <= file_findings <= len(findings), "file_findings")
    _expect(_text(head["file"], none=False) and _text(head["department"])
            and _text(head["modified"]) and _text(head["sha256"], none=False)
            and type(head["size"]) is int, "head")
    return Submission(file=_shared(head["file"]), department=_shared(head["department"]),
                      identity=identity, modified=head["modified"],
                      findings=[_finding(f) for f in findings], file_findings=file_findings,
                      sha256=head["sha256"], size=head["size"])


def _finding(row: Any) -> Finding:
    _expect(isinstance(row, list) and len(row) == len(_FINDING_FIELDS), "finding")
    values = dict(zip(_FINDING_FIELDS, row, strict=True))
    _expect(values["severity"] in _SEVERITIES
            and all(_text(v, none=k not in ("code", "message", "action"))
                    for k, v in values.items() if k != "severity"), "finding")
    return Finding(**{k: v if k in _OWN else _shared(v) for k, v in values.items()})


def share_texts(sub: Submission) -> Submission:
    """``sub`` with the texts that many files repeat (names of departments, files and sheets,
    the identity, the codes and actions of findings) held once in memory: what keeps the
    parent's memory small per file. Returns ``sub``, changed."""
    sub.file, sub.department = _shared(sub.file), _shared(sub.department)
    if sub.identity is not None:
        sub.identity = _shared_identity(sub.identity)
    sub.findings = [Finding(*(getattr(f, n) if n in _OWN else _shared(getattr(f, n))
                              for n in _FINDING_FIELDS)) for f in sub.findings]
    return sub


_OWN = ("message", "value", "cell")  # texts of one finding alone: not worth sharing


def _shared(v: Any) -> Any:
    return sys.intern(v) if type(v) is str else v


_IDENTITIES: dict[Identity, Identity] = {}  # one object for the many files of one identity


def _shared_identity(identity: Identity) -> Identity:
    """One object for every file of the same identity (every copy of a department's
    template has the same), its texts shared; a small table, emptied when full."""
    known = _IDENTITIES.get(identity)
    if known is None:
        known = Identity(*(_shared(getattr(identity, n)) for n in _IDENTITY_FIELDS))
        if len(_IDENTITIES) >= 256:
            _IDENTITIES.clear()
        _IDENTITIES[known] = known
    return known


def _body(body: bytes) -> dict[str, list[list[Any]]]:
    doc = json.loads(zlib.decompress(body).decode("utf-8"))
    _expect(isinstance(doc, dict) and set(doc) == {"entries", "typed"}
            and isinstance(doc["entries"], list) and isinstance(doc["typed"], list), "body")
    return doc


T = TypeVar("T")


def _safely(what: str, body: bytes, read: Callable[[dict[str, list[list[Any]]]], T]) -> T:
    """``read`` of a body, what reading it can raise turned into :class:`RecordDamaged`."""
    try:
        return read(_body(body))
    except RecordDamaged:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, zlib.error) as exc:
        raise RecordDamaged(f"{what}: {type(exc).__name__}: {exc}") from exc


def unpack(body: bytes) -> tuple[dict[str, Entry], dict[str, Any]]:
    """The entries and typed values of a record's body (:class:`RecordDamaged` if it is not
    one)."""
    return _safely("body", body, lambda doc: (_entries(doc), _typed(doc)))


def typed_of(body: bytes) -> dict[str, Any]:
    """What every input cell held (field id → value), from a record's body."""
    return _safely("typed", body, _typed)


def entry_values_of(body: bytes) -> dict[str, Any]:
    """The accepted values alone (field id → value), from a record's body."""
    return _safely("entries", body, _entry_values)


def _entry_values(doc: dict[str, list[list[Any]]]) -> dict[str, Any]:
    return _values_by_id(doc["entries"], 4)


def _entries(doc: dict[str, list[list[Any]]]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for row in doc["entries"]:
        _expect(isinstance(row, list) and len(row) == 4 and _text(row[0], none=False)
                and _text(row[2], none=False) and _text(row[3], none=False), "entry")
        entries[row[0]] = Entry(row[0], _read_value(row[1]), row[2], row[3])
    return entries


def _typed(doc: dict[str, list[list[Any]]]) -> dict[str, Any]:
    return _values_by_id(doc["typed"], 2)


def _values_by_id(rows: list[list[Any]], width: int) -> dict[str, Any]:
    """field id → value, from rows [field id, value, …] of ``width`` items."""
    values: dict[str, Any] = {}
    for row in rows:
        _expect(isinstance(row, list) and len(row) == width and _text(row[0], none=False),
                "row")
        values[row[0]] = _read_value(row[1]) if type(row[1]) is dict else row[1]
    return values


def _read_value(v: Any) -> Any:
    if v is None or type(v) in _PLAIN:
        return v
    _expect(type(v) is dict and len(v) == 1, "value")
    ((kind, text),) = v.items()
    if kind == "datetime":
        return datetime.fromisoformat(text)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "time":
        return time.fromisoformat(text)
    if kind == "timedelta":
        _expect(isinstance(text, list) and len(text) == 3
                and all(type(x) is int for x in text), "value")
        return timedelta(days=text[0], seconds=text[1], microseconds=text[2])
    raise RecordDamaged(f"value: {kind!r}")


def _text(v: Any, *, none: bool = True) -> bool:
    return isinstance(v, str) or (none and v is None)


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise RecordDamaged(what)


# ---- a submission kept small ------------------------------------------------------------------

class PackedSubmission(Submission):
    """A :class:`Submission` whose entries and typed values are held as a record's compressed
    body and read back on each access (a few tens of µs): what the parent of a run keeps of
    every file, so that its memory grows by about a kilobyte a file, not by the objects of
    every cell. Read them once into a local when you need them more than once; assigning them
    packs them again. :meth:`unpacked` gives a plain :class:`Submission`."""

    body: bytes
    digests: str | None  # of the accepted values (:func:`value_digests`)

    @classmethod
    def of(cls, sub: Submission, body: bytes, digests: str | None) -> PackedSubmission:
        packed = cls.__new__(cls)
        state = {f.name: getattr(sub, f.name) for f in fields(Submission)
                 if f.name not in ("entries", "typed")}
        packed.__dict__.update(state, body=body, digests=digests)
        return packed

    @property  # type: ignore[override]
    def entries(self) -> dict[str, Entry]:
        return unpack(self.body)[0]

    @entries.setter
    def entries(self, value: dict[str, Entry]) -> None:
        record = encode(Submission(file="", entries=value, typed=self.typed))
        self.body, self.digests = record.body, record.digests

    @property  # type: ignore[override]
    def typed(self) -> dict[str, Any]:
        return typed_of(self.body)

    @typed.setter
    def typed(self, value: dict[str, Any]) -> None:
        self.body = encode(Submission(file="", entries=self.entries, typed=value)).body

    def entry_values(self) -> dict[str, Any]:
        """field id → accepted value (without building the entries)."""
        return entry_values_of(self.body)

    def unpacked(self) -> Submission:
        entries, typed = unpack(self.body)
        state = {f.name: getattr(self, f.name) for f in fields(Submission)
                 if f.name not in ("entries", "typed")}
        return Submission(**state, entries=entries, typed=typed)


class BodyFile:
    """The bodies of a run's packed submissions in a temporary file rather than in memory
    (issue 27: at 10,000 files their bytes, and the heap they fragment, were what the
    parent kept of each file besides its head). Appended once, read back on each access
    (a seek and a read, under a lock: the desk's threads may share a result); the file goes
    when the last submission holding it does."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="consolidator-bodies-")
        self._lock = threading.Lock()
        self._end = 0
        self._read = False

    def __del__(self) -> None:
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()

    def put(self, body: bytes) -> tuple[int, int]:
        with self._lock:
            at = self._end
            if self._read:  # the file was read since: back to its end
                self._file.seek(at)
                self._read = False
            self._file.write(body)
            self._end += len(body)
        return at, len(body)

    def get(self, at: int, size: int) -> bytes:
        with self._lock:
            self._read = True
            self._file.seek(at)
            data = self._file.read(size)
        if len(data) != size:
            raise RecordDamaged("body file")
        return data


class SpilledSubmission(PackedSubmission):
    """A :class:`PackedSubmission` whose body is in a :class:`BodyFile` (see :func:`spill`),
    read back on each access; assigning its entries or typed values keeps them in memory."""

    @property  # type: ignore[override]
    def body(self) -> bytes:
        state = self.__dict__
        kept = state.get("body")
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        return state["_bodies"].get(state["_at"], state["_size"])  # type: ignore[no-any-return]

    @body.setter
    def body(self, value: bytes) -> None:
        self.__dict__["body"] = value


def spill(sub: Submission, bodies: BodyFile | None) -> Submission:
    """``sub`` with its body in ``bodies`` (a :class:`SpilledSubmission`) when it is packed;
    as it is otherwise, without a body file, or when the file cannot be written."""
    if bodies is None or type(sub) is not PackedSubmission:
        return sub
    try:
        at, size = bodies.put(sub.body)
    except OSError:
        return sub
    spilled = SpilledSubmission.__new__(SpilledSubmission)
    state = spilled.__dict__
    state.update(sub.__dict__)
    del state["body"]
    state["_bodies"], state["_at"], state["_size"] = bodies, at, size
    return spilled


def body_file() -> BodyFile | None:
    """A new :class:`BodyFile`, or None when no temporary file can be made (the bodies then
    stay in memory)."""
    try:
        return BodyFile()
    except OSError:
        return None


def pack(sub: Submission) -> Submission:
    """``sub`` with its body packed (:class:`PackedSubmission`); as it is when it holds a value
    a record cannot represent."""
    if isinstance(sub, PackedSubmission):
        return sub
    try:
        record = encode(sub)
        return PackedSubmission.of(sub, record.body, record.digests)
    except NotRecordable:
        return sub
