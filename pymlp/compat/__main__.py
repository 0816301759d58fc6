"""``python -m pymlp.compat script.py [args...]``: run a legacy script as is."""

import argparse
import os
import sys

from .runner import run_script

PROG = "python -m pymlp.compat"


def main(argv=None):
    """Parse the command line and run the script; return the exit status."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Run a script written for the legacy mlp module unchanged: "
            "'import mlp' and 'from mlp import *' resolve to pymlp.compat."
        ),
    )
    parser.add_argument("script", help="the legacy script to run")
    parser.add_argument(
        "args", nargs=argparse.REMAINDER, help="arguments passed to the script"
    )
    options = parser.parse_args(argv)
    if not os.path.isfile(options.script):
        print(f"{PROG}: error: script not found: {options.script}", file=sys.stderr)
        return 2
    run_script(options.script, options.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
