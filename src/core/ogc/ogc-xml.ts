import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';
import type { CapabilitiesSummary, OgcService, TileLayer } from './ogc-check.js';

/** A parsed XML element: attributes as `@name`, text as `#text`, children by local name. */
export type XmlNode = Readonly<Record<string, unknown>>;

/** A parsed document: its root element's local name and the element itself. */
export interface XmlDocument {
  readonly root: string;
  readonly element: XmlNode;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Servers differ in prefixes (wms:, wfs:, ows:, none): compare local names only.
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // An entity-expanding document must not be able to blow a probe's memory up.
  processEntities: false,
});

/** Parses `text` after validating it; a string saying what is wrong when it is not well-formed XML. */
export function parseXml(text: string): XmlDocument | string {
  try {
    // The parser accepts broken XML silently: validate first, so a truncated answer is reported as such.
    SyntaxValidator.validate(text, { docType: { maxEntityCount: 0 } });
  } catch (error) {
    const line = (error as { line?: unknown }).line;
    return `not well-formed XML (${typeof line === 'number' ? `line ${String(line)}: ` : ''}${error instanceof Error ? error.message : String(error)})`;
  }
  const parsed: unknown = parser.parse(text);
  if (!isNode(parsed)) return 'not an XML document';
  const root = Object.keys(parsed).find((key) => !key.startsWith('?') && !key.startsWith('@') && key !== '#text');
  const element = root === undefined ? undefined : parsed[root];
  if (root === undefined) return 'an XML document without a root element';
  return { root, element: isNode(element) ? element : {} };
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The children named `name`: none, one or many, always as a list. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((item) => (isNode(item) ? item : { '#text': String(item) }));
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** The text of an element (or of its child `name`), trimmed; undefined when empty. */
export function text(node: XmlNode | undefined, name?: string): string | undefined {
  const target = name === undefined ? node : child(node, name);
  const value = target?.['#text'];
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  return trimmed === '' ? undefined : trimmed;
}

export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** The exception text of an OGC exception report (ServiceExceptionReport, ExceptionReport), else undefined. */
export function exceptionText(document: XmlDocument): string | undefined {
  if (document.root === 'ServiceExceptionReport') {
    const exception = child(document.element, 'ServiceException');
    return text(exception) ?? attribute(exception, 'code') ?? 'service exception';
  }
  if (document.root === 'ExceptionReport') {
    const exception = child(document.element, 'Exception');
    return text(exception, 'ExceptionText') ?? attribute(exception, 'exceptionCode') ?? 'exception';
  }
  return undefined;
}

/** What a capabilities document offers (its root already checked). */
export function summarizeCapabilities(service: OgcService, document: XmlDocument): CapabilitiesSummary {
  const root = document.element;
  const version = attribute(root, 'version') ?? '';
  const contents = child(root, 'Contents');
  switch (service) {
    case 'WMS':
      return summary(service, version, wmsLayerNames(child(child(root, 'Capability'), 'Layer')));
    case 'WFS':
      return summary(service, version, children(child(root, 'FeatureTypeList'), 'FeatureType').flatMap((type) => text(type, 'Name') ?? []));
    case 'WCS': {
      const v1 = children(child(root, 'ContentMetadata'), 'CoverageOfferingBrief').flatMap((brief) => text(brief, 'name') ?? []);
      const v2 = children(contents, 'CoverageSummary').flatMap((cover) => text(cover, 'CoverageId') ?? text(cover, 'Identifier') ?? []);
      return summary(service, version, [...v1, ...v2]);
    }
    case 'WMTS': {
      const tileLayers = children(contents, 'Layer').map(tileLayer);
      const firstTileMatrix: Record<string, string> = {};
      for (const set of children(contents, 'TileMatrixSet')) {
        const id = text(set, 'Identifier');
        const first = text(child(set, 'TileMatrix'), 'Identifier');
        if (id !== undefined && first !== undefined) firstTileMatrix[id] = first;
      }
      return { ...summary(service, version, tileLayers.map((layer) => layer.identifier)), tileLayers, firstTileMatrix };
    }
  }
}

function summary(service: OgcService, version: string, layers: readonly string[]): CapabilitiesSummary {
  return { service, version, layers, tileLayers: [], firstTileMatrix: {} };
}

/** Named WMS layers at any depth (a group layer may have a name and children). */
function wmsLayerNames(layer: XmlNode | undefined): string[] {
  if (layer === undefined) return [];
  const own = text(layer, 'Name');
  return [...(own === undefined ? [] : [own]), ...children(layer, 'Layer').flatMap(wmsLayerNames)];
}

function tileLayer(layer: XmlNode): TileLayer {
  const styles = children(layer, 'Style');
  const style = styles.find((candidate) => attribute(candidate, 'isDefault') === 'true') ?? styles[0];
  return {
    identifier: text(layer, 'Identifier') ?? '',
    tileMatrixSets: children(layer, 'TileMatrixSetLink').flatMap((link) => text(link, 'TileMatrixSet') ?? []),
    formats: children(layer, 'Format').flatMap((format) => text(format) ?? []),
    style: text(style, 'Identifier') ?? 'default',
  };
}
