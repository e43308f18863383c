#!/usr/bin/env bash
# System packages the browser tests and the plots need, installed from Debian when missing:
#   chromium        headless browser for tests/test_browser.py (the network views)
#   fonts-noto-cjk  CJK font so matplotlib plots and Chromium draw Chinese labels, not tofu
#                   (and the font embedded in evidence packs' report.pdf)
#   poppler-utils   pdftotext/pdffonts for the evidence-pack tests (not with --fonts-only)
# Run by `make test` (CI runs as root) and, with --fonts-only, by `make lab` and `make demo`
# (whose evidence pack embeds the CJK font in its PDF). Without root or apt it prints what
# to install and exits 0: the browser tests then skip with that reason (they fail under
# CI=true), plots fall back to a font without Chinese glyphs (with a warning), and the
# evidence export stops with a one-line error naming the font to install.
set -euo pipefail

want=()
if [ "${1:-}" != "--fonts-only" ]; then
    command -v chromium >/dev/null 2>&1 || want+=(chromium)
    # pdftotext/pdffonts: tests/test_evidence.py reads the evidence packs' report.pdf.
    command -v pdftotext >/dev/null 2>&1 || want+=(poppler-utils)
fi
# fc-list ':lang=zh' lists fonts covering Chinese; fontconfig comes with chromium anyway.
if ! (command -v fc-list >/dev/null 2>&1 && fc-list ':lang=zh' family | grep -q .); then
    want+=(fonts-noto-cjk)
fi
if [ ${#want[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "system-deps: not root; install these for browser tests and CJK plots: ${want[*]}" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: no apt-get; install these by hand: ${want[*]}" >&2
    exit 0
fi
echo "system-deps: installing ${want[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
