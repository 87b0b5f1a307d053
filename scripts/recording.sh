#!/usr/bin/env bash
# Renders docs/sandbox.svg, the animated recording of a whole
# `logto-twilio --sandbox` run that README shows: TestE2ERecording
# (cmd/logto-twilio/pictures_e2e_test.go) drives the real program under tmux
# at 90×34, signs in through the demo page with headless Chromium, and writes
# the screens it saw as an asciicast; svg-term-cli draws that as an animated
# SVG. Without -recording the same test runs in CI, so the recording's
# sequence of answers breaks a test when the wizard's screens change.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=() hints=()
command -v go >/dev/null || hints+=("Go 1.26.7 or newer: https://go.dev/dl/")
command -v tmux >/dev/null || missing+=(tmux)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v svg-term >/dev/null; then
	command -v npm >/dev/null || missing+=(npm)
	hints+=("svg-term-cli 2.1.1: npm install -g svg-term-cli@2.1.1")
fi
if [ ${#missing[@]} -gt 0 ]; then
	hints=("${missing[*]}: sudo apt-get install ${missing[*]}" "${hints[@]}")
fi
if [ ${#hints[@]} -gt 0 ]; then
	echo "recording: missing tools; install them, then run make recording again:" >&2
	printf '  %s\n' "${hints[@]}" >&2
	exit 1
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# CI=true: the end-to-end test fails, rather than skips, when a tool is missing.
CI=true go test -count=1 -run '^TestE2ERecording$' ./cmd/logto-twilio -args -recording="$dir/sandbox.cast"
svg-term --in "$dir/sandbox.cast" --out docs/sandbox.svg --window --no-cursor
echo "recording: wrote docs/sandbox.svg ($(wc -c <docs/sandbox.svg) bytes)"
