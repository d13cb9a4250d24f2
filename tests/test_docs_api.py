"""docs/api.md is generated from the docstrings and must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_api", DOCS / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_md_is_up_to_date():
    rendered = load_generator().render()
    current = (DOCS / "api.md").read_text(encoding="utf-8")
    assert current == rendered, "docs/api.md is out of date: run python docs/gen_api.py"


def test_api_md_covers_the_public_modules_and_is_stable():
    generator = load_generator()
    rendered = generator.render()
    for heading in ("## `newsclean`", "## `newsclean.integrations`", "## `newsclean.readers`", "## `newsclean.writers`",
                    "## `newsclean.model`", "## `newsclean.api`", "## `newsclean.testing`"):
        assert heading in rendered
    for name in ("newsclean.clean(", "newsclean.integrations.clean_batch(", "newsclean.writers.open_writer(",
                 "newsclean.readers.read_warc(", "class newsclean.Article("):
        assert name in rendered
    assert " at 0x" not in rendered  # nothing that changes from run to run
    assert ">>>" not in rendered  # docs/*.md are doctests; this file must hold none
    assert generator.render() == rendered


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    generator = load_generator()
    stale = tmp_path / "api.md"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr(generator, "API_MD", stale)
    assert generator.main(["--check"]) == 1
    assert "run python docs/gen_api.py" in capsys.readouterr().err
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
