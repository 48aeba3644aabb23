import { Writable } from 'node:stream';

/**
 * Turns Kargo's JSON log lines into short human lines for the demo's terminal:
 * `12:04:31  info  geo/geoserver configured (TaskTemplate.ContainerSpec.Env[RESPONSE])`.
 */
export function humanLogStream(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        write(humanLine(line));
      }
      done();
    },
  });
}

export function humanLine(json: string): string {
  try {
    const entry = JSON.parse(json) as { time?: string; level?: string; msg?: string; fields?: unknown };
    const time = entry.time?.slice(11, 19) ?? '';
    const fields = Array.isArray(entry.fields) && entry.fields.length > 0 ? ` (${entry.fields.map(String).join(', ')})` : '';
    return `${time}  ${(entry.level ?? '').padEnd(5)}  ${entry.msg ?? ''}${fields}`;
  } catch {
    return json;
  }
}
