"""The access log reader: every line is an entry or reported as damaged (kern/logboek.py), whatever it holds."""
import json

from kern import logboek
from pipelines.cli import main


def test_damaged_lines_are_reported_whatever_they_hold(tmp_path, capsys):
    werk = tmp_path / "werk"
    werk.mkdir()
    logboek.schrijf(werk, "inzage", pseudoniem="ab12", gevonden=True)
    with logboek.pad(werk).open("a", encoding="utf-8") as f:  # JSON that is no entry, and no JSON at all
        f.write('[1, 2]\n"tekst"\nnull\n{}\n{"actie": 3}\n{"actie": "verkla\n')
    regels = logboek.lees(werk)
    assert [r["actie"] for r in regels] == ["inzage"] + ["onleesbare_regel"] * 6
    assert [r["regel"] for r in regels[1:]] == [2, 3, 4, 5, 6, 7]
    assert main(["logboek", "--werkmap", str(werk)]) == 0
    uit = capsys.readouterr()
    assert uit.out.count("onleesbare_regel") == 6 and "Traceback" not in uit.err
    assert main(["logboek", "--werkmap", str(werk), "--json"]) == 0
    assert [json.loads(r)["actie"] for r in capsys.readouterr().out.splitlines()] == [r["actie"] for r in regels]
