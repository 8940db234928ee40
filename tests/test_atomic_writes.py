"""Every file the library and the demos write is written whole or not at all: on a full
disk (a child process whose files may not grow past a few hundred bytes) or on Ctrl-C,
the old file stays as it was and no temporary file is left beside it."""

from __future__ import annotations

import ast
import os
import resource
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, plotting
from autograd_mini.viz import animate_backward, draw_graph, to_html
from autograd_mini.viz.command import graph_command, neuron

ROOT = Path(__file__).resolve().parents[1]
OLD = b"the previous, good file\n" * 40
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def fails_on_a_full_disk(write: Callable[[], object], limit: int = 400) -> bool:
    """Run ``write()`` in a child process that may not write files past ``limit`` bytes
    (the kernel's RLIMIT_FSIZE, as a full disk would); True if the write raised."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
            write()
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 1


def checked(code: int) -> None:
    """Turn a command's exit status into an exception, as the other writers fail."""
    if code != 0:
        raise RuntimeError(f"exit status {code}")


class Wide(nn.Module):
    def __init__(self) -> None:
        self.w = am.Variable(np.arange(1000.0))


def lecture_root() -> am.Value:
    o = neuron()
    o.backward(retain_graph=True)
    return o


WRITERS = {
    "Module.save": ("model.npz", lambda p: Wide().save(p)),
    "to_html": ("page.html", lambda p: to_html(lecture_root(), p)),
    "render to a suffix": ("graph.svg", lambda p: draw_graph(neuron()).render(p)),
    "render as graphviz does": ("graph.svg", lambda p: draw_graph(neuron()).render(
        p.with_suffix(""), format="svg", cleanup=True)),
    "animate_backward": ("steps.gif", lambda p: animate_backward(lecture_root(), p, dpi=40)),
    "graph command": ("graph.png", lambda p: checked(graph_command(["neuron", "--out", str(p)]))),
    "plot_curves": ("curves.png", lambda p: plotting.plot_curves(p, {"loss": {"l": [3, 2, 1]}})),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_write_that_fails_on_a_full_disk_keeps_the_old_file(tmp_path, writer):
    name, write = WRITERS[writer]
    if writer != "Module.save" and shutil.which("dot") is None and "plot" not in writer:
        pytest.skip("needs Graphviz's dot")
    if writer in ("animate_backward", "plot_curves"):
        pytest.importorskip("PIL" if writer == "animate_backward" else "matplotlib")
    target = tmp_path / name
    target.write_bytes(OLD)
    before = sorted(os.listdir(tmp_path))
    assert fails_on_a_full_disk(lambda: write(target))
    assert target.read_bytes() == OLD
    assert sorted(os.listdir(tmp_path)) == before  # no temporary file left


def test_save_gif_on_a_full_disk_keeps_the_old_gif(tmp_path):
    image = pytest.importorskip("PIL.Image")
    target = tmp_path / "loss.gif"
    target.write_bytes(OLD)
    frames = [image.effect_noise((64, 64), 40 + k) for k in range(4)]
    assert fails_on_a_full_disk(lambda: plotting.save_gif(target, frames))
    assert target.read_bytes() == OLD and os.listdir(tmp_path) == ["loss.gif"]


def test_ctrl_c_during_module_save_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    target = tmp_path / "model.npz"
    Wide().save(target)
    good = target.read_bytes()

    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Wide().save(target)
    assert target.read_bytes() == good and os.listdir(tmp_path) == ["model.npz"]


@needs_dot
def test_ctrl_c_while_dot_renders_keeps_the_old_picture(tmp_path, monkeypatch):
    import graphviz

    target = tmp_path / "graph.png"
    target.write_bytes(OLD)

    def interrupted(*args, outfile, **kwargs):
        Path(outfile).write_bytes(b"\x89PNG half a picture")
        raise KeyboardInterrupt

    monkeypatch.setattr(graphviz, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        draw_graph(neuron()).render(tmp_path / "graph", format="png", cleanup=True)
    assert target.read_bytes() == OLD
    assert [f for f in os.listdir(tmp_path) if ".tmp" in f] == []  # the DOT source may stay


# ----- no other way to write a file is left in the code ---------------------------------------

WRITING_CALLS = {"save", "savefig", "savez", "savez_compressed", "write_text", "write_bytes",
                 "to_csv", "dump"}


def unsafe_writes(path: Path) -> list[str]:
    """Calls in ``path`` that write a file other than through ``autograd_mini._io``:
    ``open`` for writing, ``Path.write_text``, and writers (``Image.save``, ``savefig``,
    ``np.savez``, graphviz's ``render(outfile=)``) not aimed at an ``atomic_path`` or
    ``atomic_open`` temporary."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    temporaries = {item.optional_vars.id for node in ast.walk(tree) if isinstance(node, ast.With)
                   for item in node.items
                   if isinstance(item.context_expr, ast.Call)
                   and getattr(item.context_expr.func, "id", None) in ("atomic_path", "atomic_open")
                   and isinstance(item.optional_vars, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        where = f"{path}:{node.lineno}"
        if name == "open" and isinstance(func, ast.Name):
            modes = [a.value for a in node.args[1:2] + [k.value for k in node.keywords
                                                        if k.arg == "mode"]
                     if isinstance(a, ast.Constant)]
            if any(set(str(m)) & set("wax+") for m in modes):
                found.append(f"{where} open(..., {modes[0]!r})")
        elif isinstance(func, ast.Attribute) and (
                name in WRITING_CALLS or any(k.arg == "outfile" for k in node.keywords)):
            aims = node.args[:1] + [k.value for k in node.keywords if k.arg == "outfile"]
            if not any(isinstance(a, ast.Name) and a.id in temporaries for a in aims):
                found.append(f"{where} .{name}(...)")
    return found


def test_the_library_and_the_demos_write_files_only_through_io():
    sources = [p for folder in ("autograd_mini", "demos") for p in (ROOT / folder).rglob("*.py")
               if p.name != "_io.py"]
    assert [w for p in sorted(sources) for w in unsafe_writes(p)] == []


def test_the_source_check_finds_a_plain_write(tmp_path):
    fake = tmp_path / "writer.py"
    fake.write_text("from pathlib import Path\nPath('x').write_text('hi')\n"
                    "open('y', 'w')\nimage.save(path)\n"
                    "with atomic_path(path) as tmp:\n    image.save(tmp)\n")
    assert sorted(w.split(" ", 1)[1] for w in unsafe_writes(fake)) == [
        ".save(...)", ".write_text(...)", "open(..., 'w')"]
