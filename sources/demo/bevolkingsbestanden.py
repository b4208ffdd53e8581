"""The files of the population: brp/adressen.csv, personen.csv, verblijfplaatsen.csv (current, previous and
historic address periods, orphans) and relaties.csv, and gemeente/uitkeringen.csv, made from what
`sources.demo.bevolking` built.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from sources import brp, gemeente
from sources.demo.bevolking import (
    GEBRUIKSDOELEN, GEMEENTE, LANDEN, R_EXTRA, R_HIST, R_HOOFD, R_HUISGENOOT, R_KIND, R_PARTNER, STATUSSEN, T_ALLEEN,
    T_EENOUDER, X_VERHUISD,
)
from sources.demo.hulp import (
    GEEN, _aantal, _bsn_tekst, _code, _gba, _gba_int, _iso, _kies, _leeg, _seg_cumsum, _uitvouwen,
)
from sources.demo.rommel import EXTRA_KOLOM
from sources.demo.toestand import Blok

# Values as the contract lists them; the generator draws an index into each (the order matters).
GESLACHTEN = list(brp.PERSONEN.kolom("geslacht").waarden)  # M, V, O
FUNCTIES_ADRES = list(brp.VERBLIJFPLAATSEN.kolom("functie_adres").waarden)  # W(oonadres), B(riefadres)
RELATIESOORTEN = list(brp.RELATIES.kolom("soort").waarden)  # H(uwelijk), K(ind), O(uder)
REGELINGEN = list(gemeente.UITKERINGEN.kolom("regeling").waarden)  # PW, IOAW, IOAZ, BBZ
NORMCATEGORIEEN = list(gemeente.UITKERINGEN.kolom("normcategorie").waarden)  # alleenstaande(_ouder), gehuwden


def adressen_frame(s: Blok) -> None:
    """brp/adressen.csv of the block."""
    gem, wijk_nr, a_wijk, a_gem, a_buurt, straat = s.gem, s.wijk_nr, s.a_wijk, s.a_gem, s.a_buurt, s.straat
    tel, volg, rng, n_addr, huisnummer, doel, opp = s.tel, s.volg, s.rng, s.n_addr, s.huisnummer, s.doel, s.opp
    status = s.status
    gem_codes = [g[0] for g in gem]
    wijk2 = pl.Series(wijk_nr[a_wijk]).cast(pl.String).str.zfill(2)
    gcode = _kies(gem_codes, a_gem)
    gidx_global = np.array([int(g) for g in gem_codes])[a_gem]
    if len(gem) == 1 and gem_codes[0] == GEMEENTE:
        pc4 = 9711 + ((wijk_nr[a_wijk] - 1) * 4 + a_buurt) % 88
        wp_lijst = ["Groningen", "Haren", "Ten Boer"]
        nw = wijk_nr.max()
        wn = wijk_nr[a_wijk]
        wp_idx = np.where((wn == nw) & (nw >= 5), 2, np.where((wn == nw - 1) & (nw >= 5), 1, 0))
        woonplaats = _kies(wp_lijst, wp_idx)
    else:
        pc4 = 1000 + (gidx_global * 97 + wijk_nr[a_wijk] * 7 + a_buurt) % 8999
        woonplaats = _kies([g[1] for g in gem], a_gem)
    letters = np.array(list("ABCDEGHJKLMNPRSTVWXZ"))
    li = straat % 400
    pc = (pl.Series(pc4).cast(pl.String) + pl.Series(letters[li // 20]) + pl.Series(letters[li % 20]))
    adres_nr = tel["adres"] + volg + 1
    adres_id = gcode + "20" + pl.Series(adres_nr).cast(pl.String).str.zfill(10)
    r = rng.random(n_addr)
    huisletter = _leeg(_kies(["A", "B", "C"], rng.integers(0, 3, n_addr)), r >= 0.04)
    r = rng.random(n_addr)
    toev = _leeg(_kies(["1", "2", "3", "H", "BIS", "I", "II"], rng.integers(0, 7, n_addr)), r >= 0.06)
    adressen = pl.DataFrame({
        "adres_id": adres_id,
        "postcode": pc,
        "huisnummer": pl.Series(huisnummer, dtype=pl.Int64),
        "huisletter": huisletter,
        "huisnummertoevoeging": toev,
        "woonplaats": woonplaats,
        "wijk_code": "WK" + gcode + wijk2,
        "buurt_code": "BU" + gcode + wijk2 + pl.Series(a_buurt).cast(pl.String).str.zfill(2),
        "gebruiksdoel": _kies(GEBRUIKSDOELEN, doel),
        EXTRA_KOLOM: pl.Series(rng.integers(1850, 2026, n_addr), dtype=pl.Int64),
        "oppervlakte_m2": pl.Series(opp, dtype=pl.Int64),
        "status": _kies(STATUSSEN, status),
    })
    tel["adres"] += n_addr
    s.adres_id = adres_id
    s.frames["adressen.csv"] = adressen


def personen_frame(s: Blok) -> None:
    """brp/personen.csv of the block."""
    bsn, gba_geb, gesl, land_idx, nat_codes = s.bsn, s.gba_geb, s.gesl, s.land_idx, s.nat_codes
    nat_idx, nat_onbekend, dood = s.nat_idx, s.nat_onbekend, s.dood
    bsn_s = _bsn_tekst(bsn)
    personen = pl.DataFrame({
        "bsn": bsn_s,
        "geboortedatum": _gba(gba_geb),
        "geslacht": _kies(GESLACHTEN, gesl),
        "geboorteland": _kies([x_[0] for x_ in LANDEN], land_idx),
        "nationaliteit": _leeg(_kies(nat_codes, nat_idx), nat_onbekend),
        "datum_overlijden": _gba(_gba_int(np.maximum(dood, 0)), dood < 0),
    })
    s.bsn_s = bsn_s
    s.frames["personen.csv"] = personen


def vorige_perioden(s: Blok) -> None:
    """Previous address periods: of adults, of movers at their old address, of children since birth."""
    rng, n, age, role, in_hh, hh, hv, geb = s.rng, s.n, s.age, s.role, s.in_hh, s.hh, s.hv, s.geb
    cur_start, jaar, n_addr = s.cur_start, s.jaar, s.n_addr
    # previous periods (adults), forced previous period for movers, birth address for children
    r = rng.random(n)
    n_prev = np.select([r < 0.40, r < 0.75, r < 0.92], [0, 1, 2], 3)
    n_prev = np.where((age >= 18) & (role != R_HIST), n_prev, 0)
    is_mover = in_hh & (hh["gast"][hv] >= 0)
    kind_voor = in_hh & (geb < cur_start - 30) & (age < 18)
    n_prev = np.where(kind_voor, 1, n_prev)
    vp_p, vp_j = _uitvouwen(n_prev)
    L = rng.integers(200, 3000, len(vp_p))
    # children: one period from birth to move-in
    kv = kind_voor[vp_p]
    L = np.where(kv, cur_start[vp_p] - geb[vp_p], L)
    # movers: the most recent previous period is at the old address since the household's move-in
    mv1 = is_mover[vp_p] & (vp_j == 0)
    L = np.where(mv1, np.maximum(cur_start[vp_p] - hh["inn"][hv][vp_p], 30), L)
    cum_in = _seg_cumsum(L, n_prev)
    v_start = cur_start[vp_p] - cum_in
    v_einde = v_start + L - 1
    volw = np.floor(16 * jaar).astype(np.int64)
    keep = kv | (v_start >= geb[vp_p] + volw)
    v_adr = rng.integers(0, n_addr, len(vp_p))
    v_adr = np.where(mv1, hh["oud_addr"][hv][vp_p], v_adr)
    v_leeg = (rng.random(len(vp_p)) < 0.05) & ~mv1
    v_b = (rng.random(len(vp_p)) < 0.02) & ~mv1
    prev = dict(p=vp_p[keep], adr=v_adr[keep], leeg=v_leeg[keep], b=v_b[keep], s=v_start[keep],
                e=v_einde[keep])
    s.prev, s.n_prev, s.is_mover = prev, n_prev, is_mover


def historische_perioden(s: Blok) -> None:
    """The address periods of historic persons: 1-3, all ended at move-out or death."""
    rng, role, geb, dood, hist_uit = s.rng, s.role, s.geb, s.dood, s.hist_uit
    hist = np.flatnonzero(role == R_HIST)
    nh = rng.integers(1, 4, len(hist))
    h_p, h_j = _uitvouwen(nh)
    hp_ = hist[h_p]
    Lh = rng.integers(200, 4000, len(hp_))
    cumh = _seg_cumsum(Lh, nh)
    eind_h = np.where(dood[hp_] >= 0, dood[hp_], hist_uit[hp_])
    h_e = eind_h - cumh + Lh
    h_s = h_e - Lh + 1
    h_e = np.where(h_j == 0, eind_h, h_e)
    keep_h = (h_s >= geb[hp_]) | (h_j == 0)
    h_s = np.maximum(h_s, geb[hp_])
    s.hp_, s.keep_h, s.h_s, s.h_e = hp_, keep_h, h_s, h_e


def verblijfplaatsen(s: Blok) -> None:
    """brp/verblijfplaatsen.csv: current, previous and historic periods, moved co-residents, orphans."""
    ctx, rng, in_hh, hh, hv, geb, cur_start, n_addr = s.ctx, s.rng, s.in_hh, s.hh, s.hv, s.geb, s.cur_start, s.n_addr
    xkind, bewoonbaar, cnt_w, cur_addr, cur_b = s.xkind, s.bewoonbaar, s.cnt_w, s.cur_addr, s.cur_b
    cur_einde = s.cur_einde
    bsn_s, adres_id, ext, P = s.bsn_s, s.adres_id, s.ext, s.P
    prev, n_prev, is_mover, hp_, keep_h, h_s, h_e = s.prev, s.n_prev, s.is_mover, s.hp_, s.keep_h, s.h_s, s.h_e
    # movers that got no previous period: add one explicitly
    mv_geen = np.flatnonzero(is_mover & (n_prev == 0) & (cur_start - 1 > geb))
    # verhuisd-extra: a current period elsewhere (empty adres_id = abroad, or a vacant address)
    vh = np.flatnonzero(xkind == X_VERHUISD)
    leeg_adr = np.flatnonzero(bewoonbaar & (cnt_w == 0))
    vh_adr = leeg_adr[rng.integers(0, max(len(leeg_adr), 1), len(vh))] if len(leeg_adr) else np.zeros(len(vh), np.int64)
    vh_leeg = rng.random(len(vh)) < 0.4
    cur_rows = np.flatnonzero(in_hh)
    vb_p = np.concatenate([cur_rows, prev["p"], hp_[keep_h], mv_geen, vh])
    vb_adr = np.concatenate([cur_addr[cur_rows], prev["adr"], rng.integers(0, n_addr, keep_h.sum()),
                             hh["oud_addr"][hv][mv_geen], vh_adr])
    vb_leeg = np.concatenate([np.zeros(len(cur_rows), bool), prev["leeg"], rng.random(keep_h.sum()) < 0.1,
                              np.zeros(len(mv_geen), bool), vh_leeg])
    vb_b = np.concatenate([cur_b[cur_rows], prev["b"], np.zeros(keep_h.sum(), bool), np.zeros(len(mv_geen), bool),
                           np.zeros(len(vh), bool)])
    vb_s = np.concatenate([cur_start[cur_rows], prev["s"], h_s[keep_h],
                           np.minimum(hh["inn"][hv][mv_geen], cur_start[mv_geen] - 31), cur_einde[vh] + 1])
    vb_e = np.concatenate([np.where(cur_einde[cur_rows] < 0, GEEN, cur_einde[cur_rows]), prev["e"], h_e[keep_h],
                           cur_start[mv_geen] - 1, np.full(len(vh), GEEN)])
    vb_s = np.maximum(vb_s, geb[vb_p])
    geldig = (vb_e == GEEN) | (vb_e >= vb_s)
    vb_p, vb_adr, vb_leeg, vb_b, vb_s, vb_e = (a_[geldig] for a_ in (vb_p, vb_adr, vb_leeg, vb_b, vb_s, vb_e))
    o = np.lexsort((vb_s, vb_p))
    vb_p, vb_adr, vb_leeg, vb_b, vb_s, vb_e = vb_p[o], vb_adr[o], vb_leeg[o], vb_b[o], vb_s[o], vb_e[o]
    vbp = pl.DataFrame({
        "bsn": bsn_s.gather(pl.Series(vb_p)),
        "adres_id": _leeg(adres_id.gather(pl.Series(vb_adr)), vb_leeg),
        "functie_adres": _kies(FUNCTIES_ADRES, vb_b.astype(np.int64)),
        "datum_aanvang": _gba(_gba_int(vb_s)),
        "datum_einde": _gba(_gba_int(np.where(vb_e == GEEN, 0, vb_e)), vb_e == GEEN),
    })
    # orphans: persons with an address history but not in personen.csv (ended periods)
    k = _aantal(vbp.height, 0.0005)
    if k:
        ob = ext(k)
        os_ = P - rng.integers(400, 4000, k)
        wees = pl.DataFrame({
            "bsn": _bsn_tekst(ob),
            "adres_id": adres_id.gather(pl.Series(rng.integers(0, n_addr, k))),
            "functie_adres": pl.Series(["W"] * k),
            "datum_aanvang": _gba(_gba_int(os_)),
            "datum_einde": _gba(_gba_int(os_ + rng.integers(30, 390, k))),
        })
        vbp = pl.concat([vbp, wees])
        ctx.tel(ctx.rommel, "verblijfplaatsen.csv:bsn:wees", k)
    s.frames["verblijfplaatsen.csv"] = vbp


def relaties(s: Blok) -> None:
    """brp/relaties.csv: children, marriages, divorces, parents outside the block."""
    hoofd, hv, partner, role, in_hh, rng, hh = s.hoofd, s.hv, s.partner, s.role, s.in_hh, s.rng, s.hh
    hhx, P, age, jaar, brp_dag, ptype, n, geb = s.hhx, s.P, s.age, s.jaar, s.brp_dag, s.ptype, s.n, s.geb
    ext, H, bsn, gba_geb = s.ext, s.H, s.bsn, s.gba_geb
    ouder1 = hoofd[hv]
    ouder2 = partner[hv]
    kind_m = (role == R_KIND) & in_hh
    kinderen = np.flatnonzero(kind_m)
    met2 = kinderen[(ouder2[kinderen] >= 0) & (rng.random(len(kinderen)) < 0.85)]
    getrouwd = np.flatnonzero((role == R_HOOFD) & in_hh & (partner[hv] >= 0) & hh["getrouwd"][hv])
    gpart = partner[hhx[getrouwd]]
    huw = P - np.floor(rng.random(len(getrouwd)) *
                       np.maximum(np.minimum(age[getrouwd], age[gpart]) - 19, 0.5) * jaar).astype(np.int64) - 30
    huw = np.minimum(huw, brp_dag - 1)
    gescheiden = np.flatnonzero((role == R_HOOFD) & in_hh & (((ptype == T_ALLEEN) & (age >= 30) &
                                (rng.random(n) < 0.15)) | ((ptype == T_EENOUDER) & (rng.random(n) < 0.30))))
    sch_jaren = 2 + rng.random(len(gescheiden)) * np.maximum(age[gescheiden] - 22, 1)
    sch_s = P - np.floor(sch_jaren * jaar).astype(np.int64)
    sch_s = np.maximum(sch_s, geb[gescheiden] + int(18 * jaar))
    sch_e = np.minimum(sch_s + rng.integers(365, 15 * 365, len(gescheiden)), P - 60)
    sch_e = np.maximum(sch_e, sch_s + 1)
    volwassen = np.flatnonzero(np.isin(role, [R_HOOFD, R_PARTNER, R_HUISGENOOT, R_EXTRA, R_HIST]))
    r = rng.random(len(volwassen))
    ext_ouders = np.concatenate([volwassen[r < 0.50], volwassen[r < 0.15]])
    eenouder_kind = kinderen[(ptype[kinderen] == T_EENOUDER) & (rng.random(len(kinderen)) < 0.7)]
    ext_andere_ouder = ext(H)  # one per household (only used for single-parent children)
    g_sch = ext(len(gescheiden))
    g_ouders = ext(len(ext_ouders))
    rel_bsn = np.concatenate([ouder1[kinderen], kinderen, ouder2[met2], met2, getrouwd, gpart, gescheiden,
                              ext_ouders, eenouder_kind])
    rel_rel_is_int = np.concatenate([kinderen, ouder1[kinderen], met2, ouder2[met2], gpart, getrouwd])
    rel_bsn_v = bsn[rel_bsn]
    rel_rel_v = np.concatenate([bsn[rel_rel_is_int], g_sch, g_ouders, ext_andere_ouder[hhx[eenouder_kind]]])
    soort = np.concatenate([np.full(len(kinderen), 1), np.full(len(kinderen), 2), np.full(len(met2), 1),
                            np.full(len(met2), 2), np.zeros(2 * len(getrouwd), np.int64),
                            np.zeros(len(gescheiden), np.int64), np.full(len(ext_ouders), 2),
                            np.full(len(eenouder_kind), 2)])
    r_s_int = np.concatenate([gba_geb[kinderen], gba_geb[kinderen], gba_geb[met2], gba_geb[met2],
                              _gba_int(huw), _gba_int(huw), _gba_int(sch_s), gba_geb[ext_ouders],
                              gba_geb[eenouder_kind]])
    r_e = np.concatenate([np.full(2 * len(kinderen) + 2 * len(met2) + 2 * len(getrouwd), GEEN), sch_e,
                          np.full(len(ext_ouders) + len(eenouder_kind), GEEN)])
    o = np.argsort(rel_bsn, kind="stable")
    relaties = pl.DataFrame({
        "bsn": _bsn_tekst(rel_bsn_v[o]),
        "relatie_bsn": _bsn_tekst(rel_rel_v[o]),
        "soort": _kies(RELATIESOORTEN, soort[o]),
        "datum_aanvang": _gba(r_s_int[o]),
        "datum_einde": _gba(_gba_int(np.where(r_e[o] == GEEN, 0, r_e[o])), r_e[o] == GEEN),
    })
    s.kind_m = kind_m
    s.frames["relaties.csv"] = relaties


def uitkeringen(s: Blok) -> None:
    """gemeente/uitkeringen.csv, and the persons of the active dossiers."""
    hh, tel, rng, partner, hhx, kind_m, age, H = s.hh, s.tel, s.rng, s.partner, s.hhx, s.kind_m, s.age, s.H
    bsn_s, hoofd, kostendelers = s.bsn_s, s.hoofd, s.kostendelers
    dh = np.flatnonzero(hh["dos"])
    nd = len(dh)
    d_nr = tel["dossier"] + 1 + rng.permutation(nd)
    tel["dossier"] += nd
    d_id = _code("D", d_nr, 7)
    is_paar = partner[dh] >= 0
    kind18 = np.bincount(hhx[kind_m & (age < 18)], minlength=H)[dh] > 0
    normcat = np.where(is_paar, 2, np.where(kind18, 1, 0))
    kwetsbaar = (rng.random(nd) < 0.03).astype(np.int64)
    d_einde = hh["einde"][dh]
    uitkeringen = pl.DataFrame({
        "dossier_id": d_id,
        "bsn": bsn_s.gather(pl.Series(hoofd[dh])),
        "partner_bsn": _leeg(bsn_s.gather(pl.Series(np.maximum(partner[dh], 0))), ~is_paar),
        "regeling": _kies(REGELINGEN, hh["regeling"][dh]),
        "normcategorie": _kies(NORMCATEGORIEEN, normcat),
        "kostendelers": pl.Series(kostendelers[dh], dtype=pl.Int64),
        "datum_aanvang": _iso(hh["start"][dh]),
        "datum_einde": _iso(np.maximum(d_einde, 0), d_einde < 0),
        "kwetsbaar": pl.Series(kwetsbaar, dtype=pl.Int64),
    })
    d_sort = np.argsort(d_nr)
    uitkeringen = uitkeringen[d_sort]
    # per household: dossier row (for the dossier-linked tables)
    h_d = np.full(H, -1, dtype=np.int64)
    h_d[dh] = np.arange(nd)
    d_cat = hh["cat"][dh]
    d_actief = hh["actief"][dh]
    d_normcat = normcat

    # persons of active dossiers (applicant and partner)
    da = np.flatnonzero(d_actief)
    dp_p = np.concatenate([hoofd[dh[da]], partner[dh[da]][partner[dh[da]] >= 0]])
    dp_d = np.concatenate([da, da[partner[dh[da]] >= 0]])
    dp_rol = np.concatenate([np.zeros(len(da), np.int64), np.ones(int((partner[dh[da]] >= 0).sum()), np.int64)])
    o = np.lexsort((dp_rol, dp_d))
    dp_p, dp_d, dp_rol = dp_p[o], dp_d[o], dp_rol[o]
    s.dp_p, s.dp_d, s.d_cat, s.nd, s.d_normcat, s.dp_rol, s.dh = dp_p, dp_d, d_cat, nd, d_normcat, dp_rol, dh
    s.da, s.d_nr, s.d_id, s.d_einde, s.d_actief = da, d_nr, d_id, d_einde, d_actief
    s.frames["uitkeringen.csv"] = uitkeringen
