"""The seeded term base: six parts, ≥ 60 sample concepts (≥ 10 per part), every field exercised,
heteronym-rich terms present with the right readings, marked as samples, idempotent."""

from collections import Counter

import pytest
from sqlmodel import select

from codes.seed import seed_codes, seed_schemes
from registry.database import transaction
from terms import service
from terms.models import Concept
from terms.seed import seed_concepts, seed_parts

HETERONYMS = {"银行": "yin hang", "行业": "hang ye", "行情": "hang qing", "长期": "chang qi", "重组": "chong zu",
              "还款": "huan kuan", "调仓": "tiao cang", "做市商": "zuo shi shang", "承销行": "cheng xiao hang",
              "证券行业": "zheng quan hang ye"}


@pytest.fixture
def snapshots(engine):
    with transaction(engine) as session:
        seed_parts(session)
        seed_concepts(session)
        seed_schemes(session)
        seed_codes(session)
    with transaction(engine) as session:
        return [snap for _, snap in service.iter_snapshots(session)]


class TestSampleConcepts:
    def test_at_least_ten_per_part_and_sixty_in_all(self, snapshots):
        per_part = Counter(s["part"] for s in snapshots)
        assert sorted(per_part) == [1, 2, 3, 4, 5, 6] and min(per_part.values()) >= 10
        assert len(snapshots) >= 60

    def test_marked_as_samples(self, snapshots):
        assert all(s["source"] and "示例" in s["source"]["text"] for s in snapshots)

    def test_every_field_is_exercised(self, snapshots):
        terms = [t for s in snapshots for t in s["terms"]]
        assert {t["status"] for t in terms} == {"preferred", "admitted", "deprecated", "superseded"}
        assert {t["type"] for t in terms} == {"full_form", "short_form", "abbreviation", "symbol", "variant"}
        assert {t["lang"] for t in terms} == {"zh-CN", "en", "zh-TW", "zh-HK"}
        assert any(t["pinyin_curated"] for t in terms) and any(t["geographical_usage"] for t in terms)
        assert {s["status"] for s in snapshots} == {"draft", "proposed", "approved", "deprecated", "retired"}
        assert any(s["superseded_by"] for s in snapshots) and any(len(s["notes"]) > 1 for s in snapshots)
        assert any(s["examples"] for s in snapshots) and any(s["source"]["modified"] for s in snapshots)
        assert {x["type"] for s in snapshots for x in s["cross_references"]} >= {"broader", "narrower", "see_also"}
        assert any(s["definition"].get("en") for s in snapshots)

    def test_heteronym_terms_carry_the_finance_reading(self, snapshots):
        readings = {t["text"]: t["pinyin"] for s in snapshots for t in s["terms"] if t["lang"] == "zh-CN"}
        for text, reading in HETERONYMS.items():
            assert readings.get(text) == reading, (text, readings.get(text))

    def test_seeding_twice_changes_nothing(self, engine, snapshots):
        with transaction(engine) as session:
            assert seed_concepts(session) == 0 and seed_codes(session) == 0
            assert len(session.exec(select(Concept)).all()) == len(snapshots)
