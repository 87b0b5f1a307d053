package demo

// ExpressStarterFiles names the files WriteExpressStarter writes (as they are named in the
// folder: ".env", "app.js", …). Content is what a file holds as written, for the files
// written as they are; nil for those filled in with the setup's values (.env, README.md),
// whose content depends on the values. teardown uses it to delete only the starter's own
// files.
func ExpressStarterFiles() (map[string][]byte, error) {
	files, err := renderStarter(ExpressValues{SessionSecret: "x"})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		out[f.name] = f.data
	}
	// The templated files: rendered once more with other values, what differs
	// depends on the values.
	again, err := renderStarter(ExpressValues{Endpoint: "y", AppID: "y", AppSecret: "y", BaseURL: "y", SessionSecret: "y", Rerun: "y"})
	if err != nil {
		return nil, err
	}
	for _, f := range again {
		if string(out[f.name]) != string(f.data) {
			out[f.name] = nil
		}
	}
	return out, nil
}
