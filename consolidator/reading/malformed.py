"""The reader's own error: "this file is malformed", and strict helpers that raise it.

Only what a malformed file can make the libraries raise is turned into
:class:`MalformedWorkbook` (a missing or corrupt part, XML that does not parse, a number
attribute that is not a number). The validator reports it as ``file-corrupt``; any other
exception is a bug of the toolkit, reported as ``internal-error``.
"""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

from consolidator.limits import Limits
from consolidator.safety.xml_parts import CORRUPT_ZIP_ERRORS, read_xml_part


class MalformedWorkbook(Exception):
    """The workbook's content is malformed (the file itself passed the safety checks)."""


def describe(exc: BaseException) -> str:
    text = str(exc)
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:200]


def strict_part(zf: zipfile.ZipFile, part: str, limits: Limits) -> bytes:
    """A part's bytes (capped, no DTD: see ``read_xml_part``); missing or corrupt is malformed."""
    try:
        return read_xml_part(zf, part, limits)
    except KeyError as exc:
        raise MalformedWorkbook(f"{part}: missing") from exc
    except CORRUPT_ZIP_ERRORS as exc:
        raise MalformedWorkbook(f"{part}: {describe(exc)}") from exc


def strict_xml(zf: zipfile.ZipFile, part: str, limits: Limits) -> ET.Element:
    """A part parsed as XML; XML that does not parse is malformed."""
    return parse_xml(strict_part(zf, part, limits), part)


def parse_xml(data: bytes, part: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise MalformedWorkbook(f"{part}: {describe(exc)}") from exc


def strict_int(text: str | None, default: int, where: str) -> int:
    """An integer attribute; absent gives ``default``, anything else not a number is malformed."""
    if text is None:
        return default
    try:
        return int(text)
    except ValueError as exc:
        raise MalformedWorkbook(f"{where}: {text!r}") from exc


def strict_float(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise MalformedWorkbook(f"{where}: {text!r}") from exc
