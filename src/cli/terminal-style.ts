/** ANSI styling for terminals; identity functions when output is not a TTY (or NO_COLOR is set). */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

const sgr = (code: number, text: string): string => `\u001b[${code}m${text}\u001b[0m`;

export function paint(colour: boolean): Style {
  if (!colour) {
    const plain = (text: string): string => text;
    return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };
  }
  return {
    bold: (text) => sgr(1, text),
    dim: (text) => sgr(2, text),
    red: (text) => sgr(31, text),
    green: (text) => sgr(32, text),
    yellow: (text) => sgr(33, text),
  };
}
