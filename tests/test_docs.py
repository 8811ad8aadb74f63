"""The docs stay honest: the README's commands exist with the flags it names, and every check
type of the rules engine is documented in config/zones.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kdkmp import cli, rules

AKAR = Path(__file__).resolve().parent.parent
README = (AKAR / "README.md").read_text(encoding="utf-8")


def perintah_readme() -> list[str]:
    return re.findall(r"^python -m kdkmp (.+?)(?:\s{2,}#.*)?$", README, flags=re.MULTILINE)


def _subparser(kata: list[str]):
    """The parser of a README command line: down through every sub-command its words name."""
    p = cli.parser()
    for k in kata:
        aksi = next((a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"), None)
        if aksi is None or k not in aksi.choices:
            break
        p = aksi.choices[k]
    return p


@pytest.mark.parametrize("baris", perintah_readme())
def test_every_readme_command_exists_with_the_flags_it_names(baris):
    p = _subparser(baris.split())
    dikenal = {o for a in p._actions for o in a.option_strings}
    for bendera in re.findall(r"(--[a-z-]+)", baris):
        assert bendera in dikenal, f"{bendera} of `{baris}` is not accepted"


def test_readme_lists_every_command():
    semua = set(next(a for a in cli.parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices)
    disebut = {b.split()[0] for b in perintah_readme()}
    assert semua == disebut


def test_every_check_type_is_documented_in_the_rules_file():
    teks = (AKAR / "config" / "zones.yaml").read_text(encoding="utf-8")
    kepala = teks.split("version:")[0]
    for jenis in rules.CEK:
        # a whole word: "min" inside "minggu" would pass for any header
        assert re.search(rf"(?<![\w]){re.escape(jenis)}(?![\w])", kepala), \
            f"check type {jenis} is not described in the header of config/zones.yaml"


def test_readme_two_commands_are_the_ones_ci_runs():
    ci = (AKAR / ".ci" / "run").read_text()
    assert "python -m pytest" in README and ci.rstrip().endswith("python -m pytest")
    assert "streamlit run app.py" in README
