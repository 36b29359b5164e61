"""Building blocks of the drafting loop shared by the comment tests (API, pages, browser)."""

from datetime import timedelta

import pytest
from support import bearer

from registry import auth
from registry.clock import today_shanghai
from registry.database import transaction

ORG_A, ORG_B = "甲证券股份有限公司", "乙期货有限公司"
DEFINITIONS = {"1.1": "第一版定义一。", "1.2": "第一版定义二。", "1.3": "第一版定义三。"}
TERMS = {"1.1": "证券", "1.2": "股票", "1.3": "债券"}


def commenter_tokens(engine) -> dict[str, str]:
    """A commenter token for each of two organisations."""
    with transaction(engine) as session:
        return {org: auth.create_token(session, f"member-{i}", "commenter", org)[1]
                for i, org in enumerate((ORG_A, ORG_B))}


def make_entries(client, tokens, part: int = 1) -> dict[str, int]:
    """Three approved entries (1.1–1.3) of `part`; their ids by entry number."""
    ids = {}
    for number, text in TERMS.items():
        body = {"part": part, "entry_number": number, "terms": [{"text": text, "lang": "zh-CN", "status": "preferred"}],
                "definition": {"zh-CN": DEFINITIONS[number]}}
        created = client.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"]))
        assert created.status_code == 201, created.text
        ids[number] = created.json()["id"]
        for step, role in (("proposed", "editor"), ("approved", "reviewer")):
            moved = client.post(f"/api/v1/concepts/{ids[number]}/transitions", json={"to": step},
                                headers=bearer(tokens[role]))
            assert moved.status_code == 200, moved.text
    return ids


def comment_draft(client, tokens, name: str = "p1-cd", standard: str = "sfterms-1") -> None:
    made = client.post("/api/v1/releases", json={"name": name, "stage": "comment_draft", "standard": standard},
                       headers=bearer(tokens["reviewer"]))
    assert made.status_code == 201, made.text


def open_period(client, tokens, name: str = "p1-cd", days: int = 30):
    closes = (today_shanghai() + timedelta(days=days)).isoformat()
    return client.post("/api/v1/comment-periods", json={"release": name, "closes_on": closes},
                       headers=bearer(tokens["reviewer"]))


def stage(client, tokens, key: str, to: str) -> None:
    moved = client.post(f"/api/v1/standards/{key}/stage", json={"to": to}, headers=bearer(tokens["admin"]))
    assert moved.status_code == 200, moved.text


def form_csv(rows: list[list[str]]) -> bytes:
    header = "序号,章条编号,意见类型,意见内容,修改建议,提出单位,联系人\n"
    return (header + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


# ---- fixtures (take them with `from drafting import draft as draft`) -------------------------------------

@pytest.fixture
def members(engine) -> dict[str, str]:
    return commenter_tokens(engine)


@pytest.fixture
def draft(client, tokens) -> dict[str, int]:
    """Entries 1.1–1.3 of part 1 in the 征求意见稿 p1-cd of sfterms-1, its comment period open for 30 days."""
    ids = make_entries(client, tokens)
    comment_draft(client, tokens)
    assert open_period(client, tokens).status_code == 201
    return ids
