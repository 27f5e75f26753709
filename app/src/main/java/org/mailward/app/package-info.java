/**
 * The command line (picocli): {@code mailward spf|verify|dkim|check|records|reports|serve...}. The top layer: it may
 * use every other layer and none uses it. The machine-readable output of each command is a contract
 * (shared CLI.md, docs/cli.md): field names, exit codes (0 done, 1 internal error, 2 usage or configuration error,
 * 3 for {@code --fail-on}), and the {@code --zone}, {@code --resolver}, {@code --at}, {@code --data} options.
 */
package org.mailward.app;
