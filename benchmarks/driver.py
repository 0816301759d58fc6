"""The driver: runs the workers in interleaved rounds and builds the tables.

Each ``run_*`` function measures one workload and returns a *section*:
``{"samples": {...raw results per system and round...}, "tables": [...]}``.
With ``in_process=True`` the systems run inside this process instead of in
worker processes, which is only meant for the tests: timings then mix the
thread pools and imports of every library.
"""

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from . import machine, report, workloads
from .worker import READY, RESULT_PREFIX, preload
from .worker import run as run_here

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Worker:
    """A ``python -m benchmarks.worker`` process in serve mode.

    Call :meth:`wait_ready` before the first :meth:`request`.
    """

    def __init__(self, system, workload):
        self.label = f"{system} {workload}"
        # stderr goes to a file, read back only if the worker dies
        self._stderr_fd, self._stderr_path = tempfile.mkstemp(prefix="bench-worker-")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", system, workload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_fd,
            text=True,
            cwd=_ROOT,
            env=machine.child_environment(),
        )

    def wait_ready(self):
        """Block until the worker has imported its libraries."""
        self._expect(READY)

    def request(self, config):
        """Send one config; return the worker's result dict."""
        self._process.stdin.write(json.dumps(config) + "\n")
        self._process.stdin.flush()
        line = self._expect(RESULT_PREFIX)
        return json.loads(line[len(RESULT_PREFIX) :])

    def close(self):
        """Close its input, which ends it, and wait for it."""
        if self._process.stdin and not self._process.stdin.closed:
            self._process.stdin.close()
        self._process.wait(timeout=60)
        os.close(self._stderr_fd)
        os.remove(self._stderr_path)

    def _expect(self, prefix):
        """The next stdout line starting with ``prefix``; other lines pass."""
        for line in self._process.stdout:
            if line.startswith(prefix):
                return line.rstrip("\n")
        with open(self._stderr_path, encoding="utf-8", errors="replace") as handle:
            tail = handle.read()[-2000:]
        raise RuntimeError(f"worker {self.label} stopped early:\n{tail}")


def interleave(jobs, rounds, in_process=False):
    """Run ``jobs`` for ``rounds`` rounds, one job after the other each round.

    ``jobs`` is a list of ``(key, system, workload, config)``; jobs with the
    same system and workload share one worker process. Returns ``{key:
    [result dict per round]}``; a skipped job is tried once only.
    """
    samples = {key: [] for key, _, _, _ in jobs}
    workers = {}
    try:
        if not in_process:
            # start them all, so that their imports overlap, then wait
            for _, system, workload, _ in jobs:
                if (system, workload) not in workers:
                    workers[system, workload] = Worker(system, workload)
            for worker in workers.values():
                worker.wait_ready()
        for _ in range(rounds):
            for key, system, workload, config in jobs:
                if samples[key] and "skipped" in samples[key][0]:
                    continue
                if in_process:
                    preload(system)
                    outcome = run_here(system, workload, config)
                else:
                    outcome = workers[system, workload].request(config)
                samples[key].append(outcome)
    finally:
        for worker in workers.values():
            worker.close()
    return samples


def one_shot(system, workload, config, in_process=False):
    """Run a job once in a fresh process (for memory: a clean ru_maxrss)."""
    if in_process:
        return run_here(system, workload, config)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.worker",
            system,
            workload,
            "--config",
            json.dumps(config),
        ],
        capture_output=True,
        text=True,
        cwd=_ROOT,
        env=machine.child_environment(),
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    return {"error": completed.stderr[-2000:] or "no result line"}


def _results(outcomes):
    return [o["result"] for o in outcomes if "result" in o]


def _status_note(system, outcomes):
    """A note for a system that was skipped or failed, else None."""
    for outcome in outcomes:
        if "skipped" in outcome:
            return f"{system}: skipped — {outcome['skipped']}"
        if "error" in outcome:
            last = outcome["error"].strip().splitlines()[-1]
            return f"{system}: failed — {last}"
    return None


def _baseline(system):
    """The pymlp row a training system is compared with (same dtype)."""
    return "pymlp-f32" if system.endswith("f32") else "pymlp-f64"


# W1 and W2


