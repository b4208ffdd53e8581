"""Small counts stay hidden in what the audit publishes (domain.md: "Published tables suppress counts below
10"), also where a published ratio, interval, share, p-value, sum or difference would give them back.

The suppression test plays the reader: from every number a real audit publishes about a small cell — its
ratio, interval, shares, rate, p-values, the ratio against the previous step and the next step's against it,
the drift series, the evidence's strata, and the sums of the other groups against the published totals —
it computes the count back, and fails when any of them gives it."""
import json
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from bias_audit import audit, instellingen, statistiek
from bias_audit.onderdrukking import Onderdrukking, aanvullend, vastgelegd
from kern import opslag
from kern.sjablonen import nl_getal
from pipelines.cli import main
from tests.bouwer import adres, dossier, persoon, woont
from tests.helpers import lever_alles
from tests.themas.test_vermogen_voertuigen import auto

P, VOLGENDE = "2026-10-31", "2026-11-01"
INST = instellingen.laad()
GRENS = INST["onderdrukken_onder"]
PERSONEN = range(1, 301)
MANNEN = range(1, 21)           # n = 20: tested (minimum_groep) but few
AUTO_MANNEN = range(1, 10)      # x = 9 men with three cars: a deviation with a count below 10
AUTO_VROUWEN = range(21, 33)    # x = 12 women: with the published total (21) the men's 9 would follow


def kleine_groep(root: Path) -> None:
    """300 single-person dossiers, one per address, half in each of two wijken; 20 men. Nine of the men and
    twelve of the 280 women registered three cars this year: the vehicle theme over-selects men (9 of 20
    against 21 of 300), a deviation whose count is below the suppression limit."""
    personen = [persoon(i, geslacht="M" if i in MANNEN else "V") for i in PERSONEN]
    adressen = [adres(i, wijk="WK001401" if i % 2 else "WK001402") for i in PERSONEN]
    autos = [auto(i, f"AB{i:03d}{j}", f"2026030{j}") for i in (*AUTO_MANNEN, *AUTO_VROUWEN) for j in (1, 2, 3)]
    lever_alles(root, personen=personen, adressen=adressen, verblijfplaatsen=[woont(i, i) for i in PERSONEN],
                uitkeringen=[dossier(i, i) for i in PERSONEN], tenaamstellingen=autos)


