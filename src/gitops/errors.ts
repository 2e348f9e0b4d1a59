// A GitOps step that failed in a way the user can act on (no such ref, refused token, dirty tree):
// the CLI reports the message without a stack and exits 1.
export class GitOpsError extends Error {}
