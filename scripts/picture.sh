#!/usr/bin/env bash
# Renders docs/wizard.svg from the real program: runs `logto-twilio --sandbox`
# under tmux at 90×34, answers up to the sign-in experience step, captures the
# screen with its colours, and draws it with charmbracelet/freeze.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "picture: needs tmux" >&2; exit 1; }
bin="$(mktemp -d)/logto-twilio"
go build -o "$bin" ./cmd/logto-twilio
sock="picture-$$"
dir="$(mktemp -d)"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
tmux -L "$sock" new-session -d -s w -x 90 -y 34 \
	"env TERM=xterm-256color COLORTERM=truecolor $bin --sandbox --no-browser --port 3919 --config-dir $dir; sleep 600"
wait_for() {
	for _ in $(seq 100); do
		tmux -L "$sock" capture-pane -p -t w | grep -q "$1" && return 0
		sleep 0.1
	done
	echo "picture: never saw $1" >&2
	tmux -L "$sock" capture-pane -p -t w >&2
	exit 1
}
wait_for "Step 1/14"
tmux -L "$sock" send-keys -t w y
for step in "Step 2/14" "Step 3/14" "Step 4/14" "Step 5/14" "Step 6/14" "Step 7/14" "Step 8/14" "Step 10/14"; do
	wait_for "$step"
	case "$step" in
	"Step 4/14" | "Step 6/14") tmux -L "$sock" send-keys -t w Enter Enter ;;
	*) tmux -L "$sock" send-keys -t w Enter ;;
	esac
done
wait_for "Apply these changes"
tmux -L "$sock" capture-pane -e -p -t w >"$dir/pane.ans"
go run github.com/charmbracelet/freeze@v0.2.2 -l ansi --window -o docs/wizard.svg "$dir/pane.ans"
