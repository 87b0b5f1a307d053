package assets

import "embed"

// Demo holds the html/template pages of the demo sign-in server, under "demo/".
//
//go:embed demo
var Demo embed.FS
