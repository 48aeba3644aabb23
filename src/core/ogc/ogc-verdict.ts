import { capabilitiesRoot, versionOf, type CapabilitiesSummary, type OgcCheck, type OgcRequestKind } from './ogc-check.js';
import { child, children, exceptionText, parseXml, summarizeCapabilities, attribute } from './ogc-xml.js';

/** An HTTP answer as the probe adapter read it. */
export interface OgcAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

/** Why a check failed, stable for conditions, metrics and alerts; `Ok` when it passed. */
export type OgcReason =
  | 'Ok'
  | 'Unreachable'
  | 'HttpError'
  | 'NotXml'
  | 'ServiceException'
  | 'WrongRoot'
  | 'WrongVersion'
  | 'LayerMissing'
  | 'WrongContentType'
  | 'NotAnImage'
  | 'NoFeatures';

/** The judgement of one answer: `reason` for machines, `message` for people. */
export interface OgcVerdict {
  readonly ok: boolean;
  readonly reason: OgcReason;
  readonly message: string;
}

const pass = (message: string): OgcVerdict => ({ ok: true, reason: 'Ok', message });
const failure = (reason: Exclude<OgcReason, 'Ok'>, message: string): OgcVerdict => ({ ok: false, reason, message });

const decoder = new TextDecoder();
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const jpegSignature = [0xff, 0xd8, 0xff];

/** Judges a GetCapabilities answer; when it passes, also returns what the document offers. */
export function judgeCapabilities(check: OgcCheck, answer: OgcAnswer): OgcVerdict & { capabilities?: CapabilitiesSummary } {
  const what = `${check.service} GetCapabilities`;
  if (answer.status !== 200) return failure('HttpError', `${what} answered HTTP ${String(answer.status)}`);
  const document = parseXml(decoder.decode(answer.body));
  if (typeof document === 'string') return failure('NotXml', `${what} answered ${answer.contentType ?? 'no content type'}, ${document}`);
  const exception = exceptionText(document);
  if (exception !== undefined) return failure('ServiceException', `${what} answered an exception: ${oneLine(exception)}`);
  const version = versionOf(check);
  const root = capabilitiesRoot(check.service, version);
  if (document.root !== root) return failure('WrongRoot', `${what} answered <${document.root}>, not <${root}>`);
  const capabilities = summarizeCapabilities(check.service, document);
  if (capabilities.version !== version) {
    return failure('WrongVersion', `${what} answered version ${capabilities.version || '(none)'}, not ${version}`);
  }
  const missing = check.layers.filter((layer) => !offers(capabilities.layers, layer));
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'layer' : 'layers';
    return failure('LayerMissing', `${noun} ${missing.join(', ')} missing from ${check.service} GetCapabilities`);
  }
  return { ...pass(`${check.service} ${version}: ${String(capabilities.layers.length)} layers offered, ${check.layers.join(', ') || 'none'} expected`), capabilities };
}

/** A WFS feature type may be offered with its namespace prefix (`ms:roads`) and asked for without. */
function offers(offered: readonly string[], layer: string): boolean {
  return offered.some((name) => name === layer || name.slice(name.indexOf(':') + 1) === layer);
}

/** Judges a GetMap or GetTile answer: HTTP 200, the image content type asked for and that image's signature. */
export function judgeImage(kind: OgcRequestKind, answer: OgcAnswer, format = 'image/png'): OgcVerdict {
  if (answer.status !== 200) return failure('HttpError', `${kind} answered HTTP ${String(answer.status)}`);
  const type = mediaType(answer.contentType);
  if (type !== format) {
    const exception = xmlException(answer);
    const detail = exception === undefined ? '' : `: ${oneLine(exception)}`;
    return failure(exception === undefined ? 'WrongContentType' : 'ServiceException', `${kind} answered ${type || 'no content type'}, not ${format}${detail}`);
  }
  const signature = format === 'image/jpeg' ? jpegSignature : format === 'image/png' ? pngSignature : [];
  if (!signature.every((byte, index) => answer.body[index] === byte)) {
    return failure('NotAnImage', `${kind} answered ${format} whose ${String(answer.body.length)} bytes are not a ${format} image`);
  }
  return pass(`${kind}: ${format}, ${String(answer.body.length)} bytes`);
}

/** Judges a WFS GetFeature answer: GeoJSON or GML holding at least one feature. */
export function judgeFeatures(answer: OgcAnswer): OgcVerdict {
  if (answer.status !== 200) return failure('HttpError', `GetFeature answered HTTP ${String(answer.status)}`);
  const type = mediaType(answer.contentType);
  const body = decoder.decode(answer.body);
  if (type.includes('json')) return judgeGeoJson(body);
  const document = parseXml(body);
  if (typeof document === 'string') return failure('NotXml', `GetFeature answered ${type || 'no content type'}, ${document}`);
  const exception = exceptionText(document);
  if (exception !== undefined) return failure('ServiceException', `GetFeature answered an exception: ${oneLine(exception)}`);
  if (document.root !== 'FeatureCollection') return failure('WrongRoot', `GetFeature answered <${document.root}>, not <FeatureCollection>`);
  // WFS 2: wfs:member; WFS 1.x: gml:featureMember, or all of them in one gml:featureMembers.
  const members = children(document.element, 'member').length + children(document.element, 'featureMember').length;
  const grouped = child(document.element, 'featureMembers');
  const count = members + (grouped === undefined ? 0 : Object.keys(grouped).filter((key) => !key.startsWith('@')).length);
  const returned = attribute(document.element, 'numberReturned') ?? attribute(document.element, 'numberOfFeatures');
  if (count === 0) return failure('NoFeatures', `GetFeature answered a FeatureCollection with no feature${returned === undefined ? '' : ` (numberReturned ${returned})`}`);
  return pass(`GetFeature: GML with ${String(count)} features`);
}

function judgeGeoJson(body: string): OgcVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return failure('NotXml', 'GetFeature answered JSON that does not parse');
  }
  const collection = parsed as { type?: unknown; features?: unknown };
  if (collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    return failure('WrongRoot', 'GetFeature answered JSON that is not a GeoJSON FeatureCollection');
  }
  if (collection.features.length === 0) return failure('NoFeatures', 'GetFeature answered a GeoJSON FeatureCollection with no feature');
  return pass(`GetFeature: GeoJSON with ${String(collection.features.length)} features`);
}

/** The exception text of an XML body (a server's error answer to an image request), if it is one. */
function xmlException(answer: OgcAnswer): string | undefined {
  if (!mediaType(answer.contentType).includes('xml')) return undefined;
  const document = parseXml(decoder.decode(answer.body));
  return typeof document === 'string' ? undefined : exceptionText(document);
}

/** `image/png; charset=…` → `image/png`. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}…` : flat;
}
