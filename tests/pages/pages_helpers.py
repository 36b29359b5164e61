"""Shared helpers of the page tests: sample entries made through the service, sign-in, page checks."""

import re
from typing import Any

from registry.auth import SYSTEM
from registry.database import transaction
from terms import service
from terms.models import ConceptCreate

HTML = {"Accept": "text/html,application/xhtml+xml"}
EVIL = "<script>alert('x')</script>"


def concept(part: int, number: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    terms = [{"text": zh, "lang": "zh-CN", "status": "preferred"}, {"text": en, "lang": "en", "status": "preferred"}]
    return {"part": part, "entry_number": number, "terms": terms + extra.pop("more_terms", []),
            "definition": {"zh-CN": f"{zh}的定义。", "en": f"Definition of {en}."}, **extra}


def make_samples(engine) -> dict[str, int]:
    """Three entries of part 3 (one full, one linking to it, one carrying markup) and a draft."""
    with transaction(engine) as session:
        full = _create(session, concept(
            3, "3.1", "证券", "securities", subject_field="证券", notes=["注一内容。", "注二内容。"],
            examples=["股票是证券。"], source={"text": "GB/T 示例 2024", "modified": True},
            more_terms=[{"text": "有价证券", "lang": "zh-CN", "status": "admitted"},
                        {"text": "证卷", "lang": "zh-CN", "status": "deprecated"}]), status="approved")
        linked = _create(session, concept(3, "3.1.1", "证券交易所", "stock exchange",
                                          cross_references=[{"type": "broader", "target": full}]), status="approved")
        evil = _create(session, concept(3, "3.2", "恶意条目", "evil entry", notes=[EVIL], subject_field=EVIL),
                       status="approved")
        draft = _create(session, concept(3, "3.3", "证券公司", "securities company"))
    return {"full": full, "linked": linked, "evil": evil, "draft": draft}


def _create(session, body: dict[str, Any], status: str = "draft") -> int:
    return service.create_concept(session, ConceptCreate.model_validate(body), actor=SYSTEM, status=status).id


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.text, re.S)
    assert match, response.text[:500]
    return match.group(1)


def assert_page(response, status: int, title_part: str) -> str:
    """An HTML page with this status whose <title> holds `title_part`; return the body."""
    assert response.status_code == status, (response.status_code, response.text[:2000])
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    assert title_part in title(response), title(response)
    return response.text


def csrf(page) -> str:
    """The CSRF field of a page (a response or its text)."""
    match = re.search(r'name="csrf" value="([^"]+)"', page if isinstance(page, str) else page.text)
    assert match, "no csrf field on the page"
    return match.group(1)


def sign_in(client, secret: str) -> None:
    token = csrf(client.get("/signin", headers=HTML))
    response = client.post("/signin", data={"csrf": token, "token": secret, "next": "/"}, headers=HTML,
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
