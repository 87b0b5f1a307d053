// Package steps holds the wizard's guide steps, one per file, and the state
// they pass along: Setup (no secrets, setup.json), Secrets (secrets.json,
// mode 0600) and the Store that saves both atomically after each step.
//
// Steps talk to the outside only through the small interfaces in deps.go
// (Logto, Twilio, Demo, Opener, Clipboard), so each is tested with
// hand-written fakes. Their I/O happens in Load and Execute; they write the
// shared State only in the Commit (or apply) funcs the tui runner calls on
// its UI goroutine.
//
// # Adding a step
//
//  1. Write steps/<id>.go with a type embedding base (ID, Title, Guide from
//     assets/guide/<id>.md, Skip on resume) and the tui.Step methods.
//  2. Form returns a NEW huh form bound to the step's draft fields; use
//     tui.SecretInput for secrets and put every check in the fields'
//     Validate, so bad input never reaches a call.
//  3. Execute validates again, does the I/O through Deps, and returns
//     s.result(summary, commit): the summary is one secret-free line (more
//     lines go in Result.Details); commit writes State. Live status goes
//     to the view with tui.Report(ctx, text). A failure returns a *Problem
//     (what + what to do next) built with problem() or explain(), never a
//     secret; explain branches on the clients' typed errors (their
//     Explain), never on error text.
//  4. Optional interfaces: tui.Loader to fetch what the form needs,
//     tui.Waiter for the waiting text, tui.Actioner for extra keys (open a
//     Console page, copy a URI; see base.openAction), tui.Timeouter,
//     tui.Optional (skippable on failure).
//
// Texts never name a key: hints, guides, waiting texts and validation
// messages say {key:edit}, {key:retry}, {key:back}, {action:open}… and the
// runner renders the key, or in plain mode the matching choice or the URL
// (tui.Renderer; validation messages through tui.FormEnv.Render). The
// TestHints golden shows every such text in both runners.
//
// Files: base.go holds the shared base and validators, problem.go the
// user-facing errors, demohost.go the owner of the demo server (Deps.Demos,
// closed by cmd), one file per step.
//  5. Write assets/guide/<id>.md (a few lines: it must fit 80×24 with the
//     form) and add the step to All in guide order.
//  6. Tests: every error path with fakes (steps_test.go), and a frame golden
//     at 80×24 (frames_test.go, `go test ./steps -update`).
package steps
