"""Derive data/cfi_2021.json from python-stdnum 2.2's machine-readable ISO 10962:2021 table.

    .venv/bin/python data/cfi_derive.py          # rewrites data/cfi_2021.json

A build-time tool, never imported at run time. The letters and English names are the facts of
ISO 10962:2021 as published by its maintenance agency (SIX, ``cfi-20210507-current.xlsx``);
stdnum's ``cfi.dat`` is a mechanical conversion of that file and this script restructures it (one
table of four attribute positions per group: the 2021 table never makes a position depend on an
earlier letter, which the script checks). Chinese names come from ``data/cfi_2021_zh.csv`` (the
sfreg project's own translation, not an official one). See data/cfi_2021.README.md.
"""

from __future__ import annotations

import csv
import json
import string
from pathlib import Path

from stdnum import numdb

HERE = Path(__file__).resolve().parent
LETTERS = string.ascii_uppercase


def _level(entries: list, letter: str) -> tuple[dict, list]:
    """stdnum's numdb rule: every matching line's properties merged, their children concatenated."""
    props: dict = {}
    children: list = []
    for _length, low, high, line_props, line_children in entries:
        if low <= letter <= high:
            props.update(line_props)
            children.extend(line_children)
    return props, children


def _position(entries: list, zh: dict[str, str]) -> tuple[dict, list]:
    """One attribute position: its name, its letters with values, and the next position's entries."""
    names = {_level(entries, letter)[0].get("a") for letter in LETTERS} - {None}
    assert len(names) <= 1, names
    name = names.pop() if names else None
    values = {}
    for letter in LETTERS:
        props, _ = _level(entries, letter)
        if "v" in props:
            values[letter] = {"en": props["v"], "zh": zh[props["v"]]}
    nexts = {repr(_level(entries, letter)[1]) for letter in LETTERS}
    assert len(nexts) == 1, "a position depends on an earlier letter"
    attribute = {"en": name, "zh": zh[name] if name else None, "values": values}
    return attribute, _level(entries, "X")[1]


def derive() -> dict:
    zh = _translations()
    categories = {}
    for _length, letter, _high, props, groups in numdb.get("cfi").prefixes:
        category = {"en": props["category"], "zh": zh[props["category"]], "groups": {}}
        for _glength, group_letter, _ghigh, group_props, entries in groups:
            attributes = []
            for _ in range(4):
                attribute, entries = _position(entries, zh)
                attributes.append(attribute)
            category["groups"][group_letter] = {"en": group_props["group"], "zh": zh[group_props["group"]],
                                                "attributes": attributes}
        categories[letter] = category
    return {**_provenance(), "categories": categories}


def _translations() -> dict[str, str]:
    with (HERE / "cfi_2021_zh.csv").open(encoding="utf-8", newline="") as handle:
        return {row["en"]: row["zh"] for row in csv.DictReader(handle)}


def _provenance() -> dict:
    return {
        "standard": "ISO 10962:2021 Classification of financial instruments (CFI)",
        "source": "ISO 10962 maintenance agency (SIX Group), cfi-20210507-current.xlsx, "
                  "https://www.six-group.com/en/products-services/financial-information/data-standards.html",
        "derived_from": "python-stdnum 2.2 stdnum/cfi.dat (a mechanical conversion of the source file), "
                        "restructured by data/cfi_derive.py",
        "translation": "Chinese names (zh) are the sfreg project's own translation, not an official one",
        "not_applicable": "X",
    }


if __name__ == "__main__":
    table = derive()
    text = json.dumps(table, ensure_ascii=False, indent=1, sort_keys=False)
    (HERE / "cfi_2021.json").write_text(text + "\n", encoding="utf-8")
    groups = sum(len(c["groups"]) for c in table["categories"].values())
    print(f"wrote data/cfi_2021.json: {len(table['categories'])} categories, {groups} groups")
