"""The `monitoring` asset after every release: the feedback-loop report, one warning check per theme that
fails when the theme is flagged (it never blocks a list), and the `monitoring` entry of run.json."""
import json

import dagster as dg

from assets import monitoring
from assets.themas.kader import BronNietBeschikbaar
from assets.themas.register import THEMAS
from kern.partities import PEILDATUM, peildatum
from kern.slot import POOL
from kern.resources import Werkomgeving

MAP = "monitoring"
WAARSCHUWING = dg.AssetCheckSeverity.WARN


def _check_specs() -> list[dg.AssetCheckSpec]:
    return [*(dg.AssetCheckSpec(f"trefkans_{t}", asset="monitoring",
                                description=f"{THEMAS[t].titel}: de signalen vinden vaker niet-naleving dan de "
                                            "controlesteekproef, of een van beide groepen is nog te klein om dat te "
                                            "beoordelen. Waarschuwt alleen; houdt geen lijst tegen.")
              for t in THEMAS),
            dg.AssetCheckSpec("onderzoeksgegevens", asset="monitoring",
                              description="Elke regel van onderzoeken.csv telt mee: geen regel in quarantaine.")]


def monitoring_asset(vrijgaven: list) -> dg.AssetsDefinition:
    @dg.asset(name="monitoring", group_name="monitoring", partitions_def=PEILDATUM, pool=POOL,
              kinds={"duckdb", "html", "json"},
              deps=[*vrijgaven, dg.AssetKey("gemeente_onderzoeken"), dg.AssetKey("gemeente_uitkeringen")],
              check_specs=_check_specs(),
              description="Feedbackloop (Actielijn 5): trefkans van signalen tegen de eigen steekproef per thema, "
                          "overlap tussen lijsten en met andere signalen, de indicatoren van het plan per jaar en het "
                          "verloop over de runs. Alleen aantallen: geen BSN, geen pseudoniem.")
    def _monitoring(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        map_ = werkomgeving.uitvoer(p) / MAP
        inst = monitoring.laad_instellingen()
        with werkomgeving.verbind() as con:
            try:
                m = monitoring.bereken(con, p, inst)
            except BronNietBeschikbaar as fout:
                monitoring.verwijder(map_)
                context.log.warning(f"monitoring niet gemaakt: {fout}")
                reden = {"reden": f"niet berekend: {fout}"}
                return dg.MaterializeResult(
                    metadata={"status": "niet_gemaakt", "reden": str(fout)},
                    check_results=[dg.AssetCheckResult(check_name=s.name, passed=False, severity=WAARSCHUWING,
                                                       metadata=reden) for s in _check_specs()])
        paden = monitoring.schrijf(map_, m)
        for t in m.gemarkeerd:
            context.log.warning(f"{t}: gemarkeerd — signalen niet beter dan de steekproef")
        checks = [dg.AssetCheckResult(
            check_name=f"trefkans_{t}", passed=not d["gemarkeerd"], severity=WAARSCHUWING,
            metadata={"trefkans_signalen": d["signalen"]["trefkans"],
                      "trefkans_steekproef": d["steekproef"]["trefkans"],
                      "p": d["p"], "beter_dan_steekproef": d["beter_dan_steekproef"],
                      "noemer_signalen": d["signalen"]["afgerond"] - d["signalen"]["niet_meegewerkt"],
                      "noemer_steekproef": d["steekproef"]["afgerond"] - d["steekproef"]["niet_meegewerkt"]})
            for t, d in m.rapport["themas"].items()]
        checks.append(dg.AssetCheckResult(
            check_name="onderzoeksgegevens", passed=not m.quarantaine, severity=WAARSCHUWING,
            metadata={"quarantaine": dg.MetadataValue.json(m.quarantaine)}))
        return dg.MaterializeResult(
            metadata={"status": "gemaakt", "gemarkeerd": dg.MetadataValue.json(m.gemarkeerd),
                      "rapport": dg.MetadataValue.path(str(paden["html"]))},
            check_results=checks)

    return _monitoring


def monitoring_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """The `monitoring` entry of run.json: where the report is, and which themes are flagged."""
    pad = uitvoer / MAP / "rapport.json"
    if not pad.exists():
        return {"monitoring": {"status": "niet_gemaakt", "json": None, "html": None, "gemarkeerd": []}}
    rapport = json.loads(pad.read_text(encoding="utf-8"))
    return {"monitoring": {"status": "gemaakt", "json": f"{MAP}/rapport.json", "html": f"{MAP}/rapport.html",
                           "gemarkeerd": [t for t, d in rapport["themas"].items() if d["gemarkeerd"]]}}
