from __future__ import annotations

import enum

from ..extensions import db


class AreaLevel(str, enum.Enum):
    COUNTY = "county"
    TOWNSHIP = "township"
    COMMUNITY = "community"
    GRID = "grid"

    @property
    def child(self) -> "AreaLevel | None":
        order = list(AreaLevel)
        i = order.index(self)
        return order[i + 1] if i + 1 < len(order) else None


user_grids = db.Table(
    "user_grid",
    db.Column("user_id", db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    db.Column("area_id", db.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


def township_in(path: str) -> int | None:
    """The township's id in a ``path`` from the root (``/county/township/…/``)."""
    ids = [i for i in path.strip("/").split("/") if i]
    return int(ids[1]) if len(ids) > 1 else None


class Area(db.Model):
    """A node of the deployment's area tree: county → township → community → grid.

    ``path`` holds the ids from the root (``/1/4/9/``) so that "everything under this
    township" is one indexed prefix match.
    """

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    name = db.Column(db.String(100), nullable=False)
    level = db.Column(db.String(16), nullable=False)
    parent_id = db.Column(db.Integer, db.ForeignKey("area.id"), index=True)
    path = db.Column(db.String(255), nullable=False, default="/", index=True)
    # Station contacts, shown to migrants on their cards (township level).
    address = db.Column(db.String(200))
    phone = db.Column(db.String(40))
    hours = db.Column(db.String(100))
    # Grids: how many migrants are thought to live there (the registration rate's base).
    estimated_population = db.Column(db.Integer)

    parent = db.relationship("Area", remote_side=[id], backref="children")

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"

    @property
    def label(self) -> str:
        """Grids are numbered within their community: “文一社区 第1网格” tells them apart."""
        if self.is_grid and self.parent is not None:
            return f"{self.parent.name} {self.name}"
        return self.name

    @property
    def township_id(self) -> int | None:
        """The township above (or this one), from ``path``: no query."""
        return township_in(f"{self.path}{self.id}/")

    @property
    def path_label(self) -> str:
        """“北山街道 › 文一社区 › 第1网格”: a grid told apart from a namesake in another
        township, wherever grids of several townships are listed."""
        names, area = [], self
        while area is not None and area.level != AreaLevel.COUNTY.value:
            names.append(area.name)
            area = area.parent
        return " › ".join(reversed(names))

    @property
    def is_grid(self) -> bool:
        return self.level == AreaLevel.GRID.value
