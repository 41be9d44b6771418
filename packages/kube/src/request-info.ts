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
  const path = rawPath.includes('%') ? safeDecodePath(rawPath) : rawPath;

  // A cursor over the segments instead of slicing (this runs for every request).
  const parts = splitPath(path);
  if (parts.length < 3) return nonResourceInfo(method, path);
  const apiPrefix = parts[0]!;
  if (!apiPrefixes.has(apiPrefix)) return nonResourceInfo(method, path);
  let at = 1;
  let apiGroup = '';
  if (!grouplessPrefixes.has(apiPrefix)) {
    if (parts.length - at < 3) return nonResourceInfo(method, path);
    apiGroup = parts[at++]!;
  }
  const apiVersion = parts[at++]!;

  let verb: string;
  const first = parts[at];
  if (first !== undefined && specialVerbs.has(first)) {
    // /api/v1/watch/... and /api/v1/proxy/... (deprecated forms)
    if (parts.length - at < 2) return nonResourceInfo(method, path);
    verb = first;
    at++;
  } else {
    verb = methodVerbs[method.toUpperCase()] ?? '';
  }

  let namespace: string | undefined;
  if (parts[at] === 'namespaces') {
    if (parts.length - at > 1) {
      namespace = parts[at + 1]!;
      if (parts.length - at > 2 && !namespaceSubresources.has(parts[at + 2]!)) at += 2;
    }
  }

  const info: KubeRequestInfo = { isResourceRequest: true, verb, apiPrefix, apiGroup, apiVersion, path };
  const left = parts.length - at;
  if (namespace !== undefined) info.namespace = namespace;
  if (left >= 3 && !specialVerbsNoSubresources.has(verb)) info.subresource = parts[at + 2]!;
  if (left >= 2) info.name = parts[at + 1]!;
  if (left >= 1) info.resource = parts[at]!;

  if (info.name === undefined && info.verb === 'get') {
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
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

function nonResourceInfo(method: string, path: string): KubeRequestInfo {
  return { isResourceRequest: false, verb: method.toLowerCase(), path };
}

function splitPath(path: string): string[] {
  // The common shape, "/a/b/c": no slashes to trim but the leading one.
  if (path.length > 1 && path[0] === '/' && path[1] !== '/' && path[path.length - 1] !== '/') {
    return path.slice(1).split('/');
  }
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
