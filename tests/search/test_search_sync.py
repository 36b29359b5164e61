"""Keeping the index in step: watermark and gaps, releases, rebuild at start, several readers."""

import pytest
from search_fixtures import CONCEPTS, built_index, concept, memory_source

from registry.search import index as index_module
from registry.search import sync
from registry.search.index import SearchIndex, fingerprint_of
from registry.search.sync import GAP_PATIENCE, Syncer, apply_changes, ensure_open


def terms_found(index, query, **options):
    return [h.payload["term"] for h in index.search(query, limit=20, **options)[0].hits]


def apply(index, source, **options):
    with index.locked():
        index.refresh()
        count = apply_changes(index, source, **options)
    index.refresh()
    return count


class TestApplyChanges:
    def test_new_revisions_are_indexed_and_the_old_ones_dropped(self, tmp_path):
        source = memory_source(CONCEPTS[:3])
        index = built_index(tmp_path, source)
        source.add(2, concept("1.2", "做市商机构", "market making firm"))
        assert apply(index, source) == 1
        assert terms_found(index, "做市商") == ["做市商机构"]
        assert index.state["max_id"] == 4
        assert index.fingerprint() == fingerprint_of(source.fingerprint_items())

    def test_an_id_committed_late_is_found_while_its_gap_is_fresh(self, tmp_path):
        source = memory_source(CONCEPTS[:2])
        index = built_index(tmp_path, source)
        late = source.add(3, concept("1.3", "银行间市场"))
        source.add(4, concept("1.4", "行情"))
        held = source.rows.pop(source.rows.index(next(r for r in source.rows if r[0] == late)))
        apply(index, source, now=1000.0)
        assert index.state["gaps"] == [[late, late, 1000.0]] and terms_found(index, "行情") == ["行情"]
        source.rows.append(held)
        apply(index, source, now=1010.0)
        assert index.state["gaps"] == [] and terms_found(index, "银行间") == ["银行间市场"]

    def test_a_gap_is_given_up_after_its_patience(self, tmp_path):
        source = memory_source(CONCEPTS[:2])
        index = built_index(tmp_path, source)
        source.rows.append((4, 4, 1, concept("1.4", "行情"), None, None))
        apply(index, source, now=1000.0)
        assert index.state["gaps"] == [[3, 3, 1000.0]]
        apply(index, source, now=1000.0 + GAP_PATIENCE + 1)
        assert index.state["gaps"] == []

    def test_a_new_release_reindexes_the_revisions_it_holds(self, tmp_path):
        source = memory_source(CONCEPTS[:1])
        index = built_index(tmp_path, source)
        rid, entity, rev, data, _, _ = source.rows[0]
        source.rows[0] = (rid, entity, rev, data, 1, None)
        source.releases.add(1)
        source.add(1, concept("1.1", "证券登记结算公司"))
        apply(index, source)
        assert terms_found(index, "证券登记") == ["证券登记结算公司"]
        assert terms_found(index, "证券登记", release=1) == ["证券登记结算机构"]
        assert index.fingerprint() == fingerprint_of(source.fingerprint_items())

    def test_nothing_to_do_writes_nothing(self, tmp_path):
        source = memory_source(CONCEPTS[:2])
        index = built_index(tmp_path, source)
        generation = index.snapshot.generation
        assert apply(index, source) == 0 and index.snapshot.generation == generation


class TestBulkCatchUp:
    """A backlog of sync.BULK revisions or more is indexed in one commit, its segments built like a rebuild's."""

    @pytest.mark.parametrize("procs", [1, 2])
    def test_a_large_backlog_gives_the_index_a_rebuild_gives(self, tmp_path, monkeypatch, procs):
        monkeypatch.setattr(sync, "BULK", 3)
        source = memory_source(CONCEPTS[:2])
        index = built_index(tmp_path / "caught-up", source)
        for entity, data in enumerate(CONCEPTS[2:], start=3):
            source.add(entity, data)
        source.add(1, concept("1.1", "证券登记结算公司"))
        assert apply(index, source, procs=procs) == len(CONCEPTS) - 1
        assert index.state["max_id"] == source.max_id()
        assert index.fingerprint() == fingerprint_of(source.fingerprint_items())
        assert terms_found(index, "结算公司") == ["证券登记结算公司"]
        assert terms_found(index, "做市商") == ["做市商"]
        assert index.fingerprint() == built_index(tmp_path / "rebuilt", source).fingerprint()

    def test_a_small_backlog_keeps_the_batched_path(self, tmp_path, monkeypatch):
        source = memory_source(CONCEPTS[:2])
        index = built_index(tmp_path, source)
        monkeypatch.setattr(index, "add_in_bulk", None)  # would fail if called
        source.add(2, concept("1.2", "做市商机构"))
        assert apply(index, source) == 1 and terms_found(index, "做市商") == ["做市商机构"]


