"""The course programs are run by tests/test_course.py, not collected by pytest: chapter
5's ``mnist_test.py`` (the course's own module name) would otherwise be taken for tests."""

collect_ignore_glob = ["*/*.py"]
