package assets

import "embed"

// Guide holds the text shown above each wizard step: guide/<step id>.md.
//
//go:embed guide/*.md
var Guide embed.FS
