/**
 * The in-task OGC check run as Docker runs it (`sh -c`, with this machine's wget) against an HTTP
 * server answering the captured answers of the real servers (test/fixtures/ogc), and broken ones:
 * its exit code gates the task, its `OGC:` line is the reason Kargo reports.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OgcCheck } from '../../src/core/ogc/ogc-check.js';
import { ogcTaskProbe } from '../../src/core/ogc/ogc-task-probe.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/ogc/${name}`, import.meta.url));
const exception = '<?xml version="1.0"?><ServiceExceptionReport version="1.3.0"><ServiceException>msLoadMap(): Unable to access file.</ServiceException></ServiceExceptionReport>';

/** What the server answers, per REQUEST, for the test under way. */
let answers: Record<string, { type: string; body: Buffer | string; status?: number }> = {};
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const answer = answers[url.searchParams.get('REQUEST') ?? ''];
    response.writeHead(answer?.status ?? (answer === undefined ? 404 : 200), { 'content-type': answer?.type ?? 'text/plain' });
    response.end(answer?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function runCheck(check: OgcCheck): Promise<{ code: number; output: string }> {
  const [, script = ''] = ogcTaskProbe({ check, path: '/cgi-bin/mapserv', port, intervalMs: 30_000 });
  try {
    const { stdout } = await promisify(execFile)('sh', ['-c', script]);
    return { code: 0, output: stdout.trim() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, output: (failed.stdout ?? '').trim() };
  }
}

const wmsCapabilities = { type: 'text/xml', body: fixture('mapserver-wms-1.3.0-capabilities.xml') };
const png = { type: 'image/png', body: fixture('mapserver-wms-getmap.png') };

describe('the in-task OGC check', () => {
  it.each<[string, Record<string, { type: string; body: Buffer | string; status?: number }>, OgcCheck, number, string]>([
    ['passes on MapServer\'s capabilities and GetMap', { GetCapabilities: wmsCapabilities, GetMap: png }, { service: 'WMS', layers: ['roads', 'cities'] }, 0, ''],
    ['names the missing layer', { GetCapabilities: wmsCapabilities, GetMap: png }, { service: 'WMS', layers: ['roads', 'rivers'] }, 1, 'OGC: layer rivers missing from WMS GetCapabilities'],
    ['refuses an exception report', { GetCapabilities: { type: 'text/xml', body: exception } }, { service: 'WMS', layers: ['roads'] }, 1, 'OGC: WMS GetCapabilities answered no <WMS_Capabilities> document'],
    ['refuses an HTTP error', { GetCapabilities: { ...wmsCapabilities, status: 500 } }, { service: 'WMS', layers: ['roads'] }, 1, 'OGC: WMS GetCapabilities failed (no HTTP 200 answer)'],
    ['refuses a GetMap answering XML', { GetCapabilities: wmsCapabilities, GetMap: { type: 'text/xml', body: exception } }, { service: 'WMS', layers: ['roads'] }, 1, 'OGC: GetMap answered no PNG image'],
    ['passes WFS with a feature collection', { GetCapabilities: { type: 'text/xml', body: fixture('mapserver-wfs-2.0.0-capabilities.xml') }, GetFeature: { type: 'text/xml', body: '<wfs:FeatureCollection numberReturned="1"/>' } }, { service: 'WFS', layers: ['cities'] }, 0, ''],
    ['passes MapCache\'s WMTS capabilities with its tile layer', { GetCapabilities: { type: 'text/xml', body: fixture('mapcache-wmts-1.0.0-capabilities.xml') } }, { service: 'WMTS', layers: ['roads'] }, 0, ''],
  ])('%s', async (_what, served, check, code, output) => {
    answers = served;
    expect(await runCheck(check)).toEqual({ code, output });
  });
});
