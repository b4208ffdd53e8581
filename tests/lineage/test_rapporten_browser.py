"""Every HTML report of an end-to-end run opens in headless Chromium with the network off: the page renders
(a document with a heading and text) and makes no request that leaves the machine.

Two independent checks of "no request": Chromium's own network log (every request the page starts, with the
page as initiator; Chromium's own background traffic has no page origin) and a scan of the rendered DOM for
external src/href/url() references. Locally the test is skipped without Chromium; under CI (env CI) it fails.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.lineage.conftest import P

pytestmark = pytest.mark.traag

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
LOKAAL = ("file", "data", "blob", "about", "chrome")
EXTERNE_VERWIJZING = re.compile(
    r"""<(?:img|script|iframe|source|video|audio|embed|object|link)\b[^>]*\b(?:src|href|data)\s*=\s*["']?\s*"""
    r"""(?:https?:)?//""" r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)


def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium ontbreekt: .ci/run installeert het (apt-get install chromium)")
        pytest.skip("chromium is niet geïnstalleerd")
    return CHROMIUM


def open_in_browser(pagina: Path, werk: Path) -> tuple[str, list[str]]:
    """The rendered DOM of the page and the URLs of the requests the page itself started."""
    netlog = werk / f"{pagina.stem}.netlog.json"
    proces = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={werk / 'profiel'}", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--log-net-log={netlog}", "--virtual-time-budget=3000", "--dump-dom", pagina.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proces.returncode == 0, f"{pagina}: chromium rc {proces.returncode}: {proces.stderr[-500:]}"
    log = json.loads(netlog.read_text(encoding="utf-8"))
    soorten = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    verzoeken = [e["params"]["url"] for e in log["events"]
                 if soorten.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})
                 and e["params"].get("initiator") != "not an origin"]  # Chromium's own traffic has no page origin
    return proces.stdout, [u for u in verzoeken if u.split(":", 1)[0] not in LOKAAL]


def rapporten(uitvoer: Path) -> list[Path]:
    """The reports of a run, and one page of each kind GX renders (all of them have the same make-up)."""
    eigen = sorted(p for p in uitvoer.rglob("*.html") if "data_docs" not in p.parts or p.name == "index.html")
    gx = [next(iter(sorted((uitvoer / "kwaliteit" / "data_docs" / soort).rglob("*.html"))), None)
          for soort in ("validations", "expectations")]
    return eigen + [p for p in gx if p is not None]


def test_every_report_renders_offline_in_chromium(run, tmp_path):
    uitvoer = run["werkmap"] / "output" / P
    paginas = rapporten(uitvoer)
    namen = {str(p.relative_to(uitvoer)) for p in paginas}
    assert {"kwaliteit/samenvatting.html", "kwaliteit/data_docs/index.html", "lineage.html",
            "bias/rapport.html"} <= namen, namen
    for pagina in paginas:
        dom, extern = open_in_browser(pagina, tmp_path)
        naam = pagina.relative_to(uitvoer)
        assert extern == [], f"{naam} probeert het netwerk op te gaan: {extern}"
        assert not EXTERNE_VERWIJZING.search(dom), f"{naam}: externe verwijzing in de pagina"
        tekst = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", dom, flags=re.S | re.I))
        assert re.search(r"<(h[1-4]|table)\b", dom, re.I) and len(tekst.split()) > 30, f"{naam} rendert niet (lege pagina)"


def test_the_browser_check_catches_an_external_request(tmp_path):
    """The check itself can fail: a page with a remote image and stylesheet is caught twice."""
    pagina = tmp_path / "extern.html"
    pagina.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.voorbeeld.example/b.css">'
                      '</head><body><h1>x</h1><img src="https://voorbeeld.example/a.png"></body></html>')
    dom, extern = open_in_browser(pagina, tmp_path)
    assert any(u.startswith("https://voorbeeld.example/") for u in extern), extern
    assert EXTERNE_VERWIJZING.search(dom)
