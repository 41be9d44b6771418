// What a Kubernetes API request is about, derived from method, path and query
// the way kube-apiserver's RequestInfoFactory derives it
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go). Pure.

export interface KubeRequestInfo {
  /** False for non-resource URLs (/version, /healthz, /openapi/v2, /api, /apis). */
  isResourceRequest: boolean;
  /** get, list, watch, create, update, patch, delete, deletecollection, proxy; for non-resource URLs the lower-case method. */
  verb: string;
  /** "api" or "apis" for resource requests. */
  apiPrefix?: string;
  /** "" for the core group. */
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The URL path without the query. */
  path: string;
}

const apiPrefixes = new Set(['api', 'apis']);
const grouplessPrefixes = new Set(['api']);
const specialVerbs = new Set(['proxy', 'watch']);
const specialVerbsNoSubresources = new Set(['proxy']);
const namespaceSubresources = new Set(['status', 'finalize']);
const trueValues = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

const methodVerbs: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Subresources that open a stream (WebSocket upgrade) rather than a request/response. */
export const streamingSubresources: ReadonlySet<string> = new Set(['exec', 'attach', 'portforward']);

/**
 * Parses `method` and a request target (`/api/v1/namespaces/x/pods?watch=1`).
 * Never throws: malformed input yields a non-resource request.
 */
export function parseRequestInfo(method: string, url: string): KubeRequestInfo {
  const queryStart = url.indexOf('?');
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const path = safeDecodePath(rawPath);
  const upperMethod = method.toUpperCase();
  const nonResource: KubeRequestInfo = { isResourceRequest: false, verb: method.toLowerCase(), path };

  let parts = splitPath(path);
  if (parts.length < 3) return nonResource;
  const apiPrefix = parts[0]!;
  if (!apiPrefixes.has(apiPrefix)) return nonResource;
  parts = parts.slice(1);
  let apiGroup = '';
  if (!grouplessPrefixes.has(apiPrefix)) {
    if (parts.length < 3) return nonResource;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const apiVersion = parts[0]!;
  parts = parts.slice(1);

  let verb: string;
  if (specialVerbs.has(parts[0]!)) {
    // /api/v1/watch/... and /api/v1/proxy/... (deprecated forms)
    if (parts.length < 2) return nonResource;
    verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    verb = methodVerbs[upperMethod] ?? '';
  }

  let namespace: string | undefined;
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      namespace = parts[1]!;
      if (parts.length > 2 && !namespaceSubresources.has(parts[2]!)) parts = parts.slice(2);
    }
  }

  const info: KubeRequestInfo = { isResourceRequest: true, verb, apiPrefix, apiGroup, apiVersion, path };
  if (namespace !== undefined) info.namespace = namespace;
  if (parts.length >= 3 && !specialVerbsNoSubresources.has(verb)) info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (info.name === undefined && info.verb === 'get') {
    info.verb = trueValues.has(query.get('watch') ?? '') ? 'watch' : 'list';
    const fieldSelector = query.get('fieldSelector');
    if (fieldSelector) {
      const name = exactMetadataName(fieldSelector);
      if (name !== undefined) info.name = name;
    }
  }
  if (info.name === undefined && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function safeDecodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** `metadata.name=foo` (or `==`) alone or among other terms, as fields.Selector.RequiresExactMatch does. */
function exactMetadataName(selector: string): string | undefined {
  for (const term of selector.split(',')) {
    const match = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (match && isValidPathSegmentName(match[2]!)) return match[2]!;
  }
  return undefined;
}

function isValidPathSegmentName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}
