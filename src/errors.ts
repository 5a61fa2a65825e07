/** An error the CLI edge turns into `Error: <message>` and an exit code. */
export class ClaimwatchError extends Error {
  constructor(
    message: string,
    /** 1 runtime failure, 2 usage or bad input. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from the user: exit 2, nothing written. */
export class UsageError extends ClaimwatchError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A source file that is not what it claims to be; names the record and what is wrong. */
export class ParseError extends ClaimwatchError {
  constructor(message: string) {
    super(message, 1);
  }
}
