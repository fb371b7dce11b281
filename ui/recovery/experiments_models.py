"""Table models of the Experiments screen: the experiments, and one experiment's arms."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def p_value(value: float | None) -> str:
    if value is None:
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


class _Rows(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    NUMERIC: frozenset[int] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(self.rows[index.row()], index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMERIC:
            return RIGHT
        return None

    def text(self, row: dict[str, Any], column: int) -> str:
        raise NotImplementedError


class ExperimentListModel(_Rows):
    ID, NAME, STRATEGY, STATUS, OUTCOMES = range(5)
    HEADERS = ("#", "Experiment", "Strategy", "Status", "n")
    NUMERIC = frozenset({ID, OUTCOMES})

    def text(self, row: dict[str, Any], column: int) -> str:
        if column == self.ID:
            return str(row["id"])
        if column == self.NAME:
            return row["name"]
        if column == self.STRATEGY:
            return row["strategy"].replace("_", " ")
        if column == self.STATUS:
            return row["status"]
        return str(sum(v["n"] for v in row["variants"]))


class ArmModel(_Rows):
    """One row per variant of the results report, with its comparison against the control."""

    VARIANT, N, RECOVERED, RATE, DAYS, DIFFERENCE, P_HOLM, PROB_BEST = range(8)
    HEADERS = (
        "Variant",
        "n",
        "Recovered",
        "Rate",
        "Mean days",
        "vs control",
        "p (Holm)",
        "P(best)",
    )
    NUMERIC = frozenset(range(1, 8))

    def set_results(self, results: dict[str, Any]) -> None:
        pairs = {p["variant"]: p for p in results["pairwise"]}
        self.set_rows([v | {"pair": pairs.get(v["name"])} for v in results["variants"]])

    def text(self, row: dict[str, Any], column: int) -> str:
        pair = row["pair"]
        if column == self.VARIANT:
            return row["name"] + (" (control)" if row["control"] else "")
        if column == self.N:
            return str(row["n"])
        if column == self.RECOVERED:
            return str(row["recovered"])
        if column == self.RATE:
            return percent(row["rate"])
        if column == self.DAYS:
            return number(row["mean_days"])
        if column == self.DIFFERENCE:
            difference = pair and pair["difference"]
            return "–" if not difference else f"{difference['estimate']:+.1%}"
        if column == self.P_HOLM:
            return "–" if pair is None else p_value(pair["chi_square"]["p_holm"])
        return percent(row["prob_best"])
