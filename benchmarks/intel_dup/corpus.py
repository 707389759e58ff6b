"""The real messages of the 2020 泰迪杯 C 题 (附件3 hotspots.csv, 附件4 replies.csv), read in place.

Nothing from these files is copied into the repository: the development set keeps
留言编号 only (unique across both files), and this module reads the text at run time
from ../shared/data/teddy2020/ (or $MINXIN_SHARED_DATA/teddy2020/).
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FILES = ("hotspots.csv", "replies.csv")


@dataclass(frozen=True)
class Message:
    id: str  # 留言编号, as text
    source: str  # "hotspots" or "replies"
    user: str  # 留言用户 (the writer's pseudonymous id)
    subject: str
    body: str
    time: str

    @property
    def text(self) -> str:
        """Subject and body as the writer typed them: what a registrar would paste into a case."""
        return f"{self.subject}。{self.body}"


def data_dir() -> Path | None:
    root = os.environ.get("MINXIN_SHARED_DATA")
    candidates = [Path(root)] if root else []
    candidates += [p / "shared" / "data" for p in REPO.parents]
    for base in candidates:
        if (base / "teddy2020" / FILES[0]).exists():
            return base / "teddy2020"
    return None


def load() -> list[Message]:
    """Every message of both files (7,142), in file order; [] if the data is not present."""
    base = data_dir()
    if base is None:
        return []
    out = []
    for name in FILES:
        with open(base / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out.append(Message(
                    id=row["留言编号"].strip(), source=name.removesuffix(".csv"), user=row["留言用户"].strip(),
                    subject=row["留言主题"].strip(), body=re.sub(r"\s+", " ", row["留言详情"]).strip(), time=row["留言时间"].strip(),
                ))
    return out
