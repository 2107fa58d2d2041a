"""Executed notebook → self-contained HTML that renders offline.

Uses ``templates/notebook.html.j2``: nbconvert's ``lab`` template without the blocks that
load require.js, MathJax, mermaid and the widget manager from CDNs, and with an
``<a id="cell-N">`` anchor before every cell (N = index in the executed notebook).
An output that has both SVG and Markdown (a sequence diagram: Mermaid for JupyterLab) shows
its SVG: drawing Mermaid would need a script.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: nbconvert's HTML order with SVG before Markdown.
PRIORITY = [
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "image/svg+xml",
    "text/markdown",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]


def notebook_html(nb: Mapping) -> str:
    """The HTML page of executed notebook ``nb``."""
    # Imported here: nbformat+nbconvert cost ~1.3 s, which the CLI's error paths skip.
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    exporter = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": PRIORITY}}),
        template_name="lab",
        template_file="notebook.html.j2",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES)],
        embed_images=True,
    )
    # reads(), not from_dict(): on-disk JSON keeps sources as lists of lines.
    node = nbformat.reads(json.dumps(dict(nb)), as_version=4)
    body, _ = exporter.from_notebook_node(node)
    return body
