/**
 * OGC checks on answers captured from the real servers the sandbox builds (test/fixtures/ogc:
 * MapServer 8 WMS 1.3.0 and WFS 2.0.0, MapCache 1.14 WMTS 1.0.0), and on broken answers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capabilitiesRequest, sampleRequest, sizedGetMap, type OgcCheck } from '../../src/core/ogc/ogc-check.js';
import { judgeCapabilities, judgeFeatures, judgeImage, type OgcAnswer } from '../../src/core/ogc/ogc-verdict.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/ogc/${name}`, import.meta.url));
const xml = (body: string | Buffer, status = 200, contentType = 'text/xml; charset=UTF-8'): OgcAnswer => ({
  status,
  contentType,
  body: typeof body === 'string' ? Buffer.from(body) : body,
});

const wms: OgcCheck = { service: 'WMS', layers: ['roads', 'cities'] };
const wfs: OgcCheck = { service: 'WFS', layers: ['cities'] };
const wmts: OgcCheck = { service: 'WMTS', layers: ['roads'] };
const mapserv = 'http://maps.example:8080/cgi-bin/mapserv?map=/etc/mapserver/mapserver.map';

describe('requests', () => {
  it('asks for capabilities with the service and default version, keeping the base URL\'s own parameters', () => {
    const request = capabilitiesRequest(`${mapserv}&service=WFS`, wms);
    const url = new URL(request.url);
    expect(request.kind).toBe('GetCapabilities');
    expect(url.searchParams.get('map')).toBe('/etc/mapserver/mapserver.map');
    expect(url.searchParams.get('service')).toBeNull();
    expect(Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'map'))).toEqual({
      SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0',
    });
  });

  it('makes a small GetMap over the expected layers in CRS:84, with SRS for WMS 1.1.1', () => {
    const capabilities = judgeCapabilities(wms, xml(fixture('mapserver-wms-1.3.0-capabilities.xml'))).capabilities;
    expect(capabilities).toBeDefined();
    if (capabilities === undefined) return;
    const request = sampleRequest(mapserv, wms, capabilities);
    const params = new URL(request?.url ?? '').searchParams;
    expect(request?.kind).toBe('GetMap');
    expect(params.get('LAYERS')).toBe('roads,cities');
    expect(params.get('CRS')).toBe('CRS:84');
    expect(params.get('BBOX')).toBe('-180,-90,180,90');
    expect(params.get('FORMAT')).toBe('image/png');
    const old = sampleRequest(mapserv, { ...wms, version: '1.1.1', bbox: [0, 40, 10, 50] }, capabilities);
    expect(new URL(old?.url ?? '').searchParams.get('SRS')).toBe('EPSG:4326');
    expect(new URL(old?.url ?? '').searchParams.get('BBOX')).toBe('0,40,10,50');
  });

  it('makes a GetTile from the tile matrix set and style the WMTS capabilities name', () => {
    const capabilities = judgeCapabilities(wmts, xml(fixture('mapcache-wmts-1.0.0-capabilities.xml'))).capabilities;
    if (capabilities === undefined) throw new Error('no capabilities');
    const request = sampleRequest('http://tiles.example/cgi-bin/mapcache/wmts', wmts, capabilities);
    expect(request?.kind).toBe('GetTile');
    expect(Object.fromEntries(new URL(request?.url ?? '').searchParams)).toEqual({
      SERVICE: 'WMTS', VERSION: '1.0.0', REQUEST: 'GetTile', LAYER: 'roads', STYLE: 'default',
      TILEMATRIXSET: 'WGS84', TILEMATRIX: '0', TILEROW: '0', TILECOL: '0', FORMAT: 'image/png',
    });
  });

  it('makes a one-feature GetFeature (COUNT in WFS 2, MAXFEATURES in 1.1), and nothing for WCS', () => {
    const capabilities = judgeCapabilities(wfs, xml(fixture('mapserver-wfs-2.0.0-capabilities.xml'))).capabilities;
    if (capabilities === undefined) throw new Error('no capabilities');
    const params = new URL(sampleRequest(mapserv, wfs, capabilities)?.url ?? '').searchParams;
    expect([params.get('REQUEST'), params.get('TYPENAMES'), params.get('COUNT')]).toEqual(['GetFeature', 'cities', '1']);
    const old = new URL(sampleRequest(mapserv, { ...wfs, version: '1.1.0' }, capabilities)?.url ?? '').searchParams;
    expect([old.get('TYPENAME'), old.get('MAXFEATURES')]).toEqual(['cities', '1']);
    expect(sampleRequest(mapserv, { service: 'WCS', layers: ['dem'] }, capabilities)).toBeUndefined();
  });
});

describe('judging capabilities', () => {
  it('passes the real MapServer WMS, WFS and MapCache WMTS documents, with the layers they offer', () => {
    const wmsVerdict = judgeCapabilities(wms, xml(fixture('mapserver-wms-1.3.0-capabilities.xml')));
    expect(wmsVerdict).toMatchObject({ ok: true, reason: 'Ok' });
    expect(wmsVerdict.capabilities?.layers).toEqual(['kargo', 'roads', 'cities']);
    const wfsVerdict = judgeCapabilities(wfs, xml(fixture('mapserver-wfs-2.0.0-capabilities.xml')));
    expect(wfsVerdict).toMatchObject({ ok: true });
    expect(wfsVerdict.capabilities?.layers).toEqual(['ms:roads', 'ms:cities']);
    const wmtsVerdict = judgeCapabilities(wmts, xml(fixture('mapcache-wmts-1.0.0-capabilities.xml')));
    expect(wmtsVerdict).toMatchObject({ ok: true });
    expect(wmtsVerdict.capabilities?.tileLayers).toEqual([
      { identifier: 'roads', tileMatrixSets: ['WGS84', 'GoogleMapsCompatible'], formats: ['image/png'], style: 'default' },
    ]);
  });

  it('names the missing layer', () => {
    const verdict = judgeCapabilities({ service: 'WMS', layers: ['roads', 'rivers'] }, xml(fixture('mapserver-wms-1.3.0-capabilities.xml')));
    expect(verdict).toMatchObject({ ok: false, reason: 'LayerMissing', message: 'layer rivers missing from WMS GetCapabilities' });
  });

  it('refuses the wrong version, the wrong service and a document of another root', () => {
    expect(judgeCapabilities({ ...wms, version: '1.1.1' }, xml(fixture('mapserver-wms-1.3.0-capabilities.xml')))).toMatchObject({
      reason: 'WrongRoot', message: 'WMS GetCapabilities answered <WMS_Capabilities>, not <WMT_MS_Capabilities>',
    });
    expect(judgeCapabilities({ ...wfs, version: '1.1.0' }, xml(fixture('mapserver-wfs-2.0.0-capabilities.xml')))).toMatchObject({
      reason: 'WrongVersion', message: 'WFS GetCapabilities answered version 2.0.0, not 1.1.0',
    });
    expect(judgeCapabilities(wfs, xml(fixture('mapserver-wms-1.3.0-capabilities.xml')))).toMatchObject({ reason: 'WrongRoot' });
  });

  it('reports a server exception, a broken document and an HTTP error', () => {
    const exception = `<?xml version='1.0' encoding="UTF-8" standalone="no" ?>
<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc">
<ServiceException>
msLoadMap(): Unknown identifier. Parsing error near (COLOUR):(line 31)
</ServiceException>
</ServiceExceptionReport>`;
    expect(judgeCapabilities(wms, xml(exception))).toMatchObject({
      ok: false, reason: 'ServiceException',
      message: 'WMS GetCapabilities answered an exception: msLoadMap(): Unknown identifier. Parsing error near (COLOUR):(line 31)',
    });
    const truncated = fixture('mapserver-wms-1.3.0-capabilities.xml').subarray(0, 2000);
    expect(judgeCapabilities(wms, xml(truncated))).toMatchObject({ ok: false, reason: 'NotXml' });
    expect(judgeCapabilities(wms, xml('<html><body>Bad gateway</body></html>', 502))).toMatchObject({
      reason: 'HttpError', message: 'WMS GetCapabilities answered HTTP 502',
    });
  });

  it('expands no entity declared by the document', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><WMS_Capabilities version="1.3.0">&y;</WMS_Capabilities>';
    expect(judgeCapabilities(wms, xml(bomb))).toMatchObject({ ok: false, reason: 'NotXml' });
  });
});

describe('judging images and features', () => {
  it('passes real PNGs from MapServer GetMap and MapCache GetTile', () => {
    expect(judgeImage('GetMap', { status: 200, contentType: 'image/png', body: fixture('mapserver-wms-getmap.png') })).toMatchObject({ ok: true });
    expect(judgeImage('GetTile', { status: 200, contentType: 'image/png', body: fixture('mapcache-wmts-gettile.png') })).toMatchObject({ ok: true });
  });

  it('reports an exception answered instead of an image, bytes that are no PNG, and an HTTP error', () => {
    const exception = '<?xml version="1.0"?><ServiceExceptionReport version="1.3.0"><ServiceException code="LayerNotDefined">msWMSLoadGetMapParams(): Invalid layer(s) given in the LAYERS parameter. A layer might be disabled for this request.</ServiceException></ServiceExceptionReport>';
    expect(judgeImage('GetMap', xml(exception))).toMatchObject({
      reason: 'ServiceException',
      message: 'GetMap answered text/xml, not image/png: msWMSLoadGetMapParams(): Invalid layer(s) given in the LAYERS parameter. A layer might be disabled for this request.',
    });
    expect(judgeImage('GetTile', { status: 200, contentType: 'image/png', body: Buffer.from('not a png') })).toMatchObject({ reason: 'NotAnImage' });
    expect(judgeImage('GetTile', { status: 404, contentType: 'text/plain', body: Buffer.from('') })).toMatchObject({ reason: 'HttpError' });
  });

  it('counts GeoJSON and GML features', () => {
    const geojson = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[2.35,48.85]}}]}';
    expect(judgeFeatures(xml(geojson, 200, 'application/json; subtype=geojson'))).toMatchObject({ ok: true, message: 'GetFeature: GeoJSON with 1 features' });
    expect(judgeFeatures(xml('{"type":"FeatureCollection","features":[]}', 200, 'application/json'))).toMatchObject({ reason: 'NoFeatures' });
    const gml = (members: string): string =>
      `<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:ms="http://mapserver.gis.umn.edu/mapserver" numberReturned="1">${members}</wfs:FeatureCollection>`;
    expect(judgeFeatures(xml(gml('<wfs:member><ms:cities/></wfs:member>')))).toMatchObject({ ok: true, message: 'GetFeature: GML with 1 features' });
    expect(judgeFeatures(xml(gml('')))).toMatchObject({ ok: false, reason: 'NoFeatures' });
  });
});

describe('sizedGetMap', () => {
  it('keeps the bounding box\'s proportions at the width asked for', () => {
    const url = sizedGetMap('http://127.0.0.1:8081/cgi-bin/mapserv?SERVICE=WMS&REQUEST=GetMap&CRS=CRS%3A84&BBOX=-5,41,10,51&WIDTH=256&HEIGHT=128&FORMAT=image%2Fpng', 600);
    const params = new URL(url).searchParams;
    expect([params.get('WIDTH'), params.get('HEIGHT'), params.get('BBOX')]).toEqual(['600', '400', '-5,41,10,51']);
  });

  it('falls back to 2:1 when the box cannot be read', () => {
    const params = new URL(sizedGetMap('http://h/wms?REQUEST=GetMap&width=256&height=128', 512)).searchParams;
    expect([params.get('WIDTH'), params.get('HEIGHT'), params.has('width')]).toEqual(['512', '256', false]);
  });
});