def run_training(workload, config, in_process=False, systems=None):
    """W1 or W2: ms/epoch and accuracy of every training system."""
    systems = systems or workloads.TRAINING_SYSTEMS
    rounds = config["rounds"]
    jobs = [(s, s, workload, config) for s in systems]
    gemm_config = None
    if workload == "W2":
        gemm_config = dict(config["gemm"], rows=config["rows"])
        jobs.append(("gemm", "numpy", "gemm", gemm_config))
    samples = interleave(jobs, rounds, in_process)

    seconds = {
        s: [r["seconds_per_epoch"] for r in _results(samples[s])] for s in systems
    }
    medians = {s: report.spread(v)[0] for s, v in seconds.items()}
    rows, notes = [], []
    for system in systems:
        results = _results(samples[system])
        row = report.timing_row(
            system, seconds[system], 1e3, medians.get(_baseline(system))
        )
        row["accuracy"] = report.spread([r["accuracy"] for r in results])[0]
        row["path"] = results[0]["path"] if results else ""
        rows.append(row)
        note = _status_note(system, samples[system])
        if note:
            notes.append(note)
    if workload == "W2":
        notes += _add_gemm_columns(rows, samples["gemm"], config)

    title = (
        f"W1 — digits {len(_digits_rows(config))} train rows, 64-100-10, Adam 1e-3, "
        f"batch 200, {config['epochs']} timed epochs"
        if workload == "W1"
        else f"W2 — synthetic {config['rows']}×784, 784-512-512-10, Adam 1e-3, "
        f"batch 256, {config['epochs']} timed epochs"
    )
    if workload == "W1":
        notes.append(
            "scikit-learn trains with MLPClassifier.partial_fit, one call per "
            "epoch (it keeps the Adam state; warm_start with max_iter=1 would "
            "restart it), alpha=0, early_stopping=False"
        )
    notes.append(
        f"median [min–max] over {rounds} interleaved rounds, each in the "
        "system's own process after one warm-up epoch; ratio = system time / "
        "pymlp time of the same dtype (sklearn and the f64 rows against "
        "pymlp-f64, f32 rows against pymlp-f32)"
    )
    columns = [
        ("system", "system", "str"),
        ("ms/epoch", "median", "num"),
        ("[min–max]", "range", "str"),
        ("ratio to pymlp", "ratio", "ratio"),
        ("accuracy", "accuracy", "acc"),
    ]
    if workload == "W2":
        columns += [
            ("GFLOP/s", "gflops", "num"),
            ("share of peak", "share_peak", "pct"),
            ("GEMM floor / time", "share_floor", "pct"),
        ]
    columns.append(("how it trains", "path", "str"))
    table = {"title": title, "columns": columns, "rows": rows, "notes": notes}
    return {"samples": samples, "tables": [table], "config": config}


def _digits_rows(config):
    return workloads.digits(config.get("rows"), config["seed"])[1]


def _add_gemm_columns(rows, gemm_outcomes, config):
    """Fill GFLOP/s, share of matmul peak and of the GEMM floor; return notes."""
    gemm = _results(gemm_outcomes)
    if not gemm:
        return [_status_note("gemm", gemm_outcomes) or "gemm: no result"]
    flops = workloads.training_flops(workloads.W2_SIZES, config["rows"])
    peak, floor = {}, {}
    for dtype in ("float64", "float32"):
        peak[dtype] = report.spread([g["peak_gflops"][dtype] for g in gemm])[0]
        floor[dtype] = report.spread([g["floor_seconds"][dtype] for g in gemm])[0]
    for row in rows:
        if "median" not in row or row["median"] != row["median"]:
            continue
        dtype = "float32" if row["system"].endswith("f32") else "float64"
        seconds = row["median"] / 1e3
        row["gflops"] = flops / seconds / 1e9
        row["share_peak"] = row["gflops"] / peak[dtype]
        row["share_floor"] = floor[dtype] / seconds
    return [
        f"{flops / 1e9:.1f} GFLOP per epoch (2·n·in·out per matmul, 3 per layer "
        "less the first layer's dA_prev)",
        f"matmul peak (best square GEMM of side {config['gemm']['size']} in "
        f"this run): float64 {peak['float64']:.1f} GFLOP/s, float32 "
        f"{peak['float32']:.1f} GFLOP/s",
        f"GEMM-only floor (best time of the epoch's matmuls alone, same shapes, "
        f"out= buffers): float64 "
        f"{floor['float64'] * 1e3:.0f} ms, float32 {floor['float32'] * 1e3:.0f} ms",
    ]


