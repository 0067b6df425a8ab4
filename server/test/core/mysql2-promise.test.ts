import mysql from 'mysql2';
import * as mysqlPromise from 'mysql2/promise';
import { cacheMysql2PromiseWrapper } from '../../src/db/mysql2-promise';

describe('mysql2 promise wrapper cached once', () => {
  it('PoolConnection#promise() builds the same wrapper class without resolving a module per call', () => {
    cacheMysql2PromiseWrapper();
    cacheMysql2PromiseWrapper(); // idempotent
    const proto = (mysql as unknown as { PoolConnection: { prototype: { promise(this: unknown): unknown } } }).PoolConnection.prototype;
    expect(proto.promise.toString()).not.toContain('require(');
    const fake = { fake: true };
    const wrapped = proto.promise.call(fake) as { connection: unknown };
    expect(wrapped).toBeInstanceOf((mysqlPromise as unknown as { PromisePoolConnection: new () => unknown }).PromisePoolConnection);
    expect(wrapped.connection).toBe(fake);
  });
});
