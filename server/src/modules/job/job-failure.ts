/** A job failure the operator can act on: its message (Chinese) is shown on the job (`result.error`). */
export class JobFailure extends Error {}