# W3


def run_online(config, in_process=False, systems=None):
    """W3: µs per online step, one table per network shape."""
    systems = systems or workloads.ONLINE_SYSTEMS
    jobs = []
    for sizes in config.get("sizes", workloads.W3_SIZES):
        shape = "-".join(map(str, sizes))
        for system in systems:
            jobs.append(((shape, system), system, "W3", dict(config, sizes=sizes)))
    samples = interleave(jobs, config["rounds"], in_process)

    tables = []
    for sizes in config.get("sizes", workloads.W3_SIZES):
        shape = "-".join(map(str, sizes))
        per_system = {s: samples[shape, s] for s in systems}
        seconds = {
            s: [r["seconds_per_step"] for r in _results(v)]
            for s, v in per_system.items()
        }
        baseline = report.spread(seconds["pymlp-train_step"])[0]
        rows, notes = [], []
        for system, outcomes in per_system.items():
            row = report.timing_row(system, seconds[system], 1e6, baseline)
            results = _results(outcomes)
            row["path"] = results[0]["path"] if results else ""
            row["steps"] = results[0]["steps"] if results else None
            rows.append(row)
            note = _status_note(system, outcomes)
            if note:
                notes.append(note)
        notes.append(
            f"median [min–max] over {config['rounds']} interleaved rounds, each "
            "system in its own process; ratio = system time / pymlp train_step time"
        )
        tables.append(
            {
                "title": f"W3 — online learning {shape}, batch 1, SGD 0.1, "
                "squared error",
                "columns": [
                    ("system", "system", "str"),
                    ("µs/step", "median", "num"),
                    ("[min–max]", "range", "str"),
                    ("ratio to pymlp", "ratio", "ratio"),
                    ("steps/round", "steps", "str"),
                    ("how it steps", "path", "str"),
                ],
                "rows": rows,
                "notes": notes,
            }
        )
    flat = {f"{shape} {system}": v for (shape, system), v in samples.items()}
    return {"samples": flat, "tables": tables, "config": config}


# activation kernels


def run_kernels(config, in_process=False):
    """pymlp's activation kernels against hand-written numpy, µs per call."""
    jobs = [("kernels", "pymlp+numpy", "kernels", config)]
    samples = interleave(jobs, config["rounds"], in_process)
    results = _results(samples["kernels"])
    rows = []
    for name in results[0] if results else ():
        for op in ("value", "backward"):
            pymlp_times = [r[name][op]["pymlp"] for r in results]
            baseline = report.spread(pymlp_times)[0]
            for side in ("pymlp", "numpy"):
                times = [r[name][op][side] for r in results]
                row = report.timing_row(side, times, 1e6, baseline)
                row["kernel"] = f"{name} {op}"
                rows.append(row)
    notes = [
        "custom = 1.7159*tanh(2*x/3) (pymlp's generic compiled path); pymlp "
        "calls act(Z, out=buf) and act.backward(Z, A, dA, out=buf)",
        f"float64 {config['shape'][0]}×{config['shape'][1]}; per round the median "
        f"of {config['repeats']} alternating calls; median [min–max] over "
        f"{config['rounds']} rounds; ratio = numpy time / pymlp time",
    ]
    status = _status_note("kernels", samples["kernels"])
    if status:
        notes.append(status)
    table = {
        "title": "Activation kernels",
        "columns": [
            ("kernel", "kernel", "str"),
            ("system", "system", "str"),
            ("µs/call", "median", "num"),
            ("[min–max]", "range", "str"),
            ("ratio to pymlp", "ratio", "ratio"),
        ],
        "rows": rows,
        "notes": notes,
    }
    return {"samples": samples, "tables": [table], "config": config}


# memory


