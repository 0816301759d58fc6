"""Tables from CSV files, and the preprocessing the ``pymlp`` command stores.

A CSV file is read with the standard library's ``csv`` module into a
:class:`CSVTable`: the header, the data rows as text and the file line of each
row, so every error can point at a line. A column is numeric when each of its
non-empty cells parses as a finite float, and text otherwise.

:class:`Preprocessor` turns the feature columns into a float matrix, learning
its statistics from the training rows only: numeric columns are standardised
with their training mean and standard deviation, text columns are one-hot
encoded over the categories seen in training (an unseen category becomes a
row of zeros). :class:`TargetEncoder` turns the target column into class
indices (classification) or standardised numbers (regression) and back.
Both round-trip through plain JSON-able dicts, which the command line tool
keeps in ``Network.metadata`` so that one model file carries its
preprocessing.

Every problem with the data raises a ``ValueError`` whose message is one line
naming the file, the column and the line.

Examples
--------
>>> import io, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "pets.csv")
>>> with open(path, "w") as f:
...     _ = f.write("weight,kind\\n4.0,cat\\n30,dog\\n5.5,cat\\n")
>>> table = read_csv(path)
>>> table.columns, table.kind("weight"), table.kind("kind")
(['weight', 'kind'], 'numeric', 'text')
>>> prep = Preprocessor.fit(table, ["weight", "kind"])
>>> X, unseen = prep.transform(table)
>>> X.shape
(3, 3)
"""

import csv
import math
import os

import numpy as np

__all__ = [
    "CSVTable",
    "Preprocessor",
    "TargetEncoder",
    "detect_task",
    "read_csv",
]

# a numeric-looking column: at least this share of its non-empty cells are
# numbers; a stray word among them is then reported instead of silently
# turning the whole column into hundreds of categories
_NUMERIC_LOOKING = 0.5

# auto task detection: an integer target with at most this many distinct
# values, and no more than this share of the rows, is a set of class labels
_MAX_AUTO_CLASSES = 20
_MAX_AUTO_CLASS_SHARE = 0.05

_PREVIEW = 8  # column names listed in an error message


def _as_number(cell):
    """The cell as a finite float, or None if it is not one."""
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _name_list(names):
    """``'a', 'b', 'c'`` for an error message, shortened past a few names."""
    names = list(names)
    shown = ", ".join(repr(name) for name in names[:_PREVIEW])
    if len(names) > _PREVIEW:
        shown += f", ... ({len(names)} in all)"
    return shown


class CSVTable:
    """A CSV file as text: a header and rows of cells, with their line numbers.

    Parameters
    ----------
    path : str
        Where the table came from; used in error messages.
    columns : list of str
        The header, one name per column.
    rows : list of list of str
        The data rows, each with one stripped cell per column.
    lines : list of int
        The file line on which each row starts (1 is the header).
    """

    def __init__(self, path, columns, rows, lines):
        self.path = path
        self.columns = columns
        self.rows = rows
        self.lines = lines
        self._kinds = {}

    @property
    def n_rows(self):
        """Number of data rows."""
        return len(self.rows)

    @property
    def name(self):
        """The file name without its folder, for messages."""
        return os.path.basename(self.path)

    def index(self, column):
        """Position of ``column``; a ValueError lists the columns there are."""
        try:
            return self.columns.index(column)
        except ValueError:
            raise ValueError(
                f"{self.name} has no column {column!r}; its columns are "
                f"{_name_list(self.columns)}"
            ) from None

    def cells(self, column, rows=None):
        """The text cells of ``column``, for all rows or the given row indices."""
        j = self.index(column)
        if rows is None:
            return [row[j] for row in self.rows]
        return [self.rows[i][j] for i in rows]

    def kind(self, column):
        """``"numeric"`` if every non-empty cell is a finite number, else ``"text"``.

        A column in which most cells are numbers but some are not is refused:
        that is nearly always a typo or a missing-value marker, and treating
        it as text would hide the problem.
        """
        if column not in self._kinds:
            self._kinds[column] = self._detect_kind(column)
        return self._kinds[column]

    def _detect_kind(self, column):
        filled = [(i, cell) for i, cell in enumerate(self.cells(column)) if cell]
        bad = [(i, cell) for i, cell in filled if _as_number(cell) is None]
        if filled and not bad:
            return "numeric"
        if filled and len(bad) <= (1 - _NUMERIC_LOOKING) * len(filled):
            i, cell = bad[0]
            raise ValueError(
                f"{self.name} line {self.lines[i]}: column {column!r} holds "
                f"numbers but this cell is {cell!r}; fix or remove "
                f"{'this row' if len(bad) == 1 else f'the {len(bad)} such rows'}"
            )
        return "text"

    def numbers(self, column, rows=None):
        """The cells of a numeric column as floats, shape (n_rows,).

        Raises
        ------
        ValueError
            For an empty cell or one that is not a number, naming its line.
        """
        j = self.index(column)
        rows = range(self.n_rows) if rows is None else rows
        values = np.empty(len(rows))
        for k, i in enumerate(rows):
            cell = self.rows[i][j]
            value = _as_number(cell)
            if value is None:
                what = "is empty" if not cell else f"is {cell!r}, which is not a number"
                raise ValueError(
                    f"{self.name} line {self.lines[i]}: numeric column {column!r} "
                    f"{what}; fill in a number or remove the row"
                )
            values[k] = value
        return values


