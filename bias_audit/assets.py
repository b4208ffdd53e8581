"""PLACEHOLDER — being replaced by the bias-audit work (issue 5). Signature is fixed."""
import dagster as dg

from assets.themas.kader import Thema
from pipelines.partities import PEILDATUM


def bias_asset(thema: Thema) -> dg.AssetsDefinition:
    """Dagster asset `bias_<thema>` (depends on `trechter_<thema>`), with a blocking-severity check."""

    @dg.asset(name=f"bias_{thema.id}", group_name="bias_audit", partitions_def=PEILDATUM,
              deps=[dg.AssetKey(f"trechter_{thema.id}")])
    def _bias(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"status": "placeholder"})

    return _bias
