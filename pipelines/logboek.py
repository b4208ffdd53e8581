"""`systeemanalyse logboek`: the werkmap's access log (kern.logboek), as text or JSON lines."""
from __future__ import annotations

import json
import sys

from kern import logboek


def main(args) -> int:
    if not args.werkmap.is_dir():
        print(f"systeemanalyse logboek: fout: werkmap {args.werkmap} bestaat niet", file=sys.stderr)
        return 2
    regels = logboek.lees(args.werkmap)
    if args.json:
        for r in regels:
            print(json.dumps(r, ensure_ascii=False))
    else:
        print(logboek.als_tekst(regels))
    return 0
