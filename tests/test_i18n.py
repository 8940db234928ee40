"""Chinese output: one catalogue per language, the same keys and placeholders in each, and
every place that prints words switching with ``set_language`` while its numbers stay put."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import i18n
from autograd_mini.cli import load_demo, main
from autograd_mini.i18n import columns, language
from autograd_mini.viz import explain_backward, to_html


def fields(template: str) -> list[str]:
    """The placeholders of a ``str.format`` template, in order, with their conversions."""
    return [f"{name}!{conv}" if conv else name
            for _, name, _, conv in string.Formatter().parse(template) if name is not None]


@pytest.fixture
def zh():
    with language("zh"):
        yield


# ----- the catalogues ------------------------------------------------------------------


def test_both_languages_have_the_same_keys_in_the_same_order():
    assert list(i18n.zh.MESSAGES) == list(i18n.en.MESSAGES)


@pytest.mark.parametrize("key", list(i18n.en.MESSAGES))
def test_each_text_has_the_same_placeholders_in_both_languages(key):
    assert sorted(fields(i18n.zh.MESSAGES[key])) == sorted(fields(i18n.en.MESSAGES[key])), key


def test_chinese_texts_are_written_in_chinese():
    same = [k for k, v in i18n.zh.MESSAGES.items()
            if v == i18n.en.MESSAGES[k] and re.search("[a-z]{4}", v.format_map(_Blank()))]
    assert same == [], "texts left in English in zh.py"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


# ----- choosing the language -----------------------------------------------------------


def test_set_language_switches_and_none_goes_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_LANG", "en")
    with language("en"):
        am.set_language("zh_CN")
        assert am.get_language() == "zh"
        am.set_language(None)
        assert am.get_language() == "en"


def test_an_unknown_language_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="'fr'.*'en', 'zh'"):
        am.set_language("fr")


@pytest.mark.parametrize(("env", "want"), [
    ({"AUTOGRAD_MINI_LANG": "zh"}, "zh"),
    ({"AUTOGRAD_MINI_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins, as in POSIX
    ({}, "en"),
])
def test_the_default_comes_from_the_variable_then_the_locale(monkeypatch, env, want):
    for var in ("AUTOGRAD_MINI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.default_language() == want


def test_an_unknown_autograd_mini_lang_warns_and_falls_back_to_the_locale(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_LANG", "klingon")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    with pytest.warns(UserWarning, match="klingon"):
        assert i18n.default_language() == "zh"


def test_the_command_line_lang_option_prints_chinese_then_restores(tmp_path, capsys):
    before = am.get_language()
    assert main(["--lang", "zh", "demo", "descent", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "与教程 003 的结果一致：是（40/40 行）" in out
    assert "After 39 epoch,w is -1.000000,loss is 0.000000" in out  # the seed's own print
    assert am.get_language() == before


def test_the_command_line_refuses_an_unknown_language(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--lang=fr", "demo", "descent"])
    assert stop.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err


# ----- what switches -------------------------------------------------------------------


def numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)


def test_a_demo_table_header_switches_and_its_numbers_stay(tmp_path, capsys):
    demo = load_demo("course-iris")
    outs = {}
    for lang in ("en", "zh"):
        with language(lang):
            demo.main(["--out", str(tmp_path), "--epochs", "11"])
        outs[lang] = capsys.readouterr().out.splitlines()
    en, zh = outs["en"], outs["zh"]
    assert "epoch  loss        TensorFlow  test accuracy  TensorFlow" in en
    assert "轮次   损失        TensorFlow  测试准确率     TensorFlow" in zh
    assert numbers("\n".join(en[3:-1])) == numbers("\n".join(zh[3:-1]))  # past the timing


def test_descent_prints_the_same_numbers_in_both_languages(tmp_path, capsys):
    demo = load_demo("descent")
    outs = []
    for lang in ("en", "zh"):
        with language(lang):
            demo.main(["--out", str(tmp_path)])
        outs.append(capsys.readouterr().out)
    assert numbers(outs[0]) == numbers(outs[1])
    assert "matches seed 003: yes (40/40 lines)" in outs[0]


def test_seed_002s_report_line_is_the_seeds_own_chinese_line(zh, capsys):
    demo = load_demo("linreg")
    demo.report(7, 0.5, am.Tensor([[1.0]]), am.Tensor([2.0]))
    assert capsys.readouterr().out == "\n迭代7次,当前loss:0.5, 当前权重:[[1.]],当前偏置[2.]\n"


def scalar_loss():
    w = am.Variable(5.0, name="w")
    return (w + 1) ** 2


def test_explain_backward_switches_its_words_not_its_numbers():
    en = explain_backward(scalar_loss(), lr=0.2, file=None).to_text()
    with language("zh"):
        zh = explain_backward(scalar_loss(), lr=0.2, file=None).to_text()
    assert en.startswith("backward pass from pow1: 3 steps\nstep  node")
    assert zh.startswith("从 pow1 开始的反向传播：共 3 步\n步骤  节点")
    assert "叶子节点：w.grad = 12" in zh and "w: 5 - 0.2*12 = 2.6" in zh
    assert numbers(en) == numbers(zh)


def test_explain_backwards_chinese_columns_line_up_on_a_terminal(zh):
    header, first = explain_backward(scalar_loss(), file=None).to_text().splitlines()[1:3]
    starts = [columns(header[:m.start()]) for m in re.finditer(r"(?<=  )\S", header)]
    assert [columns(first[:m.start()]) for m in re.finditer(r"(?<=  )\S", first)] == starts


def test_why_none_answers_in_chinese(zh):
    t = am.Tensor(np.ones(3))
    with am.Tape() as tape:
        y = (t * 2).sum()
    assert tape.why_none(y, t).startswith("形状为 (3,) 的 Tensor 从未被这个 Tape 监视")


def test_a_beginners_error_switches_language():
    a, b = am.Tensor(np.ones(2)), am.Tensor(np.ones(3))
    with pytest.raises(am.ShapeError, match=r"add: cannot apply to inputs of shape \(2,\), "):
        a + b
    with language("zh"), pytest.raises(am.ShapeError, match=r"add：无法作用于形状为 \(2,\), "):
        a + b


def test_a_non_scalar_backward_explains_itself_in_chinese(zh):
    with pytest.raises(am.GraphError, match=r"t\.sum\(\)\.backward\(\)") as e:
        am.Tensor([1.0, 2.0], requires_grad=True).backward()
    assert "需要传入同样形状的 gradient=" in str(e.value)


def test_the_lecture_page_buttons_and_steps_switch():
    en = to_html(scalar_loss())
    with language("zh"):
        zh = to_html(scalar_loss())
    assert '<html lang="en">' in en and "&#9664; Back</button>" in en
    assert '<html lang="zh-CN">' in zh
    for word in ("&#9664; 上一步</button>", "下一步 &#9654;</button>", ">播放</button>",
                 '"pause":"暂停"', "反向传播第 1 步（共 3 步）", "<title>pow1 的反向传播</title>"):
        assert word in zh, word
    assert "Back" not in zh.split("<script>")[0].split("<svg")[0]
