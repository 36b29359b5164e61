"""A small term standard as snapshots (written for these tests), assembled without a database."""

from datetime import UTC, datetime

import pytest

from terms.document.build import Front, assemble
from terms.pinyin import default_pinyin

RELEASED = datetime(2025, 3, 1, 2, 30, tzinfo=UTC)


def term(text, lang="zh-CN", status="preferred", kind="full_form"):
    return {"text": text, "lang": lang, "status": status, "type": kind,
            "pinyin": default_pinyin(text) if lang == "zh-CN" else None}


def concept(number, zh, en, *, definition="定义。", extra=(), notes=(), examples=(), source=None, xrefs=()):
    return {"part": 7, "entry_number": number, "status": "approved", "subject_field": None, "superseded_by": None,
            "terms": [term(zh), *([term(en, "en")] if en else []), *extra],
            "definition": {"zh-CN": definition} if definition else {}, "notes": list(notes),
            "examples": list(examples), "source": source, "cross_references": list(xrefs)}


def sample_snapshots():
    """Out of order on purpose: the document orders by 条目编号."""
    return [
        (13, concept("3.2.1", "长期", "long term", extra=[term("the long run", "en", "admitted")])),
        (10, concept("3.1", "金融机构", "financial institution")),
        (11, concept("3.1.1", "银行", "bank", notes=["一条注。"], extra=[term("银号", status="deprecated")],
                     source={"text": "GB/T 36000—2018，2.3", "modified": True})),
        (12, concept("3.1.2", "行情", "market data", notes=["第一条注。", "第二条注。"],
                     examples=["第一个示例。", "第二个示例。"], xrefs=[{"type": "see", "target": 11}],
                     source={"text": "GB/T 36000—2018，2.4", "modified": False})),
        (20, concept("3.2", "期限", "term", xrefs=[{"type": "narrower", "target": 11}])),
        (14, concept("3.2.2", "还款", "repayment", xrefs=[{"type": "see_also", "target": 12}],
                     source={"text": "GB/T 36000—2018，2.3", "modified": False})),
        (15, concept("3.2.3", "长仓", "long position", extra=[term("多仓", status="superseded")])),
    ]


def front(**meta):
    return Front(key="test-7", code="JR/T 9999.7", title_zh="测试术语", title_en="Test terms",
                 stage_label="征求意见稿", date="2025-03-01", timestamp=RELEASED, release="2025.1",
                 working_group="测试工作组", meta={"ics": "01.040.03", "ccs": "A11", "proposer": "测试提出单位",
                                                  "drafting_organizations": ["甲单位", "乙单位"], **meta})


@pytest.fixture
def document():
    return assemble(sample_snapshots(), front())
