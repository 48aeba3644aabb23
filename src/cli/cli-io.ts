/** Where a command writes: the process's streams in production, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal that wants colour. */
  readonly colour?: boolean;
}

/** Exit codes every command shares; commands may add their own (diff: 3 = changes pending). */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;
