/**
 * Starts a private engine, prints its layout as one JSON line, then waits to be killed: lets a
 * test check that an engine whose owner dies abruptly is still torn down.
 */
import { startPrivateEngine } from '../../../src/sandbox/private-engine.js';

const engine = await startPrivateEngine();
process.stdout.write(`${JSON.stringify({ stateDir: engine.stateDir, netns: engine.netns })}\n`);
setInterval(() => undefined, 60_000);
