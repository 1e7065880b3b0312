/** The error an `/api/...` route throws to answer with an HTTP status and a code. Leaf file. */

/** An error a route throws to answer with that status and code (`{ error: { code, message } }`). */
export class ApiError extends Error {
  /**
   * @param status - The HTTP status.
   * @param code - The `code` of the error body.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
