import type { StackLink } from './map-links.js';

export interface WhereToLook {
  readonly links: readonly StackLink[];
  /** The map PNG, when this run saved it. */
  readonly mapFile?: string;
  readonly manifests: string;
  /** Kargo's HTTP server. */
  readonly url: string;
  readonly dockerHost: string;
  /** The kept image store, when this run's engine used it. */
  readonly imageStore?: string;
  readonly took: string;
  /** How the headline stands out (green on a terminal). */
  readonly emphasis: (text: string) => string;
}

/** What the demo prints once the stack is up: one labelled line each, the URLs first. */
export function whereToLook(where: WhereToLook): string {
  const line = (label: string, value: string): string => `  ${label.padEnd(22)}${value}\n`;
  const lines = [
    ...where.links.flatMap((link) => [
      line(`${link.service} GetCapabilities`, link.capabilities),
      ...(link.sample === undefined ? [] : [line(`${link.service} ${link.sample.kind}`, link.sample.url)]),
    ]),
    ...(where.mapFile === undefined ? [] : [line('map saved to', where.mapFile)]),
    line('manifests', `${where.manifests}   (edit stack/mapfiles/*.map, e.g. a layer's COLOR, and save)`),
    line('status', `npx tsx src/cli/main.ts status --server ${where.url}`),
    line('status API', `${where.url}/api/v1/geoservices   ${where.url}/api/v1/geojobs`),
    line('metrics', `${where.url}/metrics`),
    line('swarm', `DOCKER_HOST=${where.dockerHost} docker service ls`),
    ...(where.imageStore === undefined ? [] : [line('images kept in', `${where.imageStore}   (between runs; rm -rf it to free the space)`)]),
  ];
  return `\n${where.emphasis(`The map stack is up (${where.took}).`)} Where to look (every URL answers from this machine):\n${lines.join('')}Press Ctrl-C to stop and remove everything else.\n`;
}