class TestEnsureOpen:
    def test_a_missing_index_is_built(self, tmp_path):
        index = SearchIndex(tmp_path / "new")
        assert ensure_open(index, memory_source(), procs=1) is True
        assert terms_found(index, "做市商") == ["做市商"]

    def test_a_good_index_is_reused_and_caught_up(self, tmp_path):
        source = memory_source(CONCEPTS[:2])
        built_index(tmp_path, source)
        source.add(3, concept("1.3", "行情"))
        index = SearchIndex(tmp_path)
        assert ensure_open(index, source, procs=1) is False
        assert terms_found(index, "行情") == ["行情"]

    @pytest.mark.parametrize("damage", ["toc", "segment", "all"])
    def test_a_corrupted_index_is_rebuilt(self, tmp_path, damage):
        source = memory_source()
        built_index(tmp_path, source)
        for path in tmp_path.iterdir():
            if damage == "all" or path.suffix == {"toc": ".toc", "segment": ".seg"}[damage]:
                path.write_bytes(b"\x00garbage" * 10)
        index = SearchIndex(tmp_path)
        assert ensure_open(index, source, procs=1) is True
        assert terms_found(index, "登记结算") == ["证券登记结算机构"]

    def test_another_schema_version_is_rebuilt(self, tmp_path, monkeypatch):
        source = memory_source(CONCEPTS[:2])
        built_index(tmp_path, source)
        monkeypatch.setattr(index_module, "SCHEMA_VERSION", index_module.SCHEMA_VERSION + 1)
        assert ensure_open(SearchIndex(tmp_path), source, procs=1) is True

    def test_an_index_ahead_of_the_database_is_rebuilt(self, tmp_path):
        built_index(tmp_path, memory_source())
        other = memory_source(CONCEPTS[:1])
        index = SearchIndex(tmp_path)
        assert ensure_open(index, other, procs=1) is True
        assert index.fingerprint() == fingerprint_of(other.fingerprint_items())

    def test_a_child_process_build_gives_the_same_index(self, tmp_path):
        source = memory_source()
        source.partitions = lambda count: [0, 1]
        whole = source.documents_in
        source.documents_in = lambda part: [d for d in whole(None) if d.group % 2 == part]
        index = SearchIndex(tmp_path)
        with index.locked():
            assert index.rebuild(source, {}, procs=2) == len(CONCEPTS)
        index.open()
        assert len(index.snapshot.views) == 3  # one per child, and the parent's with the meta document
        assert terms_found(index, "证券")[:2] == ["证券", "证券登记结算机构"]


class TestSeveralReaders:
    def test_a_second_reader_of_the_folder_sees_a_write_after_refresh(self, tmp_path):
        source = memory_source(CONCEPTS[:2])
        writer, reader = built_index(tmp_path, source), SearchIndex(tmp_path)
        reader.open()
        source.add(3, concept("1.3", "行情"))
        Syncer(writer, source).step()
        assert terms_found(reader, "行情") == []
        assert reader.refresh() is True and terms_found(reader, "行情") == ["行情"]

    def test_the_sync_thread_applies_and_stops(self, tmp_path):
        source = memory_source(CONCEPTS[:2])
        index = built_index(tmp_path, source)
        syncer = Syncer(index, source, poll_seconds=0.05)
        syncer.start()
        try:
            source.add(3, concept("1.3", "行情"))
            syncer.notify()
            assert terms_found(index, "行情") == ["行情"]
        finally:
            syncer.stop()
