import { spawn } from 'node:child_process';

/** How often a long step says it is still running. */
const progressEveryMs = 10_000;
/** How much of a failed step's output its error keeps. */
const tailLines = 20;

export interface StepResult {
  readonly status: number | null;
  /** The last lines the command printed (stdout and stderr together). */
  readonly tail: string;
  readonly seconds: number;
}

/**
 * Runs one build step as a child process, saying every 10 s that it is still running and for how
 * long (apt and npm can be silent for a minute), and keeps the end of its output for an error.
 */
export async function runStep(
  label: string,
  command: string,
  args: readonly string[],
  say: (line: string) => void,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<StepResult> {
  const started = Date.now();
  say(`${label}…`);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    // Only the tail matters; cutting here keeps a chatty apt from growing the buffer.
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setInterval(() => {
    say(`${label}: still running (${elapsed(started)})`);
  }, progressEveryMs);
  try {
    const status = await new Promise<number | null>((resolve) => {
      child.on('error', (error) => {
        output += `\n${error.message}`;
        resolve(null);
      });
      child.on('close', resolve);
    });
    const seconds = (Date.now() - started) / 1000;
    if (status === 0) say(`${label}: done in ${seconds.toFixed(1)}s`);
    return { status, tail: output.trimEnd().split('\n').slice(-tailLines).join('\n'), seconds };
  } finally {
    clearInterval(timer);
  }
}

export const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(0)}s`;
