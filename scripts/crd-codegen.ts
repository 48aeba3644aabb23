import type { CrdSource } from './crd.js';

/**
 * Derives, from a CRD's openAPIV3Schema, the artifacts that must never drift from it:
 * the TypeScript types, the JSON Schema for editors and the README's manifest reference.
 * Pure text-to-text functions: `generate.ts` writes the files, a unit test checks they are current.
 */

/** The subset of OpenAPI v3 schema the CRD uses. */
export interface SchemaNode {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  enum?: string[];
  oneOf?: SchemaNode[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  'x-kargo-format'?: string;
}

const header = (source: string): string =>
  `// Generated from ${source} by \`npm run generate\`. Do not edit: change the CRD instead.\n`;

/** TypeScript declarations for the resource described by `schema`. */
export function renderTypes(schema: SchemaNode, crd: CrdSource): string {
  const { namedTypes, sameTypeAs } = crd;
  const declarations: string[] = [];
  const imported = new Set<string>();
  const typeOf = (node: SchemaNode, path: string, depth: number): string => {
    const foreign = crd.importedTypes?.types[path];
    if (foreign !== undefined) {
      imported.add(foreign);
      return foreign;
    }
    const alias = sameTypeAs[path];
    if (alias !== undefined) return namedTypes[alias] ?? 'unknown';
    const name = namedTypes[path];
    if (name === undefined) return inlineType(node, path, depth);
    const body = inlineType(node, path, 0);
    declarations.push(`${doc(node.description, '')}export type ${name} = ${body};\n`);
    return name;
  };
  const inlineType = (node: SchemaNode, path: string, depth: number): string => {
    if (isTypeUnion(node)) {
      return (node.oneOf ?? []).map((branch) => inlineType(branch, path, depth)).join(' | ');
    }
    if (node.enum !== undefined) return node.enum.map((value) => `'${value}'`).join(' | ');
    switch (node.type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array':
        return `${wrap(typeOf(node.items ?? {}, `${path}[]`, depth))}[]`;
      case 'object':
        return objectType(node, path, depth);
      default:
        return 'unknown';
    }
  };
  const objectType = (node: SchemaNode, path: string, depth: number): string => {
    if (node.properties === undefined) {
      const values =
        typeof node.additionalProperties === 'object' ? typeOf(node.additionalProperties, `${path}.*`, depth) : 'unknown';
      return `Record<string, ${values}>`;
    }
    const indent = '  '.repeat(depth + 1);
    const required = new Set(node.required ?? []);
    const fields = Object.entries(node.properties).map(([key, child]) => {
      const childPath = path === '' ? key : `${path}.${key}`;
      const optional = required.has(key) ? '' : '?';
      return `${doc(child.description, indent)}${indent}${key}${optional}: ${typeOf(child, childPath, depth + 1)};\n`;
    });
    return `{\n${fields.join('')}${'  '.repeat(depth)}}`;
  };
  const root = typeOf(schema, '', 0);
  const imports = imported.size === 0 || crd.importedTypes === undefined ? '' : `import type { ${[...imported].sort().join(', ')} } from '${crd.importedTypes.from}';\n`;
  return `${header(crd.crdPath)}${imports}\n${declarations.reverse().join('\n')}\nexport type { ${root} as default };\n`;
}

/**
 * A `oneOf` of types (a string or a list), as opposed to a `oneOf` of `required` lists on an
 * object, which only says which of its fields are alternatives (`file` or `content`).
 */
function isTypeUnion(node: SchemaNode): boolean {
  return node.oneOf?.some((branch) => branch.type !== undefined || branch.enum !== undefined || branch.oneOf !== undefined) ?? false;
}

/** `exactly one of file, content` for a `oneOf` of `required` lists. */
function alternatives(node: SchemaNode): string {
  if (node.oneOf === undefined || isTypeUnion(node)) return '';
  return ` Exactly one of ${node.oneOf.map((branch) => (branch.required ?? []).join(' and ')).join(', ')}.`;
}

function wrap(type: string): string {
  return type.includes('|') ? `(${type})` : type;
}

function doc(description: string | undefined, indent: string): string {
  return description === undefined ? '' : `${indent}/** ${description.replaceAll('*/', '*\\/')} */\n`;
}

/** The schema as a standalone JSON Schema (draft 2020-12) for editors and yaml-language-server. */
export function renderJsonSchema(schema: SchemaNode, crd: CrdSource): string {
  const jsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://kargo.io/schemas/${crd.stem}-v1alpha1.json`,
    title: `${crd.kind} (kargo.io/v1alpha1)`,
    ...schema,
  };
  return `${JSON.stringify(jsonSchema, null, 2)}\n`;
}

/** A Markdown table of every field: path, type, whether required, and what it means. */
export function renderReference(schema: SchemaNode): string {
  const rows: string[] = ['| field | type | required | description |', '|---|---|---|---|'];
  const visit = (node: SchemaNode, path: string, required: boolean): void => {
    if (path !== '') rows.push(`| \`${path}\` | ${describeType(node)} | ${required ? 'yes' : ''} | ${cell(node.description)}${cell(alternatives(node.items ?? {}))} |`);
    const objectBranch = node.type === 'object' ? node : node.oneOf?.find((branch) => branch.type === 'object');
    const arrayBranch = node.type === 'array' ? node : node.oneOf?.find((branch) => branch.type === 'array');
    for (const [key, child] of Object.entries(objectBranch?.properties ?? {})) {
      visit(child, path === '' ? key : `${path}.${key}`, objectBranch?.required?.includes(key) ?? false);
    }
    const items = arrayBranch?.items;
    if (items !== undefined) {
      const itemObject = items.type === 'object' ? items : items.oneOf?.find((branch) => branch.type === 'object');
      for (const [key, child] of Object.entries(itemObject?.properties ?? {})) {
        visit(child, `${path}[].${key}`, itemObject?.required?.includes(key) ?? false);
      }
    }
  };
  visit(schema, '', true);
  return `${rows.join('\n')}\n`;
}

function describeType(node: SchemaNode): string {
  if (isTypeUnion(node)) return (node.oneOf ?? []).map(describeType).join(' or ');
  if (node.enum !== undefined) return node.enum.map((value) => `\`${value}\``).join(', ');
  const format = node['x-kargo-format'];
  if (format !== undefined) return format;
  if (node.type === 'array') return `list of ${node.items === undefined ? 'values' : describeType(node.items)}`;
  if (node.type === 'object' && node.properties === undefined) {
    return typeof node.additionalProperties === 'object' ? `map of ${describeType(node.additionalProperties)}` : 'map';
  }
  return node.type ?? 'any';
}

function cell(text: string | undefined): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The markers around a generated README section. */
export function sectionMarkers(section: string): { start: string; end: string } {
  return { start: `<!-- ${section}:start (generated by npm run generate) -->`, end: `<!-- ${section}:end -->` };
}

/** `readme` with the text between the markers of `section` replaced by `content`. */
export function spliceSection(readme: string, section: string, content: string): string {
  const markers = sectionMarkers(section);
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers of the ${section} section`);
  return `${readme.slice(0, start + markers.start.length)}\n${content}${readme.slice(end)}`;
}
