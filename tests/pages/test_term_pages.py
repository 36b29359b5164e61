"""Term pages over TestClient: home, search, entry, parts; titles, layout, escaping, HTML errors."""

import re

import pytest
from pages.pages_helpers import EVIL, HTML, assert_page, make_samples

from registry.auth import SYSTEM
from registry.database import transaction
from terms import service
from terms.models import ConceptCreate


@pytest.fixture
def ids(engine, seeded):
    return make_samples(engine)


class TestHome:
    def test_search_box_with_label_facets_and_parts(self, client):
        body = assert_page(client.get("/", headers=HTML), 200, "检索")
        assert '<label for="q">' in body and 'data-suggest="/api/v1/suggest"' in body
        assert 'name="part"' in body and 'name="status"' in body
        assert body.count('href="/parts/') == 6
        assert '<html lang="zh-CN">' in body and 'name="viewport"' in body

    def test_english_switch_sets_cookie_and_sticks(self, client):
        response = client.get("/?lang=en", headers=HTML)
        assert '<html lang="en">' in assert_page(response, 200, "Search")
        assert response.cookies.get("sfreg_lang") == "en"
        assert '<html lang="en">' in client.get("/parts", headers=HTML).text

    def test_static_files_are_served(self, client):
        assert client.get("/static/sfreg.css").headers["content-type"].startswith("text/css")
        assert "javascript" in client.get("/static/sfreg.js").headers["content-type"]

    def test_security_headers(self, client):
        response = client.get("/", headers=HTML)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["server-timing"].startswith("app;dur=")


class TestSearchPage:
    def test_works_without_script_and_keeps_the_query(self, ids, client):
        body = assert_page(client.get("/search", params={"q": "证券", "part": "3"}, headers=HTML), 200, "证券")
        assert 'value="证券"' in body
        assert '<option value="3" selected>' in body
        assert f'href="/concepts/{ids["full"]}"' in body and "<mark>证券</mark>" in body

    def test_pinyin_initials_find_terms(self, ids, client):
        body = client.get("/search", params={"q": "zqjys"}, headers=HTML).text
        assert f'href="/concepts/{ids["linked"]}"' in body

    def test_facets_filter_and_are_links(self, ids, client):
        body = client.get("/search", params={"q": "证券", "status": "draft"}, headers=HTML).text
        assert f'href="/concepts/{ids["draft"]}"' in body and f'href="/concepts/{ids["full"]}"' not in body
        assert 'aria-current="true">草案</a>' in body

    def test_snippets_escape_user_text(self, ids, client):
        body = client.get("/search", params={"q": "恶意条目"}, headers=HTML).text
        assert f'href="/concepts/{ids["evil"]}"' in body and EVIL not in body

    def test_no_results(self, ids, client):
        assert "没有找到" in client.get("/search", params={"q": "不存在的词语"}, headers=HTML).text

    def test_query_is_escaped(self, client):
        body = client.get("/search", params={"q": EVIL}, headers=HTML).text
        assert EVIL not in body and "&lt;script&gt;" in body

    def test_unknown_facet_values_are_ignored(self, client):
        assert_page(client.get("/search", params={"q": "x", "part": "9", "status": "bogus"}, headers=HTML),
                    200, "x")


class TestConceptPage:
    def test_laid_out_as_a_term_standard(self, client, ids):
        body = assert_page(client.get(f"/concepts/{ids['full']}", headers=HTML), 200, "3.1 证券")
        for label in ("条目编号", "首选术语", "许用术语", "拒用术语", "英文对应词", "定义", "注1：", "注2：",
                      "示例：", "来源：", "拼音"):
            assert label in body, label
        assert '<strong class="preferred">证券</strong>' in body
        assert "<s>证卷</s>" in body and "拒用</span>" in body
        assert "zheng quan" in body and "有修改" in body
        assert "修订历史" in body

    def test_cross_references_are_links_with_labels(self, client, ids):
        body = assert_page(client.get(f"/concepts/{ids['linked']}", headers=HTML), 200, "证券交易所")
        assert f'<a href="/concepts/{ids["full"]}">3.1 证券</a>' in body

    def test_user_text_is_escaped(self, client, ids):
        body = assert_page(client.get(f"/concepts/{ids['evil']}", headers=HTML), 200, "恶意条目")
        assert EVIL not in body
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body

    def test_equivalents_in_other_languages_are_listed_and_escaped(self, client, engine, seeded):
        draft = {"part": 1, "entry_number": "1.9", "definition": {"es": "Estado."},
                 "terms": [{"text": f"degeneración {EVIL}", "lang": "es", "status": "preferred"}]}
        with transaction(engine) as session:
            concept_id = service.create_concept(session, ConceptCreate.model_validate(draft), actor=SYSTEM).id
        body = assert_page(client.get(f"/concepts/{concept_id}", headers=HTML), 200, "1.9 degeneración")
        assert "其他语种" in body and '<dd lang="es" class="term-preferred">degeneración &lt;script&gt;' in body
        assert EVIL not in body and "[es] Estado." in body

    def test_english_labels(self, client, ids):
        body = assert_page(client.get(f"/concepts/{ids['full']}?lang=en", headers=HTML), 200, "证券")
        assert "Preferred term" in body and "Note 1" in body

    def test_no_edit_controls_when_signed_out(self, client, ids):
        body = client.get(f"/concepts/{ids['full']}", headers=HTML).text
        assert "/edit" not in body and "/transition" not in body

    @pytest.mark.parametrize("path", ["/concepts/999999", "/concepts/abc", "/parts/9", "/nowhere"])
    def test_absent_pages_are_html_404(self, client, path):
        body = assert_page(client.get(path, headers=HTML), 404, "404")
        assert "返回首页" in body

    def test_api_keeps_problem_json(self, client):
        response = client.get("/api/v1/concepts/999999", headers=HTML)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")

    def test_unknown_release_is_404_page(self, client, ids):
        assert_page(client.get(f"/concepts/{ids['full']}?release=nope", headers=HTML), 404, "404")


class TestPartPage:
    def test_tree_by_entry_number(self, client, ids):
        body = assert_page(client.get("/parts/3", headers=HTML), 200, "证券业务术语")
        tree = body[body.index('class="tree"'):]
        assert tree.index(">3.1<") < tree.index(">3.1.1<") < tree.index(">3.2<")
        nested = re.search(r">3\.1</span> 证券</a>\s*<ul>", tree)
        assert nested, "3.1.1 is not nested under 3.1"

    def test_empty_part(self, client):
        assert "暂无条目" in assert_page(client.get("/parts/6", headers=HTML), 200, "第 6 部分")

    def test_parts_list(self, client):
        assert assert_page(client.get("/parts", headers=HTML), 200, "分册").count('href="/parts/') == 6


class TestServerError:
    def test_unexpected_error_is_an_html_500(self, client, ids, monkeypatch):
        from api.pages import assemble

        def boom(*args, **kwargs):
            raise RuntimeError("boom")
        monkeypatch.setattr(assemble, "concept_page", boom)
        body = assert_page(client.get(f"/concepts/{ids['full']}", headers=HTML), 500, "500")
        assert "boom" not in body
