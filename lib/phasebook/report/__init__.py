"""The run report: results read back from executed notebooks, and the files written from them.

``results`` reads an executed notebook; ``latency`` summarises its request journal;
``junit``, ``index_html``, ``notebook_html`` and ``results_json`` render; ``scrub`` removes
secrets from everything written.
"""
