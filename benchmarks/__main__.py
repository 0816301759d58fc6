"""The benchmark suite: ``python -m benchmarks [--quick] [--json out.json]``.

Workloads (``--only`` takes a comma-separated subset):

W1       digits, 64-100-10: pymlp, scikit-learn and PyTorch, ms/epoch + accuracy
W2       synthetic 784-512-512-10: the same systems, plus GFLOP/s against the
         machine's matmul peak and the epoch's GEMM-only floor
W3       online learning 2-4-2 and 2-4-4-2, batch 1: pymlp, pymlp.compat, the
         scalar legacy algorithm, PyTorch, scikit-learn, µs/step
kernels  activation value/backward kernels against hand-written numpy
memory   peak RSS of one W2 epoch per system
core     one loss_and_gradients against the same step in inline numpy

Every system runs in its own worker process (``python -m benchmarks.worker``)
with PyTorch's threads set to numpy's BLAS threads; systems are interleaved
round by round and each figure is the median [min–max] over the rounds.
The tables go to stdout as markdown; ``--json`` also writes every raw sample,
the machine block and the configuration.
"""

import argparse
import json
import sys
import time

from . import driver, machine, report, workloads

RUNNERS = {
    "W1": lambda config, in_process: driver.run_training("W1", config, in_process),
    "W2": lambda config, in_process: driver.run_training("W2", config, in_process),
    "W3": driver.run_online,
    "kernels": driver.run_kernels,
    "memory": driver.run_memory,
    "core": driver.run_core,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time pymlp against scikit-learn, PyTorch and the legacy "
        "algorithm.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[1],
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer rounds, epochs and rows (about two minutes on two cores)",
    )
    parser.add_argument("--json", metavar="PATH", help="write the full report here")
    parser.add_argument(
        "--only",
        metavar="W1,W3,...",
        help=f"run only these workloads, from {','.join(workloads.WORKLOADS)}",
    )
    args = parser.parse_args(argv)
    if args.only:
        chosen = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in workloads.WORKLOADS]
        if unknown:
            parser.error(
                f"unknown workload(s) {', '.join(unknown)}: choose from "
                f"{', '.join(workloads.WORKLOADS)}"
            )
        args.only = chosen
    else:
        args.only = list(workloads.WORKLOADS)
    return args


def run_suite(names, config, in_process=False, echo=print):
    """Run the named workloads; returns the report dict (tables and samples)."""
    block = machine.describe()
    echo(machine_markdown(block))
    sections = {}
    for name in names:
        started = time.perf_counter()
        section = RUNNERS[name](config[name], in_process)
        section["wall_seconds"] = time.perf_counter() - started
        sections[name] = section
        for table in section["tables"]:
            echo(report.markdown(table))
    targets = report.target_table(driver.measured_targets(sections))
    echo(report.markdown(targets))
    return {
        "machine": block,
        "config": config,
        "workloads": sections,
        "targets": targets,
    }


def machine_markdown(block):
    """The machine block as a short markdown list."""
    versions = ", ".join(f"{k} {v}" for k, v in block["versions"].items() if v)
    missing = [k for k, v in block["versions"].items() if v is None]
    lines = [
        "### Machine",
        "",
        f"- CPU: {block['cpu']} — {block['usable_cores']} usable of "
        f"{block['logical_cores']} logical cores",
        f"- numpy BLAS threads: {block['blas_threads']}; PyTorch threads are set "
        "to the same number in every worker",
    ]
    for pool in block["thread_pools"] or []:
        lines.append(
            f"- pool: {pool['internal_api']} {pool['version'] or ''} "
            f"({pool['prefix']}), {pool['num_threads']} threads"
        )
    lines.append(f"- versions: {versions}")
    if missing:
        lines.append(f"- not installed: {', '.join(missing)} (their rows are skipped)")
    removed = block["openblas_overrides_removed"]
    if removed:
        shown = ", ".join(f"{k}={v}" for k, v in removed.items())
        lines.append(
            f"- {shown} set in this environment: unset for the benchmark worker "
            "processes"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    config = workloads.presets(args.quick)
    result = run_suite(args.only, config)
    result["args"] = {"quick": args.quick, "only": args.only, "argv": sys.argv}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=1, default=str)
        print(f"raw samples written to {args.json}")


if __name__ == "__main__":
    main()
