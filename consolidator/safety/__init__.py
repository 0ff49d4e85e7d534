"""Stage 3, safety: a returned file is checked before and while any parser touches it.

- ``file_check``: the bytes and the zip directory.
- ``xml_parts``: reading one XML part, capped and never with a DTD.
- ``content_scan``: every XML part and the grid.
- ``verdict``: both checks at once, the full verdict on one file.
- ``isolation``: parsing in child processes with a memory cap and a time limit.
"""
