"""Packaging that pyproject.toml cannot say by itself: the packages found by name, plus data/ installed
as the package `sfreg_data` (pyproject takes either a package search or a list, not both; the renamed
package needs the list). Everything else is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

PACKAGES = find_namespace_packages(include=["registry*", "terms*", "codes*", "importers*", "api*"],
                                   exclude=["*.__pycache__"])

setup(packages=[*PACKAGES, "sfreg_data"], package_dir={"sfreg_data": "data"})
