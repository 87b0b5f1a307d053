// Package release holds only tests: the release pipeline, run the way a
// release runs it. TestE2ERelease runs GoReleaser (.goreleaser.yaml) in
// snapshot mode and checks every archive, the checksums, the Homebrew cask
// and the .deb/.rpm packages, runs the stamped binary and installs the .deb
// with dpkg; TestE2ENpx builds the npm packages from the same snapshot and
// runs them through npx. They take a few minutes (GoReleaser cross-compiles
// six binaries) and are skipped with -short.
package release
