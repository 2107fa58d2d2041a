import json

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from offline import external_references
from phasebook.report.index_html import index_html
from phasebook.report.notebook_html import notebook_html
from phasebook.report.run import RunInfo

RUN = RunInfo(
    started_at="2026-01-02T03:04:05+00:00",
    params_file="params/ci.yaml",
    platform_url="http://127.0.0.1:8080",
    duration_s=5.0,
)


def test_external_references_sees_tags_not_text() -> None:
    html = '<script src="https://cdn.x/require.js"></script><p>http://example.com</p>'
    assert external_references(html) == ["<script src=https://cdn.x/require.js>"]


def test_index_names_failed_test_and_links_its_cell(passed_result, failed_result) -> None:
    html = index_html(RUN, [passed_result, failed_result])
    assert "3.2</strong> Add first item to cart" in html
    assert 'href="03_cart.html#cell-4"' in html
    assert "2599.97" in html and "2599.98" in html
    assert 'href="01_catalog.html"' in html and 'href="01_catalog.ipynb"' in html


def test_index_shows_run_metadata_and_latency(failed_result) -> None:
    html = index_html(RUN, [failed_result])
    assert "params/ci.yaml" in html and "http://127.0.0.1:8080" in html
    assert "2026-01-02T03:04:05+00:00" in html
    assert "<code>/api/v1/products/{id}</code>" in html


def test_index_links_a_crash_to_its_cell(crashed_result) -> None:
    html = index_html(RUN, [crashed_result])
    assert 'href="05_crash.html#cell-2"' in html and "KeyError" in html


def test_index_is_offline_and_has_no_script(passed_result, failed_result, crashed_result) -> None:
    html = index_html(RUN, [passed_result, failed_result, crashed_result])
    assert external_references(html) == []
    assert "<script" not in html


def test_index_escapes_values(failed_result) -> None:
    failed_result.checks[1]["actual"] = "<script>alert(1)</script>"
    assert "<script>alert" not in index_html(RUN, [failed_result])


def widget_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Title with math $x^2$ and ![img](data:image/png;base64,AAAA)"),
            new_code_cell(
                "x",
                outputs=[
                    new_output(
                        "execute_result",
                        data={
                            "application/json": {"image": "http://example.com/laptop.jpg"},
                            "text/plain": "{'image': 'http://example.com/laptop.jpg'}",
                        },
                        execution_count=1,
                    )
                ],
            ),
        ]
    )
    state = {"state": {}, "version_major": 2, "version_minor": 0}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": state}
    return nb


def test_notebook_html_renders_offline_even_with_widgets_and_math() -> None:
    html = notebook_html(widget_notebook())
    assert external_references(html) == []
    assert "require.js" not in html and "mathjax" not in html.lower()


def test_notebook_html_anchors_every_cell(failed_nb) -> None:
    html = notebook_html(failed_nb)
    for index in range(len(failed_nb.cells)):
        assert f'id="cell-{index}"' in html


def test_notebook_html_accepts_on_disk_json_with_line_lists(failed_nb) -> None:
    on_disk = json.loads(nbformat.writes(failed_nb))
    on_disk["cells"][3]["source"] = ["r = s.api.post(\n", "  ...)\n"]
    html = notebook_html(on_disk)
    assert 'id="cell-3"' in html and "api" in html