def read_csv(path):
    """Read a CSV file with a header row into a :class:`CSVTable`.

    Cells are stripped of surrounding spaces; blank lines are skipped; a
    UTF-8 byte-order mark is ignored.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    CSVTable

    Raises
    ------
    ValueError
        If the file cannot be read, is empty, has no data rows, has empty or
        repeated column names, or has a row with a different number of
        fields than the header (the message gives the line).
    """
    path = os.fspath(path)
    name = os.path.basename(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return _parse(csv.reader(f), path, name)
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, expected a CSV file") from None
    except PermissionError:
        raise ValueError(f"no permission to read {path}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as a UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise ValueError(f"{name} is not a readable CSV file: {exc}") from None


def _parse(reader, path, name):
    """Header, rows and line numbers from a csv reader; see :func:`read_csv`."""
    header = None
    rows, lines = [], []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        cells = [cell.strip() for cell in record]
        if header is None:
            header = cells
            _check_header(header, name)
            continue
        if len(cells) != len(header):
            raise ValueError(
                f"{name} line {reader.line_num}: expected {len(header)} fields "
                f"as in the header, got {len(cells)}"
            )
        rows.append(cells)
        lines.append(reader.line_num)
    if header is None:
        raise ValueError(f"{name} is empty: expected a header row and data rows")
    if not rows:
        raise ValueError(f"{name} has a header but no data rows")
    return CSVTable(path, header, rows, lines)


def _check_header(header, name):
    for position, column in enumerate(header, start=1):
        if not column:
            raise ValueError(
                f"{name} line 1: column {position} of the header has no name"
            )
    seen = set()
    for column in header:
        if column in seen:
            raise ValueError(f"{name} line 1: column {column!r} appears twice")
        seen.add(column)


def _sorted_labels(labels):
    """Distinct labels, in numeric order if all are numbers, else text order."""
    labels = set(labels)
    if all(_as_number(label) is not None for label in labels):
        return sorted(labels, key=lambda label: (float(label), label))
    return sorted(labels)


def detect_task(table, target):
    """Guess whether ``target`` asks for classification or regression.

    A text column is a set of class labels. A numeric column is too when its
    values are integers with few distinct values (at most 20, and at most 5%
    of the rows or 2); any other numeric column is a regression target.

    Returns
    -------
    task : {"classification", "regression"}
    reason : str
        Why, in a few words, for the user.
    """
    cells = table.cells(target)
    if table.kind(target) == "text":
        return "classification", "text target"
    values = {float(cell) for cell in cells if cell}
    limit = min(_MAX_AUTO_CLASSES, max(2, _MAX_AUTO_CLASS_SHARE * len(cells)))
    if all(value.is_integer() for value in values) and len(values) <= limit:
        return "classification", f"integer target with {len(values)} values"
    return "regression", "numeric target"


class TargetEncoder:
    """The target column: class labels or standardised numbers, and back.

    Parameters
    ----------
    name : str
        The target column's name.
    task : {"classification", "regression"}
    classes : list of str, optional
        Class labels in their original text (classification).
    mean, std : float, optional
        Training mean and standard deviation of the target (regression).
    """

    def __init__(self, name, task, classes=None, mean=0.0, std=1.0):
        self.name = name
        self.task = task
        self.classes = classes
        self.mean = mean
        self.std = std

    @classmethod
    def fit(cls, table, target, task, rows=None):
        """Learn labels or mean and std of ``target`` from the training ``rows``.

        Class labels come from the whole column (a stratified split puts
        every label with two rows or more on both sides); the regression
        mean and standard deviation from ``rows`` only (all when None).
        """
        cls.check(table, target, task)
        if task == "classification":
            return cls(target, task, classes=_sorted_labels(table.cells(target)))
        y = table.numbers(target, rows)
        std = float(y.std())
        return cls(target, task, mean=float(y.mean()), std=std if std > 0 else 1.0)

    @staticmethod
    def check(table, target, task):
        """Refuse an unusable target column.

        Raises
        ------
        ValueError
            For an empty cell, a single distinct value, or text in a
            regression target, naming the line.
        """
        cells = table.cells(target)
        for i, cell in enumerate(cells):
            if not cell:
                raise ValueError(
                    f"{table.name} line {table.lines[i]}: the target {target!r} "
                    "is empty; every row needs a target value"
                )
        distinct = set(cells)
        if len(distinct) < 2:
            raise ValueError(
                f"the target {target!r} has the single value {cells[0]!r} in all "
                f"{len(cells)} rows of {table.name}; there is nothing to learn"
            )
        if task == "regression" and table.kind(target) != "numeric":
            bad = next(i for i, cell in enumerate(cells) if _as_number(cell) is None)
            raise ValueError(
                f"{table.name} line {table.lines[bad]}: regression needs a numeric "
                f"target but {target!r} is {cells[bad]!r}; use --task "
                "classification for labels"
            )

    @property
    def n_outputs(self):
        """Width of the network output: one per class, or 1 for regression."""
        return len(self.classes) if self.task == "classification" else 1

    def encode(self, table, rows):
        """Training targets for ``rows``: class indices (n,) or scaled values (n, 1)."""
        if self.task == "classification":
            position = {label: k for k, label in enumerate(self.classes)}
            return np.array([position[c] for c in table.cells(self.name, rows)])
        y = table.numbers(self.name, rows)
        return ((y - self.mean) / self.std).reshape(-1, 1)

    def values(self, table, rows):
        """The true targets of ``rows``: label strings or floats."""
        if self.task == "classification":
            return np.array(table.cells(self.name, rows), dtype=object)
        return table.numbers(self.name, rows)

    def decode(self, outputs):
        """Network outputs (n, n_outputs) to labels (object array) or floats (n,)."""
        if self.task == "classification":
            classes = np.array(self.classes, dtype=object)
            return classes[np.argmax(outputs, axis=1)]
        return outputs[:, 0] * self.std + self.mean

    def to_dict(self):
        """A JSON-able description; :meth:`from_dict` rebuilds the encoder."""
        spec = {"name": self.name, "task": self.task}
        if self.task == "classification":
            spec["classes"] = list(self.classes)
        else:
            spec.update(mean=self.mean, std=self.std)
        return spec

    @classmethod
    def from_dict(cls, spec):
        """The encoder described by :meth:`to_dict`."""
        return cls(
            spec["name"],
            spec["task"],
            classes=spec.get("classes"),
            mean=spec.get("mean", 0.0),
            std=spec.get("std", 1.0),
        )


class Preprocessor:
    """Feature columns to a float matrix: standardised numbers, one-hot text.

    Parameters
    ----------
    features : list of dict
        One per feature column, in input order: ``{"name", "kind":
        "numeric", "mean", "std"}`` or ``{"name", "kind": "text",
        "categories": [...]}``.
    """

    def __init__(self, features):
        self.features = features

    @classmethod
    def fit(cls, table, columns, rows=None):
        """Learn means, standard deviations and categories from ``rows`` only.

        Parameters
        ----------
        table : CSVTable
        columns : list of str
            The feature columns, in the order the network will see them.
        rows : sequence of int, optional
            The training rows; all rows when None.
        """
        features = []
        for column in columns:
            if table.kind(column) == "numeric":
                values = table.numbers(column, rows)
                std = float(values.std())
                features.append(
                    {
                        "name": column,
                        "kind": "numeric",
                        "mean": float(values.mean()),
                        "std": std if std > 0 else 1.0,
                    }
                )
            else:
                categories = sorted(set(table.cells(column, rows)))
                features.append(
                    {"name": column, "kind": "text", "categories": categories}
                )
        return cls(features)

    @property
    def columns(self):
        """Names of the feature columns, in order."""
        return [feature["name"] for feature in self.features]

    @property
    def n_inputs(self):
        """Width of the encoded matrix: one per numeric column, one per category."""
        return sum(
            1 if feature["kind"] == "numeric" else len(feature["categories"])
            for feature in self.features
        )

    def check_columns(self, table):
        """Refuse a table that lacks feature columns, listing every one missing."""
        missing = [column for column in self.columns if column not in table.columns]
        if missing:
            raise ValueError(
                f"{table.name} lacks the feature column"
                f"{'s' if len(missing) > 1 else ''} {_name_list(missing)} that "
                "the model was trained on"
            )

    def transform(self, table, rows=None):
        """Encode ``rows`` of ``table`` (all rows when None).

        Returns
        -------
        X : ndarray, shape (n_rows, n_inputs)
        unseen : dict
            Text column name -> number of cells whose category was not seen
            in training (encoded as all zeros); only columns with some.
        """
        self.check_columns(table)
        n_rows = table.n_rows if rows is None else len(rows)
        X = np.zeros((n_rows, self.n_inputs))
        unseen = {}
        start = 0
        for feature in self.features:
            column = feature["name"]
            if feature["kind"] == "numeric":
                values = table.numbers(column, rows)
                X[:, start] = (values - feature["mean"]) / feature["std"]
                start += 1
                continue

            # one-hot; an unseen category keeps its row of zeros
            position = {c: k for k, c in enumerate(feature["categories"])}
            missed = 0
            for i, cell in enumerate(table.cells(column, rows)):
                k = position.get(cell)
                if k is None:
                    missed += 1
                else:
                    X[i, start + k] = 1.0
            if missed:
                unseen[column] = missed
            start += len(position)
        return X, unseen

    def to_dict(self):
        """A JSON-able description; :meth:`from_dict` rebuilds the preprocessor."""
        return {"features": [dict(feature) for feature in self.features]}

    @classmethod
    def from_dict(cls, spec):
        """The preprocessor described by :meth:`to_dict`."""
        return cls([dict(feature) for feature in spec["features"]])
