"""README's API tour runs as written and gives the figures it quotes."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_an_api_tour():
    assert len(python_blocks()) >= 1


def test_api_tour_runs_and_matches_its_comments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(python_blocks()[0], str(README), "exec"), namespace)
    pymlp = namespace["pymlp"]
    accuracy = pymlp.accuracy(
        namespace["net"], namespace["X_test"], namespace["y_test"]
    )
    # the quoted figures come from this machine's BLAS; another BLAS may round
    # a few products differently and move a borderline prediction
    quoted = re.search(r"y_test\)\s+# ([0-9.]+)", python_blocks()[0])
    assert quoted is not None and accuracy == pytest.approx(float(quoted[1]), abs=0.01)
    same = namespace["same"]
    assert (
        same.predict(namespace["X_test"])
        == namespace["net"].predict(namespace["X_test"])
    ).all()
    assert (tmp_path / "digits.npz").exists()
    error = pymlp.gradcheck(
        namespace["net"],
        namespace["X_test"][:20],
        namespace["y_test"][:20],
        loss="cross_entropy",
    )
    assert error < 1e-6
    quoted = re.search(r"loss=\"cross_entropy\"\)\s+# ([0-9.e+-]+)", python_blocks()[0])
    assert quoted is not None and error == pytest.approx(float(quoted[1]), rel=0.5)
