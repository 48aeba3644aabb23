/**
 * Starts a private engine, prints its layout as one JSON line, then waits to be killed: lets a
 * test check that an engine whose owner dies abruptly is still torn down. An argument is a
 * directory to keep the engine's images in (keepImagesIn).
 */
import { startPrivateEngine } from '../../../src/sandbox/private-engine.js';

const keepImagesIn = process.argv[2];
const engine = await startPrivateEngine(keepImagesIn === undefined ? {} : { keepImagesIn });
process.stdout.write(`${JSON.stringify({ stateDir: engine.stateDir, netns: engine.netns, keptDataRoot: engine.keptDataRoot })}\n`);
setInterval(() => undefined, 60_000);
