"""Release pages: the list, release notes with counts, and the colour-coded diff of two releases."""

import pytest
from pages.pages_helpers import EVIL, HTML, assert_page, make_samples

from api.versioned import TABLES
from registry.auth import SYSTEM
from registry.database import transaction
from registry.releases import service as releases
from registry.releases.models import ReleaseCreate
from terms import service
from terms.models import ConceptUpdate


def freeze(engine, name: str, notes: str = "") -> None:
    with transaction(engine) as session:
        releases.create_release(session, ReleaseCreate(name=name, stage="published", notes=notes), actor=SYSTEM,
                                tables=TABLES)


@pytest.fixture
def two(engine, seeded):
    """Release 2025.1, then a changed definition, a new entry and a retired one, then release 2025.2."""
    ids = make_samples(engine)
    freeze(engine, "2025.1", notes="第一版。\n" + EVIL)
    with transaction(engine) as session:
        concept = service.get_concept(session, ids["full"])
        service.update_concept(session, ids["full"], ConceptUpdate(definition={"zh-CN": "第二版定义。"}),
                               actor=SYSTEM, if_match=service.etag(concept))
        concept = service.get_concept(session, ids["draft"])
        service.write_fields(session, concept, {**service.current_revision(session, concept).data,
                                                "status": "approved"}, actor=SYSTEM, action="test", change_note=None)
        from terms.models import TransitionIn
        service.transition_concept(session, ids["evil"], TransitionIn(to="retired"), actor=SYSTEM)
    freeze(engine, "2025.2")
    return ids


class TestReleaseList:
    def test_empty(self, client):
        assert "还没有发布版本" in assert_page(client.get("/releases", headers=HTML), 200, "发布版本")

    def test_lists_releases_and_compare_form(self, client, two):
        body = assert_page(client.get("/releases", headers=HTML), 200, "发布版本")
        assert 'href="/releases/2025.1"' in body and 'href="/releases/2025.2"' in body
        assert '<label for="cmp-a">' in body

    def test_compare_form_goes_to_the_diff(self, client, two):
        response = client.get("/releases", params={"a": "2025.1", "b": "2025.2"}, headers=HTML,
                              follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/releases/2025.1/diff/2025.2"


class TestReleasePage:
    def test_notes_counts_and_escaping(self, client, two):
        body = assert_page(client.get("/releases/2025.1", headers=HTML), 200, "2025.1")
        assert "第一版。" in body and EVIL not in body and "&lt;script&gt;" in body
        assert "第 3 部分" in body

    def test_links_to_diff_with_previous(self, client, two):
        body = client.get("/releases/2025.2", headers=HTML).text
        assert 'href="/releases/2025.1/diff/2025.2"' in body

    def test_unknown_is_404_page(self, client):
        assert_page(client.get("/releases/nope", headers=HTML), 404, "404")


class TestDiffPage:
    def test_added_changed_removed_colour_coded(self, client, two):
        body = assert_page(client.get("/releases/2025.1/diff/2025.2", headers=HTML), 200, "2025.1")
        added = body[body.index('id="added"'):body.index('id="changed"')]
        changed = body[body.index('id="changed"'):body.index('id="removed"')]
        removed = body[body.index('id="removed"'):]
        assert 'class="diff-added"' in added and "3.3 证券公司" in added
        assert 'class="diff-changed"' in changed and "<del>" in changed and "第二版定义" in changed
        assert 'class="diff-removed"' in removed and "恶意条目" in removed
        assert f'href="/concepts/{two["full"]}?release=2025.2"' in changed

    def test_entry_as_of_release_and_its_releases(self, client, two):
        old = assert_page(client.get(f"/concepts/{two['full']}?release=2025.1", headers=HTML), 200, "证券")
        assert "证券的定义。" in old and "第二版定义" not in old and "按发布版本 2025.1 显示" in old
        current = client.get(f"/concepts/{two['full']}", headers=HTML).text
        assert 'href="/releases/2025.1"' in current and 'href="/releases/2025.2"' in current
