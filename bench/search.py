"""Search figures: build time, index size, latency per query class, recall@10 and exact-hit@1.

    .venv/bin/python bench/search.py [--concepts 100000] [--queries 1000] [--procs 2]

Generates finance-style concepts (2–8 character Chinese terms built from finance morphemes, some with
heteronyms; 30–80 character definitions; English names and definitions; short forms, deprecated
terms, traditional variants), builds the index from their revision snapshots through the same code as
`sfreg index rebuild` (terms/documents.py → registry/search), then times queries against one warm
searcher. Goals on the 2-core machine: p99 ≤ 20 ms per search class, ≤ 10 ms for suggest, rebuild
≤ 60 s, recall@10 = 100 %, exact-hit@1 ≥ 99 %.
"""

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import opencc

from registry.search.index import SearchIndex
from terms.documents import concept_document
from terms.pinyin import default_pinyin, initials

# (Chinese morpheme, English word); heteronyms (行 长 重 调 还) on purpose.
MORPHEMES = [
    ("证券", "securities"), ("期货", "futures"), ("基金", "fund"), ("债券", "bond"), ("股票", "stock"),
    ("期权", "option"), ("保证金", "margin"), ("融资", "financing"), ("融券", "securities lending"),
    ("登记", "registration"), ("结算", "settlement"), ("交易", "trading"), ("清算", "clearing"),
    ("托管", "custody"), ("信用", "credit"), ("风险", "risk"), ("市场", "market"), ("投资", "investment"),
    ("资产", "asset"), ("衍生品", "derivative"), ("利率", "interest rate"), ("汇率", "exchange rate"),
    ("指数", "index"), ("银行间", "interbank"), ("做市", "market making"), ("承销", "underwriting"),
    ("回购", "repurchase"), ("质押", "pledge"), ("信托", "trust"), ("账户", "account"), ("公司", "company"),
    ("机构", "institution"), ("制度", "system"), ("业务", "business"), ("合约", "contract"),
    ("价格", "price"), ("规则", "rule"), ("费用", "fee"), ("比例", "ratio"), ("额度", "quota"),
    ("发行", "issuance"), ("上市", "listing"), ("退市", "delisting"), ("行情", "quotation"),
    ("长期", "long-term"), ("重组", "restructuring"), ("调仓", "rebalancing"), ("还款", "repayment"),
    ("银行", "bank"), ("行业", "industry"), ("收益", "yield"), ("净值", "net value"), ("份额", "share"),
    ("申购", "subscription"), ("赎回", "redemption"), ("杠杆", "leverage"), ("对冲", "hedging"),
    ("套利", "arbitrage"), ("头寸", "position"), ("持仓", "holding"), ("限额", "limit"), ("报价", "quote"),
    ("撮合", "matching"), ("委托", "order"), ("成交", "execution"), ("交割", "delivery"), ("仓单", "warrant"),
    ("现货", "spot"), ("远期", "forward"), ("掉期", "swap"), ("互换", "exchange"), ("可转换", "convertible"),
    ("优先股", "preferred stock"), ("普通股", "common stock"), ("存托凭证", "depositary receipt"),
    ("信息披露", "disclosure"), ("内幕", "insider"), ("操纵", "manipulation"), ("监管", "supervision"),
    ("合规", "compliance"), ("稽查", "inspection"), ("自律", "self-regulation"), ("会员", "member"),
    ("经纪", "brokerage"), ("自营", "proprietary"), ("资管", "asset management"), ("理财", "wealth"),
    ("养老", "pension"), ("年金", "annuity"), ("保险", "insurance"), ("再保险", "reinsurance"),
    ("评级", "rating"), ("违约", "default"), ("担保", "guarantee"), ("抵押", "mortgage"), ("票据", "bill"),
    ("外汇", "foreign exchange"), ("黄金", "gold"), ("商品", "commodity"), ("金融", "financial"),
    ("中央", "central"), ("对手方", "counterparty"), ("净额", "net"), ("全额", "gross"),
    ("实时", "real-time"),
    ("日终", "end-of-day"), ("盯市", "mark-to-market"), ("追加", "additional"), ("强行", "forced"),
    ("平仓", "liquidation"), ("开仓", "opening"), ("标准", "standard"), ("非标", "non-standard"),
    ("场外", "over-the-counter"), ("场内", "exchange-traded"), ("境外", "offshore"), ("境内", "onshore"),
    ("合格", "qualified"), ("战略", "strategic"), ("配售", "placement"), ("询价", "inquiry"),
    ("路演", "roadshow"), ("保荐", "sponsorship"), ("持续", "continuous"), ("督导", "supervision"),
    ("重大", "material"), ("事项", "matter"), ("公告", "announcement"), ("停牌", "suspension"),
    ("复牌", "resumption"), ("涨跌幅", "price limit"), ("熔断", "circuit breaker"), ("做空", "short selling"),
]
FILLERS = ["是指", "依法设立的", "为投资者提供", "按照规定", "由", "进行", "的", "相关", "用于", "约定",
           "在一定期限内", "根据", "以及", "其他", "主体", "办理", "服务", "管理", "活动", "安排"]
