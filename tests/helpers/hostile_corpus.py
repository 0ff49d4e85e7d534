"""Build a corpus of hostile and broken "workbooks" from one clean .xlsx.

Nothing here is committed: the files are built on demand into a folder, from a clean base
workbook (the tests pass a generated one; :func:`make_base` makes a small one with openpyxl).

    python3 tests/helpers/hostile_corpus.py BASE.xlsx OUTDIR

:func:`build_corpus` returns file name -> the finding code that
:func:`consolidator.safety.verdict.verdict_of` must report for it ("" = the file must pass
the safety checks without any finding); :data:`EXPECTED` lists every case.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

SHEET1 = "xl/worksheets/sheet1.xml"
SHEET2 = "xl/worksheets/sheet2.xml"
SHARED = "xl/sharedStrings.xml"
CONTENT_TYPES = "[Content_Types].xml"
WB_RELS = "xl/_rels/workbook.xml.rels"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BOMB_BYTES = 200_000_000  # "a 200 MB run of zeros"

# Every case: file name -> the one finding code the safety checks must report ("" = none).
EXPECTED: dict[str, str] = {
    "bomb_ratio.xlsx": "zip-bomb-ratio",
    "lying_sizes.xlsx": "zip-size-mismatch",
    "truncated.xlsx": "file-broken-zip",
    "duplicate_entry.xlsx": "zip-duplicate-entry",
    "unsafe_path.xlsx": "zip-unsafe-path",
    "many_entries.xlsx": "zip-too-many-entries",
    "missing_sheet.xlsx": "file-missing-part",
    "random.xlsx": "file-not-workbook",
    "legacy.xlsx": "file-legacy-xls",
    "csv.xlsx": "file-not-workbook",
    "html.xlsx": "file-not-workbook",
    "empty.xlsx": "file-empty",
    "pdf.xlsx": "file-not-workbook",
    "png.xlsx": "file-not-workbook",
    "odt.xlsx": "file-not-workbook",  # an OpenDocument text: an .ods is read (issue 11)
    "encrypted.xlsx": "file-encrypted",
    "billion_laughs.xlsx": "xml-doctype",
    "external_entity.xlsx": "xml-doctype",
    "doctype_utf16.xlsx": "xml-doctype",
    "doctype_utf7.xlsx": "xml-encoding",
    "extremes.xlsx": "",
    "row_1048577.xlsx": "grid-out-of-range",
    "column_xfe.xlsx": "grid-out-of-range",
    "many_cells.xlsx": "grid-too-many-cells",
    "huge_merge.xlsx": "grid-too-many-cells",
    "long_string.xlsx": "string-too-long",
    "long_inline.xlsx": "string-too-long",
    "control_inline.xlsx": "string-control-char",
    "control_chars.xlsx": "string-control-char",
    "macro.xlsm": "file-macro",
    "external_link.xlsx": "file-external-link",
}

Entries = list[tuple[str, bytes]]


def make_base(path: Path) -> Path:
    """A small clean workbook: two sheets, a defined name, strings and numbers."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "実績"
    ws["A1"] = "取組み"
    ws["B1"] = "令和3年度実績値"
    ws["C1"] = "実施内容"
    for row, (ini, value, text) in enumerate([
            ("1-1-①", 12, "地区社協と連携して見守り研修会を開催した。"),
            ("1-1-②", 57.5, "アンケートで実施"),
            ("2-1-①", 54604, "実績なし"),
    ], start=2):
        ws.cell(row, 1, ini)
        ws.cell(row, 2, value)
        ws.cell(row, 3, text)
    ws2 = wb.create_sheet("予定")
    ws2["A1"] = "令和4年度予定"
    ws2["A2"] = "引き続き実施する。"
    wb.defined_names["報告年度"] = DefinedName("報告年度", attr_text="'実績'!$B$2")
    wb.save(path)
    return path


# ---- zip helpers ---------------------------------------------------------------------------

def read_entries(base: Path | bytes) -> Entries:
    """Every part of a zip (a path, or the bytes of one) as (name, data), in order."""
    with zipfile.ZipFile(io.BytesIO(base) if isinstance(base, bytes) else base) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def write_zip(path: Path, entries: Entries, *, stored: tuple[str, ...] = ()) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of one case
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data, compress_type=zipfile.ZIP_STORED if name in stored
                            else zipfile.ZIP_DEFLATED)
    return path


def edit(entries: Entries, name: str, func: Callable[[bytes], bytes]) -> Entries:
    """``entries`` with part ``name`` replaced by ``func`` of its data."""
    assert any(n == name for n, _ in entries), name
    return [(n, func(d) if n == name else d) for n, d in entries]


