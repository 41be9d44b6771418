import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from '../src/index.js';

describe('parseRequestInfo (as kube-apiserver derives RequestInfo)', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'GET',
      '/api/v1/namespaces/default/pods',
      { verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'default' },
    ],
    [
      'GET',
      '/api/v1/namespaces/default/pods?watch=true&resourceVersion=10',
      { verb: 'watch', resource: 'pods', namespace: 'default' },
    ],
    ['GET', '/api/v1/namespaces/default/pods?watch=1', { verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=false', { verb: 'list' }],
    [
      'GET',
      '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb&watch=true',
      { verb: 'watch', name: 'web' },
    ],
    [
      'GET',
      '/api/v1/watch/namespaces/default/pods',
      { verb: 'watch', resource: 'pods', namespace: 'default' },
    ],
    ['GET', '/api/v1/watch/namespaces/default/pods/web', { verb: 'watch', resource: 'pods', name: 'web' }],
    [
      'GET',
      '/api/v1/namespaces/default/pods/web',
      { verb: 'get', resource: 'pods', name: 'web', namespace: 'default' },
    ],
    ['HEAD', '/api/v1/namespaces/default/pods/web', { verb: 'get' }],
    [
      'GET',
      '/api/v1/namespaces/default/pods/web/log?follow=true',
      { verb: 'get', subresource: 'log', name: 'web' },
    ],
    ['POST', '/api/v1/namespaces/default/pods', { verb: 'create', resource: 'pods' }],
    ['PUT', '/api/v1/namespaces/default/pods/web', { verb: 'update', name: 'web' }],
    ['PATCH', '/api/v1/namespaces/default/pods/web', { verb: 'patch', name: 'web' }],
    ['DELETE', '/api/v1/namespaces/default/pods/web', { verb: 'delete', name: 'web' }],
    ['DELETE', '/api/v1/namespaces/default/pods', { verb: 'deletecollection', resource: 'pods' }],
    [
      'POST',
      '/api/v1/namespaces/default/pods/web/exec?command=ls',
      { verb: 'create', subresource: 'exec', name: 'web' },
    ],
    ['GET', '/api/v1/namespaces/default/pods/web/exec?command=ls', { verb: 'get', subresource: 'exec' }],
    ['POST', '/api/v1/namespaces/default/pods/web/attach', { verb: 'create', subresource: 'attach' }],
    ['GET', '/api/v1/namespaces/default/pods/web/portforward', { verb: 'get', subresource: 'portforward' }],
    [
      'GET',
      '/api/v1/namespaces/default/pods/web/proxy/metrics',
      { verb: 'get', subresource: 'proxy', name: 'web' },
    ],
    [
      'GET',
      '/api/v1/proxy/namespaces/default/pods/web/metrics',
      { verb: 'proxy', resource: 'pods', name: 'web', subresource: undefined },
    ],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: undefined }],
    [
      'GET',
      '/api/v1/namespaces/kube-system',
      { verb: 'get', resource: 'namespaces', name: 'kube-system', namespace: 'kube-system' },
    ],
    [
      'PUT',
      '/api/v1/namespaces/kube-system/finalize',
      { verb: 'update', resource: 'namespaces', name: 'kube-system', subresource: 'finalize' },
    ],
    [
      'GET',
      '/api/v1/nodes/node-1/status',
      { verb: 'get', resource: 'nodes', name: 'node-1', subresource: 'status' },
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/prod/deployments/api',
      {
        verb: 'get',
        apiGroup: 'apps',
        apiVersion: 'v1',
        resource: 'deployments',
        name: 'api',
        namespace: 'prod',
      },
    ],
    [
      'GET',
      '/apis/apps/v1/deployments',
      { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: undefined },
    ],
    ['PATCH', '/apis/apps/v1/namespaces/prod/deployments/api/scale', { verb: 'patch', subresource: 'scale' }],
    [
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin',
      { verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' },
    ],
    [
      'DELETE',
      '/api/v1/namespaces/default/secrets?labelSelector=a%3Db',
      { verb: 'deletecollection', resource: 'secrets' },
    ],
  ];
  for (const [method, url, expected] of cases) {
    it(`${method} ${url}`, () => {
      const info = parseRequestInfo(method, url);
      expect(info.isResourceRequest).toBe(true);
      for (const [key, value] of Object.entries(expected))
        expect((info as unknown as Record<string, unknown>)[key], key).toBe(value);
    });
  }

  it('treats discovery and other non-resource URLs as such, verb = lower-case method', () => {
    for (const url of [
      '/version',
      '/api',
      '/apis',
      '/api/v1',
      '/apis/apps',
      '/apis/apps/v1',
      '/healthz',
      '/openapi/v2',
      '/',
      '',
      '/metrics',
    ]) {
      const info = parseRequestInfo('GET', url);
      expect(info.isResourceRequest, url).toBe(false);
      expect(info.verb).toBe('get');
    }
    expect(parseRequestInfo('POST', '/api/v1/watch').isResourceRequest).toBe(false);
  });

  it('never throws, and always gives a verb and a path (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'BREW'),
        fc.string({ maxLength: 120 }),
        (method, url) => {
          const info = parseRequestInfo(method, url);
          expect(typeof info.verb).toBe('string');
          expect(typeof info.path).toBe('string');
        },
      ),
      { numRuns: 2000 },
    );
    expect(parseRequestInfo('GET', '/api/v1/namespaces/%E0%A4%A/pods').isResourceRequest).toBe(true);
  });
});
