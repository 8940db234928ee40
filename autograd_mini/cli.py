"""The ``autograd-mini`` command: ``demo NAME``, ``demo all``, ``demo --list``, ``course``
(``--list``, ``show NAME``: the course's programs, from ``autograd_mini.course``) and ``graph``.

The demos live once, as scripts in the repository's ``demos/`` folder; the wheel ships
that folder as ``autograd_mini/_demos``. They are loaded by file path, so neither needs
to be importable as a package. A demo's exit code is 0 when its figures match its seed,
1 when they do not, 2 when something it needs (data, a file) is missing.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.util
import os
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

from .i18n import LANGUAGES, language, message

DEMOS = ("descent", "tf1-net", "linreg", "xor", "mnist", "lenet5", "course-iris",
         "course-optimizers", "course-regularization")  # the order `demo all` runs them
DEFAULT_OUT = Path("autograd_mini_out")
_VERDICTS = {0: "cli.ok", 1: "cli.differs", 2: "cli.could_not_run"}  # message keys


# ----- the command lines' parts ------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (--help lists the options)\n")


def at_least_one(text: str) -> int:
    """An argparse ``type``: a whole number of 1 or more (``--epochs 0`` is an error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def out_problem(path: Path, folder: bool) -> str | None:
    """Why ``path`` cannot be written (a ``folder`` to put files in, or a file), else None."""
    if path.is_dir() and not folder:
        return f"{path} is a folder; give a file name"
    if path.exists() and not path.is_dir() and folder:
        return f"{path} is a file, not a folder"
    place = path if folder else path.parent  # the folder that will hold the new files
    while not place.exists():
        place = place.parent
    if not place.is_dir():
        return f"{place} is a file, so {path} cannot be made"
    if not os.access(place, os.W_OK | os.X_OK):
        return f"cannot write in {place}: permission denied"
    return None


def out_folder(text: str) -> Path:
    """An argparse ``type`` for ``--out DIR``: a folder that can be made or written in."""
    problem = out_problem(Path(text), folder=True)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return Path(text)


def out_file(text: str) -> Path:
    """An argparse ``type`` for ``--out FILE``: a file that can be written."""
    problem = out_problem(Path(text), folder=False)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return Path(text)


def demo_parser(name: str, description: str | None, out: str, quick: str,
                compiled: bool = False) -> Parser:
    """A demo's command line with the two options ``demo all`` passes to every demo:
    ``--out DIR`` (``out`` says what the demo writes there) and ``--quick``; ``compiled``
    adds ``--compile``, for a demo whose training step ``autograd_mini.compile`` can run."""
    parser = Parser(prog=f"autograd-mini demo {name}", description=description,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=out_folder, default=DEFAULT_OUT, help=out)
    parser.add_argument("--quick", action="store_true", help=quick)
    if compiled:
        parser.add_argument("--compile", action="store_true",
                            help="run each training step as autograd_mini.compile writes it "
                                 "(traced on the first call and on each new shape of batch, "
                                 "replayed on the others): the same numbers")
    return parser


# ----- finding and loading the demos -------------------------------------------------


def demos_dir() -> Path:
    """The folder holding the demo scripts: ``_demos`` in a wheel, ``demos/`` in a clone."""
    package = Path(__file__).resolve().parent
    candidates = (package / "_demos", package.parent / "demos")
    for folder in candidates:
        if (folder / "descent.py").is_file():
            return folder
    raise FileNotFoundError(
        "autograd-mini cannot find its demos; looked in "
        + " and ".join(str(c) for c in candidates)
        + ". Reinstall with `pip install autograd-mini`, or run from a clone of the repository.")


def demo_path(name: str) -> Path:
    """The script of demo ``name`` (``tf1-net`` lives in ``tf1_net.py``)."""
    return demos_dir() / f"{name.replace('-', '_')}.py"


def describe(name: str) -> str:
    """The first line of a demo's docstring, read without running the demo."""
    path = demo_path(name)
    if not path.is_file():
        return f"(missing: {path} is not there)"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or "(no description)"
    return doc.strip().splitlines()[0]


def load_demo(name: str) -> ModuleType:
    """Import a demo script by its path and return the module."""
    path = demo_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"demo {name!r}: its script {path} is missing")
    spec = importlib.util.spec_from_file_location(f"autograd_mini_demo_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load demo {name!r} from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_demo(name: str, argv: list[str]) -> int:
    """Run one demo's ``main(argv)`` and return its exit code."""
    code = load_demo(name).main(argv)
    return 0 if code is None else int(code)


def run_all(out: Path, quick: bool) -> int:
    """Run every demo in turn, keep going past failures, and print a summary."""
    results = []
    for i, name in enumerate(DEMOS, 1):
        argv = ["--out", str(out)]
        if quick:
            argv.append("--quick")
        print(message("cli.demo_header", i=i, n=len(DEMOS), name=name, about=describe(name)),
              flush=True)
        start = time.perf_counter()
        try:
            code = run_demo(name, argv)
            verdict = message(_VERDICTS.get(code, "cli.exit_code"), code=code)
        except OSError as e:  # a file it could not write: said in one line
            print(f"autograd-mini demo {name}: {e}", file=sys.stderr)
            code, verdict = 2, message("cli.could_not_write")
        except Exception:  # one broken demo should not hide the others
            traceback.print_exc()
            code, verdict = 1, message("cli.raised")
        results.append((name, code, verdict, time.perf_counter() - start))
    print(message("cli.summary"))
    width = max(map(len, DEMOS))
    for name, _, verdict, seconds in results:
        print(message("cli.summary_line", name=f"{name:<{width}}", verdict=verdict,
                      seconds=f"{seconds:.1f}"))
    print(message("cli.pictures_in", out=out))
    return 0 if all(code == 0 for _, code, _, _ in results) else 1


def print_list() -> None:
    width = max(map(len, DEMOS))
    for name in DEMOS:
        print(f"  {name:<{width}}  {describe(name)}")
    print(message("cli.list_hint"))


# ----- the command line ----------------------------------------------------------------


def _parser() -> Parser:
    from . import __version__

    parser = Parser(
        prog="autograd-mini",
        description="autograd_mini: run the demos, list the course's programs, draw graphs.")
    parser.add_argument("--version", action="version", version=f"autograd-mini {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES,
                        help="print in English (en) or Chinese (zh, 中文); default: "
                             "$AUTOGRAD_MINI_LANG, else the locale")
    commands = parser.add_subparsers(dest="command", metavar="{demo,course,graph}")
    demo = commands.add_parser(
        "demo", help="run a demo (one per tutorial seed), or all of them",
        description="Run a demo: `demo NAME [its options]`, `demo all [--out DIR] [--quick]`"
                    ", or `demo --list`.")
    demo.add_argument("--list", action="store_true", help="list the demos, one line each")
    demo.add_argument("name", nargs="?", help=f"one of {', '.join(DEMOS)}, or all")
    demo.add_argument("args", nargs=argparse.REMAINDER,
                      help="options for the demo (NAME --help lists them)")
    course = commands.add_parser(
        "course", help="the course's programs that run here and how to run the course's files",
        description="`course --list`: the MOOC's programs that run on autograd_mini, one line "
                    "each; `course show NAME`: one in full (the course's files, where to get "
                    "them, the lines to change).")
    course.add_argument("--list", action="store_true", help="one line per program (the default)")
    course.add_argument("--lang", choices=["zh", "en", "both"], default="both",
                        help="chapter titles in 中文, English or both (default)")
    shows = course.add_subparsers(dest="course_command", metavar="{show}")
    show = shows.add_parser("show", help="one program in full",
                            description="One course program in full: the course's files, "
                                        "where to get them, the lines to change.")
    show.add_argument("name", help="a program (tf2_ch1_iris) or a course file (p45_iris.py)")
    # listed for --help only: main() hands `graph ...` to autograd_mini.viz untouched
    commands.add_parser("graph", help="draw a computation graph (autograd_mini.viz; "
                                      "`graph --help` for its options)")
    return parser


def _all_parser() -> Parser:
    parser = Parser(prog="autograd-mini demo all",
                    description="Run every demo in turn: " + ", ".join(DEMOS))
    parser.add_argument("--out", type=out_folder, default=DEFAULT_OUT,
                        help=f"folder for the pictures (default: ./{DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true", help="every demo in its quick mode")
    return parser


def _demo_command(args: argparse.Namespace) -> int:
    if args.list:
        print_list()
        return 0
    if args.name is None:
        print(message("cli.which_demo"))
        print_list()
        return 2
    name = args.name.replace("_", "-")
    if name == "all":
        opts = _all_parser().parse_args(args.args)
        return run_all(opts.out, opts.quick)
    if name not in DEMOS:
        print(message("cli.no_such_demo", name=args.name, demos=", ".join(DEMOS)),
              file=sys.stderr)
        return 2
    return run_demo(name, args.args)


def _course_command(args: argparse.Namespace) -> int:
    from . import course

    if args.course_command is None:  # `course` or `course --list`
        print(course.list_text(args.lang))
        return 0
    found = course.find(args.name)
    if not found:
        close = difflib.get_close_matches(args.name, list(course.PROGRAMS), n=3)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        print(f"autograd-mini course show: no course program or course file named "
              f"{args.name!r}{hint}; `autograd-mini course --list` names them", file=sys.stderr)
        return 2
    print("\n\n".join(course.show_text(p) for p in found))
    return 0


def _graph_command(argv: list[str]) -> int:
    try:
        from .viz.command import graph_command
    except ModuleNotFoundError as e:
        if e.name not in ("autograd_mini.viz", "autograd_mini.viz.command"):
            raise
        print("`autograd-mini graph` needs autograd_mini.viz.command.graph_command, which this "
              "version of autograd_mini does not have yet.", file=sys.stderr)
        return 2
    except ImportError as e:
        print(f"`autograd-mini graph` is not available: {e}", file=sys.stderr)
        return 2
    code = graph_command(argv)
    return 0 if code is None else int(code)


def _leading_lang(argv: list[str]) -> tuple[list[str], str | None]:
    """Split a leading ``--lang zh`` (or ``--lang=zh``) off ``argv``, so that what follows,
    ``graph ...`` included, is parsed as it would be without it."""
    head = argv[0] if argv else ""
    if head == "--lang":
        return argv[2:], argv[1] if len(argv) > 1 else ""
    if head.startswith("--lang="):
        return argv[1:], head.split("=", 1)[1]
    return argv, None


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``autograd-mini`` and ``python -m autograd_mini``; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    argv, lang = _leading_lang(argv)
    if lang is None:
        return _main(parser, argv)
    parser.parse_args(["--lang", lang])  # argparse's own error for an unknown language
    with language(lang):
        return _main(parser, argv)


def _main(parser: Parser, argv: list[str]) -> int:
    """``main`` after the language is chosen."""
    try:
        if argv[:1] == ["graph"]:  # everything after it belongs to graph_command
            return _graph_command(argv[1:])
        args = parser.parse_args(argv)
        if args.command == "demo":
            return _demo_command(args)
        if args.command == "course":
            return _course_command(args)
        parser.print_help()
        return 2
    except BrokenPipeError:  # `autograd-mini demo tf1-net | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as e:  # a full disk, a folder that went away: one line, not a traceback
        print(f"autograd-mini {' '.join(argv[:2])}: {e}", file=sys.stderr)
        return 2
