#!/bin/bash
# The same scenario as bank-style exports and as a platform's exports: simulate, ingest
# (built-in synonyms only), detect, evaluate; prints ingest time and ring metrics per style.
#   benchmarks/compare_export_styles.sh COMPLAINTS SEED [CAMOUFLAGE]
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.venv/bin/python; RG=$ROOT/.venv/bin/ringgraph
N=$1; SEED=$2; CAMO=${3:-0.5}
WORK=$(mktemp -d -t ringgraph-styles-XXXXXX)   # everything goes here; nothing else is touched
echo "outputs in $WORK"
for style in bank platform; do
  d=$WORK/$style
  "$PY" -c "
from pathlib import Path
from simulator import ScenarioConfig, simulate
simulate(ScenarioConfig(complaints=$N, seed=$SEED, camouflage=$CAMO, export_style='$style'),
         Path('$d'))"
  t0=$(date +%s.%N)
  "$RG" ingest "$d" --db "$d.duckdb" > "$d.ingest.txt" 2>/dev/null; rc=$?
  echo "$style ingest rc=$rc $("$PY" -c "print(round($(date +%s.%N) - $t0, 1))") s"
  "$RG" detect --db "$d.duckdb" --out "$d-res" > /dev/null 2>&1
  echo "$style: $("$RG" evaluate --truth "$d" --rings "$d-res/rings.csv" 2>/dev/null \
                  | grep 'ring precision')"
done
