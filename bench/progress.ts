/** Progress lines on stderr, so that stdout carries only the report. */
export type Say = (line: string) => void;

const started = performance.now();

/** Writes `[bench +12.3s] line` to stderr. */
export const say: Say = (line) => {
  process.stderr.write(`[bench +${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
};