def _sub(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def f(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)
    return f


def _sheet_data(cells: str, dimension: str | None = None) -> Callable[[bytes], bytes]:
    """Replace a worksheet's <sheetData> (and optionally its dimension)."""
    def f(data: bytes) -> bytes:
        start = data.index(b"<sheetData")
        end = data.index(b"</sheetData>") + len(b"</sheetData>")
        data = data[:start] + f"<sheetData>{cells}</sheetData>".encode() + data[end:]
        if dimension is not None:
            i = data.index(b"<dimension")
            j = data.index(b">", i) + 1
            data = data[:i] + f'<dimension ref="{dimension}"/>'.encode() + data[j:]
        return data
    return f


def ensure_shared_strings(entries: Entries) -> Entries:
    """Give a base without a shared-string table (openpyxl writes inline strings) one, used
    by the first inline-string cell of sheet 1, as Excel and xlsxwriter write it."""
    if any(n == SHARED for n, _ in entries):
        return entries
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}" '
           'count="1" uniqueCount="1"><si><t>取組み</t></si></sst>').encode()
    entries = edit(entries, CONTENT_TYPES, _sub(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    entries = edit(entries, WB_RELS, _sub(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))

    def use(data: bytes) -> bytes:
        import re
        return re.sub(rb'(<c r="[A-Z]+[0-9]+")(?: [^>]*)? t="inlineStr"><is>.*?</is>',
                      rb'\1 t="s"><v>0</v>', data, count=1)
    return edit(entries, SHEET1, use) + [(SHARED, sst)]


def _bomb_zip(path: Path, entries: Entries, name: str, zeros: int) -> Path:
    """``entries`` with part ``name`` replaced by ``zeros`` zero bytes (streamed, not held)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in entries:
            if n != name:
                zf.writestr(n, d)
                continue
            info = zipfile.ZipInfo(n, (2024, 4, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            chunk = bytes(1 << 20)
            with zf.open(info, "w") as out:
                left = zeros
                while left:
                    out.write(chunk[:min(left, len(chunk))])
                    left -= min(left, len(chunk))
    return path


def patch_declared_size(path: Path, name: str, uncompressed: int) -> None:
    """Make the local header and the central directory lie about ``name``'s size."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    assert not info.flag_bits & 0x8, "data descriptor"
    assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 22, uncompressed)
    eocd = data.rindex(b"PK\x05\x06")
    pos = struct.unpack_from("<I", data, eocd + 16)[0]
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, e, c = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46:pos + 46 + n].decode("utf-8") == name:
            struct.pack_into("<I", data, pos + 24, uncompressed)
            break
        pos += 46 + n + e + c
    else:
        raise AssertionError(f"{name} not in central directory")
    path.write_bytes(bytes(data))


# ---- non-zip files -------------------------------------------------------------------------

def minimal_xls() -> bytes:
    """A tiny but well-formed OLE2 compound file holding a BIFF8 ``Workbook`` stream
    (BOF + EOF records), as an .xls saved by Excel 97-2003 starts."""
    sector = 512
    endchain, freesect, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    eof = struct.pack("<HH", 0x000A, 0)
    stream = (bof + eof).ljust(4096, b"\0")  # >= the 4096-byte mini-stream cutoff
    n_stream = len(stream) // sector
    header = bytearray(sector)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, endchain, 0, endchain, 0)
    difat = [0] + [freesect] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [fatsect, endchain] + [2 + i + 1 for i in range(n_stream - 1)] + [endchain]
    fat += [freesect] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBBIII", raw, 64, len(encoded), kind, 1, nostream, nostream, child)
        struct.pack_into("<III", raw, 116, start, size, 0)
        return bytes(raw)

    directory = (entry("Root Entry", 5, 1, endchain, 0) + entry("Workbook", 2, nostream, 2,
                                                                  len(bof + eof))
                 + entry("", 0, nostream, 0, 0) * 2)
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + directory + stream


