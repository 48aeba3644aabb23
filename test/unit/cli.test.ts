import { describe, expect, it } from 'vitest';
import { ExitCode, kargoVersion, main } from '../../src/cli/kargo.js';

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('kargo command line', () => {
  it.each([[['version']], [['--version']]])('%j prints the package version', async (argv) => {
    const result = await runCli(argv);
    expect(result).toEqual({ code: ExitCode.Ok, stdout: `kargo ${kargoVersion()}\n`, stderr: '' });
    expect(kargoVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[[]], [['help']], [['--help']]])('%j prints the usage', async (argv) => {
    const result = await runCli(argv);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain('Usage:');
  });

  it('rejects an unknown command with the usage and exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});
