package assets

import "embed"

// Express holds the Express starter (the guide's app with @logto/express), under "express/".
// A file named "dot-NAME" is written as ".NAME"; a name ending in ".tmpl" is a text/template the
// writer fills in and writes without that suffix ("dot-env.tmpl" becomes ".env").
//
//go:embed express
var Express embed.FS
