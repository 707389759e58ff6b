from pathlib import Path

import pytest

from minxin.oversight.readme import readme_text

pytestmark = pytest.mark.django_db


def test_readme_matches_the_definitions_in_code():
    # Regenerate with: manage.py oversight_docs > minxin/oversight/README.md
    readme = Path(__file__).resolve().parents[1] / "README.md"
    assert readme.read_text(encoding="utf-8").strip() == readme_text().strip()
