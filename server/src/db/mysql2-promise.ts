import mysql from 'mysql2';
import * as mysqlPromise from 'mysql2/promise';

const PATCHED = Symbol.for('o2o.mysql2.promiseWrapperCached');

/**
 * mysql2 3.x resolves `require('./promise/pool_connection.js')` inside `PoolConnection#promise()` on every call,
 * and TypeORM 1.1 calls `promise()` once per query. In the bench:notify and bench:redeem profiles that module
 * resolution (path + package.json lookups) was 4–6 % of the server thread. This resolves the class once; the
 * wrapper built is the same class mysql2 would build. Idempotent.
 */
export function cacheMysql2PromiseWrapper(): void {
  const proto = (mysql as unknown as { PoolConnection: { prototype: Record<string | symbol, unknown> } }).PoolConnection.prototype;
  if (proto[PATCHED]) return;
  // The runtime export (mysql2/promise.js `exports.PromisePoolConnection`) is not in mysql2's typings.
  const Wrapper = (mysqlPromise as unknown as { PromisePoolConnection: new (c: unknown, p?: PromiseConstructor) => unknown }).PromisePoolConnection;
  if (typeof Wrapper !== 'function') return; // another mysql2 layout: keep its own promise()
  proto.promise = function promise(this: unknown, promiseImpl?: PromiseConstructor) {
    return new Wrapper(this, promiseImpl);
  };
  proto[PATCHED] = true;
}
