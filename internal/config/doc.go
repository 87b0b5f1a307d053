// Package config is the saved setup: Setup (setup.json) and Secrets (the OS
// keyring or secrets.json, mode 0600), the Store that loads and saves them
// atomically, the Secret type that never prints itself, and the errors a
// save can meet. It knows nothing of the wizard, the commands or the
// terminal: doctor, rotate, teardown and workshop import it, not steps.
package config
