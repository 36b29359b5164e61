"""Classification pages: the tree as nested <details> (no script needed), node pages with their path,
pinyin search, English on ?lang=en, user text escaped, deep branches linked with their counts."""

from classification_fixtures import fresh_cache as fresh_cache
from classification_fixtures import sample as sample

from codes import classification
from registry.auth import SYSTEM
from registry.database import transaction

HTML = {"Accept": "text/html"}


class TestTreePage:
    def test_every_level_is_in_nested_details(self, client, sample):
        page = client.get("/schemes/investor-sample/tree", headers=HTML)
        assert page.status_code == 200 and "<details open><summary>" in page.text
        assert page.text.count("<details") == 4 + 6 + 1  # sections, divisions with children, the levels
        assert "境内自然人" in page.text and "<script" not in page.text.split("</main>")[0].split("<main")[1]
        assert "示例数据" in page.text

    def test_english(self, client, sample):
        page = client.get("/schemes/investor-sample/tree", params={"lang": "en"}, headers=HTML)
        assert "Domestic natural persons" in page.text and "Classification tree" in page.text

    def test_pinyin_search_shows_matches_with_their_path(self, client, sample):
        page = client.get("/schemes/investor-sample/tree", params={"q": "qihuo"}, headers=HTML)
        matches = page.text.split('id="matches-heading"')[1].split("</section>")[0]
        assert "20103" in matches and "机构投资者" in matches and "金融机构" in matches
        initials = client.get("/schemes/investor-sample/tree", params={"q": "qhgs"}, headers=HTML).text
        assert "期货公司" in initials.split('id="matches-heading"')[1].split("</section>")[0]

    def test_scheme_page_links_the_tree(self, client, sample):
        assert "/schemes/investor-sample/tree" in client.get("/schemes/investor-sample", headers=HTML).text

    def test_flat_scheme_has_no_tree_page(self, client, sample):
        assert client.get("/schemes/isin/tree", headers=HTML).status_code == 404

    def test_a_big_tree_links_deep_levels_with_counts(self, client, engine, seeded, tokens):
        body = classification.SchemeCreate(slug="wide", name_zh="宽", name_en="Wide", kind="classification",
                                           structure="1-2-2")
        with transaction(engine) as session:
            classification.create_scheme(session, body, actor=SYSTEM)
        rows = ["code,name_zh,parent", "1,根,"] + [f"1{i:02d},枝{i},1" for i in range(1, 31)]
        rows += [f"1{i:02d}{j:02d},叶,1{i:02d}" for i in range(1, 31) for j in range(1, 31)]
        response = client.post("/api/v1/imports/codes/wide", files={"file": ("w.csv", "\n".join(rows).encode())},
                               headers={"Authorization": f"Bearer {tokens['editor']}"})
        assert response.status_code == 200, response.text
        page = client.get("/schemes/wide/tree", headers=HTML).text.split("<main")[1]
        # 931 nodes, a budget of 300: the root, its 30 branches, then the first 8 branches' leaves
        assert "10101" in page and "10830" in page and "10901" not in page and "13030" not in page
        assert 'href="/schemes/wide/tree/130">30 个下级' in page
        assert 'href="/schemes/wide/tree/101">30 个下级' not in page
        branch = client.get("/schemes/wide/tree/130", headers=HTML).text
        assert "13030" in branch


class TestNodePage:
    def test_node_shows_level_path_and_entry_link(self, client, sample):
        page = client.get("/schemes/investor-sample/tree/20103", headers=HTML)
        assert page.status_code == 200 and "期货公司" in page.text
        assert "小类" in page.text and "/schemes/investor-sample/tree/201" in page.text
        assert 'href="/schemes/investor-sample/20103"' in page.text

    def test_full_width_code_and_unknown_code(self, client, sample):
        assert client.get("/schemes/investor-sample/tree/２０１", headers=HTML).status_code == 200
        assert client.get("/schemes/investor-sample/tree/999", headers=HTML).status_code == 404

    def test_names_are_escaped(self, client, engine, sample, tokens):
        evil = "<script>alert(1)</script>"
        client.post("/api/v1/schemes/investor-sample/codes", json={"code": "403", "parent": "4", "name_zh": evil},
                    headers={"Authorization": f"Bearer {tokens['editor']}"})
        page = client.get("/schemes/investor-sample/tree/403", headers=HTML).text
        assert evil not in page and "&lt;script&gt;" in page


class TestValidatePage:
    def test_batch_validation_page_takes_a_classification(self, client, sample):
        page = client.get("/validate", params={"kind": "investor-sample", "codes": "20103\n201A3"}, headers=HTML)
        assert page.status_code == 200, page.text[:500]
        assert "20103" in page.text and "第 4 位" in page.text
        csv = client.get("/validate", params={"kind": "investor-sample", "codes": "20103", "format": "csv"})
        assert csv.status_code == 200 and "level=3" in csv.text
