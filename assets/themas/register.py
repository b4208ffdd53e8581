"""The four theme controls; theme ids are fixed (domain.md)."""
from assets.themas import huisvesting_bezetting, huisvesting_kostendelers, vermogen_bank, vermogen_voertuigen
from assets.themas.kader import Thema

THEMAS: dict[str, Thema] = {t.id: t for t in (vermogen_voertuigen.THEMA, vermogen_bank.THEMA,
                                               huisvesting_bezetting.THEMA, huisvesting_kostendelers.THEMA)}
