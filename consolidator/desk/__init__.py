"""The desk: the yearly cycle in a local web page (``consolidator desk``), over the library.

It adds no logic of its own: every page calls what the command line calls. Installed with the
optional extra ``desk`` (Flask, Jinja2, waitress); only this package imports them.

- :mod:`.server`: ``serve`` — the server on 127.0.0.1 only, the browser opened on it;
- :mod:`.early_answers`: what waitress refuses before the desk sees a request (a body over
  the upload limit, a request it cannot read) answered with the desk's page, in Japanese;
- :mod:`.app`: the Flask application, its templates and static files, the guard installed;
- :mod:`.security`: the per-start secrets (the pages' random root, the key's cookie scoped to
  it, the form's key), the Host and Origin checks;
- :mod:`.workspace`: one change of the folder at a time, through the output lock; what the last
  upload, generation and consolidation gave;
- :mod:`.project`: the project folder and the only files the desk hands out;
- :mod:`.uploads`: uploaded files saved under safe names that fit every file system, never
  overwriting; what a crash left removed;
- :mod:`.department_status`: what the 状況 page shows, from the ledger (``consolidator
  status``) when it recorded the folder's files, else from the folder's validation;
- :mod:`.progress`: how far the running consolidation is (``run_consolidate``'s ``progress``),
  polled by the 集約 page;
- :mod:`.steps`: the steps of the year on はじめに, and which one the folder is at;
- :mod:`.wording`: a finding as the pages show it (severity in words, the desk's action where
  the catalog's names a command);
- :mod:`.pages`: one module per page.
"""
