"""One returned file held in memory while it is checked and read: its bytes read from disk
once, their SHA-256, the zip opened once, and every XML part decompressed once.

The safety checks (:mod:`~consolidator.safety.file_check`,
:mod:`~consolidator.safety.content_scan`, :mod:`~consolidator.safety.odf_scan`) and the
readers (:mod:`consolidator.reading.workbook`, :mod:`consolidator.reading.ods_workbook`) all
take a :class:`Package` where they used to take a path. The zip is a
:class:`~consolidator.safety.xml_parts.PackageZip`: a part read through
:func:`~consolidator.safety.xml_parts.read_xml_part` (capped, no DTD) is kept, so the reader
gets the very bytes the scan checked instead of decompressing the part again; python-calamine
reads the cells from the same bytes in memory (it decompresses the sheets it reads itself: it
takes no parts from outside). The SHA-256 is what the ledger records and the result cache is
keyed on: the bytes hashed are the bytes checked.

A file larger than ``limits.max_file_bytes`` is never read into memory: it is hashed as a
stream and :func:`consolidator.safety.file_check.check_file` refuses it by its size.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from consolidator.limits import DEFAULT_LIMITS, Limits, MiB
from consolidator.safety.xml_parts import PackageZip

# XML parts kept for the reader, all together; past this the reader reads a part again. A
# template's parts are well under 1 MiB; a file near the limits of a scan (200 MiB of XML)
# must not be held twice under the reading child's memory cap.
RETAIN_BYTES = 32 * MiB


@dataclass
class Package:
    """A file's bytes (``data``; None when it is too large to be read), SHA-256 and size."""

    path: Path
    data: bytes | None
    sha256: str
    size: int
    _zip: PackageZip | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def zip(self) -> PackageZip:
        """The zip over the bytes, opened once (raises what :class:`zipfile.ZipFile` raises
        for bytes that are not a zip). Never closed by its users: it lives with the package."""
        if self._zip is None:
            if self.data is None:
                raise ValueError(f"{self.path}: not read into memory")
            self._zip = PackageZip(io.BytesIO(self.data), RETAIN_BYTES)
        return self._zip

    def stream(self) -> io.BytesIO:
        """The bytes as a file object, for a reader that takes one (python-calamine)."""
        if self.data is None:
            raise ValueError(f"{self.path}: not read into memory")
        return io.BytesIO(self.data)


def read_package(path: Path, limits: Limits = DEFAULT_LIMITS, *, digest_large: bool = True
                 ) -> Package:
    """Read ``path`` once: its bytes (when within ``limits.max_file_bytes``), their SHA-256 and
    size. A larger file is hashed as a stream (``digest_large``; else its hash is left empty).
    Raises :class:`OSError` when the file cannot be read."""
    path = Path(path)
    size = path.stat().st_size
    if size <= limits.max_file_bytes:
        data = path.read_bytes()
        if len(data) <= limits.max_file_bytes:
            return Package(path, data, hashlib.sha256(data).hexdigest(), len(data))
        size = len(data)
    if not digest_large:
        return Package(path, None, "", size)
    h = hashlib.sha256()  # too large to hold: hashed as a stream, refused by its size
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return Package(path, None, h.hexdigest(), size)
