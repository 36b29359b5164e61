"""terms.bulk_write: concepts written in bulk read back as terms.service.write_fields writes them (columns,
term rows, cross references, revision snapshot, audit event), links to new concepts resolve, updates add a
revision, a rule or constraint failure writes nothing, and search finds what was written."""

from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from registry.audit import AuditEvent
from registry.auth import SYSTEM
from registry.errors import Conflict, InvalidInput
from terms import bulk_write, service
from terms.models import Concept, ConceptPublic, ConceptRevision, CrossReference, Term

NEW = "new"


def fields(number: str, preferred: str, **extra) -> dict:
    base = {"part": 3, "entry_number": number, "subject_field": "交易", "status": "draft", "superseded_by": None,
            "terms": [{"text": preferred, "lang": "zh-CN", "status": "preferred"},
                      {"text": preferred + "别称", "lang": "zh-CN", "status": "admitted", "type": "short_form"},
                      {"text": "term " + number, "lang": "en", "status": "preferred"},
                      {"text": "银行", "lang": "zh-TW", "status": "preferred", "pinyin": "yin hang"}],
            "definition": {"zh-CN": "定义。", "en": "A definition."}, "notes": ["注。"], "examples": [],
            "source": {"text": "sfreg", "modified": True}, "cross_references": []}
    return {**base, **extra}


def items(*snapshots) -> list[SimpleNamespace]:
    return [SimpleNamespace(line=n + 2, key=f"{s['part']}/{s['entry_number']}", concept_id=cid, fields=s)
            for n, (cid, s) in enumerate(snapshots)]


def write(session: Session, planned: list, **options) -> None:
    def resolve(target):
        return planned[target[1]].concept_id if isinstance(target, tuple) else target
    bulk_write.write_concepts(session, planned, resolve=resolve, actor=SYSTEM, action="import",
                              change_note="bulk", **options)
    session.flush()


def single(session: Session, snapshot: dict) -> Concept:
    concept = Concept(part=snapshot["part"], entry_number=snapshot["entry_number"], sort_key="", rev=0)
    session.add(concept)
    service.write_fields(session, concept, snapshot, actor=SYSTEM, action="import", change_note="bulk")
    return concept


def stored(session: Session, concept_id: int) -> dict:
    """Everything a write leaves for one concept, without ids and times."""
    concept = session.get(Concept, concept_id)
    columns = concept.model_dump(exclude={"id", "created_at", "updated_at"})
    terms = session.exec(select(Term).where(Term.concept_id == concept_id).order_by(Term.position)).all()
    revisions = session.exec(select(ConceptRevision).where(ConceptRevision.entity_id == concept_id)).all()
    events = session.exec(select(AuditEvent).where(AuditEvent.entity_type == "concept",
                                                   AuditEvent.entity_id == str(concept_id))).all()
    return {"columns": columns,
            "terms": [t.model_dump(exclude={"id", "concept_id"}) for t in terms],
            "revisions": [r.model_dump(exclude={"id", "entity_id", "created_at", "data"}) for r in revisions],
            "snapshots": [r.data for r in revisions],
            "audit": [(e.actor, e.role, e.action, e.detail) for e in events]}


class TestWriteConcepts:
    def test_a_bulk_written_concept_reads_back_as_a_single_written_one(self, engine, seeded, session):
        one = single(session, fields("3.9.1", "单写术语"))
        session.flush()
        expected = stored(session, one.id)
        session.rollback()
        planned = items((None, fields("3.9.1", "单写术语")))
        write(session, planned)
        found = stored(session, planned[0].concept_id)
        assert found == expected
        assert found["snapshots"][0]["terms"][0]["pinyin"] == "dan xie shu yu"
        assert found["revisions"][0]["rev"] == 1
        assert found["audit"] == [("system", "admin", "concept.import", {"revision": 1})]

    def test_snapshot_equals_the_services_public_view(self, engine, seeded, session):
        planned = items((None, fields("3.9.1", "融资融券")))
        write(session, planned)
        view = service.read_concept(session, planned[0].concept_id)
        assert view["revision"] == 1 and view["terms"][3]["pinyin_curated"] is True
        assert ConceptPublic.model_validate(view).terms[0].pinyin == "rong zi rong quan"

    def test_links_to_new_concepts_resolve_to_their_ids(self, engine, seeded, session):
        first = fields("3.9.1", "甲", cross_references=[{"type": "see", "target": (NEW, 1)}])
        second = fields("3.9.2", "乙", status="deprecated", superseded_by=(NEW, 0))
        planned = items((None, first), (None, second))
        write(session, planned)
        a, b = (p.concept_id for p in planned)
        xrefs = session.exec(select(CrossReference).where(CrossReference.concept_id == a)).all()
        assert [(x.type, x.target_id) for x in xrefs] == [("see", b)]
        assert session.get(Concept, b).superseded_by == a
        assert service.read_concept(session, b)["superseded_by"] == a
        assert service.read_concept(session, a)["cross_references"] == [{"type": "see", "target": b}]

    def test_an_update_adds_a_revision_replaces_terms_and_audits(self, engine, seeded, session):
        concept = single(session, fields("3.9.1", "旧术语"))
        session.flush()
        changed = fields("3.9.1", "新术语", definition={"zh-CN": "新定义。"})
        write(session, items((concept.id, changed)))
        record = stored(session, concept.id)
        assert [r["rev"] for r in record["revisions"]] == [1, 2]
        assert record["snapshots"][1]["definition"] == {"zh-CN": "新定义。"}
        assert [t["text"] for t in record["terms"]][:2] == ["新术语", "新术语别称"]
        assert [e[3] for e in record["audit"]] == [{"revision": 1}, {"revision": 2}]
        assert session.get(Concept, concept.id).rev == 2

    def test_progress_counts_every_concept(self, engine, seeded, session):
        seen = []
        write(session, items(*((None, fields(f"3.9.{n}", f"术语{n}")) for n in range(1, 6))),
              progress=seen.append)
        assert sum(seen) == 5


class TestFailures:
    def test_a_rule_failure_names_the_line(self, engine, seeded, session):
        bad = fields("3.9.1", "甲", status="proposed")
        bad["terms"] = bad["terms"][1:]  # no zh-CN preferred term, which a proposed concept needs
        with pytest.raises(InvalidInput) as raised:
            write(session, items((None, fields("3.9.2", "乙")), (None, bad)))
        assert raised.value.extensions["errors"][0]["line"] == 3

    def test_a_duplicate_preferred_term_is_a_conflict(self, engine, seeded, session):
        single(session, fields("3.9.1", "甲"))
        session.flush()
        with pytest.raises(Conflict):
            write(session, items((None, fields("3.9.2", "甲"))))
