"""One benchmark system in its own process: ``python -m benchmarks.worker``.

Usage::

    python -m benchmarks.worker SYSTEM WORKLOAD --config '{"rows": 2560, ...}'
    python -m benchmarks.worker SYSTEM WORKLOAD          # serve mode

With ``--config`` the worker runs once and prints one result line. Without,
it imports its libraries, prints ``READY`` and then answers each JSON config
line read from standard input with one result line, until standard input
closes: the driver keeps one such process per system and sends them requests
in turn (A B A B ...), so that every system is timed in its own process, with
its own thread pools, without paying its imports once per round.

A result line is ``RESULT`` followed by JSON: ``{"result": {...}}``,
``{"skipped": "why"}`` or ``{"error": "traceback"}``.
"""

import argparse
import contextlib
import importlib
import json
import sys
import traceback

from . import machine, micro_runs, online_runs, training_runs

RESULT_PREFIX = "RESULT "
READY = "READY"


def run(system, workload, config):
    """Run one measurement; returns the dict of a result line."""
    try:
        return {"result": _dispatch(system, workload, config)}
    except training_runs.Skipped as skipped:
        return {"skipped": str(skipped)}
    except Exception:
        return {"error": traceback.format_exc()}


def _dispatch(system, workload, config):
    if workload in ("W1", "W2"):
        return training_runs.run(system, workload, config)
    if workload == "memory":
        return training_runs.run(system, "W2", config, epochs=1, warmup=False)
    if workload == "W3":
        return online_runs.run(system, config["sizes"], config)
    if workload == "kernels":
        return micro_runs.kernels(config)
    if workload == "gemm":
        return micro_runs.gemm(config, config["rows"])
    if workload == "core":
        return micro_runs.core(config)
    raise ValueError(f"unknown workload {workload!r}")


def preload(system):
    """Import what ``system`` uses, so that no import lands inside a timing."""
    modules = ["numpy", "pymlp"]
    if system.startswith("torch"):
        modules.append("torch")
    if system.startswith("sklearn"):
        modules.append("sklearn.neural_network")
    if system == "compat":
        modules.append("pymlp.compat")
    for name in modules:
        # a missing library is reported by the run itself, as a skipped system
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    machine.match_threads()


def _emit(payload):
    sys.stdout.write(RESULT_PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.worker", description=__doc__.splitlines()[0]
    )
    parser.add_argument("system")
    parser.add_argument("workload")
    parser.add_argument("--config", help="run once with this JSON config")
    args = parser.parse_args(argv)

    preload(args.system)
    if args.config is not None:
        _emit(run(args.system, args.workload, json.loads(args.config)))
        return
    print(READY, flush=True)
    for line in sys.stdin:
        if line.strip():
            _emit(run(args.system, args.workload, json.loads(line)))


if __name__ == "__main__":
    main()
