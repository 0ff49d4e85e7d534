"""The answers waitress gives by itself, before the desk sees a request, said in Japanese.

waitress refuses some requests while reading them, without calling the application: a body
larger than its ``max_request_body_size`` (413, as soon as the ``Content-Length`` header
says so, before a byte of the body is read), headers too large (431), a request it cannot
parse (400), a transfer coding it does not know (501). Its own answer is an English text
("Request Entity Too Large … exceeds max_body of …"). Here the server's connections answer
them with the desk's bare refusal page instead, rendered once at start from the desk's
messages (:func:`consolidator.desk.app.early_page`), with the desk's security headers.

Why waitress refuses the body first rather than Flask: waitress reads a whole request body
before it calls the application (in memory up to 512 KiB, ``inbuf_overflow``, then into a
temporary file). Left to Flask (``MAX_CONTENT_LENGTH``), a request up to waitress's limit is
first written in full to the temporary folder, and one above waitress's limit still got the
English text. Measured (waitress 3.0.2, Linux, a 2-core development machine): 256 MiB sent on
127.0.0.1 reached the application 1.3 s after the first byte, once the last had arrived, as
an unnamed temporary file, after 256 MiB had been written to disk (the process's block
writes). The desk therefore sets waitress's limit to
exactly the upload limit (:func:`consolidator.desk.server.make_desk`): nothing over it is
read or written, and the answer is this module's. A browser still sending a large file may
show the connection as reset instead of any answer, so the desk's pages also refuse a
selection over the limit before sending it (``desk.js``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from waitress.task import ErrorTask


def answer_in_japanese(server: Any, pages: Mapping[int, bytes], other: bytes,
                       headers: Mapping[str, str]) -> None:
    """Make ``server`` (waitress's, not yet running) answer its own refusals with ``pages``
    (status code → HTML page), ``other`` for any other code, each with ``headers``."""

    class DeskErrorTask(ErrorTask):  # type: ignore[misc]
        def execute(self) -> None:
            error = self.request.error
            body = pages.get(error.code, other)
            self.status = f"{error.code} {error.reason}"
            self.response_headers.append(("Content-Type", "text/html; charset=utf-8"))
            self.response_headers.extend(headers.items())
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class DeskChannel(server.channel_class):  # type: ignore[misc, name-defined]
        error_task_class = DeskErrorTask

    server.channel_class = DeskChannel