EN_FILLERS = ["an", "arrangement", "under", "which", "the", "parties", "agree", "to", "for", "a",
              "specified", "period", "in", "accordance", "with", "rules", "provided", "by", "entity"]
STATUSES = ["approved"] * 70 + ["proposed"] * 10 + ["draft"] * 15 + ["deprecated"] * 4 + ["retired"]


def generate(count: int, seed: int = 7) -> list[tuple[int, dict]]:
    """`count` concept snapshots with unique Chinese and English preferred terms."""
    rnd = random.Random(seed)
    seen_zh, seen_en, out = set(), set(), []
    t2tw = opencc.OpenCC("s2twp")
    while len(out) < count:
        picks = [rnd.choice(MORPHEMES) for _ in range(rnd.choice((1, 2, 2, 3, 3, 4)))]
        zh = "".join(p[0] for p in picks)[:8]
        en = " ".join(p[1] for p in picks)
        if len(zh) < 2 or zh in seen_zh or en in seen_en:
            continue
        seen_zh.add(zh)
        seen_en.add(en)
        out.append((len(out) + 1, _concept(rnd, len(out), zh, en, picks, t2tw)))
    return out


def _concept(rnd: random.Random, index: int, zh: str, en: str, picks, t2tw) -> dict:
    part = index % 6 + 1
    terms = [{"text": zh, "lang": "zh-CN", "status": "preferred", "type": "full_form",
              "pinyin": default_pinyin(zh)},
             {"text": en, "lang": "en", "status": "preferred", "type": "full_form"}]
    if len(zh) >= 4 and rnd.random() < 0.3:
        short = zh[0] + zh[2]
        terms.append({"text": short, "lang": "zh-CN", "status": "admitted", "type": "short_form",
                      "pinyin": default_pinyin(short)})
    if rnd.random() < 0.1:
        old = zh[::-1]
        terms.append({"text": old, "lang": "zh-CN", "status": "deprecated", "type": "full_form",
                      "pinyin": default_pinyin(old)})
    if rnd.random() < 0.05:
        terms.append({"text": t2tw.convert(zh), "lang": "zh-TW", "status": "preferred", "type": "variant"})
    return {"part": part, "entry_number": f"{part}.{index // 600 + 1}.{index % 600 + 1}",
            "status": rnd.choice(STATUSES), "terms": terms,
            "definition": {"zh-CN": _definition(rnd, picks), "en": _definition_en(rnd, en)},
            "notes": ["注：" + _definition(rnd, picks)[:30]] if rnd.random() < 0.1 else []}


def _definition(rnd: random.Random, picks) -> str:
    words = [p[0] for p in picks]
    text = ""
    while len(text) < rnd.randint(30, 80):
        text += rnd.choice(words + [m[0] for m in rnd.sample(MORPHEMES, 3)] + FILLERS * 2)
    return text[:80] + "。"


def _definition_en(rnd: random.Random, en: str) -> str:
    words = en.split() + [w for m in rnd.sample(MORPHEMES, 3) for w in m[1].split()]
    return " ".join(rnd.choice(words + EN_FILLERS) for _ in range(rnd.randint(10, 20))) + "."


