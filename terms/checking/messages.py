"""What a finding says, in words, for a reader (Word comments, the CLI's text output).

>>> say({"kind": "term", "level": "error", "status": "deprecated", "form": "爆仓", "concept_status": "approved",
...      "entry_number": "5.1.2", "use": {"term": "强行平仓", "entry_number": "5.1.2"}})
'「爆仓」是拒用术语，应使用「强行平仓」（条目 5.1.2）。'
>>> say({"kind": "term", "level": "info", "status": "admitted", "form": "两融", "preferred": "融资融券",
...      "concept_status": "approved", "entry_number": "3.2.1"}, lang="en")
"'两融' is an admitted term; the preferred term is '融资融券' (entry 3.2.1)."
"""

from typing import Any

STATUS_ZH = {"preferred": "首选术语", "admitted": "许用术语", "deprecated": "拒用术语", "superseded": "被取代术语"}
STATUS_EN = {"preferred": "preferred term", "admitted": "admitted term", "deprecated": "deprecated term",
             "superseded": "superseded term"}


def say(finding: dict[str, Any], *, lang: str = "zh") -> str:
    """One sentence on `finding` (a term or consistency finding) in Chinese or English."""
    if finding["kind"] == "consistency":
        return _consistency(finding, lang)
    form, entry, use = finding["form"], finding["entry_number"], finding.get("use")
    if finding["concept_status"] == "deprecated":
        if lang == "en":
            tail = f"; use '{use['term']}' (entry {use['entry_number']})" if use else ""
            return f"'{form}' names a deprecated concept (entry {entry}){tail}."
        tail = f"，应使用「{use['term']}」（条目 {use['entry_number']}）" if use else ""
        return f"「{form}」所指的概念（条目 {entry}）已废止{tail}。"
    status = finding["status"]
    if finding["level"] == "error":
        if lang == "en":
            return f"'{form}' is a {STATUS_EN[status]}; use '{use['term']}' (entry {use['entry_number']})."
        return f"「{form}」是{STATUS_ZH[status]}，应使用「{use['term']}」（条目 {use['entry_number']}）。"
    if finding["level"] == "info":
        if lang == "en":
            return f"'{form}' is an admitted term; the preferred term is '{finding['preferred']}' (entry {entry})."
        return f"「{form}」是许用术语，首选术语为「{finding['preferred']}」（条目 {entry}）。"
    if lang == "en":
        return f"'{form}': preferred term (entry {entry})."
    return f"「{form}」：首选术语（条目 {entry}）。"


def _consistency(finding: dict[str, Any], lang: str) -> str:
    entry, preferred, count = finding["entry_number"], finding["preferred"], len(finding["forms"])
    if lang == "en":
        forms = ", ".join(f"'{f['form']}' ×{f['count']}" for f in finding["forms"])
        return f"One concept (entry {entry}, '{preferred}') is written {count} ways: {forms}."
    forms = "、".join(f"「{f['form']}」×{f['count']}" for f in finding["forms"])
    return f"同一概念（条目 {entry}「{preferred}」）有 {count} 种写法：{forms}。"
