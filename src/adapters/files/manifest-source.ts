import { realpath } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { ManifestSet } from '../../core/manifest/manifest-set.js';
import { revisionWithValues } from '../../core/source-revision.js';
import { describeError } from '../../errors.js';
import { gitCheckoutOf, revisionOf } from '../git/git-revision.js';
import type { ManifestLoader } from './manifest-loader.js';

/** One read of the whole manifests directory. */
export interface SourceRead {
  readonly set: ManifestSet;
  /** The git commit when the directory is a checkout, else a hash of the files; `+values.<hash>` with values. */
  readonly revision: string;
  /** When the read was triggered, in performance.now() milliseconds. */
  readonly triggeredAt: number;
}

export interface ManifestSourceOptions {
  /** Quiet time after the last file event before the directory is read again. */
  readonly debounceMs: number;
  /** How often to check whether the directory (a symlink, git-sync style) points somewhere new. */
  readonly relinkCheckMs: number;
  /** Values files the loader reads (they may live outside the directory): a change of one is a change of the source. */
  readonly valuesFiles?: readonly string[];
}

/**
 * Watches a manifests directory and hands over whole reads of it: after a burst of file events
 * has settled, after the directory's symlink was swapped to a new checkout, and on demand.
 * Reads never overlap; a change during a read triggers one more read.
 */
export class ManifestSource {
  private watcher: FSWatcher | undefined;
  private valuesWatcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private relinkTimer: NodeJS.Timeout | undefined;
  private target = '';
  private reading: Promise<void> | undefined;
  private rereadWanted = false;
  private firstEventAt: number | undefined;
  private stopped = false;
  /** Callers of schedule() waiting for the read their call leads to. */
  private waiters: (() => void)[] = [];

  constructor(
    readonly root: string,
    private readonly load: ManifestLoader,
    private readonly onRead: (read: SourceRead) => void,
    private readonly onError: (message: string) => void,
    private readonly options: ManifestSourceOptions,
  ) {}

  /** Starts watching, then reads once: a change made meanwhile is in the read or fires an event. */
  async start(): Promise<SourceRead> {
    this.target = await realpath(this.root);
    await Promise.all([this.watchTarget(), this.watchValues()]);
    const first = await this.readOnce(performance.now());
    this.relinkTimer = setInterval(() => void this.checkRelink(), this.options.relinkCheckMs);
    this.relinkTimer.unref();
    return first;
  }

  /** One read without watching (for `run --once`). */
  async readNow(): Promise<SourceRead> {
    return this.readOnce(performance.now());
  }

  /** Reads the directory now and hands the read over (for resyncs and refresh requests). */
  async refresh(): Promise<void> {
    await this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const resolve of this.waiters.splice(0)) resolve();
    clearInterval(this.relinkTimer);
    await Promise.all([this.watcher?.close(), this.valuesWatcher?.close()]);
    await this.reading;
  }

  /** Watches the resolved directory (a git-sync symlink swap is caught by checkRelink); resolves once the watch is armed. */
  private async watchTarget(): Promise<void> {
    // Loaded only to watch: `run --once`, `validate` and `diff` never need it.
    const { watch } = await import('chokidar');
    const watcher = watch(this.target, {
      ignoreInitial: true,
      followSymlinks: true,
      ignored: (path: string) => path !== this.target && basename(path).startsWith('.'),
    });
    this.watcher = watcher;
    watcher.on('all', () => void this.schedule(this.options.debounceMs));
    watcher.on('error', (error: unknown) => this.onError(`watching ${this.root} failed: ${describeError(error)}`));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  /** Watches the values files themselves (an editor's replace-by-rename included); resolves once armed. */
  private async watchValues(): Promise<void> {
    const files = this.options.valuesFiles ?? [];
    if (files.length === 0) return;
    const { watch } = await import('chokidar');
    const watcher = watch([...files], { ignoreInitial: true, followSymlinks: true });
    this.valuesWatcher = watcher;
    watcher.on('all', () => void this.schedule(this.options.debounceMs));
    watcher.on('error', (error: unknown) => this.onError(`watching the values files failed: ${describeError(error)}`));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  private async checkRelink(): Promise<void> {
    let target: string;
    try {
      target = await realpath(this.root);
    } catch (error) {
      this.onError(`${this.root} cannot be resolved: ${describeError(error)}`);
      return;
    }
    if (target === this.target || this.stopped) return;
    // Set before the awaits below: the next timer tick then sees no change and leaves it to us.
    this.target = target;
    await this.watcher?.close();
    await this.watchTarget();
    await this.schedule(0);
  }

  /**
   * Reads after `delayMs` of quiet. Every caller waits for that read, also when a later call moves
   * the timer: a refresh request or the resync loop would otherwise wait for ever.
   */
  private schedule(delayMs: number): Promise<void> {
    this.firstEventAt ??= performance.now();
    clearTimeout(this.timer);
    const settled = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.timer = setTimeout(() => {
      const waiting = this.waiters.splice(0);
      void this.readSettled().then(() => {
        for (const resolve of waiting) resolve();
      });
    }, delayMs);
    return settled;
  }

  private async readSettled(): Promise<void> {
    if (this.stopped) return;
    if (this.reading !== undefined) {
      this.rereadWanted = true;
      return this.reading;
    }
    const triggeredAt = this.firstEventAt ?? performance.now();
    this.firstEventAt = undefined;
    this.reading = this.readOnce(triggeredAt)
      .then((read) => {
        if (!this.stopped) this.onRead(read);
      })
      .catch((error: unknown) => this.onError(`reading ${this.root} failed: ${describeError(error)}`))
      .finally(() => {
        this.reading = undefined;
      });
    await this.reading;
    if (this.rereadWanted) {
      this.rereadWanted = false;
      await this.schedule(0);
    }
  }

  private async readOnce(triggeredAt: number): Promise<SourceRead> {
    const [set, checkout] = await Promise.all([this.load([this.root]), gitCheckoutOf(this.root)]);
    return { set, revision: revisionWithValues(revisionOf(checkout, set.contentRevision), set.valuesRevision), triggeredAt };
  }
}
