import { describe, expect, it } from 'vitest';
import { ExitCode, kargoVersion } from '../../src/cli/kargo.js';
import { runKargo } from '../support/cli.js';

describe('kargo command line', () => {
  it.each([[['version']], [['--version']]])('%j prints the package version', async (argv) => {
    const result = await runKargo(argv);
    expect(result).toEqual({ code: ExitCode.Ok, stdout: `kargo ${kargoVersion()}\n`, stderr: '' });
    expect(kargoVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[[]], [['help']], [['--help']]])('%j prints the usage', async (argv) => {
    const result = await runKargo(argv);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain('Usage:');
  });

  it('rejects an unknown command with the usage and exit code 2', async () => {
    const result = await runKargo(['frobnicate']);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});
