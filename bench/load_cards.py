#!/usr/bin/env python
"""Card tokens for the load test's migrants: ``token,last4`` of cards of people present, drawn
at random (``bench/locustfile.py`` reads them from LOAD_CARDS).

    DATABASE_URL=… SECRET_KEY=… .venv/bin/python bench/load_cards.py --count 500 [--seed 2026]

The demo's card secrets are not stored but reproducible from the seed of ``flask seed-demo``
(``services.demo.county.card_secrets``); only those that match a card's keyed hash (so the
SECRET_KEY or CARD_KEY is the seeding one) are written. The file holds secrets: it is
written with mode 0600 under the git-ignored bench/results/."""
from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026, help="the seed of flask seed-demo")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load-cards.csv"))
    args = parser.parse_args()
    from sqlalchemy import bindparam, text

    from app import create_app
    from app.extensions import db
    from card_page import draw_tokens

    app = create_app()
    tokens, _ = draw_tokens(app, args.seed, args.count, random.Random(17))
    from app.services.cards.issuing import token_digest
    with app.app_context():
        query = text("SELECT c.token_hash, p.id_number FROM card c JOIN person p ON p.id = c.person_id "
                     "WHERE c.token_hash IN :h").bindparams(bindparam("h", expanding=True))
        digests = {t: token_digest(t) for t in tokens}
        rows = db.session.execute(query, {"h": list(digests.values())}).all()
    last4 = {h: n[-4:] for h, n in rows if n}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{t},{last4[digests[t]]}" for t in tokens if digests[t] in last4]
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} cards to {out}")


if __name__ == "__main__":
    main()
