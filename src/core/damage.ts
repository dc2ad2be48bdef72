/**
 * Why `check` refuses (the message of the error of class `kind` it throws), or undefined when it passes; any other
 * error is thrown on. For the sections of a saved index (names, file table) that are checked whole only before
 * something uses all of them, so that a caller can say what is damaged and read the logs again.
 */
export function damageOf(check: () => void, kind: abstract new (...args: never[]) => Error): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof kind) return error.message;
    throw error;
  }
}
