"""The run report: results read back from executed notebooks, and the files written from them.

``results`` reads an executed notebook (``tests`` groups its checks by plan test);
``latency`` and ``routes`` summarise its request journal by route template; ``junit``,
``index_html`` (with ``charts``: inline SVG), ``notebook_html`` and ``run`` (results.json)
render; ``history`` reads the runs beside this one; ``sequence`` draws each test's calls from
the services' call log; ``console`` prints failed checks one per line; ``scrub`` removes
secrets from everything written.
"""
