import type { KnowledgeArtifactType } from '$lib/generated/graphql';

/** The knowledge page's search, as its URL carries it (?q=&type=&language=&framework=&first=). */
export interface KnowledgeFilters {
  readonly q: string;
  readonly types: readonly KnowledgeArtifactType[];
  readonly language: string;
  readonly framework: string;
  /** How many hits a search asks for (knowledgeSearch's `first`). */
  readonly first: number;
}

export const RESULT_SIZES = [10, 20, 50] as const;
export const DEFAULT_FIRST = 20;

const TYPE_LABELS: Record<KnowledgeArtifactType, string> = {
  COMPONENT: 'Component',
  FUNCTION: 'Function',
  HELPER: 'Helper',
  INTERFACE: 'Interface',
  MODULE: 'Module',
  PATTERN: 'Pattern',
  SERVICE: 'Service',
  WIDGET: 'Widget',
};

export const ARTIFACT_TYPES = Object.keys(TYPE_LABELS) as readonly KnowledgeArtifactType[];

export function typeLabel(type: KnowledgeArtifactType): string {
  return TYPE_LABELS[type];
}

function isType(value: string): value is KnowledgeArtifactType {
  return (ARTIFACT_TYPES as readonly string[]).includes(value);
}

/** Reads the filters from a URL; unknown types are dropped, `first` falls back to 20. */
export function readFilters(params: URLSearchParams): KnowledgeFilters {
  const types = (params.get('type') ?? '')
    .split(',')
    .map((one) => one.trim().toUpperCase())
    .filter(isType);
  const first = Number(params.get('first'));
  return {
    q: params.get('q') ?? '',
    types: [...new Set(types)],
    language: params.get('language') ?? '',
    framework: params.get('framework') ?? '',
    first: (RESULT_SIZES as readonly number[]).includes(first) ? first : DEFAULT_FIRST,
  };
}

/** The query string for filters: empty values are left out, so a plain page has none. */
export function filtersQuery(filters: KnowledgeFilters): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.types.length) params.set('type', filters.types.join(','));
  if (filters.language.trim()) params.set('language', filters.language.trim());
  if (filters.framework.trim()) params.set('framework', filters.framework.trim());
  if (filters.first !== DEFAULT_FIRST) params.set('first', String(filters.first));
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function hasFilters(filters: KnowledgeFilters): boolean {
  return filters.types.length > 0 || filters.language !== '' || filters.framework !== '';
}

/** A file reference as the API gives it: `{ path, startLine?, endLine? }`. */
export function fileRefLabel(ref: Record<string, unknown>): string {
  const path = typeof ref['path'] === 'string' ? ref['path'] : '?';
  const start = typeof ref['startLine'] === 'number' ? ref['startLine'] : undefined;
  const end = typeof ref['endLine'] === 'number' ? ref['endLine'] : undefined;
  if (start === undefined) return path;
  return end !== undefined && end !== start ? `${path}:${start}-${end}` : `${path}:${start}`;
}