class SyntheticSource:
    """The generated concepts, as a partitioned rebuild source (children read them after fork)."""

    def __init__(self, concepts: list[tuple[int, dict]]) -> None:
        self.concepts = concepts

    def partitions(self, count: int) -> list[tuple[int, int]]:
        step = -(-len(self.concepts) // count)
        return [(lo, min(lo + step, len(self.concepts))) for lo in range(0, len(self.concepts), step)]

    def documents_in(self, part: tuple[int, int]):
        for concept_id, data in self.concepts[part[0]:part[1]]:
            yield concept_document(concept_id, concept_id, data, live=True)


# ---- queries ------------------------------------------------------------------------------------

def query_sets(concepts, count: int, seed: int = 11) -> dict[str, list[tuple[str, int]]]:
    """Per query class, (query, concept id it was drawn from)."""
    rnd = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    sample = [rnd.choice(concepts) for _ in range(count)]
    zh = lambda c: c[1]["terms"][0]["text"]  # noqa: E731
    reading = lambda c: c[1]["terms"][0]["pinyin"]  # noqa: E731
    return {
        "zh exact": [(zh(c), c[0]) for c in sample],
        "zh substring": [(_substring(rnd, zh(c)), c[0]) for c in sample],
        "full pinyin": [(reading(c).replace(" ", ""), c[0]) for c in sample],
        "initials": [(initials(reading(c)), c[0]) for c in sample],
        "pinyin prefix": [(_pinyin_prefix(rnd, reading(c)), c[0]) for c in sample],
        "traditional": [(s2t.convert(zh(c)), c[0]) for c in sample],
        "English word": [(rnd.choice(c[1]["terms"][1]["text"].split()), c[0]) for c in sample],
        "definition word": [(_definition_word(rnd, c[1]), c[0]) for c in sample],
        "suggest": [(_pinyin_prefix(rnd, reading(c)) if rnd.random() < 0.5 else zh(c)[:2], c[0])
                    for c in sample],
    }


def _substring(rnd: random.Random, text: str) -> str:
    start = rnd.randrange(0, len(text) - 1)
    return text[start:rnd.randint(start + 2, len(text))]


def _pinyin_prefix(rnd: random.Random, reading: str) -> str:
    syllables = reading.split()
    keep = rnd.randint(1, len(syllables))
    return "".join(s if rnd.random() < 0.5 else s[0] for s in syllables[:keep])


def _definition_word(rnd: random.Random, data: dict) -> str:
    text = data["definition"]["zh-CN"]
    words = [m[0] for m in MORPHEMES if m[0] in text]
    return rnd.choice(words) if words else text[:2]


# ---- measuring -----------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def time_queries(index: SearchIndex, queries: list[tuple[str, int]], suggest: bool) -> list[float]:
    times = []
    for text, _ in queries:
        started = time.perf_counter()
        if suggest:
            index.suggest(text)
        else:
            index.search(text, limit=10)
        times.append((time.perf_counter() - started) * 1000)
    return times


def labelled(concepts, count: int, seed: int = 13) -> list[tuple[str, str, int]]:
    """(kind, query, expected concept) where the expected concept must be in the top 10 (and, for
    exact kinds, first): exact Chinese, traditional and English terms, and whole readings of terms
    of four or more syllables, whose pinyin no other sampled term shares."""
    rnd = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    readings: dict[str, int] = {}
    for _, data in concepts:
        for term in data["terms"]:
            if term.get("pinyin"):
                key = term["pinyin"].replace(" ", "")
                readings[key] = readings.get(key, 0) + 1
    out = []
    for concept_id, data in rnd.sample(concepts, count):
        if data["status"] == "retired":
            continue
        zh, en = data["terms"][0]["text"], data["terms"][1]["text"]
        out += [("exact", zh, concept_id), ("exact", s2t.convert(zh), concept_id), ("exact", en, concept_id)]
        full = data["terms"][0]["pinyin"].replace(" ", "")
        if len(zh) >= 4 and readings[full] == 1:
            out.append(("pinyin", full, concept_id))
            out.append(("pinyin", data["terms"][0]["pinyin"], concept_id))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build the index in this folder and keep it")
    args = parser.parse_args()

    started = time.perf_counter()
    concepts = generate(args.concepts)
    print(f"generated {len(concepts):,} concepts in {time.perf_counter() - started:.1f} s")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="sfreg-bench-"))
    index = SearchIndex(folder, hidden={"status": {"retired"}})
    started = time.perf_counter()
    with index.locked():
        index.rebuild(SyntheticSource(concepts), {}, procs=args.procs)
    build = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    print(f"rebuild: {build:.1f} s, index size {size / 1e6:.1f} MB")
    started = time.perf_counter()
    index.open()
    print(f"open (load segment tables): {(time.perf_counter() - started) * 1000:.0f} ms")

    print(f"\n{'query class':<18}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, queries in query_sets(concepts, args.queries).items():
        time_queries(index, queries[:50], name == "suggest")  # warm the page cache
        times = time_queries(index, queries, name == "suggest")
        print(f"{name:<18}{statistics.median(times):>9.2f}{percentile(times, 99):>9.2f}{max(times):>9.2f}")

    cases = labelled(concepts, min(args.queries, len(concepts)))
    found = exact_first = exact_total = 0
    misses = []
    for kind, text, expected in cases:
        hits = [h.group for h in index.search(text, limit=10)[0].hits]
        found += expected in hits
        if expected not in hits:
            misses.append((kind, text))
        if kind == "exact":
            exact_total += 1
            exact_first += bool(hits) and hits[0] == expected
    print(f"\nrecall@10 {found / len(cases):.2%} over {len(cases)} labelled queries; "
          f"exact-hit@1 {exact_first / exact_total:.2%} over {exact_total}")
    for miss in misses[:10]:
        print("  missed:", miss)
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