def minimal_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def encrypt(path: Path, password: str = "himitsu") -> bytes:
    """``path`` encrypted as Excel does with a password to open (msoffcrypto-tool, a dev
    dependency: failing to build this case fails the tests that use the corpus)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with path.open("rb") as fh:
        OOXMLFile(fh).encrypt(password, out)
    return out.getvalue()


def odf_bytes(kind: str = "spreadsheet") -> bytes:
    """A minimal OpenDocument package of ``kind`` (spreadsheet, text …), no cells."""
    media = f"application/vnd.oasis.opendocument.{kind}"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", media, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml",
                    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                    '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                    f'"{media}"/></manifest:manifest>')
        zf.writestr("content.xml",
                    '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
                    '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
                    '<office:body><office:spreadsheet/></office:body></office:document-content>')
    return buf.getvalue()


# ---- the corpus ----------------------------------------------------------------------------

def _laughs(level: int) -> str:
    return ("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10


BILLION_LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE sst [\n'
                  b'<!ENTITY lol "lol">\n'
                  + b"".join(f'<!ENTITY lol{i} "{_laughs(i)}">\n'.encode() for i in range(1, 10))
                  + b"]>\n")
XXE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')


def _with_prolog(prolog: bytes, first_text: bytes) -> Callable[[bytes], bytes]:
    """Shared strings with ``prolog`` instead of the XML declaration and ``first_text`` in
    the first string."""
    def f(data: bytes) -> bytes:
        body = data[data.index(b"<sst"):]
        i = body.index(b"<t>") + 3
        j = body.index(b"</t>", i)
        return prolog + body[:i] + first_text + body[j:]
    return f


def build_corpus(base: Path, out_dir: Path) -> dict[str, str]:
    """Write the hostile/broken files into ``out_dir``; return name -> expected code."""
    base, out_dir = Path(base), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = base.read_bytes()
    entries = ensure_shared_strings(read_entries(base))
    names = [n for n, _ in entries]
    for needed in (SHEET1, SHEET2, SHARED, CONTENT_TYPES, WB_RELS):
        assert needed in names, f"base workbook has no {needed}"
    expected: dict[str, str] = {}

    def put(name: str, code: str, data: bytes | Entries, **kw: tuple[str, ...]) -> None:
        assert EXPECTED[name] == code, name
        if isinstance(data, bytes):
            (out_dir / name).write_bytes(data)
        else:
            write_zip(out_dir / name, data, **kw)
        expected[name] = code

    # zip level
    _bomb_zip(out_dir / "bomb_ratio.xlsx", entries, SHEET2, BOMB_BYTES)
    expected["bomb_ratio.xlsx"] = "zip-bomb-ratio"
    _bomb_zip(out_dir / "lying_sizes.xlsx", entries, SHEET2, 20_000_000)
    patch_declared_size(out_dir / "lying_sizes.xlsx", SHEET2, 1_000)
    expected["lying_sizes.xlsx"] = "zip-size-mismatch"
    put("truncated.xlsx", "file-broken-zip", raw[:len(raw) // 2])
    put("duplicate_entry.xlsx", "zip-duplicate-entry",
        entries + [(SHEET1, dict(entries)[SHEET2])])
    put("unsafe_path.xlsx", "zip-unsafe-path", entries + [("../../evil.xml", b"<x/>")])
    put("many_entries.xlsx", "zip-too-many-entries",
        entries + [(f"customXml/item{i}.xml", b"<x/>") for i in range(1_001)])
    put("missing_sheet.xlsx", "file-missing-part", [e for e in entries if e[0] != SHEET2])

    # not workbooks
    put("random.xlsx", "file-not-workbook", b"\x00\x01" + random.Random(20240401).randbytes(4094))
    put("legacy.xlsx", "file-legacy-xls", minimal_xls())
    put("csv.xlsx", "file-not-workbook",
        "\ufeff取組み,令和3年度実績値\n1-1-①,12人\n1-1-②,57.5%\n".encode())
    put("html.xlsx", "file-not-workbook",
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8">'
        "</head><body><table><tr><td>取組み</td><td>12人</td></tr></table></body></html>"
        .encode())
    put("empty.xlsx", "file-empty", b"")
    put("pdf.xlsx", "file-not-workbook",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
    put("png.xlsx", "file-not-workbook", minimal_png())
    put("odt.xlsx", "file-not-workbook", odf_bytes("text"))
    put("encrypted.xlsx", "file-encrypted", encrypt(base))

    # XML content
    put("billion_laughs.xlsx", "xml-doctype",
        edit(entries, SHARED, _with_prolog(BILLION_LAUGHS, b"&lol9;")))
    put("external_entity.xlsx", "xml-doctype",
        edit(entries, SHARED, _with_prolog(XXE, b"&xxe;")))
    utf16 = _with_prolog(BILLION_LAUGHS.replace(b"UTF-8", b"UTF-16"), b"&lol9;")
    put("doctype_utf16.xlsx", "xml-doctype",
        edit(entries, SHARED, lambda d: utf16(d).decode("utf-8").encode("utf-16")))
    put("doctype_utf7.xlsx", "xml-encoding",
        edit(entries, SHARED, lambda d: b'<?xml version="1.0" encoding="UTF-7"?>'
             + b"+ADw-!DOCTYPE sst +AFs-+ADw-!ENTITY xxe SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-"
             + d[d.index(b"<sst"):]))

    # the grid
    put("extremes.xlsx", "", edit(entries, SHEET2, _sheet_data(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>', "A1:XFD1048576")))
    put("row_1048577.xlsx", "grid-out-of-range", edit(entries, SHEET2, _sheet_data(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048577"><c r="A1048577"><v>2</v></c></row>')))
    put("column_xfe.xlsx", "grid-out-of-range", edit(entries, SHEET2, _sheet_data(
        '<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>')))
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJ")
                   + "</row>" for r in range(1, 20_002))  # 200,010 cells
    put("many_cells.xlsx", "grid-too-many-cells", edit(entries, SHEET2, _sheet_data(rows)))
    put("huge_merge.xlsx", "grid-too-many-cells", edit(entries, SHEET2, _sub(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                         b"</mergeCells>")))

    # strings
    put("long_string.xlsx", "string-too-long",
        edit(entries, SHARED, _with_prolog(b'<?xml version="1.0" encoding="UTF-8"?>\n',
                                           ("あ" * 40_000).encode())))
    put("long_inline.xlsx", "string-too-long", edit(entries, SHEET2, _sheet_data(
        '<row r="1"><c r="B1" t="inlineStr"><is><t>' + "い" * 40_000 + "</t></is></c></row>")))
    put("control_inline.xlsx", "string-control-char", edit(entries, SHEET2, _sheet_data(
        '<row r="3"><c r="C3" t="inlineStr"><is><t>実施_x0001_</t></is></c></row>')))
    put("control_chars.xlsx", "string-control-char",
        edit(entries, SHARED, _with_prolog(b'<?xml version="1.0" encoding="UTF-8"?>\n',
                                           "取組み_x0007_確認_x001B_".encode())))

    # active content: still read, never run / followed
    put("macro.xlsm", "file-macro", _macro(entries))
    put("external_link.xlsx", "file-external-link", _external_link(entries))
    assert set(expected) == set(EXPECTED), set(expected) ^ set(EXPECTED)
    return expected


def _macro(entries: Entries) -> Entries:
    entries = edit(entries, CONTENT_TYPES, lambda d: d.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"'
                      b"/><Default ", 1))
    entries = edit(entries, WB_RELS, _sub(
        b"</Relationships>",
        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
        b'vbaProject" Target="vbaProject.bin"/></Relationships>'))
    return entries + [("xl/vbaProject.bin", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))]


def _external_link(entries: Entries) -> Entries:
    entries = edit(entries, CONTENT_TYPES, _sub(
        b"</Types>",
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>'))
    entries = edit(entries, WB_RELS, _sub(
        b"</Relationships>",
        b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>'))
    # The r: prefix declared where it is used: openpyxl with lxml declares it on each <sheet>,
    # not on the workbook's root as with ElementTree.
    entries = edit(entries, "xl/workbook.xml", _sub(
        b"</sheets>", b'</sheets><externalReferences xmlns:r="http://schemas.openxmlformats.org/'
                      b'officeDocument/2006/relationships"><externalReference r:id="rIdExt1"/>'
                      b"</externalReferences>"))
    link = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<externalLink xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships">'
            '<externalBook r:id="rId1"><sheetNames><sheetName val="集計"/></sheetNames>'
            '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>1</v></cell></row>'
            "</sheetData></sheetDataSet></externalBook></externalLink>").encode()
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            b'"http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1"'
            b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'externalLinkPath" Target="file:///C:/Users/fukushi/Desktop/%E9%9B%86%E8%A8%88.xlsx"'
            b' TargetMode="External"/></Relationships>')
    return entries + [("xl/externalLinks/externalLink1.xml", link),
                      ("xl/externalLinks/_rels/externalLink1.xml.rels", rels)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python3 tests/helpers/hostile_corpus.py BASE.xlsx OUTDIR", file=sys.stderr)
        return 2
    base, out_dir = Path(args[0]), Path(args[1])
    if not base.exists():
        base.parent.mkdir(parents=True, exist_ok=True)
        make_base(base)
        print(f"made a base workbook: {base}")
    corpus = build_corpus(base, out_dir)
    width = max(map(len, corpus))
    for name, code in sorted(corpus.items()):
        size = (out_dir / name).stat().st_size
        print(f"{name:<{width}}  {size:>10,d} B  {code or '(no finding)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
