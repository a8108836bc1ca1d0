# Shared by the project's shell scripts (sourced, not run).

# On some sandboxes /dev/null is a plain file, not the null device: everything a
# build script sends there (e.g. the stderr of a `#![feature]` probe) piles up in
# it, and cargo's target probe (`rustc -` with stdin from /dev/null) then compiles
# that text and fails ("failed to run `rustc` to learn about target-specific
# information"). Empty it before each cargo run so that the probe reads nothing.
clear_devnull() {
  if [ -f /dev/null ] && [ -w /dev/null ]; then : >/dev/null; fi
}
