import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { findEngineLeftovers, type EngineLayout } from '../../src/sandbox/engine-teardown.js';
import { startPrivateEngine } from '../../src/sandbox/private-engine.js';
import { waitFor } from '../support/swarm.js';

describe('a private engine', () => {
  it('runs beside the test swarm and leaves nothing behind when stopped', async () => {
    const engine = await startPrivateEngine();
    try {
      expect(existsSync(engine.socketPath)).toBe(true);
      expect(findEngineLeftovers(engine).length).toBeGreaterThan(0);
      const info = await engine.swarm.info();
      expect(info.Swarm.LocalNodeState).toBe('active');
    } finally {
      await engine.stop();
    }
    expect(findEngineLeftovers(engine)).toEqual([]);
  });

  it('is torn down by its reaper when the process that started it is killed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/programs/hold-private-engine.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => {
        reject(new Error(`engine holder exited early (${String(code)})`));
      });
    });
    const layout = JSON.parse(firstLine) as EngineLayout;
    expect(findEngineLeftovers(layout)).toContain(`directory ${layout.stateDir}`);

    child.kill('SIGKILL');

    const remaining = await waitFor(
      'the reaper to remove the engine',
      () => {
        const leftovers = findEngineLeftovers(layout);
        return leftovers.length === 0 ? leftovers : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(remaining).toEqual([]);
  });
});
