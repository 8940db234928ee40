"""The catalogue of the course's programs (``autograd_mini.course``) and ``autograd-mini course``:
it names exactly the programs in tests/course/, promises only TF names the compat layers
have, and prints within 100 columns; a name it does not know is a one-line error."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from test_cli_errors import run

from autograd_mini import course
from autograd_mini.course import CATALOGUE, PROGRAMS
from tests.course import harness

# ----- the catalogue and tests/course/ cannot drift -----------------------------------------


def test_every_program_in_tests_course_has_an_entry():
    missing = sorted(set(harness.programs()) - set(PROGRAMS))
    assert not missing, f"add these to autograd_mini/course.py's CATALOGUE: {missing}"


def test_every_entry_names_a_program_in_tests_course():
    # fails until every program the catalogue names is in tests/course (no exceptions)
    absent = sorted(set(PROGRAMS) - set(harness.programs()))
    assert not absent, f"catalogue entries without a program in tests/course: {absent}"


def test_each_entry_finds_its_program_where_the_harness_runs_it():
    for name in sorted(set(PROGRAMS) & set(harness.programs())):
        assert course.source(PROGRAMS[name]) == harness.entry(name)


def test_an_entry_says_it_is_held_to_other_figures_exactly_when_test_course_does():
    from tests.test_course import TOLERANCE

    loose = {p.name for p in CATALOGUE if p.agreement != course.FIGURES}
    assert loose == set(TOLERANCE)


def test_names_are_unique_and_each_names_its_edition():
    assert len(PROGRAMS) == len(CATALOGUE)
    assert all(p.name.startswith(p.edition.lower() + "_") for p in CATALOGUE)


@pytest.mark.parametrize("program", CATALOGUE, ids=lambda p: p.name)
def test_every_tf_name_the_entry_lists_is_in_its_editions_compat_layer(program):
    tf = importlib.import_module(f"autograd_mini.compat.v{program.edition[-1]}")
    for api in program.apis:
        obj = tf
        for part in api.removeprefix("tf.").split("."):
            obj = getattr(obj, part)  # NotInCompatError names what is missing


def test_every_course_file_lies_in_a_folder_its_edition_says_where_to_get():
    for p in CATALOGUE:
        for file in p.files:
            assert Path(file).parts[0] in course.EDITIONS[p.edition].get, (p.name, file)


# ----- autograd-mini course --list ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["both", "zh", "en"])
def test_list_has_one_row_per_program_and_fits_100_columns(lang, capsys):
    code, out, _ = run(["course", "--list", "--lang", lang], capsys)
    lines = out.splitlines()
    for p in CATALOGUE:
        (row,) = [line for line in lines if line.split()[:1] == [p.name]]
        assert p.section in row.split()
        rest = row.split(p.name, 1)[1]  # the name may hold the title's words
        assert (p.zh in rest) is (lang != "en") and (p.en in rest) is (lang != "zh")
    assert max(course._width(line) for line in lines) <= 100
    assert code == 0


def test_list_says_where_to_get_the_course_files(capsys):
    _, out, _ = run(["course"], capsys)  # the list is the default
    assert "github.com/cj0012/AI-Practice-Tensorflow-Notes" in out
    assert "icourse163.org/course/PKU-1002536002" in out
    assert "p45_iris.py" in out and "opt4_8_backward.py" in out


def test_a_chinese_title_takes_two_columns_per_character():
    assert course._width("正则化 regularization") == 3 * 2 + 1 + 14
    assert course._wrap("课件 " * 30, 20) == ["课件 课件 课件 课件"] * 7 + ["课件 课件"]


# ----- autograd-mini course show NAME ------------------------------------------------------


def test_show_gives_the_files_the_lines_to_change_and_the_check(capsys):
    code, out, _ = run(["course", "show", "tf1_ch4_7_regularization"], capsys)
    assert "opt/opt4_7.py" in out and "opt.zip" in out
    assert "  change             import tensorflow as tf\n" in out
    assert "-> import autograd_mini.compat.v1 as tf\n" in out
    assert "2to3" in out  # the TF1 edition's files are Python 2
    assert "tests/course/tf1_ch4_7_regularization.py" in out
    assert "autograd-mini demo course-regularization" in out
    assert max(course._width(line) for line in out.splitlines()) <= 100
    assert code == 0


def test_show_takes_a_course_file_name_and_shows_every_program_that_follows_it(capsys):
    _, out, _ = run(["course", "show", "p45_iris.py"], capsys)
    assert out.startswith("tf2_ch1_iris: section 1 鸢尾花分类")
    assert "import autograd_mini.compat.v2 as tf" in out
    _, out, _ = run(["course", "show", "opt4_5"], capsys)
    assert "tf1_ch4_5_exp_decay:" in out and "tf1_ch4_5_exp_decay_smooth:" in out


@pytest.mark.parametrize("name", ["tf1_ch5_mnist_fc", "tests/course/tf1_ch5_mnist_fc/",
                                  "mnist_test.py", "fc2/mnist_backward.py"])
def test_a_program_is_found_by_its_name_its_path_or_a_course_file(name):
    assert [p.name for p in course.find(name)] == ["tf1_ch5_mnist_fc"]


def test_show_says_when_the_program_is_not_installed_as_tests_are_not_in_the_wheel(
        capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(course, "PROGRAMS_DIR", tmp_path / "tests" / "course")
    _, out, _ = run(["course", "show", "tf2_ch1_iris"], capsys)
    assert "tests/course/tf2_ch1_iris is not in this installation" in out
    assert "not in the wheel" in " ".join(out.split())


@pytest.mark.parametrize("argv, words", [
    (["course", "show", "tf2_ch1_iri"], ["no course program or course file named "
                                         "'tf2_ch1_iri'", "tf2_ch1_iris", "--list"]),
    (["course", "show", "opt9_9.py"], ["'opt9_9.py'"]),
    (["course", "show"], ["required: name"]),
    (["course", "--lang", "fr"], ["invalid choice: 'fr'"]),
])
def test_an_unknown_name_or_option_is_a_one_line_error_with_exit_status_2(argv, words,
                                                                          capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert all(w in err for w in words), err


def test_agrees_is_five_significant_figures():
    assert course.agrees(0.2821310758590698, 0.28213)
    assert not course.agrees(0.28213, 0.28216)
    assert course.agrees(0.0, 5e-8)
