"""File safety checks: the hostile corpus, the clean base, and the details of each check."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import olefile
import pytest

from consolidator.findings import ERROR
from consolidator.limits import DEFAULT_LIMITS, Limits
from consolidator.messages import MESSAGES
from consolidator.package_parts import UnsafeContent
from consolidator.safety import content_scan
from consolidator.safety.content_scan import scan_parts
from consolidator.safety.file_check import check_file
from consolidator.safety.verdict import verdict_of
from consolidator.safety.xml_parts import read_xml_part
from helpers.hostile_corpus import (
    EXPECTED,
    SHEET2,
    build_corpus,
    edit,
    make_base,
    minimal_png,
    minimal_xls,
    patch_declared_size,
    read_entries,
    write_zip,
)

KINDS = {
    "legacy.xlsx": "xls", "encrypted.xlsx": "encrypted", "odt.xlsx": "not-workbook",
    "empty.xlsx": "empty", "truncated.xlsx": "broken-zip", "macro.xlsm": "xlsm",
    "csv.xlsx": "not-workbook", "pdf.xlsx": "not-workbook", "png.xlsx": "not-workbook",
    "random.xlsx": "not-workbook", "html.xlsx": "not-workbook", "extremes.xlsx": "xlsx",
    "bomb_ratio.xlsx": "xlsx", "billion_laughs.xlsx": "xlsx",
}
LOOKS_LIKE = {"csv.xlsx": "CSV", "html.xlsx": "HTML", "pdf.xlsx": "PDF", "png.xlsx": "PNG",
              "random.xlsx": "不明"}


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_base(tmp_path_factory.mktemp("base") / "base.xlsx")


@pytest.fixture(scope="session")
def corpus(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("hostile")
    return out, build_corpus(base, out)


# ---- the corpus ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_corpus_file_reports_exactly_its_code(name: str, corpus: tuple[Path, dict[str, str]]
                                              ) -> None:
    out, built = corpus
    expected = built[name]
    report = verdict_of(out / name)
    codes = report.codes()
    if expected:
        assert codes and set(codes) == {expected}, codes
    else:
        assert codes == []
    severity = MESSAGES[expected][0] if expected else None
    assert report.ok is (severity != ERROR)
    if name in KINDS:
        assert report.kind == KINDS[name]
    if name in LOOKS_LIKE:
        assert LOOKS_LIKE[name] in report.findings[0].message
    for finding in report.findings:
        assert finding.file == name and finding.message and finding.action


def test_clean_base_has_no_findings(base: Path) -> None:
    report = check_file(base)
    assert (report.kind, report.ok, report.findings) == ("xlsx", True, [])
    assert scan_parts(base) == []
    assert verdict_of(base).findings == []


def test_check_file_reads_no_part_of_a_bomb(corpus: tuple[Path, dict[str, str]],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = corpus

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a part was decompressed")
    monkeypatch.setattr(zipfile.ZipFile, "open", boom)
    for name in ("bomb_ratio.xlsx", "lying_sizes.xlsx", "duplicate_entry.xlsx",
                 "many_entries.xlsx"):
        assert check_file(out / name).codes() == [EXPECTED[name]]


def test_findings_locate_sheet_and_cell(corpus: tuple[Path, dict[str, str]]) -> None:
    out, _ = corpus
    control = verdict_of(out / "control_chars.xlsx").findings[0]
    assert (control.sheet, control.cell) == ("実績", "A1")  # shared string 0 is used in A1
    inline = verdict_of(out / "control_inline.xlsx").findings[0]
    assert (inline.sheet, inline.cell) == ("予定", "C3")
    row = [f for f in verdict_of(out / "row_1048577.xlsx").findings if f.cell]
    assert [(f.sheet, f.cell) for f in row] == [("予定", "A1048577")]
    long = verdict_of(out / "long_string.xlsx").findings[0]
    assert "40,000" in long.message and long.cell == "A1"
    link = verdict_of(out / "external_link.xlsx").findings[0]
    assert link.value == "file:///C:/Users/fukushi/Desktop/集計.xlsx"
    missing = verdict_of(out / "missing_sheet.xlsx").findings[0]
    assert missing.sheet == "予定" and "xl/worksheets/sheet2.xml" in missing.message


def test_corpus_from_a_generated_template(mini_templates: dict[str, Path],
                                          tmp_path: Path) -> None:
    """The corpus built from a template the toolkit generates behaves the same."""
    template = min(mini_templates.values(), key=lambda p: p.stat().st_size)
    assert verdict_of(template).findings == []
    built = build_corpus(template, tmp_path)
    assert set(built) == set(EXPECTED)
    for name, code in built.items():
        assert set(verdict_of(tmp_path / name).codes()) == ({code} if code else set()), name


def test_generated_templates_are_clean(default_templates: dict[str, Path]) -> None:
    for path in default_templates.values():
        report = verdict_of(path)
        assert (report.ok, report.findings) == (True, []), path.name


# ---- limits -----------------------------------------------------------------------------------

def test_file_too_large(base: Path) -> None:
    report = check_file(base, replace(DEFAULT_LIMITS, max_file_bytes=1_000))
    assert report.codes() == ["file-too-large"] and not report.ok


def test_too_many_cells_with_a_low_limit(base: Path) -> None:
    assert [f.code for f in scan_parts(base, replace(DEFAULT_LIMITS, max_cells=5))] == [
        "grid-too-many-cells"]


def test_total_declared_size(base: Path) -> None:
    report = check_file(base, Limits(max_total_bytes=10_000))
    assert report.codes() == ["zip-bomb-size"]


def test_read_xml_part_counts_what_it_inflates(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "big.xlsx", [("a.xml", b"<a>" + b" " * 10_000 + b"</a>")])
    with zipfile.ZipFile(path) as zf:
        assert len(read_xml_part(zf, "a.xml")) == 10_007
        with pytest.raises(UnsafeContent) as caught:
            read_xml_part(zf, "a.xml", max_bytes=5_000)
        assert caught.value.code == "zip-bomb-size"
        with pytest.raises(UnsafeContent):
            read_xml_part(zf, "a.xml", Limits(max_entry_bytes=5_000))
        with pytest.raises(KeyError):
            read_xml_part(zf, "missing.xml")


@pytest.mark.parametrize("xml, code", [
    (b'<?xml version="1.0"?><!DOCTYPE a><a/>', "xml-doctype"),
    (b"<a/><!-- later --><!ENTITY x 'y'>", "xml-doctype"),
    (b"<!doctype a><a/>", "xml-doctype"),
    (b"\xef\xbb\xbf<!DOCTYPE a><a/>", "xml-doctype"),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"), "xml-doctype"),
    ('<!DOCTYPE a><a/>'.encode("utf-16-le"), "xml-doctype"),
    ('<!DOCTYPE a><a/>'.encode("utf-32"), "xml-encoding"),
    ('<?xml version="1.0" encoding="cp037"?><a/>'.encode("cp037"), "xml-encoding"),
    (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE a+AD4-<a/>', "xml-encoding"),
    (b'<?xml version="1.0" encoding="UTF-16"?><a/>', "xml-encoding"),  # declared, not used
], ids=["doctype", "entity-late", "lowercase", "bom", "utf16-bom", "utf16-nobom", "utf32",
        "ebcdic", "utf7", "utf16-lie"])
def test_read_xml_part_rejects(xml: bytes, code: str, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "x.xlsx", [("x.xml", xml)])
    with zipfile.ZipFile(path) as zf, pytest.raises(UnsafeContent) as caught:
        read_xml_part(zf, "x.xml")
    assert caught.value.code == code


def test_read_xml_part_accepts_plain_and_utf16(tmp_path: Path) -> None:
    plain = '<?xml version="1.0" encoding="UTF-8"?><a>&lt;!DOCTYPE は文字列</a>'.encode()
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><a>表</a>'.encode("utf-16")
    sjis = '<?xml version="1.0" encoding="Shift_JIS"?><a>表</a>'.encode("cp932")
    path = write_zip(tmp_path / "x.xlsx", [("p.xml", plain), ("u.xml", utf16), ("s.xml", sjis)])
    with zipfile.ZipFile(path) as zf:
        assert read_xml_part(zf, "p.xml") == plain
        assert read_xml_part(zf, "u.xml") == utf16  # returned as stored
        assert read_xml_part(zf, "s.xml") == sjis


# ---- the grid and strings -------------------------------------------------------------------

def _with_sheet2(base: Path, tmp_path: Path, xml: str) -> Path:
    """``base`` with its second worksheet replaced by ``xml``."""
    return write_zip(tmp_path / "s.xlsx",
                     edit(read_entries(base), SHEET2, lambda _old: xml.encode()))


MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.mark.parametrize("xml, code, cell", [
    (f'<x:worksheet xmlns:x="{MAIN[7:-1]}"><x:sheetData><x:row r="1048577">'
     '<x:c r="A1048577"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>',
     "grid-out-of-range", "A1048577"),
    (f'<worksheet {MAIN}><sheetData><row r="1"><c\nr="XFE1"><v>1</v></c></row></sheetData>'
     "</worksheet>", "grid-out-of-range", "XFE1"),
    (f"<worksheet {MAIN}><sheetData><row r='1'><c r='A0'><v>1</v></c></row></sheetData>"
     "</worksheet>", "grid-out-of-range", "A0"),
    (f'<worksheet {MAIN}><dimension ref="A1:XFD1048577"/><sheetData/></worksheet>',
     "grid-out-of-range", None),
    (f'<worksheet {MAIN}><cols><col min="1" max="16385" width="9"/></cols><sheetData/>'
     "</worksheet>", "grid-out-of-range", None),
    (f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&#1;b</t>'
     "</is></c></row></sheetData></worksheet>", "string-control-char", "A1"),
    (f'<worksheet {MAIN}><sheetData><row r="1"><c r="B1" t="inlineStr"><is><t>a\x0bb</t>'
     "</is></c></row></sheetData></worksheet>", "string-control-char", "B1"),
    (f'<worksheet {MAIN}><sheetData><row r="1"><c r="C1" t="str"><f>A1</f><v>x_x001F_</v>'
     "</c></row></sheetData></worksheet>", "string-control-char", "C1"),
    (f'<worksheet {MAIN}><sheetData><row r="1"><c r="D1" t="inlineStr"><is>'
     + "".join(f'<r><rPr><color rgb="FF0000"/></rPr><t>{"x" * 10_000}</t></r>' for _ in range(4))
     + "</is></c></row></sheetData></worksheet>", "string-too-long", "D1"),
], ids=["prefixed-row", "newline-attr", "row-zero", "dimension", "cols", "char-ref",
        "raw-vt", "formula-result", "rich-runs"])
def test_sheet_findings(xml: str, code: str, cell: str | None, base: Path,
                        tmp_path: Path) -> None:
    findings = scan_parts(_with_sheet2(base, tmp_path, xml))
    assert {f.code for f in findings} == {code}, [f.message for f in findings]
    if cell:
        assert cell in {f.cell for f in findings}
        assert all(f.sheet == "予定" for f in findings if f.cell)


@pytest.mark.parametrize("text", [
    "_x005F_x0001_",  # the escaped literal text "_x0001_", not a control character
    "改行_x000D_\n_x000A_とタブ\t",
    "x" * 32_767,
], ids=["escaped-literal", "crlf-tab", "exactly-max"])
def test_legal_strings_pass(text: str, base: Path, tmp_path: Path) -> None:
    xml = (f'<worksheet {MAIN}><pageMargins header="0.3" footer="0.3"/><sheetData><row r="1">'
           f'<c r="XFD1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>')
    assert scan_parts(_with_sheet2(base, tmp_path, xml)) == []


def test_control_references_are_found_among_text_written_as_references(
        base: Path, tmp_path: Path) -> None:
    """Issue 27: text written as character references (&#20013;) is common; the exact search
    for a control character's reference starts at the first reference that may be short,
    and still finds one after thousands of long ones (and leading zeros hide nothing)."""
    long_refs = "&#20013;&#22830;" * 2_000
    for hidden, found in (("&#1;", True), ("&#x1F;", True), ("&#0000031;", True),
                          ("&#10;&#13;&#9;", False), ("&#00020013;", False), ("&#65;", False)):
        xml = (f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
               f'{long_refs}{hidden}{long_refs}</t></is></c></row></sheetData></worksheet>')
        codes = {f.code for f in scan_parts(_with_sheet2(base, tmp_path, xml))}
        assert codes == ({"string-control-char"} if found else set()), hidden


def test_the_control_character_search_is_the_exact_regex() -> None:
    """The fast path of :func:`content_scan._has_ctrl` answers as the exact regexes alone."""
    import random

    def exact(data: bytes) -> bool:
        if data.translate(None, content_scan._NOT_CTRL):
            return True
        if any(data[max(0, m.start() - 6):m.start()].upper() != b"_X005F"
               for m in content_scan._ESC_CTRL.finditer(data)):
            return True
        return content_scan._REF_CTRL.search(data) is not None

    rng = random.Random(27)
    cases = [(f % v).encode() for v in range(300)
             for f in ("&#%d;", "&#0%d;", "&#x%x;", "&#X0%X;", "a&#12345;&#%d;b", "&#%d")]
    cases += [bytes(rng.choice(b"&#x0123456789;aAbB_") for _ in range(rng.randint(1, 16)))
              for _ in range(20_000)]
    assert [content_scan._has_ctrl(c) for c in cases] == [exact(c) for c in cases]


def test_findings_per_code_are_capped(base: Path, tmp_path: Path) -> None:
    cells = "".join(f'<c r="XF{chr(69 + i % 20)}{i + 1}"><v>1</v></c>' for i in range(30))
    xml = f'<worksheet {MAIN}><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    findings = scan_parts(_with_sheet2(base, tmp_path, xml))
    assert len(findings) == content_scan.MAX_FINDINGS_PER_CODE + 1
    assert "ほか 10 か所" in findings[-1].message


# ---- signatures -------------------------------------------------------------------------------

@pytest.mark.parametrize("data, looks_like", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "MHTML"),
    (b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns='
     b'"urn:schemas-microsoft-com:office:spreadsheet">', "Excel 2003 XML"),
    ("取組み,実績\n1-1,12\n".encode("cp932"), "CSV"),
    ("取組み\t実績\n".encode("utf-16"), "CSV"),
], ids=["jpeg", "mhtml", "xml2003", "csv-cp932", "tsv-utf16"])
def test_not_a_workbook_says_what_it_looks_like(data: bytes, looks_like: str,
                                                tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    report = check_file(path)
    assert report.codes() == ["file-not-workbook"] and report.kind == "not-workbook"
    assert looks_like in report.findings[0].message


def test_ole_stream_names_are_read_from_directory_entries(tmp_path: Path) -> None:
    data = bytearray(minimal_xls())
    stream_at = 3 * 512  # header, FAT, directory, then the Workbook stream
    fake = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
    at = stream_at + 100  # inside stream data, even with a plausible name-length field
    data[at:at + len(fake)] = fake
    data[at + 64:at + 66] = len(fake).to_bytes(2, "little")
    path = tmp_path / "x.xlsx"
    path.write_bytes(bytes(data))
    assert check_file(path).kind == "xls"
    with olefile.OleFileIO(str(path)) as ole:  # the builder writes a real compound file
        assert ole.exists("Workbook")


def test_other_zips(tmp_path: Path) -> None:
    docx = write_zip(tmp_path / "d.xlsx", [("[Content_Types].xml", b"<Types/>"),
                                          ("word/document.xml", b"<w/>")])
    assert "Word" in check_file(docx).findings[0].message
    plain = write_zip(tmp_path / "z.xlsx", [("a.txt", b"hello")])
    assert check_file(plain).codes() == ["file-not-workbook"]
    no_wb = write_zip(tmp_path / "n.xlsx", [("[Content_Types].xml", b"<Types/>")])
    assert check_file(no_wb).codes() == ["file-missing-part"]


def test_stored_entry_with_lying_size(base: Path, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "s.xlsx", read_entries(base), stored=(SHEET2,))
    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo(SHEET2).file_size
    patch_declared_size(path, SHEET2, size + 1)
    assert check_file(path).codes() == ["zip-size-mismatch"]


def test_unreadable_path(tmp_path: Path) -> None:
    assert check_file(tmp_path).codes() == ["file-unreadable"]


def test_macro_by_content_type_only(base: Path, tmp_path: Path) -> None:
    entries = edit(read_entries(base), "[Content_Types].xml", lambda d: d.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"))
    report = check_file(write_zip(tmp_path / "m.xlsx", entries))
    assert (report.kind, report.codes(), report.ok) == ("xlsm", ["file-macro"], True)


def test_xml_parts_are_found_by_content_not_name(base: Path, tmp_path: Path) -> None:
    """Parsers follow relationships: a shared-string table named .dat is still XML."""
    entries = edit(read_entries(base), "xl/_rels/workbook.xml.rels", lambda d: d.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="strings.dat"/></Relationships>'))
    entries.append(("xl/strings.dat", b'<!DOCTYPE sst [<!ENTITY a "b">]><sst/>'))
    entries.append(("xl/media/image1.png", minimal_png()))
    entries.append(("docProps/thumbnail.dat", b"  \n <!DOCTYPE x><x/>"))
    findings = scan_parts(write_zip(tmp_path / "dat.xlsx", entries))
    assert sorted((f.code, f.message.split(" ")[1]) for f in findings) == [
        ("xml-doctype", "docProps/thumbnail.dat"), ("xml-doctype", "xl/strings.dat")]
