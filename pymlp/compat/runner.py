"""Run a script written for the legacy ``mlp`` module, unchanged."""

import os
import runpy
import sys

__all__ = ["run_script"]


def run_script(path, args=()):
    """Run ``path`` as ``__main__`` with ``import mlp`` resolved to pymlp.compat.

    As ``python script.py args...`` would: ``sys.argv`` is ``[path, *args]``,
    the script's folder is the working directory and first on ``sys.path``.
    All four are restored afterwards.

    Parameters
    ----------
    path : str or os.PathLike
        The script.
    args : sequence of str
        Its command-line arguments.

    Returns
    -------
    dict
        The script's global namespace when it finished.
    """
    from .. import compat

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such script: {path}")
    full_path = os.path.abspath(path)
    folder = os.path.dirname(full_path)
    saved_argv, saved_path, saved_cwd = sys.argv, list(sys.path), os.getcwd()
    saved_mlp = sys.modules.get("mlp")

    sys.argv = [path, *args]
    sys.path.insert(0, folder)
    sys.modules["mlp"] = compat
    os.chdir(folder)
    try:
        return runpy.run_path(full_path, run_name="__main__")
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        sys.path[:] = saved_path
        if saved_mlp is None:
            sys.modules.pop("mlp", None)
        else:
            sys.modules["mlp"] = saved_mlp
