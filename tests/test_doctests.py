"""Run the doctests of every module of the packages (validators, pinyin, folding, …) as tests.

Doctests are collected here rather than with --doctest-modules so that pytest never imports the tests'
own conftest files as doctest modules.
"""

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("registry", "terms", "codes", "importers", "api")


def modules_with_doctests() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            if any(test.examples for test in doctest.DocTestFinder().find(module)):
                names.append(info.name)
    return names


@pytest.mark.parametrize("name", modules_with_doctests())
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
