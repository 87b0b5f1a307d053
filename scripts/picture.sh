#!/usr/bin/env bash
# Renders docs/wizard.svg from the real program: runs `logto-twilio --sandbox`
# under tmux at 90×34, answers the forms that need an answer up to the
# sign-in experience step, captures the screen with its colours, and draws it
# with charmbracelet/freeze.
#
#   scripts/picture.sh          build, drive, render docs/wizard.svg
#   scripts/picture.sh --check  drive only (tmux, no rendering): fails, naming
#                               the screen it waited for, when the wizard's
#                               screens no longer match (TestE2EPictureScript)
#
# LOGTO_TWILIO_BIN: a built binary to drive instead of building one;
# LOGTO_TWILIO_PICTURE_PORT: the demo server's port (default 3919).
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
case "${1:-}" in
--check) check=true ;;
"") ;;
*)
	echo "picture: unknown argument $1 (usage: scripts/picture.sh [--check])" >&2
	exit 2
	;;
esac

hints=()
command -v tmux >/dev/null || hints+=("tmux: sudo apt-get install tmux")
if [ -z "${LOGTO_TWILIO_BIN:-}" ] || ! $check; then
	# go builds the program and runs freeze (a pinned module: go run fetches
	# it into the module cache, as the other make targets' tools).
	command -v go >/dev/null || hints+=("Go 1.26.7 or newer: https://go.dev/dl/")
fi
if [ ${#hints[@]} -gt 0 ]; then
	echo "picture: missing tools; install them, then run make picture again:" >&2
	printf '  %s\n' "${hints[@]}" >&2
	exit 1
fi

dir="$(mktemp -d)"
sock="picture-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
bin="${LOGTO_TWILIO_BIN:-}"
if [ -z "$bin" ]; then
	bin="$dir/logto-twilio"
	go build -o "$bin" ./cmd/logto-twilio
fi
port="${LOGTO_TWILIO_PICTURE_PORT:-3919}"
tmux -L "$sock" -f /dev/null new-session -d -s w -x 90 -y 34 \
	"env TERM=xterm-256color COLORTERM=truecolor $(printf '%q ' "$bin" --sandbox --no-browser --port "$port" --config-dir "$dir/config"); echo EXIT=\$?; sleep 600"

screen() { tmux -L "$sock" capture-pane -p -t w; }

# wait_until NAME TEST: polls the screen (for up to 30 s) until the shell
# function TEST holds for it, or fails showing the last screen.
wait_until() {
	local s
	for _ in $(seq 300); do
		s="$(screen)"
		if "$2" "$s"; then return 0; fi
		case "$s" in *EXIT=*) break ;; esac
		sleep 0.1
	done
	echo "picture: never saw $1; the screen shows:" >&2
	screen >&2
	exit 1
}

# A step waits for an answer when its form shows: a focused field ("┃ ")
# below the step's title. Steps whose prefilled answers check out run on
# their own, so only these need keys.
title=""
form_of_title() { local rest="${1#*"$title"}"; [ "$rest" != "$1" ] && case "$rest" in *$'\n┃ '*) true ;; *) false ;; esac; }
answer() {
	title="$1"
	wait_until "the form of \"$1\"" form_of_title
	shift
	tmux -L "$sock" send-keys -t w "$@"
}

answer "Step 1/14 · Welcome" y
answer "Step 8/14 · SMS templates" Enter # use the default texts
title="Step 11/14 · Sign-in experience"
apply_form() { form_of_title "$1" && case "$1" in *"┃ Apply these changes"*) true ;; *) false ;; esac; }
wait_until "the form of \"$title\" asking \"Apply these changes\"" apply_form
tmux -L "$sock" capture-pane -e -p -t w >"$dir/pane.ans"
if $check; then
	echo "picture: the wizard reached \"$title\" as expected"
	exit 0
fi
go run github.com/charmbracelet/freeze@v0.2.2 -l ansi --window -o docs/wizard.svg "$dir/pane.ans"
