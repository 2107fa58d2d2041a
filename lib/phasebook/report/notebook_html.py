"""Executed notebook → self-contained HTML that renders offline.

Uses ``templates/notebook.html.j2``: nbconvert's ``lab`` template without the blocks that
load require.js, MathJax, mermaid and the widget manager from CDNs, and with an
``<a id="cell-N">`` anchor before every cell (N = index in the executed notebook).
JupyterLab's stylesheet is not inlined in every page: :func:`write_notebook_css` writes it
once, as ``notebook.css`` beside the pages (23 pages × ~270 kB was most of a full report).
An output that has both SVG and Markdown (a sequence diagram: Mermaid for JupyterLab) shows
its SVG: drawing Mermaid would need a script.
"""

from __future__ import annotations

import json
import re
import threading
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


_EXPORTERS = threading.local()  # one exporter per thread, reused: building one costs half
# the export of a small notebook (0.05 of 0.10 CPU s, measured)


def notebook_html(nb: Mapping) -> str:
    """The HTML page of executed notebook ``nb``."""
    # Imported here: nbformat+nbconvert cost ~1.3 s, which the CLI's error paths skip.
    import nbformat

    # reads(), not from_dict(): on-disk JSON keeps sources as lists of lines.
    node = nbformat.reads(json.dumps(dict(nb)), as_version=4)
    body, _ = _exporter().from_notebook_node(node)
    return body


def _exporter():  # noqa: ANN202 - nbconvert's HTMLExporter, imported lazily
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        exporter = _EXPORTERS.html = HTMLExporter(
            config=Config({"NbConvertBase": {"display_data_priority": PRIORITY}}),
            template_name="lab",
            template_file="notebook.html.j2",
            extra_template_basedirs=[str(TEMPLATES)],
            extra_template_paths=[str(TEMPLATES)],
            embed_images=True,
        )
    return exporter


CSS_FILE = "notebook.css"


def notebook_css() -> str:
    """The stylesheet the lab template would inline: JupyterLab's, the light theme, and the
    template's own rules."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    for base in TemplateExporter().template_paths:
        lab = Path(base) / "lab"
        if (lab / "static" / "index.css").is_file():
            inline = re.search(
                r"block notebook_css %}.*?<style[^>]*>(.*?)</style>",
                (lab / "index.html.j2").read_text(encoding="utf-8"),
                re.S,
            )
            parts = [
                (lab / "static" / name).read_text(encoding="utf-8")
                for name in ("index.css", "theme-light.css")
            ]
            return "\n".join([*parts, inline.group(1) if inline else ""])
    return ""


def write_notebook_css(out_dir: Path) -> Path:
    """Write ``notebook.css`` (shared by every notebook page of a run) into ``out_dir``."""
    path = Path(out_dir) / CSS_FILE
    path.write_text(notebook_css(), encoding="utf-8")
    return path
