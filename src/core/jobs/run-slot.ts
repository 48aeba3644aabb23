/**
 * What a run of a GeoJob is for: a scheduled slot, the job's spec (a job without schedule runs
 * once per spec), or a request to run now. The slot is the run's identity: it is written on the
 * run's service (io.kargo.run-slot) and in its name, so a slot is never run twice, and the engine
 * itself says, after a restart, which slot ran last.
 */
export type RunSlot =
  | { readonly kind: 'scheduled'; readonly at: Date }
  | { readonly kind: 'spec'; readonly specHash: string }
  | { readonly kind: 'manual'; readonly at: Date };

const specPrefix = 'spec-';
const manualPrefix = 'manual-';
/** Hex digits of the spec hash in a spec slot's label and name: enough to tell specs apart. */
const specHashDigits = 14;

/** The label text of a slot: an ISO time, `spec-<hash>` or `manual-<ISO time>`. */
export function formatRunSlot(slot: RunSlot): string {
  switch (slot.kind) {
    case 'scheduled':
      return slot.at.toISOString();
    case 'spec':
      return `${specPrefix}${slot.specHash.slice(0, specHashDigits)}`;
    case 'manual':
      return `${manualPrefix}${slot.at.toISOString()}`;
  }
}

/** The slot a label holds; undefined for a label Kargo did not write. */
export function parseRunSlot(text: string | undefined): RunSlot | undefined {
  if (text === undefined) return undefined;
  if (text.startsWith(specPrefix)) return { kind: 'spec', specHash: text.slice(specPrefix.length) };
  const manual = text.startsWith(manualPrefix);
  const at = new Date(manual ? text.slice(manualPrefix.length) : text);
  if (Number.isNaN(at.getTime())) return undefined;
  return manual ? { kind: 'manual', at } : { kind: 'scheduled', at };
}

/** Whether a slot is the run of this spec hash. */
export function isSpecSlot(slot: RunSlot | undefined, specHash: string): boolean {
  return slot?.kind === 'spec' && specHash.startsWith(slot.specHash);
}

/**
 * `<namespace>_<name>-<stamp>`: the stamp is 15 characters (runNameSuffixLength counts the dash
 * too): `s` and 14 digits of the slot's time in UTC to the second for a scheduled slot (a cron
 * schedule has no finer slots), `m` and the request's Unix time in milliseconds as 14 hex digits
 * for a manual run (two requests in one second are two runs), `h` and 14 hex digits of the spec
 * hash for a spec's run.
 */
export function runServiceName(namespace: string, name: string, slot: RunSlot): string {
  return `${namespace}_${name}-${runStamp(slot)}`;
}

function runStamp(slot: RunSlot): string {
  switch (slot.kind) {
    case 'scheduled':
      return `s${slot.at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
    case 'manual':
      return `m${slot.at.getTime().toString(16).padStart(14, '0')}`;
    case 'spec':
      return `h${slot.specHash.slice(0, specHashDigits)}`;
  }
}
