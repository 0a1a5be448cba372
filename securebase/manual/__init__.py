"""The technical manual of the ECR item bank, built from the bank file and the calibration data.

``python -m securebase.manual`` (or ``make manual``) recomputes every number and figure and
writes ``docs/manual/``: ``manual.md`` (16 chapters), ``numbers.json`` (every number the text
states, with a fingerprint of the bank it was built from), ``figures/*.svg`` and ``manual.pdf``.
Nothing in the text is typed by hand: the chapters' prose is in Jinja2 templates
(``templates/*.md.j2``), filled from ``numbers.json`` by :mod:`securebase.manual.render` with the
values :mod:`securebase.manual.chapters` picks out; the tests re-render them, reject digits typed
into a template's running text, and recompute the numbers that depend on the bank alone, so a
hand edit or a bank rebuilt without the manual fails a test.

This package is research tooling, not part of the website: it may use heavy libraries
(matplotlib, statsmodels, semopy, factor_analyzer, mirt) that ``make run`` does not install.
The website's ``/method/`` page only reads the generated files (:mod:`securebase.method`).
"""
