// Exit codes shared by every command (documented in docs/cli.md), and the error for a mistaken call.

export const EXIT = {
  ok: 0,
  /** Policy errors, a failed operation, or a rolled-back change. */
  failure: 1,
  /** `plan --detailed-exitcode`: the change is non-empty. */
  changes: 2,
  /** Wrong arguments or options. */
  usage: 64,
} as const;

/** A mistake in how a command was called: reported without a stack, exit code 64. */
export class UsageError extends Error {}

/** A failure the user can act on (missing file, unreachable server): reported without a stack, exit 1. */
export class CommandError extends Error {}
