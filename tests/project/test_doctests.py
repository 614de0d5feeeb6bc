"""Every docstring example in the library runs (pyoxigraph's ``test_doc.py`` does the same for its stubs)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mlkg

#: Modules that need an optional SDK; their doctests run where the SDK is installed.
_OPTIONAL = ("mlflow", "huggingface_hub", "sklearn", "boto3", "google", "azure", "wandb", "neptune", "h2o",
             "datahub", "databricks", "owlready2", "shacl")


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(mlkg.__path__, "mlkg.") if not m.name.endswith("__main__"))


def test_doctests_exist() -> None:
    finder = doctest.DocTestFinder()
    found = 0
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] in _OPTIONAL:
                continue
            raise
        found += sum(len(t.examples) for t in finder.find(module))
    assert found >= 20, f"only {found} doctest examples found in mlkg"


@pytest.mark.parametrize("name", _modules())
def test_module_doctests(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in _OPTIONAL:
            pytest.skip(f"{name} needs {exc.name}")
        raise
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {name}"
