package assets

import "embed"

// Express holds the Express starter (the guide's app with @logto/express), under "express/".
// A file named "dot-NAME" is written as ".NAME"; in a name ending in ".tmpl" the writer replaces
// each "{{.Field}}" marker (Endpoint, AppID, AppSecret, BaseURL, SessionSecret, Rerun, RerunJS; any
// other marker is an error) and writes it without that suffix ("dot-env.tmpl" becomes ".env").
//
//go:embed express
var Express embed.FS
