#!/usr/bin/env node
// The logto-twilio launcher (the esbuild/Biome pattern): npm installs, beside
// this package, the one optional dependency @logto-twilio/<platform>-<arch>
// whose "os" and "cpu" match this machine; it holds the Go program built for
// it. This script finds that program and runs it with the terminal attached:
// stdin, stdout and stderr are the same, signals reach it, and its exit code
// (or the signal it died of) becomes this process's.
//
// Plain CommonJS, no dependencies, Node 18 or newer.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NAME = 'logto-twilio';
const GO_INSTALL = 'go install github.com/logto-twilio/logto-twilio/cmd/logto-twilio@latest';

// The platforms that have a package: process.platform-process.arch.
const PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

function fail(lines) {
  process.stderr.write(lines.join('\n') + '\n');
  process.exit(1);
}

// binaryPath is the program in this platform's package, or exits with a
// message that says what is missing and how to get it.
function binaryPath() {
  const platform = `${process.platform}-${process.arch}`;
  const pkg = `@logto-twilio/${platform}`;
  if (!PLATFORMS.includes(platform)) {
    fail([
      `${NAME}: there is no npm package of ${NAME} for this platform (${process.platform}, ${process.arch});`,
      `it is built for ${PLATFORMS.join(', ')}.`,
      'Install it with Go instead:',
      `  ${GO_INSTALL}`,
    ]);
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    fail([
      `${NAME}: the program for this platform (${process.platform}, ${process.arch}) is missing: the package ${pkg} is not installed.`,
      `npm installs it with ${NAME} as an optional dependency, unless optional dependencies are left out`,
      '(--no-optional, --omit=optional, or npm_config_omit=optional). Fix it with one of:',
      `  npm install ${NAME}       (again, without --no-optional or --omit=optional; add -g if it was global)`,
      `  ${GO_INSTALL}`,
    ]);
  }
  const bin = path.join(dir, 'bin', process.platform === 'win32' ? `${NAME}.exe` : NAME);
  if (!fs.existsSync(bin)) {
    fail([
      `${NAME}: the package ${pkg} is installed in ${dir}, but its program ${bin} is not there.`,
      `Install ${NAME} again (npm install ${NAME}), or use:`,
      `  ${GO_INSTALL}`,
    ]);
  }
  return bin;
}

// quote quotes s for a POSIX shell when it needs it (as the Go program's
// cmdline.Quote does).
function quote(s) {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) {
    return s;
  }
  return `'${s.replace(/'/g, "'\\''")}'`;
}

function realpath(p) {
  try {
    return fs.realpathSync(p);
  } catch {
    return '';
  }
}

// onPath reports whether the name logto-twilio on PATH runs this script (a
// global install: npm install -g). The node_modules/.bin folders that npm
// puts on PATH while it runs a script do not count: outside that script the
// name is not found.
function onPath() {
  const self = realpath(__filename);
  const names = process.platform === 'win32' ? [`${NAME}.cmd`, `${NAME}.ps1`, NAME] : [NAME];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir || (path.basename(dir) === '.bin' && path.basename(path.dirname(dir)) === 'node_modules')) {
      continue;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      if (!fs.existsSync(p)) {
        continue;
      }
      // The first one found is the one the shell runs: this script (npm
      // links it on Unix), or npm's Windows shim of it, which npm writes
      // beside the global node_modules that holds this package.
      if (process.platform === 'win32') {
        return realpath(path.join(dir, 'node_modules', NAME, 'bin', `${NAME}.js`)) === self;
      }
      return realpath(p) === self;
    }
  }
  return false;
}

// launcherCommand is the command line that runs this launcher again, for the
// command lines the program suggests (LOGTO_TWILIO_LAUNCHER): npm sets
// npm_command=exec for npx and npm exec.
function launcherCommand() {
  if (process.env.npm_command === 'exec') {
    return `npx ${NAME}`;
  }
  if (onPath()) {
    return NAME;
  }
  return `node ${quote(__filename)}`;
}

function main() {
  const bin = binaryPath();
  const env = { ...process.env, LOGTO_TWILIO_LAUNCHER: launcherCommand() };
  const child = childProcess.spawn(bin, process.argv.slice(2), { stdio: 'inherit', env });

  // The terminal sends Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) to the whole
  // foreground process group, so the program gets its own: this process only
  // waits for it. SIGTERM and SIGHUP are sent to this process alone: pass them on.
  const ignore = () => {};
  const forward = (signal) => {
    try {
      child.kill(signal);
    } catch {
      // It has exited already.
    }
  };
  const handlers = { SIGINT: ignore, SIGQUIT: ignore, SIGTERM: forward, SIGHUP: forward };
  const listen = (on) => {
    for (const [signal, handler] of Object.entries(handlers)) {
      if (process.platform === 'win32' && (signal === 'SIGQUIT' || signal === 'SIGHUP')) {
        continue;
      }
      if (on) {
        process.on(signal, handler);
      } else {
        process.removeListener(signal, handler);
      }
    }
  };
  listen(true);

  child.on('error', (err) => {
    listen(false);
    fail([`${NAME}: could not run ${bin}: ${err.message}`, `Install ${NAME} again, or use:`, `  ${GO_INSTALL}`]);
  });
  child.on('exit', (code, signal) => {
    listen(false);
    if (signal) {
      // Die of the same signal, so the shell sees what the program saw
      // (e.g. 130 after SIGINT). Should the signal not end this process
      // (it is ignored, or delivered late), exit as a shell would report it.
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 1000);
      return;
    }
    process.exit(code);
  });
}

main();
