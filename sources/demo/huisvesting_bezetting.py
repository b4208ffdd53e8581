"""Theme huisvesting_bezetting: the planted crowded, too small, unusable or non-residential addresses of
benefit households, and their near misses (exactly 7 persons, exactly 12 m2 per person).
"""
from __future__ import annotations

import numpy as np

from sources.demo.bevolking import GEBRUIKSDOELEN, N_WOON, ST_BUITEN
from sources.demo.hulp import _ri
from sources.demo.toestand import Blok

# Planted cases (dossier level): name -> (fraction of the active PW dossiers, pool; see sources.demo.geplant).
GEVALLEN = {
    "Z_DRUK": (0.005, "tot6"),         # 8..11 persons with a current woonadres
    "Z_KLEIN": (0.004, "alle"),        # < 12 m2 per person
    "Z_BUITEN_GEBRUIK": (0.003, "alle"),
    "Z_GEEN_WOON": (0.003, "alle"),    # gebruiksdoel without woonfunctie
    "Z_ZEVEN": (0.002, "tot7"),        # exactly 7 persons (near miss)
    "Z_PRECIES_12": (0.002, "alle"),   # exactly 12 m2 per person (near miss)
}
SIGNALEN = ("Z_DRUK", "Z_KLEIN", "Z_BUITEN_GEBRUIK", "Z_GEEN_WOON")  # the planted cases that must give a signal


def extra_personen(s: Blok) -> None:
    """Extra persons of the planted crowded households (and the near miss of 7)."""
    H, h_size, rng, h_cat, c = s.H, s.h_size, s.rng, s.h_cat, s.cat
    n_extra = np.zeros(H, dtype=np.int64)
    n_extra[h_cat == c["Z_DRUK"]] = (8 - h_size + rng.integers(0, 4, H))[h_cat == c["Z_DRUK"]]
    n_extra[h_cat == c["Z_ZEVEN"]] = (7 - h_size)[h_cat == c["Z_ZEVEN"]]
    s.n_extra = n_extra


def adressen_aanpassen(s: Blok) -> None:
    """The planted occupancy cases change their address: surface, status, use."""
    app_addr, hh, c, cnt_w, rng, opp, status = s.app_addr, s.hh, s.cat, s.cnt_w, s.rng, s.opp, s.status
    doel = s.doel
    dos_addr = app_addr  # per household
    m = hh["cat"] == c["Z_KLEIN"]
    ad = dos_addr[m & (dos_addr >= 0)]
    cw = np.maximum(cnt_w[ad], 1)
    opp_klein = _ri(rng, np.maximum(4, 5 * cw), 12 * cw, len(ad))
    opp_min = 12 * cnt_w + 3
    opp = np.where(cnt_w > 0, np.maximum(opp, opp_min), opp)
    opp[ad] = opp_klein
    m = hh["cat"] == c["Z_PRECIES_12"]
    ad = dos_addr[m & (dos_addr >= 0)]
    opp[ad] = 12 * np.maximum(cnt_w[ad], 1)
    ad = dos_addr[(hh["cat"] == c["Z_BUITEN_GEBRUIK"]) & (dos_addr >= 0)]
    status[ad] = ST_BUITEN
    ad = dos_addr[(hh["cat"] == c["Z_GEEN_WOON"]) & (dos_addr >= 0)]
    doel[ad] = rng.integers(N_WOON, len(GEBRUIKSDOELEN), len(ad))
    s.opp = opp
