import pytest

from newmedia_audit.errors import InputError
from newmedia_audit.models import Post
from newmedia_audit.rules.lexicon import default_entries, find_hits, load_lexicon

LEXICON = load_lexicon()


def words(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in LEXICON.find(text)]


def test_defaults_hold_the_domain_entries():
    wrong = {e.wrong for e in default_entries()}
    assert {"中华人民共合国", "共合国", "攻府", "政腐", "一带一路战略"} <= wrong
    assert all(e.correction and e.rule for e in default_entries())


def test_hit_keeps_post_id_link_sentence_rule_and_correction():
    text = "上半年工作回顾。我们热爱中华人民共合国，祝福祖国！下一句。"
    hits = find_hits([Post(id="m1", text=text, link="https://m.weibo.cn/detail/m1")], LEXICON)
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.word, hit.correction, hit.post_id) == ("中华人民共合国", "中华人民共和国", "m1")
    assert hit.link == "https://m.weibo.cn/detail/m1"
    assert hit.sentence == "我们热爱中华人民共合国，祝福祖国！"
    assert hit.rule == "国名错写"


def test_longer_entry_wins_an_overlap():
    assert words("中华人民共合国成立") == ["中华人民共合国"]
    assert words("共合国与中华人民共合国") == ["共合国", "中华人民共合国"]


def test_correct_text_is_not_a_hit():
    assert words("中华人民共和国成立73周年，共建“一带一路”倡议，市人民政府") == []


def test_belt_and_road_as_strategy_is_a_hit_in_every_spelling():
    assert words("推进一带一路战略") == ["一带一路战略"]
    assert words("推进“一带一路”战略") == ["“一带一路”战略"]


def test_allowed_context_is_not_a_hit():
    assert words("严厉打击行政腐败行为") == []
    assert words("市政腐要改为市政府") == ["政腐"]


def test_wrong_official_titles_are_hits():
    assert words("全国人大主席出席会议") == ["全国人大主席"]


def test_user_toml_adds_replaces_and_removes(tmp_path):
    user = tmp_path / "lexicon.toml"
    user.write_text(
        'remove = ["政腐"]\n[[entry]]\nwrong = "县长助里"\ncorrection = "县长助理"\nrule = "职务称谓错误"\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon([user])
    found = [e.wrong for _, _, e in lexicon.find("市政腐的县长助里")]
    assert found == ["县长助里"]


def test_user_csv_in_gb18030(tmp_path):
    user = tmp_path / "lexicon.csv"
    user.write_bytes("错误表述,正确表述,规则\n咸宁市人民攻府,咸宁市人民政府,本地机构名\n".encode("gb18030"))
    lexicon = load_lexicon([user])
    [(start, end, entry)] = lexicon.find("咸宁市人民攻府通知")
    assert entry.rule == "本地机构名" and (start, end) == (0, 7)


def test_bad_lexicon_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entry]\nwrong=", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicon([bad])
    assert caught.value.file == str(bad)


def test_example_user_file_in_registry_parses():
    from pathlib import Path

    example = Path(__file__).parents[2] / "registry" / "lexicon.toml"
    assert len(load_lexicon([example]).entries) == len(default_entries())
