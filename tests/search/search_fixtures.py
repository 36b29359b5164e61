"""Concepts and an in-memory source for the search tests (no database)."""

from dataclasses import dataclass, field

from registry.search.index import SearchIndex
from registry.search.sync import rebuild
from terms.documents import concept_document, snapshot_digest
from terms.pinyin import default_pinyin


def concept(entry: str, zh: str, en: str | None = None, *, status: str = "approved", others=(),
            definition: str = "", definition_en: str = "", notes=()) -> dict:
    terms = [{"text": zh, "lang": "zh-CN", "status": "preferred", "type": "full_form",
              "pinyin": default_pinyin(zh)}]
    for text, lang, term_status, kind in others:
        terms.append({"text": text, "lang": lang, "status": term_status, "type": kind,
                      "pinyin": default_pinyin(text) if lang != "en" else None})
    if en:
        terms.append({"text": en, "lang": "en", "status": "preferred", "type": "full_form"})
    part = int(entry.split(".")[0])
    return {"part": part, "entry_number": entry, "status": status, "terms": terms,
            "definition": {k: v for k, v in (("zh-CN", definition), ("en", definition_en)) if v},
            "notes": list(notes)}


CONCEPTS = [
    concept("1.1", "证券登记结算机构", "securities depository and clearing institution",
            definition="为证券交易提供集中登记、存管与结算服务的法人。"),
    concept("1.2", "做市商", "market maker",
            definition="在市场上持续提供双边报价并以自有资金与投资者交易的机构。",
            definition_en="A dealer that continuously quotes bid and ask prices.",
            notes=["做市有助于提高流动性。"]),
    concept("1.3", "银行间市场", "interbank market", definition="金融机构之间进行资金融通和债券交易的市场。"),
    concept("1.4", "行情", "market quotation", definition="证券交易价格和成交量等信息。"),
    concept("1.5", "长期投资", "long-term investment", definition="持有期限较长的投资。"),
    concept("1.6", "重组", "restructuring", definition="对企业资产和负债的重新安排。"),
    concept("2.1", "融资融券", "margin trading and securities lending",
            others=[("两融", "zh-CN", "admitted", "short_form"),
                    ("保证金交易", "zh-CN", "deprecated", "full_form")],
            definition="投资者向证券公司提供担保物，借入资金买入证券或借入证券卖出的交易。",
            definition_en="Trading in which an investor borrows against collateral."),
    concept("2.2", "期货保证金", "futures margin", definition="期货交易者按规定缴纳的资金。"),
    concept("3.1", "证券公司", "securities company",
            definition="经批准经营证券业务的有限责任公司或股份有限公司。"),
    concept("3.2", "证券", "securities", status="proposed", definition="代表财产权利的凭证。"),
    concept("3.3", "证券市场", "securities market", status="draft", definition="证券发行和交易的场所。"),
    concept("3.4", "证券投资", "securities investment", definition="购买证券以获取收益的活动。"),
    concept("3.5", "交易所旧称", "old exchange name", status="retired", definition="已废止的证券名称。"),
    concept("4.1", "还款", "repayment", definition="归还借款。"),
    concept("4.2", "期权", "option", status="draft", definition="在约定时间以约定价格买卖标的的权利。"),
    concept("4.3", "期权合约", "option contract", others=[("期权", "zh-CN", "admitted", "short_form")],
            definition="约定期权权利义务的标准化合约。"),
    concept("5.1", "市场", "market", definition="买卖双方交易的场所。"),
]


@dataclass
class MemorySource:
    """The ChangeSource protocol over revisions held in memory: (id, entity, rev, data, rel_from, rel_to)."""

    rows: list[tuple] = field(default_factory=list)
    releases: set[int] = field(default_factory=set)

    def add(self, entity: int, data: dict, rel_from=None, rel_to=None) -> int:
        rid = max((r[0] for r in self.rows), default=0) + 1
        rev = 1 + max((r[2] for r in self.rows if r[1] == entity), default=0)
        self.rows.append((rid, entity, rev, data, rel_from, rel_to))
        return rid

    def max_id(self) -> int:
        return max((r[0] for r in self.rows), default=0)

    def ids_after(self, after, limit):
        return sorted((r[0], r[1]) for r in self.rows if r[0] > after)[:limit]

    def ids_between(self, ranges):
        return [(r[0], r[1]) for r in self.rows if any(lo <= r[0] <= hi for lo, hi in ranges)]

    def release_seqs(self):
        return set(self.releases)

    def entities_in_releases(self, seqs):
        return {r[1] for r in self.rows if r[4] in seqs or r[5] in seqs}

    def documents(self, entities):
        return [d for entity in entities for d in self._documents(entity)]

    def _documents(self, entity):
        rows = [r for r in self.rows if r[1] == entity]
        newest = max((r[2] for r in rows), default=None)
        return [concept_document(r[0], entity, r[3], live=r[2] == newest, rel_from=r[4], rel_to=r[5])
                for r in rows if r[2] == newest or r[4] is not None]

    def partitions(self, count):
        return [0]

    def documents_in(self, part):
        return self.documents({r[1] for r in self.rows})

    def fingerprint_items(self):
        for d in self.documents({r[1] for r in self.rows}):
            data = next(r[3] for r in self.rows if r[0] == d.key)
            yield d.key, snapshot_digest(data), d.live, d.rel_from, d.rel_to


def memory_source(concepts=CONCEPTS) -> MemorySource:
    source = MemorySource()
    for entity, data in enumerate(concepts, start=1):
        source.add(entity, data)
    return source


def built_index(folder, source: MemorySource) -> SearchIndex:
    index = SearchIndex(folder, hidden={"status": {"retired"}})
    with index.locked():
        rebuild(index, source, procs=1)
    index.open()
    return index