def run_memory(config, in_process=False, systems=None):
    """Peak RSS of one W2 training epoch per system, each in a fresh process."""
    systems = systems or workloads.TRAINING_SYSTEMS
    # nothing is timed here, so the fresh processes may run side by side
    with ThreadPoolExecutor(max_workers=machine.usable_cores()) as pool:
        outcomes = pool.map(
            lambda system: one_shot(system, "memory", config, in_process), systems
        )
        outcomes = dict(zip(systems, outcomes))
    samples, rows, notes = {}, [], []
    for system in systems:
        outcome = outcomes[system]
        samples[system] = [outcome]
        result = outcome.get("result")
        row = {"system": system}
        if result:
            row["peak"] = result["rss_peak_mib"]
            row["data"] = result["rss_data_mib"]
            row["training"] = result["rss_peak_mib"] - result["rss_data_mib"]
        rows.append(row)
        note = _status_note(system, [outcome])
        if note:
            notes.append(note)
    notes.append(
        f"ru_maxrss of a fresh worker process per system (run side by side, "
        f"nothing timed): imports, then the "
        f"{config['rows']}×784 data (float64, plus the system's copy), then one "
        "epoch; 'training' is the growth of the peak during model building and "
        "training"
        + ("" if not in_process else " (in-process run: figures are cumulative)")
    )
    table = {
        "title": "Memory — peak RSS of one W2 epoch",
        "columns": [
            ("system", "system", "str"),
            ("peak RSS MiB", "peak", "num"),
            ("after imports + data MiB", "data", "num"),
            ("training MiB", "training", "num"),
        ],
        "rows": rows,
        "notes": notes,
    }
    return {"samples": samples, "tables": [table], "config": config}


# core step (issue 2)


def run_core(config, in_process=False):
    """One loss_and_gradients vs inline numpy (benchmarks.core_step)."""
    jobs = [("core", "pymlp+numpy", "core", config)]
    samples = interleave(jobs, config["rounds"], in_process)
    results = _results(samples["core"])
    rows = []
    for dtype in ("float64", "float32"):
        baseline = report.spread([r[dtype]["pymlp"] for r in results])[0]
        for side in ("pymlp", "numpy"):
            row = report.timing_row(
                side, [r[dtype][side] for r in results], 1e3, baseline
            )
            row["dtype"] = dtype
            rows.append(row)
    notes = [
        f"per round the median of {config['repeats']} alternating calls "
        "(benchmarks.core_step.measure); median [min–max] over "
        f"{config['rounds']} rounds; ratio = numpy time / pymlp time"
    ]
    status = _status_note("core", samples["core"])
    if status:
        notes.append(status)
    table = {
        "title": "Core step — one loss_and_gradients, 784-512-512-10, batch 256",
        "columns": [
            ("dtype", "dtype", "str"),
            ("system", "system", "str"),
            ("ms/step", "median", "num"),
            ("[min–max]", "range", "str"),
            ("ratio to pymlp", "ratio", "ratio"),
        ],
        "rows": rows,
        "notes": notes,
    }
    return {"samples": samples, "tables": [table], "config": config}


# targets


def measured_targets(sections):
    """The ratios the issue targets are stated in, from the sections run."""
    found = {}
    descriptions = [target[1] for target in report.TARGETS]

    def median_of(table, **match):
        for row in table["rows"]:
            if all(row.get(k) == v for k, v in match.items()):
                value = row.get("median")
                return None if value is None or value != value else value
        return None

    def ratio(a, b):
        return None if a is None or b is None else a / b

    if "core" in sections:
        table = sections["core"]["tables"][0]
        found[descriptions[0]] = ratio(
            median_of(table, dtype="float64", system="pymlp"),
            median_of(table, dtype="float64", system="numpy"),
        )
    if "W1" in sections:
        table = sections["W1"]["tables"][0]
        found[descriptions[1]] = ratio(
            median_of(table, system="pymlp-f64"), median_of(table, system="sklearn-f64")
        )
    if "W2" in sections:
        table = sections["W2"]["tables"][0]
        for index, suffix in ((2, "f64"), (3, "f32")):
            found[descriptions[index]] = ratio(
                median_of(table, system=f"pymlp-{suffix}"),
                median_of(table, system=f"torch-{suffix}"),
            )
    if "W3" in sections:
        for index, table in zip((4, 5), sections["W3"]["tables"]):
            found[descriptions[index]] = ratio(
                median_of(table, system="legacy"), median_of(table, system="compat")
            )
    return found
