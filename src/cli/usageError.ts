/** A mistake in the command line: reported without a stack trace, exit code 2. */
export class UsageError extends Error {}
