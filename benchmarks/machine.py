"""What the benchmarks ran on, and the environment their child processes get.

``describe()`` gathers the machine block of a report: CPU model, core
counts, the BLAS and OpenMP thread pools (from threadpoolctl when it is
installed) and the versions of everything timed. ``child_environment()`` is
the environment of the worker processes, and ``match_threads()`` gives
PyTorch as many threads as numpy's BLAS, so both libraries use the same
number of cores.
"""

import importlib
import importlib.metadata
import os
import platform
import resource
import sys

# OpenBLAS tuning knobs that some containers set; they change which kernels
# OpenBLAS picks, so the benchmark children run without them.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# import name -> distribution name
_DISTRIBUTIONS = {
    "numpy": "numpy",
    "sympy": "sympy",
    "sklearn": "scikit-learn",
    "torch": "torch",
    "threadpoolctl": "threadpoolctl",
    "pymlp": "pymlp",
}


def cpu_model():
    """The CPU's marketing name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores():
    """Cores this process may run on (its affinity mask when the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def thread_pools():
    """threadpoolctl's view of the loaded BLAS/OpenMP pools, or None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    importlib.import_module("numpy")  # loads numpy's BLAS, so that it is listed

    keys = ("user_api", "internal_api", "num_threads", "version", "prefix")
    return [{key: pool.get(key) for key in keys} for pool in threadpool_info()]


def blas_threads():
    """Threads of numpy's BLAS: threadpoolctl's count, else the usable cores."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return usable_cores()
    import numpy

    numpy_dir = os.path.dirname(os.path.dirname(numpy.__file__))
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    for pool in pools:
        if pool.get("filepath", "").startswith(os.path.join(numpy_dir, "numpy")):
            return pool["num_threads"]
    return pools[0]["num_threads"] if pools else usable_cores()


def match_threads():
    """Give PyTorch (if imported) the BLAS thread count; returns that count."""
    threads = blas_threads()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)
    return threads


def versions():
    """Versions of python and of each library timed; None when not installed."""
    found = {"python": platform.python_version()}
    for name, dist in _DISTRIBUTIONS.items():
        try:
            found[name] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    if found["pymlp"] is None:  # running from a source tree
        found["pymlp"] = getattr(importlib.import_module("pymlp"), "__version__", None)
    return found


def describe():
    """The machine block of a report, as a JSON-able dict."""
    return {
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "blas_threads": blas_threads(),
        "torch_threads": "set to blas_threads in every worker",
        "thread_pools": thread_pools(),
        "openblas_overrides_removed": removed_overrides(),
        "versions": versions(),
    }


def removed_overrides():
    """The OpenBLAS variables set here, which the worker processes will not see."""
    return {name: os.environ[name] for name in OPENBLAS_OVERRIDES if name in os.environ}


def child_environment():
    """A copy of this environment without the OpenBLAS overrides."""
    env = dict(os.environ)
    for name in OPENBLAS_OVERRIDES:
        env.pop(name, None)
    return env


def peak_rss_mib():
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return peak / scale
