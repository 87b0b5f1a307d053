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
//     s.result(summary, commit): the summary is one secret-free line; commit
//     writes State. A failure returns a *Problem (what + what to do next)
//     built with problem() or explain(), never a secret.
//  4. Optional interfaces: tui.Loader to fetch what the form needs,
//     tui.Waiter for the spinner text, tui.Actioner for alt+ keys (open a
//     Console page, copy a URI), tui.Timeouter, tui.Optional (skippable on
//     failure).
//  5. Write assets/guide/<id>.md (a few lines: it must fit 80×24 with the
//     form) and add the step to All in guide order.
//  6. Tests: every error path with fakes (steps_test.go), and a frame golden
//     at 80×24 (frames_test.go, `go test ./steps -update`).
package steps