@pytest.fixture(scope="module")
def gepubliceerd(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("onderdrukking")
    kleine_groep(tmp / "landing")
    werk = tmp / "werk"
    main(["run", "--landing", str(tmp / "landing"), "--werkmap", str(werk), "--peildatum", P])
    # a second run the next day: drift over the first, and the pooled test over both (same filter_versie)
    main(["run", "--landing", str(tmp / "landing"), "--werkmap", str(werk), "--peildatum", VOLGENDE])
    uit = werk / "output" / P
    doc = json.loads((uit / "bias" / "vermogen_voertuigen.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(werk / opslag.DATABASE), read_only=True)
    intern = con.sql(f"SELECT stap_nr, stap, kenmerk, groep, n_populatie AS n, n_selectie AS x, totaal_selectie AS X, "
                     f"totaal_populatie AS N, ratio FROM {audit.STATISTIEKEN} WHERE thema = 'vermogen_voertuigen' "
                     "AND soort IN ('kenmerk', 'intersectie')").pl()
    con.close()
    volgende = json.loads((werk / "output" / VOLGENDE / "bias" / "vermogen_voertuigen.json")
                          .read_text(encoding="utf-8"))
    return doc, intern, (uit / "bias" / "rapport.html").read_text(encoding="utf-8"), \
        json.loads((uit / "run.json").read_text(encoding="utf-8")), volgende, werk


def _getal(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _over(doc: dict, stap: str, stap_nr: int, kenmerk: str, groep: str) -> list[dict]:
    """Every entry anywhere in the document about this cell."""
    gevonden = []

    def loop(o):
        if isinstance(o, dict):
            if o.get("kenmerk") == kenmerk and o.get("groep") == groep and (
                    o.get("stap") == stap or o.get("stap_nr") == stap_nr):
                gevonden.append(o)
            for v in o.values():
                loop(v)
        elif isinstance(o, list):
            for v in o:
                loop(v)
    loop(doc)
    return gevonden


def _terug(cel: dict, doc: dict, intern: pl.DataFrame) -> dict[str, set[int]]:
    """Per way of reading the published document: the counts x (0..9) consistent with what it publishes."""
    s, stap, k, g = cel["stap_nr"], cel["stap"], cel["kenmerk"], cel["groep"]
    trechter = {t["stap_nr"]: t["aantal"] for t in doc["trechter"]}
    X, N = trechter[s], trechter[0]
    n = next(p["n"] for p in doc["populatie"] if p["kenmerk"] == k and p["groep"] == g) if "×" not in k else cel["n"]
    kandidaten = np.arange(GRENS, dtype=float)
    uit: dict[str, set[int]] = {}

    def past(naam, waarde, berekend):
        if _getal(waarde) is not None:
            uit[naam] = {int(x) for x, b in zip(kandidaten, berekend)
                         if np.isfinite(b) and abs(b - waarde) <= 5e-4 * max(abs(waarde), 1e-12)}

    for i, e in enumerate(_over(doc, stap, s, k, g)):
        if not (isinstance(n, int) and isinstance(X, int)):
            break
        nn, XX, NN = (np.full(GRENS, v, float) for v in (n, X, N))
        past(f"{i}.ratio", e.get("ratio"), statistiek.ratio(kandidaten, nn, XX, NN))
        laag, hoog = statistiek.ratio_interval(kandidaten, nn, XX, NN, INST["betrouwbaarheid"])
        past(f"{i}.ci_laag", e.get("ci_laag"), laag)
        past(f"{i}.ci_hoog", e.get("ci_hoog"), hoog)
        past(f"{i}.aandeel_selectie", e.get("aandeel_selectie"), kandidaten / X)
        past(f"{i}.selectiegraad", e.get("selectiegraad"), kandidaten / n)
        past(f"{i}.p", e.get("p"), statistiek.toets(kandidaten, nn, XX, NN, INST["exact_onder_verwachting"])[0])
        for sleutel in ("p_gecorrigeerd", "p_stap", "ratio_stap", "sterkste_stap_ratio"):
            if _getal(e.get(sleutel)) is not None:  # Holm's or the previous step's: no number may stand here
                uit[f"{i}.{sleutel}"] = {-1}
    # the ratio against the previous step, of the next step: x_next / x over X_next / X
    volgende = [c for c in doc["statistieken"] if c["kenmerk"] == k and c["groep"] == g and c["stap_nr"] == s + 1]
    for c in volgende:
        if _getal(c.get("ratio_stap")) is not None and isinstance(c["x"], int):
            rs = c["ratio_stap"]
            uit["volgende.ratio_stap"] = {int(x) for x in kandidaten
                                          if x and abs((c["x"] / x) / (trechter[s + 1] / X) - rs) <= 5e-4 * rs}
    # the sum: the other groups of the attribute against the step's total
    if "×" not in k:
        anderen = [c for c in doc["statistieken"] if c["kenmerk"] == k and c["stap_nr"] == s and c["groep"] != g]
        if isinstance(X, int) and all(isinstance(c["x"], int) for c in anderen):
            uit["som"] = {X - sum(c["x"] for c in anderen)}
        if all(isinstance(p["n"], int) for p in doc["populatie"] if p["kenmerk"] == k and p["groep"] != g) \
                and not isinstance(cel["n"], int) and isinstance(N, int):
            uit["som_n"] = {-2}  # a suppressed n given back by the population's groups
    # the evidence's strata: the group's selected add up to x, the rest's to X - x
    for o in doc["oorzaken"]:
        if (o["stap_nr"], o["kenmerk"], o["groep"]) == (s, k, g):
            for b in o["gecorrigeerd"]:
                for kolom, naar_x in (("groep_geselecteerd", lambda t: t), ("rest_geselecteerd", lambda t: X - t)):
                    waarden = [st[kolom] for st in b["strata"]]
                    if waarden and all(isinstance(w, int) for w in waarden) and isinstance(X, int):
                        uit[f"strata.{b['factor']}.{kolom}"] = {naar_x(sum(waarden))}
                if _getal(b.get("ratio")) is not None:
                    uit[f"mh.{b['factor']}"] = {-3}
    # the drift series: this peildatum's ratio
    for r in doc["drift"]:
        if (r["stap"], r["kenmerk"], r["groep"]) == (stap, k, g) and _getal(r["reeks"][-1]["ratio"]) is not None:
            uit["drift"] = {-4}
    return uit


@pytest.mark.traag  # runs end to end through the CLI and Dagster
def test_no_published_number_gives_a_small_count_back(gepubliceerd):
    doc, intern, html, run, volgende, _ = gepubliceerd
    klein = [c for c in doc["statistieken"] + doc["intersecties"]["bevindingen"]
             if isinstance(c["x"], str) or isinstance(c["n"], str)]
    # the planted cell: men at the rule's step, 9 of 20 against 21 of 300, a deviation
    man = next(c for c in doc["statistieken"] if c["kenmerk"] == "geslacht" and c["groep"] == "man"
               and c["stap"] == "regel")
    assert man["x"] == "<10" and man["oordeel"] == "afwijking" and man["onderdrukt"] is True
    assert man["ratio"] is None and man["ci_laag"] is None and man["p"] is None
    # the women's count would give it back through the step's total: suppressed as well
    vrouw = next(c for c in doc["statistieken"] if c["kenmerk"] == "geslacht" and c["groep"] == "vrouw"
                 and c["stap"] == "regel")
    assert vrouw["x"] == "onderdrukt" and vrouw["ratio"] is None
    assert klein
    for cel in klein:
        waar = intern.filter((pl.col("stap_nr") == cel["stap_nr"]) & (pl.col("kenmerk") == cel["kenmerk"])
                             & (pl.col("groep") == cel["groep"])).row(0, named=True)
        if waar["x"] >= GRENS and waar["n"] >= GRENS:
            continue  # a secondary suppression: its own count is not below the limit
        for manier, mogelijk in _terug(cel, doc, intern).items():
            assert mogelijk != {waar["x"]}, (cel["stap"], cel["kenmerk"], cel["groep"], manier, waar["x"])
            assert -1 not in mogelijk and -2 not in mogelijk and -3 not in mogelijk and -4 not in mogelijk, \
                (cel["stap"], cel["kenmerk"], cel["groep"], manier)
        # and the report does not print its ratio
        assert f">{nl_getal(round(waar['ratio'], 2))} (" not in html, (cel["kenmerk"], cel["groep"])
    # the verdict stays: the theme is blocked by the men's deviation, without numbers that give the 9 back
    oorzaak = next(o for o in doc["oorzaken"] if o["kenmerk"] == "geslacht" and o["groep"] == "man")
    assert oorzaak["onderdrukt"] is True and oorzaak["ratio"] is None and oorzaak["x"] == "<10"
    reden = next(r for r in run["themas"]["vermogen_voertuigen"]["redenen"] if "groep man" in r)
    assert "niet gepubliceerd" in reden and "ratio 6" not in reden
    assert "niet gepubliceerd" in html
    # the next run: its drift series shows neither run's ratio of the men, and the pooled root cause has none
    assert len(volgende["gepoold"]["runs"]) == 2
    # (named once: the men are a root cause of the next run itself, the pooled test is its evidence)
    [man] = [o for o in volgende["oorzaken"] if o["kenmerk"] == "geslacht" and o["groep"] == "man"]
    gepoold = man if man["gepoold"] else man["gepoold_bewijs"]
    assert gepoold["ratio"] is None and gepoold["x"] == "<10" and gepoold["onderdrukt"] is True
    for r in volgende["drift"]:
        if r["kenmerk"] == "geslacht":
            assert [p["ratio"] for p in r["reeks"]] == [None, None], r
    assert all(c["ratio"] is None for c in volgende["gepoold"]["bevindingen"] if isinstance(c["x"], str))


def test_a_sum_that_would_give_a_hidden_count_back_hides_one_more():
    # one hidden part of a published total: the smallest other part is hidden too
    assert aanvullend([3, 12, 40], True, 10) == [True, True, False]
    # two hidden parts that add up to 0 or to their bounds are each known: another part goes
    assert aanvullend([0, 0, 12, 40], True, 10) == [True, True, True, False]
    assert aanvullend([9, 9, 12, 40], True, 10) == [True, True, True, False]
    assert aanvullend([2, 5, 12, 40], True, 10) == [True, True, False, False]
    assert aanvullend([3, 12], False, 10) == [True, False]  # no published total: nothing to subtract from
    assert vastgelegd([(3, 9)], 3, 10) and not vastgelegd([(3, 9), (12, float("inf"))], 15, 10)


def test_suppression_follows_the_sums_of_intersections_and_the_population():
    # step 1 selects 30 of 100; attribute a: a1 (x 5) and a2 (x 25); b: b1, b2; their intersections
    rijen = [(1, "a", "a1", 20, 5), (1, "a", "a2", 80, 25), (1, "b", "b1", 50, 15), (1, "b", "b2", 50, 15),
             (1, "a×b", "a1 × b1", 10, 2), (1, "a×b", "a1 × b2", 10, 3), (1, "a×b", "a2 × b1", 40, 13),
             (1, "a×b", "a2 × b2", 40, 12)]
    cellen = pl.DataFrame(rijen, schema=["stap_nr", "kenmerk", "groep", "n", "x"], orient="row")
    alles = {(s, k, g) for s, k, g, _, _ in rijen}
    od = Onderdrukking(cellen, alles, {1: 30}, 100, 10)
    # a1's 5 would follow from 30 - 25: a2 is hidden too; b1 × a's: a2 × b1 (13) would give a1 × b1 (2) back
    assert od.x_verborgen((1, "a", "a1")) and od.x_verborgen((1, "a", "a2"))
    assert not od.x_verborgen((1, "b", "b1"))
    for c in [(1, "a×b", "a1 × b1"), (1, "a×b", "a1 × b2")]:
        assert od.x_verborgen(c) and od.verborgen(c)
    # every sum over published cells leaves at least two unknowns or none
    assert od.x_verborgen((1, "a×b", "a2 × b1")) or od.x_verborgen((1, "a×b", "a2 × b2"))
    assert od.toon_x((1, "a", "a1"), 5) == "<10" and od.toon_x((1, "a", "a2"), 25) == "onderdrukt"
    # the population: one small group of three would follow from N minus the others
    pop = pl.DataFrame([(1, "c", "c1", 3, 1), (1, "c", "c2", 17, 5), (1, "c", "c3", 80, 24)],
                       schema=["stap_nr", "kenmerk", "groep", "n", "x"], orient="row")
    od = Onderdrukking(pop, {(1, "c", g) for g in ("c1", "c2", "c3")}, {1: 30}, 100, 10)
    assert od.n_verborgen("c", "c1") and od.n_verborgen("c", "c2") and not od.n_verborgen("c", "c3")
    assert od.toon_n("c", "c2", 17) == "onderdrukt" and od.verborgen((1, "c", "c2"))


def test_verklaar_names_a_suppressed_root_cause_without_its_ratio(gepubliceerd, tmp_path, capsys):
    """The committee's decision on the men's deviation: verklaar says what it covers without the ratio that would
    give the 9 back (it used to print the ratio with two decimals)."""
    werk = gepubliceerd[-1]
    capsys.readouterr()
    assert main(["verklaar", "--werkmap", str(werk), "--verklaringen", str(tmp_path / "r.yaml"), "--thema",
                 "vermogen_voertuigen", "--stap", "*", "--kenmerk", "geslacht", "--groep", "man", "--verklaring", "x",
                 "--vastgesteld-door", "EC", "--besluit", "EC-9", "--geldig-tot", "2099-12-31"]) == 0
    uit = capsys.readouterr().out
    assert "kenmerk geslacht, groep man: ratio niet gepubliceerd (kleine aantallen)" in uit


def _sommen_met_lijsten(od: Onderdrukking) -> tuple[list, list]:
    """The published sums as the audit first computed them, every cell through Polars lists (the definition that
    `Onderdrukking._sommen`, which splits cells of up to three attributes as plain strings, must equal)."""
    from bias_audit.verklaringen import KRUIS
    sleutels = list(od.x)
    cel = pl.DataFrame(sleutels, schema={"stap_nr": pl.Int64, "kenmerk": pl.Utf8, "groep": pl.Utf8}, orient="row") \
        .with_columns(pl.Series("_pub", [c in od.gepubliceerd for c in sleutels]),
                      pl.Series("_npub", [(k, g) in od._n_pub for (_, k, g) in sleutels])).with_row_index("_r") \
        .with_columns(pl.col("kenmerk").str.split(KRUIS).alias("_a"),
                      pl.col("groep").str.split(f" {KRUIS} ").list.eval(pl.element().str.strip_chars()).alias("_g"))
    uit = (cel.with_columns(pl.int_ranges(0, pl.col("_a").list.len()).alias("_i")).explode("_i")
           .with_columns(*[pl.concat_list(pl.col(c).list.slice(0, pl.col("_i")),
                                          pl.col(c).list.slice(pl.col("_i") + 1)).list.join(sep).alias(f"_o{c}")
                           for c, sep in (("_a", KRUIS), ("_g", f" {KRUIS} "))],
                         pl.col("_a").list.get(pl.col("_i")).alias("_weg")))
    x = uit.group_by("stap_nr", "_o_a", "_o_g", "_weg", maintain_order=True).agg(pl.col("_r"), pl.col("_pub").all()) \
        .filter(pl.col("_pub"))
    n = uit.group_by("_o_a", "_o_g", "_weg", maintain_order=True) \
        .agg(pl.struct("kenmerk", "groep").unique(maintain_order=True).alias("_leden"), pl.col("_npub").all()) \
        .filter(pl.col("_npub"))
    return ([(s, (s, ko, go) if ko else None, [sleutels[r] for r in leden])
             for s, ko, go, _, leden, _ in x.iter_rows()],
            [((ko, go) if ko else None, [(d["kenmerk"], d["groep"]) for d in leden])
             for ko, go, _, leden, _ in n.iter_rows()])


def test_published_sums_of_cells_of_one_to_four_attributes_are_those_of_the_list_definition():
    """The sums that secondary suppression closes over, for cells of one to four attributes (four go through the
    general path), with every cell of some combinations published and of others only a few: exactly the sums, members
    and order of the definition through lists."""
    import itertools
    waarden = {"a": ["a1", "a2"], "b": ["b1", "b2", "b3"], "c": ["c1", "c2"], "d": ["d1", "d2"]}
    rijen = []
    for m in range(1, 5):
        for combi in itertools.combinations("abcd", m):
            for groep in itertools.product(*(waarden[k] for k in combi)):
                for stap in (1, 2):
                    rijen.append({"stap_nr": stap, "kenmerk": "×".join(combi), "groep": " × ".join(groep),
                                  "n": 40 + len(rijen) % 7, "x": len(rijen) % 13})
    cellen = pl.DataFrame(rijen)
    gepubliceerd = {(r["stap_nr"], r["kenmerk"], r["groep"]) for r in rijen
                    if r["kenmerk"] in ("a", "b", "a×b", "a×b×c", "a×b×c×d") or r["groep"].startswith("a1")}
    od = Onderdrukking(cellen, gepubliceerd, {1: 30, 2: 20}, 100, 10)
    x, n = od._sommen()
    assert (x, n) == _sommen_met_lijsten(od)
    assert {len(ouder[1].split("×")) if ouder else 0 for _, ouder, _ in x} == {0, 1, 2, 3}  # every arity has sums
