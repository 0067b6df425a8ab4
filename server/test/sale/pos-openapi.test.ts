import { ERROR_SPECS } from '@o2o/shared';
import { posRoutes } from '../../src/http/routes/pos.routes';
import { POS_OPERATIONS, SIGNED_REQUEST_ERRORS, errorsOf, posOpenApiDocument } from '../../src/modules/sale/pos-openapi';

/** The OpenAPI 3.1 description of the POS API against the routes actually mounted. */
describe('POS API OpenAPI document', () => {
  const doc = posOpenApiDocument() as any;

  it('describes every POS route with its method, and nothing else', () => {
    const routes = posRoutes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`).sort();
    const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(described).toEqual(routes);
    expect(routes.length).toBeGreaterThanOrEqual(5);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/pos/v1' }]);
  });

  it('every signed operation requires the signature scheme, declares its headers and lists the signature refusals; openapi.json is public', () => {
    expect(doc.components.securitySchemes.posSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Pos-Key' });
    expect(doc.components.securitySchemes.posSignature.description).toContain('HMAC-SHA256');
    for (const op of POS_OPERATIONS) {
      const o = doc.paths[op.path][op.method];
      if (op.signed === false) {
        expect(o.security).toEqual([]);
        continue;
      }
      expect(o.security).toEqual([{ posSignature: [] }]);
      expect(o.parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name)).toEqual(['X-Pos-Timestamp', 'X-Pos-Nonce', 'X-Pos-Signature', 'X-Pos-Store-Id']);
      expect(o['x-error-codes']).toEqual(expect.arrayContaining(SIGNED_REQUEST_ERRORS));
    }
  });

  it('every listed error code exists and appears under the response of its own status', () => {
    for (const op of POS_OPERATIONS) {
      const responses = doc.paths[op.path][op.method].responses;
      for (const code of errorsOf(op)) {
        const status = ERROR_SPECS[code].status;
        expect(responses[String(status)].content['application/json'].schema.allOf[1].properties.code.enum).toContain(code);
      }
      expect(responses[String(op.ok.status)]).toBeDefined();
    }
  });

  it('request schemas are those the routes validate with, plus the "memberCode or phone" rule', () => {
    const commit = doc.paths['/sales'].post.requestBody.content['application/json'].schema;
    expect(commit.required).toEqual(expect.arrayContaining(['items', 'receiptNo']));
    expect(commit.additionalProperties).toBe(false);
    expect(commit.oneOf).toEqual([{ required: ['memberCode'] }, { required: ['phone'] }]);
    // generated from the route's own zod schema: the same fields, the same patterns
    expect(Object.keys(commit.properties).sort()).toEqual(['couponId', 'items', 'memberCode', 'phone', 'receiptNo', 'usePoints']);
    expect(new RegExp(commit.properties.receiptNo.pattern).test('R-0001')).toBe(true);
    expect(new RegExp(commit.properties.receiptNo.pattern).test('a b')).toBe(false);
    const quote = doc.paths['/sales/quote'].post.requestBody.content['application/json'].schema;
    expect(quote.required).toEqual(['items']);
    expect(quote.not).toEqual({ required: ['memberCode', 'phone'] });
  });
});
