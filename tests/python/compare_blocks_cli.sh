#!/bin/bash
# By-hand comparison of the blocks CLI scenario with Prefect's own server: run against each API URL, diff the outputs.
# Usage: compare_blocks_cli.sh <api url>  (run from tests/python, with $PYTHON_PREFECT_VENV set)
export PREFECT_API_URL=$1 COLUMNS=200
P=$PYTHON_PREFECT_VENV/bin
run() { echo "### $*"; "$@" 2>&1 | sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<ID>/g; s/127\.0\.0\.1:[0-9]+/HOST/g; s/[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}/<T>/g; s/Flow run .[a-z]+-[a-z]+./Flow run X/g'; echo "rc=${PIPESTATUS[0]}"; }
run $P/prefect block register -m prefect.blocks.system
run $P/prefect block register -m prefect.blocks.notifications
run $P/python secret_block.py
run $P/prefect block ls
run $P/prefect block inspect secret/my-secret
run $P/prefect block type ls
run $P/prefect block type inspect secret
run $P/prefect block type delete secret
run $P/prefect block delete secret/my-secret
run $P/prefect block ls
run $P/prefect block inspect secret/my-secret
run $P/prefect block inspect no-such-type/x
run $P/prefect block type inspect no-such-type
