"""Start-up: a one-page command loads only what a one-page run needs."""

from __future__ import annotations

import json
import subprocess
import sys

# Modules a one-page ``explain`` has no use for: the runner's processes and progress bar, the
# report, the Dask engine, the Parquet, Hugging Face and WARC readers, BeautifulSoup (the fallback
# for pages trafilatura finds nothing in).
NOT_NEEDED = (
    "dask",
    "distributed",
    "pyarrow",
    "pandas",
    "datasets",
    "warcio",
    "dateparser",
    "newsclean.report",
    "newsclean.engine.driver",
    "newsclean.engine.local",
    "newsclean.engine.distributed",
    "tqdm",
    "bs4",
)

PAGE = """<html><head><title>Valley school opens a new library</title></head><body>
<article><h1>Valley school opens a new library</h1>
<p>The valley school opened its new library on Monday, two years after a fire destroyed the old one.</p>
<p>Pupils helped carry the first boxes of books across the playground, the head teacher said.</p>
</article></body></html>"""

_CHILD = """
import contextlib, io, json, sys
import newsclean
from newsclean.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = main(["explain", sys.argv[1]])
print(json.dumps({"status": status, "output": out.getvalue(), "loaded": [m for m in json.loads(sys.argv[2]) if m in sys.modules]}))
"""


def test_explain_on_one_page_loads_none_of_the_heavy_modules(tmp_path):
    page = tmp_path / "library.html"
    page.write_text(PAGE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _CHILD, str(page), json.dumps(NOT_NEEDED)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 0
    assert "two years after a fire destroyed the old one" in result["output"]
    assert result["loaded"] == []
