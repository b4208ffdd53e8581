"""The measurement of the shared-rows design (benchmarks/proef_gedeelde_rijen.py) counts what it claims: on a staged
table with two deliveries built here, the rows new in the second, the rows gone from it, and each layout giving a
reader the second delivery's rows."""
import json
from datetime import date

import duckdb

from benchmarks import proef_gedeelde_rijen


def test_proef_telt_nieuwe_en_vervallen_rijen_en_lezers_zien_dezelfde_levering(tmp_path):
    con = duckdb.connect(str(tmp_path / "systeemanalyse.duckdb"))
    con.execute("CREATE TABLE brp_relaties (bsn VARCHAR, relatie_bsn VARCHAR, soort VARCHAR, datum_aanvang DATE, "
                "datum_einde DATE, regel BIGINT, leverdatum DATE)")
    eerste = [("a", "b", "H", date(2001, 5, 1), None), ("c", "d", "H", date(1999, 1, 2), None),
              ("e", "f", "P", date(2010, 3, 3), None), ("g", "h", "H", date(2015, 7, 7), None)]
    # the second delivery: c-d ended (a changed row), e-f gone, i-j new; a-b and g-h unchanged but on other lines
    tweede = [("i", "j", "H", date(2026, 10, 30), None), ("a", "b", "H", date(2001, 5, 1), None),
              ("c", "d", "H", date(1999, 1, 2), date(2026, 10, 29)), ("g", "h", "H", date(2015, 7, 7), None)]
    for leverdatum, rijen in ((date(2026, 10, 28), eerste), (date(2026, 11, 1), tweede)):
        con.executemany("INSERT INTO brp_relaties VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(*r, i + 2, leverdatum) for i, r in enumerate(rijen)])
    con.close()

    assert proef_gedeelde_rijen.main(["--werkmap", str(tmp_path), "--tabel", "brp_relaties", "--lezer",
                                      "datum_einde IS NULL", "--json", str(tmp_path / "uit.json")]) == 0
    uit = json.loads((tmp_path / "uit.json").read_text())
    assert uit["leverdata"] == ["2026-10-28", "2026-11-01"]
    assert uit["rijen_nieuwe_levering"] == 4
    assert uit["nieuwe_rijen"] == 2  # i-j and the ended c-d
    assert uit["vervallen_rijen"] == 2  # e-f and the open c-d
    assert uit["lezer_zelfde_uitkomst"] == {"via_lid": True, "geldigheid": True}
    assert not list(tmp_path.glob("proef_rijen_*"))  # its scratch database is gone
