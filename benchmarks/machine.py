"""The facts a benchmark result depends on: CPU, BLAS and its threads, library versions."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any

import numpy as np

PEERS = ("torch", "mygrad", "autograd", "micrograd", "jax")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas() -> dict[str, Any]:
    """numpy's BLAS as built, and as running (threadpoolctl, when installed)."""
    try:
        built = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # noqa: BLE001  (older numpy: no dict mode)
        built = {}
    info: dict[str, Any] = {"name": built.get("name"), "version": built.get("version")}
    try:
        import threadpoolctl
    except ImportError:
        info["threadpools"] = "threadpoolctl not installed"
    else:
        info["threadpools"] = [
            {k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for pool in threadpoolctl.threadpool_info()]
    info["env"] = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                              "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
                   if k in os.environ}
    return info


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version(), "numpy": np.__version__}
    for name in ("autograd-mini", *PEERS):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def facts() -> dict[str, Any]:
    """Everything above, plus the date, the commit and the core count."""
    return {"date": datetime.datetime.now().isoformat(timespec="seconds"),
            "commit": commit(), "cpu": cpu_model(), "cores": os.cpu_count(),
            "platform": platform.platform(), "executable": sys.executable,
            "recursion_limit": sys.getrecursionlimit(), "blas": blas(),
            "versions": versions()}


def summary(f: dict[str, Any]) -> str:
    """Two lines for under the table."""
    v = f["versions"]
    pools = f["blas"]["threadpools"]
    threads = (", ".join(f"{p['internal_api']} {p['architecture']} x{p['num_threads']}"
                         for p in pools) if isinstance(pools, list) else pools)
    peers = ", ".join(f"{p} {v[p]}" for p in PEERS if v.get(p)) or "none"
    return (f"{f['cpu']}, {f['cores']} cores; Python {v['python']}, numpy {v['numpy']} "
            f"({f['blas']['name']} {f['blas']['version']}: {threads or 'not loaded'})\n"
            f"commit {f['commit']}, {f['date']}; peers: {peers}")
