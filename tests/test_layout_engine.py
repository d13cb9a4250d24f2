"""The run's machinery lives in newsclean.engine; the old module names still import it."""

from __future__ import annotations

import importlib
import pickle
import re
from pathlib import Path

import pytest

import newsclean


@pytest.mark.parametrize(("old", "new"), sorted(newsclean.MOVED.items()))
def test_an_old_module_name_gives_the_module_at_its_new_home(old, new):
    module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__name__ == new and module.__spec__.name == new


def test_a_patch_by_the_old_name_reaches_the_code_at_the_new_home(monkeypatch):
    import newsclean.engine.checkpoint as checkpoint

    monkeypatch.setattr("newsclean.checkpoint.EVERY", 7)
    assert checkpoint.EVERY == 7


def test_objects_pickle_by_their_new_home_and_old_names_still_unpickle():
    from newsclean.engine.driver import LocalEngine

    assert b"newsclean.engine.driver" in pickle.dumps(LocalEngine(jobs=2))
    # Protocol 0 names the class in a line of text, which can be edited to the old module name.
    old = pickle.dumps(LocalEngine(jobs=2), protocol=0).replace(b"newsclean.engine.driver", b"newsclean.runner")
    assert b"newsclean.runner" in old
    assert pickle.loads(old) == LocalEngine(jobs=2)


def test_the_package_itself_imports_no_module_by_its_old_name():
    root = Path(newsclean.__file__).parent
    old = re.compile(r"\b(?:from|import)\s+(" + "|".join(re.escape(name) for name in newsclean.MOVED) + r")\b")
    found = [f"{path.relative_to(root)}: {m.group(1)}" for path in sorted(root.rglob("*.py")) for m in old.finditer(path.read_text(encoding="utf-8"))]
    assert not found
