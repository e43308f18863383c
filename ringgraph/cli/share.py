"""``ringgraph share``: a lender's store → a share pack of keyed pseudonyms (issue 17)."""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (UserError, allow_incomplete_option, cli, db_option, default_db,
                               open_store, progress, require_complete,
                               store_kind as resolve_kind, store_option)


@cli.command()
@db_option
@store_option
@allow_incomplete_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Share pack folder to write.")
@click.option("--institution", default=None,
              help="The sharing lender's name [default: the institution most complaints in "
                   "the store are against].")
@click.option("--tokenise-orgs", is_flag=True,
              help="Also tokenise organisation names (in clear by default: not personal).")
@click.option("--tokenise-documents", is_flag=True,
              help="Also tokenise document hashes and certificate numbers.")
def share(db: str | None, store_kind: str | None, allow_incomplete: bool, out: Path,
          institution: str | None, tokenise_orgs: bool, tokenise_documents: bool) -> None:
    """Write a share pack: complaints with keyed tokens (RINGGRAPH_POOL_KEY) in place of
    every personal identifier, and MinHash signatures in place of texts."""
    from ringgraph.pool.share import write_share_pack
    from ringgraph.pool.tokens import pool_key

    key = pool_key()
    with open_store(db or default_db(), read_only=True, kind=resolve_kind(store_kind)) as store:
        require_complete(store, allow_incomplete)
        if not store.counts().get("Complaint", 0):
            raise UserError("the store holds no complaints: nothing to share; run "
                            "`ringgraph ingest` first")
        manifest = write_share_pack(store, out, key, lender=institution,
                                    tokenise_orgs=tokenise_orgs,
                                    tokenise_documents=tokenise_documents,
                                    progress=progress())
    click.echo(f"share pack of {manifest['lender']}: {manifest['counts']['Complaint']} "
               f"complaints, key fingerprint {manifest['key_fingerprint']}; wrote {out} "
               f"(pack fingerprint {manifest['pack_fingerprint']})")
