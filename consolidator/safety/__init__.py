"""Stage 3, safety: a returned file is checked before and while any parser touches it.

- ``package``: one file held in memory while it is checked and read: its bytes read once,
  their SHA-256, the zip opened once, each XML part decompressed once.
- ``file_check``: the bytes and the zip directory.
- ``xml_parts``: reading one XML part, capped and never with a DTD.
- ``content_scan``: every XML part and the grid (.xlsx).
- ``odf_check``, ``odf_scan``: the same for an OpenDocument spreadsheet (.ods): the manifest,
  then every XML part and the grid.
- ``scan_common``: what both content scans share (findings per file, reading parts within one
  budget, where a finding is).
- ``verdict``: both checks at once, the full verdict on one file.
- ``isolation``: parsing in child processes with a memory cap and a time limit.
"""
