import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_SPECS, type ApiErrorBody, type ErrorCode } from '@o2o/shared';

/**
 * Errors Node's HTTP parser raises before Koa sees a request (oversized headers, malformed request lines) are
 * answered in the API's error shape instead of Node's bare status line, then the connection is closed (the parser
 * cannot continue on it). Installed on every HTTP server the app runs on (main.ts, the test harness).
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'REQUEST_HEADERS_TOO_LARGE' : 'VALIDATION_FAILED';
    const status = ERROR_SPECS[code].status;
    const body: ApiErrorBody = { code, message: code === 'VALIDATION_FAILED' ? 'Malformed HTTP request' : ERROR_SPECS[code].message, requestId: 'none' };
    const json = JSON.stringify(body);
    const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  });
}
